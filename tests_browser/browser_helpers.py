"""Helpers of the browser tests: ``s3emu serve`` in a child process, and a headless Chromium.

Chromium and its driver are Debian's (``/usr/bin/chromium``, ``/usr/bin/chromedriver``):
Selenium is pointed at that driver, so Selenium Manager never downloads anything.
"""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = os.environ.get("S3EMU_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("S3EMU_CHROMEDRIVER", "/usr/bin/chromedriver")


@contextlib.contextmanager
def serving(*args: str) -> Iterator[str]:
    """``s3emu serve ARGS`` in a child process on a free port; its endpoint URL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "s3emu", "serve", "--host", "127.0.0.1", "--port", "0",
         "--quiet", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=tempfile.gettempdir())
    assert child.stdout is not None
    line = child.stdout.readline()
    found = re.search(r"serving S3 on (http://\S+)", line)
    try:
        assert found, f"s3emu serve did not start: {line!r}"
        yield found.group(1)
    finally:
        child.terminate()
        child.wait(timeout=10)


def chromium(size: str = "1000,700", downloads: Path | None = None):
    """A new headless Chromium (Debian's) through Debian's chromedriver, its console log
    kept; files it downloads go to ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-dev-shm-usage", f"--window-size={size}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    return driver
