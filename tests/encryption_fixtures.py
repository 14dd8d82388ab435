"""Fixtures that run a test module twice: served in-process (``s3emu.mock_s3``) and by the
standalone server over TLS (``s3emu.Server(tls=True)``, one per module, reset per test).

Import them by name into a test module; they replace conftest's ``emu`` and ``s3``:
``make_client(region, **config)`` makes a boto3 client for the current target and ``verify``
is what ``requests`` checks the server's certificate with.
"""
from __future__ import annotations

import boto3
import botocore.config
import pytest

import s3emu


@pytest.fixture(scope="module")
def tls_server():
    with s3emu.Server(tls=True) as srv:
        yield srv


@pytest.fixture(params=["in-process", "tls"])
def target(request):
    """``(emulator, make_client, verify)``: in-process mock, or the TLS server (reset)."""
    if request.param == "in-process":
        with s3emu.mock_s3() as emulator:
            yield emulator, _in_process_client, True
        return
    srv = request.getfixturevalue("tls_server")
    srv.emulator.reset()

    def make(region: str = "us-east-1", **config: object):
        return boto3.client("s3", region_name=region, endpoint_url=srv.endpoint_url,
                            verify=srv.ca_path, aws_access_key_id="testing",
                            aws_secret_access_key="testing",
                            config=botocore.config.Config(**config) if config else None)
    yield srv.emulator, make, srv.ca_path


def _in_process_client(region: str = "us-east-1", **config: object):
    return boto3.client("s3", region_name=region, aws_access_key_id="testing",
                        aws_secret_access_key="testing",
                        config=botocore.config.Config(**config) if config else None)


@pytest.fixture
def emu(target):
    return target[0]


@pytest.fixture
def make_client(target):
    return target[1]


@pytest.fixture
def verify(target):
    """What ``requests`` verifies the server's certificate with."""
    return target[2]


@pytest.fixture
def s3(make_client):
    return make_client()
