"""Shared fixtures for s3emu's own tests.

``emu`` is a fresh Emulator served in-process (botocore patched by ``s3emu.mock_s3``); ``s3`` is
a boto3 client wired to it; ``bucket`` is a created bucket's name. Tests drive the emulator
through these real clients.
"""
from __future__ import annotations

import os

import boto3
import botocore.config
import pytest
from hypothesis import settings as hypothesis_settings

# CI runs the property tests with a fixed seed so that a landing never depends on luck; local
# runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

import s3emu

REGION = "us-east-1"


def make_client(region: str = REGION, **config: object):
    return boto3.client(
        "s3", region_name=region, aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(**config) if config else None)


@pytest.fixture
def emu():
    with s3emu.mock_s3() as emulator:
        yield emulator


@pytest.fixture
def s3(emu):
    return make_client()


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="test-bucket")
    return "test-bucket"


def error_of(excinfo) -> tuple[int, str]:
    """(HTTP status, error code) of a botocore ClientError caught by pytest.raises."""
    response = excinfo.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.fixture
def server():
    """A live ``s3emu.Server`` on 127.0.0.1 and a free port; its clock is the system clock.

    Use it without ``emu``/``s3`` (those patch botocore, which would serve requests in-process).
    """
    with s3emu.Server() as srv:
        yield srv
