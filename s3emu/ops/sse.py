"""Server-side encryption as far as the core needs it: SSE-S3 (AES256) and SSE-KMS headers are
accepted, validated and echoed. SSE-C rules live here as they grow.
"""
from __future__ import annotations

from typing import Any

from ..errors import InvalidArgument, NotImplemented_
from ..model.objects import ObjectVersion
from .registry import Call

_VALUES = ("AES256", "aws:kms", "aws:kms:dsse")


def from_request(call: Call) -> dict[str, Any]:
    """The encryption settings a write request asks for (S3 encrypts everything: AES256)."""
    headers = call.headers
    if any(h.startswith("x-amz-server-side-encryption-customer-") for h in headers):
        raise NotImplemented_("s3emu does not implement SSE-C yet.",
                              Header="x-amz-server-side-encryption-customer-algorithm")
    value = headers.get("x-amz-server-side-encryption")
    if value is None:
        return {}
    if value not in _VALUES:
        raise InvalidArgument("The encryption method specified is not supported",
                              ArgumentName="x-amz-server-side-encryption", ArgumentValue=value)
    out = {"x-amz-server-side-encryption": value}
    if value.startswith("aws:kms"):
        for name in ("x-amz-server-side-encryption-aws-kms-key-id",
                     "x-amz-server-side-encryption-context",
                     "x-amz-server-side-encryption-bucket-key-enabled"):
            if name in headers:
                out[name] = headers[name]
    return out


def etag_for(encryption: dict[str, Any], md5hex: str) -> str:
    """The ETag S3 gives a single-PUT object: the MD5 of the bytes (SSE-S3 / none)."""
    return f'"{md5hex}"'


def check_read_key(call: Call, version: ObjectVersion) -> None:
    """Reading an object: SSE-C key rules (none yet: SSE-C writes are refused)."""
    return None
