"""The WSGI pipeline: request -> address -> route -> authenticate -> throttle/faults ->
handler -> S3 response.

This is the one place that catches exceptions: an S3Error becomes S3's XML error (no body for
HEAD), anything else is logged with its traceback and answered as 500 InternalError. Every
request is journaled. Paths under ``/_s3emu/`` (no bucket can be named ``_s3emu``) go to the
admin API (:mod:`s3emu.admin`); a ``connection="reset"`` fault leaves as
:class:`~s3emu.faults.ConnectionReset` for the server to drop the connection.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import parse_qsl

from . import ops as _ops  # noqa: F401  (registers every handler)
from .admin import ADMIN_PATH, is_admin, serve as serve_admin
from .auth.identify import claimed_credential
from .errors import InternalError, MethodNotAllowed, NotImplemented_, S3Error, SlowDown
from .faults import ConnectionReset, truncated
from .operations import OPERATIONS
from .ops.registry import Call
from .protocol.reply import Reply
from .protocol.addressing import address
from .protocol.render import error_reply, respond
from .protocol.routing import near_misses, resolve, target_of
from .throttle import kind_of

if TYPE_CHECKING:
    from .emulator import Emulator

log = logging.getLogger("s3emu")

_SPECIAL_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length",
                    "CONTENT_MD5": "content-md5"}


#: The environ key of the request headers as sent, keyed by lower-case name (see
#: :func:`headers_as_sent`); the in-process path and the standalone server set it. Without it
#: the headers are read from the ``HTTP_*`` variables, where WSGI cannot tell ``_`` from ``-``.
HEADERS = "s3emu.headers"


def headers_as_sent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request headers keyed by their name as sent, in lower case (``x-amz-meta-a_b`` stays
    so, as S3 reads it); a repeated header's values joined by commas."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def request_headers(environ: dict[str, Any]) -> dict[str, str]:
    """Request headers keyed by lower-case name, read from a WSGI environ's variables."""
    headers = {}
    for name, value in environ.items():
        if name.startswith("HTTP_"):
            headers[name[5:].replace("_", "-").lower()] = value
        elif name in _SPECIAL_HEADERS and value != "":
            headers[_SPECIAL_HEADERS[name]] = value
    return headers


def parse_query(text: str) -> dict[str, str]:
    if not text:
        return {}
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    query = {}                  # nothing to decode: what parse_qsl gives, without its cost
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            query[name] = value
    return query


class _Seen:
    """What is known of a request so far, for its journal entry (whatever fails)."""

    __slots__ = ("method", "op", "bucket", "key", "access_key", "call", "fault", "throttled")

    def __init__(self, method: str) -> None:
        self.method = method
        self.op = self.bucket = self.key = self.access_key = None
        self.call: Call | None = None
        self.fault: Any = None
        self.throttled = False


def handle(emu: Emulator, environ: dict[str, Any],
           start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Serve one WSGI request with ``emu``."""
    if environ.get("PATH_INFO", "").startswith(ADMIN_PATH) and is_admin(environ):
        return serve_admin(emu, environ, start_response)
    request_id, host_id = emu.ids.request_ids()
    seen = _Seen(environ.get("REQUEST_METHOD", "GET").upper())
    try:
        reply = _serve(emu, environ, seen, request_id)
    except S3Error as error:
        reply = error_reply(error)
    except ConnectionReset:  # journaled, then raised for the server to drop the connection
        _journal(emu, seen, request_id, emu.clock.now(), status=0, error_code=None,
                 bytes_in=0, bytes_out=0)
        environ["s3emu.fault"] = "reset"
        raise
    except Exception:  # the one place unexpected errors are caught
        log.exception("internal error serving %s %s", seen.method, seen.op)
        reply = error_reply(InternalError())
    now = emu.clock.now()
    body = respond(reply, start_response, head=seen.method == "HEAD", request_id=request_id,
                   host_id=host_id, now=now)
    call = seen.call
    bytes_in = call._decoded.payload.size if call is not None and call._decoded else 0
    if seen.method == "HEAD":
        bytes_out = 0
    elif isinstance(reply.body, (bytes, bytearray, memoryview)):
        bytes_out = len(reply.body)
    else:
        bytes_out = reply.length or 0
    if seen.fault is not None and seen.fault.connection == "truncate":
        environ["s3emu.fault"] = "truncate"
        body, bytes_out = truncated(body, bytes_out, seen.fault.truncate_at)
    error_code = reply.xml[1].get("Code") if reply.xml and reply.xml[0] == "Error" else None
    _journal(emu, seen, request_id, now, status=reply.status, error_code=error_code,
             bytes_in=bytes_in, bytes_out=bytes_out)
    return body


def _serve(emu: Emulator, environ: dict[str, Any], seen: _Seen, request_id: str) -> Reply:
    """Route, authenticate, throttle, inject faults, authorize, then run the handler."""
    method = seen.method
    where = address(environ)
    seen.bucket, seen.key = bucket, key = where.bucket, where.key
    headers = environ.get(HEADERS)
    if headers is None:
        headers = request_headers(environ)
    query = parse_query(environ.get("QUERY_STRING", ""))
    target = target_of(bucket, key)
    seen.op = op = resolve(method, target, query, headers)
    if op is None:
        log.info("no route for %s %s; near: %s", method, target, near_misses(method, target))
        raise MethodNotAllowed(Method=method, ResourceType=target.upper())
    credential = claimed_credential(headers, query)
    seen.access_key = credential.access_key or None
    operation = OPERATIONS[op]
    user = emu.authenticate(credential, method, where, headers, query, environ, operation)
    if emu.throttle.enabled and bucket is not None:
        spent = key if key is not None else query.get("prefix")  # listings: their prefix
        seen.throttled = not emu.throttle.check(bucket, spent, kind_of(method))
        if seen.throttled:
            raise SlowDown()
    if emu.faults.active:
        seen.fault = fault = emu.faults.match(op, bucket, key)
        if fault is not None:
            fault.apply(emu.clock)  # virtual latency, then the injected error if any
            if fault.connection == "reset":
                raise ConnectionReset(f"s3emu fault {fault.id}: connection reset")
    handler = operation.handler
    if handler is None:
        raise NotImplemented_(f"s3emu does not implement {op} yet.", Operation=op)
    seen.call = call = Call(
        emulator=emu, store=emu.store, clock=emu.clock, operation=operation,
        method=method, bucket=bucket, key=key, query=query, headers=headers, environ=environ,
        request_id=request_id,
        region=where.region or credential.region or emu.region, user=user,
        secure=environ.get("wsgi.url_scheme") == "https"
        or bool(environ.get("s3emu.in_process")),
        virtual_host=where.virtual_host)
    emu.authorize(call)
    return handler(call)


def _journal(emu: Emulator, seen: _Seen, request_id: str, when: Any, *, status: int,
             error_code: str | None, bytes_in: int, bytes_out: int) -> None:
    emu.journal.record((            # Entry's fields, in order
        when, seen.op, seen.method, seen.bucket, seen.key, seen.access_key, status, error_code,
        bytes_in, bytes_out, request_id, seen.throttled, seen.fault is not None))

