"""Deterministic identifiers: request ids, host ids, version ids and upload ids.

Ids come from a seeded counter, so the same sequence of requests gives the same ids run after
run. This module imports only the standard library.
"""
from __future__ import annotations

import base64
import itertools
import threading
from binascii import b2a_base64
from hashlib import blake2b    # CPython's own: cheaper to start than OpenSSL's digests


class Ids:
    """A source of ids, deterministic for a given ``seed``."""

    def __init__(self, seed: str = "s3emu") -> None:
        self._seed = seed.encode()
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def _next(self, kind: bytes) -> bytes:
        with self._lock:
            n = next(self._counter)
        return blake2b(self._seed + kind + n.to_bytes(8, "big"), digest_size=32).digest()

    def request_id(self) -> str:
        """16 upper-case hex characters, like S3's ``x-amz-request-id``."""
        return self._next(b"req").hex()[:16].upper()

    @staticmethod
    def host_id(request_id: str) -> str:
        """A base64 ``x-amz-id-2`` derived from a request id."""
        return b2a_base64(blake2b(request_id.encode(), digest_size=52).digest(),
                          newline=False).decode()

    def version_id(self) -> str:
        """A 32-character URL-safe version id."""
        return base64.urlsafe_b64encode(self._next(b"ver")[:24]).decode()[:32]

    def upload_id(self) -> str:
        """An opaque multipart upload id."""
        return base64.urlsafe_b64encode(self._next(b"upl") + self._next(b"up2")).decode().rstrip("=")
