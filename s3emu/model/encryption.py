"""How an object (or an upload's object) is encrypted: SSE-S3, SSE-KMS or SSE-C, as values.

Nothing is encrypted (the bytes stay in memory as sent); these values are what S3 stores about
the encryption and reports back. The HTTP header echo is built from them by the handlers
(:mod:`s3emu.ops.support.sse`). An SSE-C value never holds the key, only its MD5 as the client
sent it and a salted digest to recognise it.

This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class SseS3:
    """SSE-S3 (``AES256``), the encryption of every object that names no other."""

    algorithm = "AES256"


@dataclass(frozen=True)
class SseKms:
    """SSE-KMS or DSSE-KMS."""

    #: ``aws:kms`` or ``aws:kms:dsse``
    algorithm: str
    #: the KMS key ARN S3 reports
    key_arn: str
    #: the encryption context as sent (base64 of a JSON string map); None if none
    context: str | None = None
    bucket_key: bool = False


@dataclass(frozen=True)
class SseC:
    """SSE-C: a key the client provides with every request."""

    #: the base64 MD5 of the key, as the client sent it
    key_md5: str
    #: a salted HMAC-SHA256 of the key (hex): what recognises it later
    key_digest: str

    algorithm = "AES256"


@dataclass(frozen=True)
class Unencrypted:
    """No encryption: an object written without encryption headers to a bucket of the era
    before default encryption (S3 before January 2023) that has no default rule."""

    algorithm = None


Encryption = Union[SseS3, SseKms, SseC, Unencrypted]

#: The SSE-S3 value (one is enough: it carries nothing).
SSE_S3 = SseS3()
#: The value of objects that are not encrypted.
UNENCRYPTED = Unencrypted()
