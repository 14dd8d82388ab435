"""The admin API: JSON endpoints under ``/_s3emu/`` to steer a running emulator.

No bucket can be named ``_s3emu`` (``_`` is not allowed in bucket names), so the path never
shadows an S3 bucket; on a virtual-hosted request (``bucket.localhost/_s3emu/x``) it is an
object key as usual. Admin requests are unsigned (a signed request under ``/_s3emu`` goes to
S3's pipeline, which refuses the bucket name as S3 does), not journaled and take no request id.

=======  ==========================  ==================================================
Method   Path                        What it does
=======  ==========================  ==================================================
GET      ``/_s3emu/``                this list
POST     ``/_s3emu/reset``           ``emu.reset()``: empty state, same configuration
GET      ``/_s3emu/clock``           ``{"now": ISO 8601, "ticking": bool}``
POST     ``/_s3emu/clock/set``       ``{"now": "2030-01-01T00:00:00Z"}``
POST     ``/_s3emu/clock/advance``   ``{"seconds": 90}`` (also minutes, hours, days)
GET      ``/_s3emu/throttle``        the throttle settings
POST     ``/_s3emu/throttle``        new settings: ``{"preset": "s3"}``, ``{"reads": 10,
                                     "writes": 5, "burst": 10, "prefix": 1}``, ``{}`` (off)
GET      ``/_s3emu/faults``          pending faults
POST     ``/_s3emu/faults``          add one: ``{"operation": "GetObject", "error":
                                     "InternalError", "times": 1}`` -> 201
DELETE   ``/_s3emu/faults/<id>``     remove one
POST     ``/_s3emu/faults/clear``    remove all (also ``DELETE /_s3emu/faults``)
GET      ``/_s3emu/journal``         entries; filter by query: ``?operation=GetObject&
                                     status=503&throttled=true``; ``last=N``
POST     ``/_s3emu/journal/clear``   forget all entries (also ``DELETE /_s3emu/journal``)
=======  ==========================  ==================================================

Errors are JSON too: ``{"error": "..."}`` with 400 (bad input), 404 (no such endpoint or
fault) or 405 (wrong method). This module imports only the standard library and s3emu's own
modules below the emulator.
"""
from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import parse_qsl

from .journal import Entry
from .protocol.addressing import split_host

if TYPE_CHECKING:
    from .emulator import Emulator

#: Every admin path starts with this; no bucket name can (``_`` is not allowed in them).
ADMIN_PATH = "/_s3emu"
_MAX_BODY = 1 << 20
_ADVANCE_UNITS = ("seconds", "minutes", "hours", "days", "weeks")
_FAULT_FIELDS = ("operation", "bucket", "key", "error", "status", "message", "latency",
                 "connection", "truncate_at", "times", "after")
