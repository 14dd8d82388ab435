"""Reading request bodies from WSGI input, without joining them.

The body is read in blocks into a :class:`~s3emu.model.blob.Blob` (one segment per block); an
in-process caller can hand the body over as ``environ["s3emu.body"]`` (bytes, a memoryview or a
list of chunks) and
skip the read altogether. aws-chunked bodies are decoded here (see :mod:`.chunked`).

This module imports only the standard library, the model's Blob and the protocol package.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import IncompleteBody
from ..model.blob import EMPTY_BLOB, Blob
from . import chunked

_BLOCK = 8 << 20


def is_terminated(environ: Mapping[str, Any]) -> bool:
    return bool(environ.get("wsgi.input_terminated"))


def read_raw(environ: Mapping[str, Any]) -> Blob:
    """The raw request body; IncompleteBody when fewer bytes than Content-Length arrive."""
    given = environ.get("s3emu.body")
    if given is not None:
        return Blob(given) if type(given) is list else Blob.of(given)
    length_text = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return EMPTY_BLOB
    segments = []
    if length_text in (None, ""):
        if not is_terminated(environ):
            return EMPTY_BLOB
        while True:
            data = stream.read(_BLOCK)
            if not data:
                break
            segments.append(data)
        return Blob(segments)
    remaining = int(length_text)
    while remaining > 0:
        data = stream.read(min(remaining, _BLOCK))
        if not data:
            raise IncompleteBody()
        segments.append(data)
        remaining -= len(data)
    return Blob(segments)


def read_payload(environ: dict[str, Any], headers: Mapping[str, str]) -> chunked.Decoded:
    """The request payload: the raw body, or its aws-chunked decoding."""
    if not chunked.is_aws_chunked(headers):
        return chunked.Decoded(read_raw(environ))
    given = environ.get("s3emu.body")           # in-process: a small body is one bytes object
    decoded = chunked.decode_one_chunk(given) if type(given) is bytes else None
    if decoded is None:
        decoded = chunked.decode(read_raw(environ))
    declared = headers.get("x-amz-decoded-content-length")
    if declared is not None and declared != str(decoded.payload.size) and \
            declared.isdigit() and int(declared) != decoded.payload.size:
        raise IncompleteBody()
    return decoded
