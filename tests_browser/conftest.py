"""Fixtures of the browser tests (``make test-browser``): a live ``s3emu serve`` process, a
static page server on another port (a second origin), and headless Chromium driven by Selenium.
Screenshots go to ``$S3EMU_BROWSER_ARTIFACTS`` (default: a pytest temporary directory).
The helpers they use are in ``browser_helpers.py``.
"""
from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.config
import pytest
from browser_helpers import chromium, serving

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>s3emu CORS page</title></head>
<body><h1>s3emu CORS test page</h1><pre id="log">loaded</pre></body></html>
"""


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """``s3emu serve`` in a child process on a free port; its endpoint URL."""
    with serving() as url:
        yield url


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where the tests save screenshots (never the checkout)."""
    given = os.environ.get("S3EMU_BROWSER_ARTIFACTS")
    folder = Path(given) if given else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    driver = chromium()
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
