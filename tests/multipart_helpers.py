"""Helpers for the multipart tests (``test_multipart``, ``test_multipart_lists``): sizes and
bodies, ETags and checksums as S3 shows them, boto3 calls that create, upload and complete an
upload, and the error fields of a caught ClientError."""
from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import datetime, timezone

from s3emu.intercept import call_app

MIN = 1024                    # the emulator's minimum part size in these tests
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
A, B, C = b"a" * MIN, b"b" * MIN, b"tail"
MiB = 1 << 20


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(*parts: bytes) -> str:
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(parts)}"'


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def crc32(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def fields_of(excinfo) -> dict:
    error = dict(excinfo.value.response["Error"])
    error.pop("Code"), error.pop("Message")
    return error


def message_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def create(s3, bucket, key="obj", **kw) -> str:
    return s3.create_multipart_upload(Bucket=bucket, Key=key, **kw)["UploadId"]


def upload(s3, bucket, key, upload_id, *bodies, first=1, **kw) -> list[dict]:
    parts = []
    for n, body in enumerate(bodies, first):
        got = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=body,
                             **kw)
        parts.append({"PartNumber": n, "ETag": got["ETag"]})
    return parts


def complete(s3, bucket, key, upload_id, parts, **kw) -> dict:
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts}, **kw)


def raw(emu, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """An unsigned-by-SigV4 request straight to the app (auth off): (status, body, headers)."""
    emu.auth = "off"
    response = call_app(emu, method, "https://s3.amazonaws.com" + path,
                        {"Authorization": "AWS testing:x", **(headers or {})}, body)
    return response.status, response.read(), {k.lower(): v for k, v in response.headers}
