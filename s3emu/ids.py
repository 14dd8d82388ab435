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


_MASK64 = (1 << 64) - 1
#: request ids are made several at a time (one short loop, instead of the same cold code on
#: every request: saves 5.5-10.9 µs a request, ``bench/tricks.py``; in a hot loop it saves
#: nothing): first this many (a test makes few requests), then twice as many each time, up to
#: :data:`_MAX_BATCH`
_FIRST_BATCH = 4
_MAX_BATCH = 64


class Ids:
    """A source of ids, deterministic for a given ``seed``."""

    def __init__(self, seed: str = "s3emu") -> None:
        self._seed = seed.encode()
        self._offset = int.from_bytes(blake2b(self._seed, digest_size=8).digest(), "big")
        self._counter = itertools.count(1)
        self._requests = itertools.count(1)
        #: the next requests' (request id, host id) pairs, the next one last
        self._ready: list[tuple[str, str]] = []
        self._batch = _FIRST_BATCH
        self._lock = threading.Lock()

    def _next(self, kind: bytes) -> bytes:
        with self._lock:
            n = next(self._counter)
        return blake2b(self._seed + kind + n.to_bytes(8, "big"), digest_size=32).digest()

    def request_ids(self) -> tuple[str, str]:
        """The next request's ``x-amz-request-id`` and ``x-amz-id-2`` (see :meth:`host_id`).

        A request id is 16 upper-case hex characters, like S3's: a request counter, offset by
        the seed, through SplitMix64's mixing (one-to-one, so never the same id twice)."""
        try:
            return self._ready.pop()       # atomic: no lock needed
        except IndexError:
            return self._refill()

    def _refill(self) -> tuple[str, str]:
        with self._lock:
            if not self._ready:
                made = []
                for _ in range(self._batch):
                    z = (next(self._requests) + self._offset) * 0x9E3779B97F4A7C15 & _MASK64
                    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
                    z = (z ^ (z >> 27)) * 0x94D049BB133111EB & _MASK64
                    request_id = f"{z ^ (z >> 31):016X}"
                    made.append((request_id, self.host_id(request_id)))
                made.reverse()
                self._ready = made
                self._batch = min(2 * self._batch, _MAX_BATCH)
            return self._ready.pop()

    def request_id(self) -> str:
        """The next request's ``x-amz-request-id`` (see :meth:`request_ids`)."""
        return self.request_ids()[0]

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
        raw = self._next(b"upl") + self._next(b"up2")
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
