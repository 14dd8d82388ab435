"""What the client tests share: the live endpoint they talk to, and checks made with boto3.

boto3 only sets up and checks what the client under test cannot do or show itself (a bucket
for polars and DuckDB, the multipart ETag of what a client uploaded); every operation the
issue lists is done by the client under test wherever that client can do it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

ACCESS_KEY = SECRET = "testing"
REGION = "us-east-1"
#: Above every client's multipart threshold used here, and at least 20 MiB.
BIG_SIZE = 21 << 20
#: The part size the tests ask clients for (S3's smallest allowed part).
PART_SIZE = 5 << 20
_MULTIPART_ETAG = re.compile(r'"[0-9a-f]{32}-(\d+)"')


@dataclass(frozen=True)
class Endpoint:
    """A live s3emu: its URL, how it was started, and the credentials it accepts."""

    url: str
    kind: str
    access_key: str = ACCESS_KEY
    secret: str = SECRET
    region: str = REGION

    @property
    def host_port(self) -> str:
        """``127.0.0.1:PORT``, for clients that take host and port without a scheme."""
        return self.url.split("://", 1)[1]

    def boto3(self) -> Any:
        """A boto3 client for this endpoint."""
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret)

    def bucket(self, client: str) -> str:
        """A bucket name of its own for ``client`` on this endpoint."""
        return f"{client}-{self.kind}"


class Exported:
    """A context manager: set environment variables (None removes one), then put back what
    was there."""

    def __init__(self, values: dict[str, str | None]) -> None:
        self.values = values
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        for name, value in self.values.items():
            self.saved[name] = os.environ.get(name)
            _set(name, value)

    def __exit__(self, *exc: Any) -> None:
        for name, value in self.saved.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def exported(url: str) -> Exported:
    """What the ``s3emu_server`` fixture exports while it runs, for ``url``."""
    return Exported({"AWS_ENDPOINT_URL_S3": url, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                     "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": REGION,
                     "AWS_SESSION_TOKEN": None, "AWS_SECURITY_TOKEN": None})


def assert_multipart(endpoint: Endpoint, bucket: str, key: str, size: int) -> int:
    """Check that ``key`` holds ``size`` bytes stored by a multipart upload (its ETag is S3's
    ``"<md5 of the parts' md5s>-<part count>"``); returns the part count."""
    head = endpoint.boto3().head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == size
    found = _MULTIPART_ETAG.fullmatch(head["ETag"])
    assert found, f"{key} was not uploaded in parts: ETag {head['ETag']}"
    return int(found.group(1))


def keys_of(endpoint: Endpoint, bucket: str, prefix: str = "") -> list[str]:
    """Every key under ``prefix``, as boto3 lists them."""
    pages = endpoint.boto3().get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                       Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def bucket_exists(endpoint: Endpoint, bucket: str) -> bool:
    """Whether ``bucket`` exists (HeadBucket: 200 or 404)."""
    from botocore.exceptions import ClientError

    try:
        endpoint.boto3().head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise
    return True
