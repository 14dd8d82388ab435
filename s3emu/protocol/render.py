"""Turning a Reply or an S3Error into a WSGI response.

Every response carries ``x-amz-request-id``, ``x-amz-id-2``, ``Date`` and ``Server: AmazonS3``.
Errors become S3's ``<Error>`` XML body (Code, Message, the error's extra fields, RequestId,
HostId); a HEAD request gets headers only, as from S3.

This module imports only the standard library and the protocol package.
"""
from __future__ import annotations

import re
from datetime import datetime
from http import HTTPStatus
from typing import Any, Mapping
from collections.abc import Iterable

from ..errors import S3Error
from . import xml
from .dates import http_date
from .reply import Reply

#: bytes that XML 1.0 text cannot hold as they are: C0 controls (CR too: a parser reads it as
#: LF), and the UTF-8 of U+FFFE / U+FFFF
_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f]|\xef\xbf[\xbe\xbf]")
#: characters written as character references (as S3 writes them in keys: ``&#x1;``), and
#: undecodable bytes (lone surrogates here), written as U+FFFD
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"&#x{ord(char):X};"


def xml_safe(data: bytes) -> bytes:
    """A rendered XML body with what its text cannot hold as is written as S3 writes it:
    control characters (and CR, which a parser would turn into LF) and U+FFFE/U+FFFF as
    character references, bytes that are not UTF-8 as U+FFFD. Tab and LF are kept."""
    if _CONTROL.search(data) is None:
        if data.isascii():
            return data
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
    text = data.decode("utf-8", "surrogateescape")
    return _NOT_XML_TEXT.sub(_reference, text).encode("utf-8")


#: status code -> WSGI status line (``404 Not Found``)
STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def error_reply(error: S3Error) -> Reply:
    """The Reply for an S3Error; RequestId/HostId are added by :func:`respond`."""
    body: dict[str, Any] = {"Code": error.code, "Message": error.message}
    body.update(error.fields)
    return Reply(status=error.status, headers=dict(error.headers), xml=("Error", body))


def respond(reply: Reply, *, head: bool, request_id: str, host_id: str,
            now: datetime) -> tuple[str, list[tuple[str, str]], Iterable[Any]]:
    """The status line, headers and body chunks of ``reply``."""
    body = reply.body
    headers = reply.headers
    if reply.xml is not None:
        root, children = reply.xml
        if root == "Error" and isinstance(children, Mapping):
            children = {**children, "RequestId": request_id, "HostId": host_id}
            body = xml.render(root, children, namespace=False)
        else:
            body = xml.render(root, children)
        body = xml_safe(body)
        reply.body = body
        headers.setdefault("Content-Type", "application/xml")
    out = [("x-amz-request-id", request_id), ("x-amz-id-2", host_id),
           ("Date", http_date(now)), ("Server", "AmazonS3"), *headers.items()]
    if None in headers.values():        # a header left out
        out[4:] = [(name, value) for name, value in headers.items() if value is not None]
    if body is None or body == b"":     # most writes, HEAD
        if "Content-Length" not in headers:
            out.append(("Content-Length", "0"))
        chunks: Iterable[Any] = ()
    elif isinstance(body, (bytes, bytearray, memoryview)):
        if "Content-Length" not in headers:
            out.append(("Content-Length", str(len(body))))
        chunks = (body,)
    else:
        if reply.length is not None and "Content-Length" not in headers:
            out.append(("Content-Length", str(reply.length)))
        chunks = body
    status = STATUS_LINES.get(reply.status) or str(reply.status)
    if head or reply.status in (204, 304):
        return status, out, ()
    return status, out, chunks
