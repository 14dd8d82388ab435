"""Fixtures of the browser tests (``make test-browser``): a live ``s3emu serve`` process, a
static page server on another port (a second origin), and headless Chromium driven by Selenium.

Chromium and its driver are Debian's (``/usr/bin/chromium``, ``/usr/bin/chromedriver``):
Selenium is pointed at that driver, so Selenium Manager never downloads anything.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.config
import pytest

CHROMIUM = os.environ.get("S3EMU_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("S3EMU_CHROMEDRIVER", "/usr/bin/chromedriver")
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>s3emu CORS page</title></head>
<body><h1>s3emu CORS test page</h1><pre id="log">loaded</pre></body></html>
"""


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """``s3emu serve`` in a child process on a free port; its endpoint URL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "s3emu", "serve", "--host", "127.0.0.1", "--port", "0",
         "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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


@pytest.fixture(scope="session")
def page_origin() -> Iterator[str]:
    """A static page server (the page's origin, another port than the emulator's)."""
    root = Path(tempfile.mkdtemp(prefix="s3emu-page-"))
    (root / "index.html").write_text(PAGE)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def browser(page_origin):
    """Headless Chromium (Debian's) on the test page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-dev-shm-usage", "--window-size=1000,700"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    try:
        driver.get(page_origin + "/index.html")
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def s3(endpoint):
    """A boto3 client of the live server; presigned URLs are SigV4 (as browsers' apps use:
    SigV2 would sign the Content-Type the browser adds)."""
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(signature_version="s3v4"))
