"""Reading request bodies from WSGI input, without joining them.

The body is read in blocks into a :class:`~s3emu.model.blob.Blob` (one segment per block); an
in-process caller hands the body over (``given``: bytes, a memoryview or a list of chunks) and
skips the read altogether. aws-chunked bodies are decoded here (see :mod:`.chunked`).

This module imports only the standard library, the model's Blob and the protocol package.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Mapping

from ..errors import IncompleteBody, S3Error
from ..model.blob import EMPTY_BLOB, Blob
from . import chunked, numbers

#: A body cap: the most bytes read, and the error answered beyond them.
Cap = tuple[int, type[S3Error]]

_BLOCK = 8 << 20


def is_terminated(environ: Mapping[str, Any]) -> bool:
    return bool(environ.get("wsgi.input_terminated"))


def declared_length(environ: Mapping[str, Any]) -> int | None:
    """The body length CONTENT_LENGTH declares; None if absent or not a number (a WSGI
    server refuses a malformed Content-Length before the app sees it)."""
    return numbers.count(environ.get("CONTENT_LENGTH"))


def _refuse_over(size: int | None, cap: Cap | None) -> None:
    if cap is not None and size is not None and size > cap[0]:
        raise cap[1]()


def read_raw(environ: Mapping[str, Any], cap: Cap | None = None, given: Any = None) -> Blob:
    """The raw request body; IncompleteBody when fewer bytes than Content-Length arrive.

    With ``cap`` (``(most bytes, error class)``) a body declared longer is refused before a
    byte is read, and a body of unknown length is read no further than one byte past the cap.
    """
    if given is not None:
        blob = Blob(given) if type(given) is list else Blob.of(given)
        _refuse_over(blob.size, cap)
        return blob
    length = declared_length(environ)
    stream = environ.get("wsgi.input")
    if stream is None:
        return EMPTY_BLOB
    _refuse_over(length, cap)
    segments = []
    if length is None:
        if not is_terminated(environ):
            return EMPTY_BLOB
        room = cap[0] + 1 if cap is not None else None
        while room is None or room > 0:
            data = stream.read(_BLOCK if room is None else min(_BLOCK, room))
            if not data:
                break
            segments.append(data)
            if room is not None:
                room -= len(data)
        blob = Blob(segments)
        _refuse_over(blob.size, cap)
        return blob
    remaining = length
    while remaining > 0:
        data = stream.read(min(remaining, _BLOCK))
        if not data:
            raise IncompleteBody()
        segments.append(data)
        remaining -= len(data)
    return Blob(segments)


def _raw_cap(cap: Cap | None) -> Cap | None:
    """The cap on an aws-chunked body's raw bytes: the payload's, plus room for the framing
    (chunk sizes, signatures, trailers)."""
    return None if cap is None else (2 * cap[0] + (64 << 10), cap[1])


def read_payload(environ: dict[str, Any], headers: Mapping[str, str],
                 cap: Cap | None = None, given: Any = None) -> chunked.Decoded:
    """The request payload: the raw body (``given`` if the edge holds it, else read from
    ``wsgi.input``), or its aws-chunked decoding (at most ``cap``)."""
    if not chunked.is_aws_chunked(headers):
        return chunked.Decoded(read_raw(environ, cap, given))
    declared = headers.get("x-amz-decoded-content-length")
    size = numbers.count(declared)
    _refuse_over(size, cap)
    # a small body handed over whole (in-process) is one bytes object: decoded in one step
    decoded = chunked.decode_one_chunk(given) if type(given) is bytes else None
    if decoded is None:
        decoded = chunked.decode(read_raw(environ, _raw_cap(cap), given))
    _refuse_over(decoded.payload.size, cap)
    if declared is not None and size is not None and size != decoded.payload.size:
        raise IncompleteBody()
    return decoded
