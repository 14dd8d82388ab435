"""Fixtures of the client integration tests (``make test-clients``).

These tests drive s3emu with S3 clients that are not botocore-in-process: pyarrow (the AWS SDK
for C++), polars (Rust object_store), DuckDB (httpfs), s3fs (aiobotocore), minio-py,
smart_open and the AWS CLI. Each one talks HTTP to a live server, with signature checks on,
exactly as it would talk to S3 (``test_aio_inprocess.py`` is the exception: aiobotocore,
aioboto3 and s3fs served in-process by ``mock_s3``, which needs them installed).

``endpoint`` is parametrized, so every client test runs twice:

- ``fixture``: the pytest plugin's ``s3emu_server`` fixture (a ``s3emu.Server`` in a thread of
  this process, with ``AWS_*`` variables exported while it runs);
- ``serve``: ``python -m s3emu serve --port 0`` in a subprocess, started once per session and
  reached like any S3 endpoint (the same variables are exported during each test).

Every test uses bucket names of its own, so the session-wide ``serve`` process needs no reset.
These tests live outside ``tests/`` so that ``make test`` never needs the heavy clients.
"""
from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from support import BIG_SIZE, Endpoint, Exported, exported

ROOT = Path(__file__).resolve().parent.parent
#: s3emu is imported from the checkout (a bare source tree): children get it on PYTHONPATH too;
#: otherwise they import the installed wheel, from a working directory outside the checkout.
FROM_SOURCE = Path(__import__("s3emu").__file__).resolve().parent == ROOT / "s3emu"
_ENDPOINT_LINE = re.compile(r"serving S3 on (https?://\S+)")

try:  # installed (make test-clients): the plugin's fixture is registered by its entry point
    import s3emu_pytest  # noqa: F401
except ImportError:  # a bare source tree on PYTHONPATH: a stand-in that behaves the same
    @pytest.fixture
    def s3emu_server() -> Iterator[Any]:
        import s3emu

        with s3emu.Server(s3emu.Emulator(clock=s3emu.Clock.system())) as server:
            with exported(server.endpoint_url):
                yield server


@pytest.fixture(scope="session", autouse=True)
def _no_real_aws() -> Iterator[None]:
    """No client may find real credentials, a profile or the instance metadata service."""
    with Exported({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": None,
                   "AWS_PAGER": ""}):
        yield


@pytest.fixture(scope="session")
def s3emu_serve() -> Iterator[str]:
    """``python -m s3emu serve --port 0`` for the session; yields its endpoint URL."""
    env = dict(os.environ)  # the installed s3emu (make test-clients installs the wheel)
    if FROM_SOURCE:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "s3emu", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        cwd=tempfile.gettempdir())
    try:
        yield _endpoint_line(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _endpoint_line(process: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """The endpoint URL from the first line ``s3emu serve`` prints."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            found = _ENDPOINT_LINE.search(process.stdout.readline())
            if found:
                return found.group(1)
    process.kill()
    _, stderr = process.communicate()
    raise RuntimeError(f"s3emu serve did not start: {stderr}")


@pytest.fixture(params=["fixture", "serve"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[Endpoint]:
    """A live s3emu with auth on: the ``s3emu_server`` fixture, then ``s3emu serve``."""
    if request.param == "fixture":
        server = request.getfixturevalue("s3emu_server")
        yield Endpoint(server.endpoint_url, "fixture")
        return
    url = request.getfixturevalue("s3emu_serve")
    with exported(url):
        yield Endpoint(url, "serve")


@pytest.fixture(scope="session")
def big() -> bytes:
    """21 MiB of random bytes: the multipart object every client uploads."""
    return os.urandom(BIG_SIZE)
