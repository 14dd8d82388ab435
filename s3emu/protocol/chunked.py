"""``aws-chunked`` request bodies, decoded without copying the payload.

S3's streaming uploads frame the payload as ``<hex-size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n``
chunks, a zero-size final chunk, then optional trailer lines (``x-amz-checksum-crc32:...``,
``x-amz-trailer-signature:...``) and an empty line. :func:`decode` walks that framing over a
:class:`~s3emu.model.blob.Blob` of the raw body and returns the payload as a Blob sharing the
raw segments, the chunk signatures (for verification along the chain) and the trailers.

This module imports only the standard library and the model's Blob.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import IncompleteBody, InvalidArgument
from ..model.blob import Blob

_MAX_LINE = 4096


@dataclass
class Decoded:
    """A decoded aws-chunked body."""

    payload: Blob
    #: ``(signature or None, chunk data)`` for every chunk, the final empty one included
    chunks: list[tuple[str | None, Blob]] = field(default_factory=list)
    #: trailer headers, names lower-cased (``x-amz-trailer-signature`` excluded)
    trailers: dict[str, str] = field(default_factory=dict)
    trailer_signature: str | None = None


def _line(raw: Blob, pos: int) -> tuple[str, int]:
    """The CRLF-terminated line at ``pos`` (without CRLF) and the position after it."""
    window = raw.tobytes(pos, pos + _MAX_LINE)
    end = window.find(b"\r\n")
    if end < 0:
        if len(window) < _MAX_LINE:
            raise IncompleteBody()
        raise InvalidArgument("Malformed aws-chunked body: chunk header too long")
    try:
        return window[:end].decode("ascii"), pos + end + 2
    except UnicodeDecodeError:
        raise InvalidArgument("Malformed aws-chunked body: non-ASCII chunk header") from None


def decode(raw: Blob) -> Decoded:
    """Decode ``raw``; IncompleteBody if it ends early, InvalidArgument if it is garbled."""
    pos = 0
    pieces: list[Blob] = []
    chunks: list[tuple[str | None, Blob]] = []
    while True:
        header, pos = _line(raw, pos)
        size_text, _, ext = header.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise InvalidArgument("Malformed aws-chunked body: bad chunk size") from None
        if size < 0:
            raise InvalidArgument("Malformed aws-chunked body: bad chunk size")
        signature = None
        if ext:
            name, _, value = ext.partition("=")
            if name.strip() == "chunk-signature":
                signature = value.strip()
        if pos + size > raw.size:
            raise IncompleteBody()
        data = raw.slice(pos, pos + size)
        pos += size
        chunks.append((signature, data))
        if size == 0:
            break
        pieces.append(data)
        if raw.tobytes(pos, pos + 2) != b"\r\n":
            raise IncompleteBody() if pos + 2 > raw.size else InvalidArgument(
                "Malformed aws-chunked body: chunk data not followed by CRLF")
        pos += 2
    trailers: dict[str, str] = {}
    trailer_signature = None
    while pos < raw.size:
        line, pos = _line(raw, pos)
        if not line:
            break
        name, sep, value = line.partition(":")
        if not sep:
            raise InvalidArgument("Malformed aws-chunked body: bad trailer line")
        name = name.strip().lower()
        if name == "x-amz-trailer-signature":
            trailer_signature = value.strip()
        else:
            trailers[name] = value.strip()
    return Decoded(Blob.concat(pieces), chunks, trailers, trailer_signature)


def is_aws_chunked(headers: dict[str, str]) -> bool:
    """True if the request body is aws-chunked framed (by Content-Encoding or content SHA)."""
    if headers.get("x-amz-content-sha256", "").startswith("STREAMING-"):
        return True
    return "aws-chunked" in headers.get("content-encoding", "")
