"""Turning a Reply or an S3Error into a WSGI response.

Every response carries ``x-amz-request-id``, ``x-amz-id-2``, ``Date`` and ``Server: AmazonS3``.
Errors become S3's ``<Error>`` XML body (Code, Message, the error's extra fields, RequestId,
HostId); a HEAD request gets headers only, as from S3.

This module imports only the standard library and the protocol package.
"""
from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any, Callable, Iterable

from ..errors import S3Error
from . import xml
from .dates import http_date
from .reply import Reply

#: status code -> WSGI status line (``404 Not Found``)
STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def error_reply(error: S3Error) -> Reply:
    """The Reply for an S3Error; RequestId/HostId are added by :func:`respond`."""
    body: dict[str, Any] = {"Code": error.code, "Message": error.message}
    body.update(error.fields)
    return Reply(status=error.status, headers=dict(error.headers), xml=("Error", body))


def respond(reply: Reply, start_response: Callable[..., Any], *, head: bool, request_id: str,
            host_id: str, now: datetime) -> Iterable[bytes]:
    """Start the WSGI response for ``reply`` and return its body iterable."""
    body = reply.body
    headers = reply.headers
    if reply.xml is not None:
        root, children = reply.xml
        if root == "Error":
            children = {**children, "RequestId": request_id, "HostId": host_id}
            body = xml.render(root, children, namespace=False)
        else:
            body = xml.render(root, children)
        reply.body = body
        headers.setdefault("Content-Type", "application/xml")
    out = [("x-amz-request-id", request_id), ("x-amz-id-2", host_id),
           ("Date", http_date(now)), ("Server", "AmazonS3")]
    if None in headers.values():
        for name, value in headers.items():
            if value is not None:
                out.append((name, value))
    else:
        out += headers.items()
    if body is None:
        body = b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        if "Content-Length" not in headers:
            out.append(("Content-Length", str(len(body))))
        chunks: Iterable[Any] = (body,) if body else ()
    else:
        if reply.length is not None and "Content-Length" not in headers:
            out.append(("Content-Length", str(reply.length)))
        chunks = body
    start_response(STATUS_LINES.get(reply.status, str(reply.status)), out)
    if head or reply.status in (204, 304):
        return ()
    return chunks