_BOOL = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class AdminError(Exception):
    """A refused admin request: HTTP ``status`` and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_admin(environ: dict[str, Any]) -> bool:
    """Whether a request is for the admin API: path ``/_s3emu`` or below, no bucket in Host,
    and unsigned (a signed request there is an S3 request for bucket ``_s3emu``, which S3
    refuses with InvalidBucketName or NoSuchBucket)."""
    path = environ.get("PATH_INFO", "")
    if path != ADMIN_PATH and not path.startswith(ADMIN_PATH + "/"):
        return False
    query = environ.get("QUERY_STRING", "")
    if "HTTP_AUTHORIZATION" in environ or "Signature=" in query or "AWSAccessKeyId=" in query:
        return False
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    return split_host(host)[0] is None


def serve(emu: Emulator, environ: dict[str, Any],
          start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer one admin request with JSON."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    parts = [p for p in environ.get("PATH_INFO", "")[len(ADMIN_PATH):].split("/") if p]
    try:
        status, data = _dispatch(emu, method, parts, environ)
    except AdminError as error:
        status, data = error.status, {"error": str(error)}
    except (TypeError, ValueError) as error:  # bad settings from the caller
        status, data = 400, {"error": str(error)}
    body = json.dumps(data, indent=1, default=str).encode("utf-8") + b"\n"
    start_response(f"{status} {HTTPStatus(status).phrase}", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store")])
    return [] if method == "HEAD" else [body]


def _dispatch(emu: Emulator, method: str, parts: list[str],
              environ: dict[str, Any]) -> tuple[int, Any]:
    route = parts[0] if parts else ""
    rest = parts[1:]
    if route == "" and not rest:
        _allow(method, "GET")
        return 200, {"endpoints": _ENDPOINTS}
    if route == "reset" and not rest:
        _allow(method, "POST")
        emu.reset()
        return 200, {"reset": True}
    if route == "clock":
        return _clock(emu, method, rest, environ)
    if route == "throttle" and not rest:
        if _allow(method, "GET", "POST") == "POST":
            emu.throttle.configure(_settings(_json_body(environ)))
        return 200, emu.throttle.settings()
    if route == "faults":
        return _faults(emu, method, rest, environ)
    if route == "journal":
        return _journal(emu, method, rest, environ)
    raise AdminError(404, f"no admin endpoint /{'/'.join(parts)}; GET {ADMIN_PATH}/ lists them")


def _allow(method: str, *allowed: str) -> str:
    if method == "HEAD" and "GET" in allowed:
        return "GET"
    if method not in allowed:
        raise AdminError(405, f"use {' or '.join(allowed)} here")
    return method


def _clock(emu: Emulator, method: str, rest: list[str],
           environ: dict[str, Any]) -> tuple[int, Any]:
    if not rest:
        _allow(method, "GET")
    elif rest == ["set"]:
        _allow(method, "POST")
        when = _json_body(environ).get("now")
        if not isinstance(when, str):
            raise AdminError(400, 'give the new time as {"now": "2030-01-01T00:00:00Z"}')
        emu.clock.set(when)
    elif rest == ["advance"]:
        _allow(method, "POST")
        body = _json_body(environ)
        unknown = set(body) - set(_ADVANCE_UNITS)
        if unknown or not body or not all(_is_number(v) for v in body.values()):
            raise AdminError(400, f"give numbers for any of {', '.join(_ADVANCE_UNITS)}")
        emu.clock.advance(timedelta(**body))
    else:
        raise AdminError(404, "clock endpoints: clock, clock/set, clock/advance")
    return 200, {"now": emu.clock.now().isoformat(), "ticking": emu.clock.ticking}


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    prefix = body.get("prefix")
    if prefix is not None and (isinstance(prefix, bool) or not isinstance(prefix, int)):
        raise AdminError(400, "prefix must be a depth (a whole number) or null")
    if body.get("enabled") is False:
        return {}
    return {k: v for k, v in body.items() if k != "enabled"}


def _faults(emu: Emulator, method: str, rest: list[str],
            environ: dict[str, Any]) -> tuple[int, Any]:
    if not rest:
        chosen = _allow(method, "GET", "POST", "DELETE")
        if chosen == "POST":
            body = _json_body(environ)
            unknown = set(body) - set(_FAULT_FIELDS)
            if unknown:
                raise AdminError(400, f"unknown fault fields: {', '.join(sorted(unknown))}")
            return 201, {"fault": emu.faults.add(**body).as_dict()}
        if chosen == "DELETE":
            emu.faults.clear()
    elif rest == ["clear"]:
        _allow(method, "POST")
        emu.faults.clear()
    elif len(rest) == 1 and rest[0].isdigit():
        _allow(method, "DELETE")
        if not emu.faults.remove(int(rest[0])):
            raise AdminError(404, f"no pending fault {rest[0]}")
    else:
        raise AdminError(404, "fault endpoints: faults, faults/clear, faults/<id>")
    return 200, {"faults": [f.as_dict() for f in emu.faults.list()]}


def _journal(emu: Emulator, method: str, rest: list[str],
             environ: dict[str, Any]) -> tuple[int, Any]:
    if rest == ["clear"] or (not rest and method == "DELETE"):
        _allow(method, "POST" if rest else "DELETE")
        emu.journal.clear()
        return 200, {"count": 0, "entries": []}
    if rest:
        raise AdminError(404, "journal endpoints: journal, journal/clear")
    _allow(method, "GET")
    match: dict[str, Any] = {}
    last = None
    for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        if name == "last":
            last = _whole(name, value)
        elif name in ("status", "bytes_in", "bytes_out"):
            match[name] = _whole(name, value)
        elif name in ("throttled", "faulted"):
            if value.lower() not in _BOOL:
                raise AdminError(400, f"{name} must be true or false")
            match[name] = _BOOL[value.lower()]
        elif name in Entry.__dataclass_fields__ and name != "time":
            match[name] = value or None
        else:
            raise AdminError(400, f"cannot filter the journal by {name!r}")
    entries = emu.journal.filter(**match)
    if last is not None:
        entries = entries[-last:] if last else []
    return 200, {"count": len(entries), "entries": [e.as_dict() for e in entries]}


def _whole(name: str, value: str) -> int:
    if not value.isdigit():
        raise AdminError(400, f"{name} must be a whole number")
    return int(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None:
        data = b""
    elif length.isdigit():
        data = stream.read(min(int(length), _MAX_BODY + 1))
    elif environ.get("wsgi.input_terminated"):
        data = stream.read(_MAX_BODY + 1)
    else:
        data = b""
    if len(data) > _MAX_BODY:
        raise AdminError(400, "the request body is too large")
    if not data.strip():
        return {}
    try:
        body = json.loads(data)
    except ValueError:
        raise AdminError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise AdminError(400, "the request body must be a JSON object")
    return body


_ENDPOINTS = [
    "POST /_s3emu/reset",
    "GET /_s3emu/clock", "POST /_s3emu/clock/set", "POST /_s3emu/clock/advance",
    "GET /_s3emu/throttle", "POST /_s3emu/throttle",
    "GET /_s3emu/faults", "POST /_s3emu/faults", "DELETE /_s3emu/faults/<id>",
    "POST /_s3emu/faults/clear",
    "GET /_s3emu/journal", "POST /_s3emu/journal/clear",
]
