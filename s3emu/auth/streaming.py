"""Streaming SigV4 uploads: the chunk signature chain of ``aws-chunked`` bodies.

With ``x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` every chunk (the final empty
one included) carries ``chunk-signature=<hex>``, the HMAC of::

    AWS4-HMAC-SHA256-PAYLOAD\\n<timestamp>\\n<scope>\\n<previous signature>\\n
    <sha256 of "">\\n<sha256 of the chunk data>

chained from the Authorization header's (seed) signature. ``...-PAYLOAD-TRAILER`` also signs
the trailer lines (``x-amz-trailer-signature``) with ``AWS4-HMAC-SHA256-TRAILER``. A missing or
wrong signature anywhere is SignatureDoesNotMatch. :func:`chunk_verifier` returns the check the
request runs once its body has been read and decoded.

This module imports only the standard library, errors and the auth package.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from collections.abc import Callable

from .signing import EMPTY_SHA256, mismatch, same, sha256_hex, sign_hex

if TYPE_CHECKING:
    from ..protocol.chunked import Decoded
    from .request import Verified


def chunk_verifier(verified: Verified, *, trailer: bool) -> Callable[[Decoded], None]:
    """The check of a decoded body's chunk signatures, chained from ``verified``."""
    key = verified.key
    assert key is not None
    head = f"AWS4-HMAC-SHA256-PAYLOAD\n{verified.timestamp}\n{verified.scope}\n"
    access_key = verified.user.access_key

    def check(decoded: Decoded) -> None:
        previous = verified.signature
        for provided, data in decoded.chunks:
            digest = hashlib.sha256()
            for segment in data.segments:
                digest.update(segment)
            to_sign = f"{head}{previous}\n{EMPTY_SHA256}\n{digest.hexdigest()}"
            expected = sign_hex(key, to_sign)
            if provided is None or not same(provided, expected):
                raise mismatch(access_key, to_sign, provided or "")
            previous = expected
        if trailer:
            lines = "".join(f"{name}:{value}\n" for name, value in decoded.trailers.items())
            to_sign = (f"AWS4-HMAC-SHA256-TRAILER\n{verified.timestamp}\n{verified.scope}\n"
                       f"{previous}\n{sha256_hex(lines)}")
            provided = decoded.trailer_signature
            if provided is None or not same(provided, sign_hex(key, to_sign)):
                raise mismatch(access_key, to_sign, provided or "")

    return check
