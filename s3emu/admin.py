"""The admin API: JSON endpoints under ``/_s3emu/`` to steer a running emulator.

No bucket can be named ``_s3emu`` (``_`` is not allowed in bucket names), so the path never
shadows an S3 bucket; on a virtual-hosted request (``bucket.localhost/_s3emu/x``) it is an
object key as usual. Admin requests are unsigned (a signed request under ``/_s3emu`` goes to
S3's pipeline, which refuses the bucket name as S3 does), not journaled and take no request id.

=======  ==========================  ==================================================
Method   Path                        What it does
=======  ==========================  ==================================================
GET      ``/_s3emu/``                this list
GET      ``/_s3emu/health``          ``{"status": "ok"}`` while the emulator serves: for
                                     container health checks, open to any caller (it
                                     reveals nothing), also with the admin API off
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
GET      ``/_s3emu/journal``         entries of the window; filter by query:
                                     ``?operation=GetObject&status=503&throttled=true``;
                                     ``last=N``; also ``total``, ``dropped``, ``limit``
POST     ``/_s3emu/journal/clear``   forget all entries (also ``DELETE /_s3emu/journal``)
GET      ``/_s3emu/usage``           ``emu.usage()``: objects and bytes per bucket, storage
                                     class and prefix
GET      ``/_s3emu/cost``            ``emu.cost_report()``: byte-hours, requests, retrievals,
                                     transitions and their cost at S3's list prices
GET      ``/_s3emu/ui/``             the dashboard (:mod:`s3emu.dashboard`): its page and
                                     assets need no header, its ``ui/api/`` calls do
GET      ``/_s3emu/notifications``   the destination ARNs event messages went to;
                                     ``?arn=ARN``: the messages delivered there, in order
POST     ``/_s3emu/notifications/    ``{"arn": "...", "url": "http://..."}``: POST each new
         forward``                   message for the ARN there (``"url": null`` stops)
POST     ``/_s3emu/notifications/    forget the delivered messages (also ``DELETE
         clear``                     /_s3emu/notifications``)
=======  ==========================  ==================================================

Errors are JSON too: ``{"error": "..."}`` with 400 (bad input), 403 (refused, see below), 404
(no such endpoint or fault) or 405 (wrong method).

Who may use it (:class:`AdminAccess`, ``emu.admin``): in-process requests (``mock_s3``) always
may. Over HTTP a request needs a loopback Host name (``localhost``, ``*.localhost``,
127.0.0.0/8, ``[::1]``, or a name allowed with ``hosts``), no foreign ``Origin``, and the header
:data:`ADMIN_HEADER` (any value, or the token if one is set), which a web page cannot send
cross-origin without a CORS grant that s3emu never gives: no DNS-rebinding or cross-site page
can reach it. Once the emulator is served on a non-loopback address the API is refused unless
enabled explicitly, and then needs a token. A ticking (real-time) clock is only ever moved
forward, so no expired presigned URL comes back to life. This module imports only the
standard library and s3emu's own modules below the emulator.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import math
import secrets
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Iterable, Protocol
from urllib.parse import parse_qsl, urlsplit

from . import dashboard
from .journal import Entry
from .messages import Inbound, Outcome
from .protocol.addressing import split_host

if TYPE_CHECKING:
    from .clock import Clock
    from .faults import Faults
    from .journal import Journal
    from .model.store import Store
    from .notifications import Notifications
    from .cost import CostReport
    from .usage import Usage
    from .throttle import Throttle

#: Every admin path starts with this; no bucket name can (``_`` is not allowed in them).
ADMIN_PATH = "/_s3emu"
#: The header every admin request over HTTP carries: ``X-S3emu-Admin: 1``, or the token.
ADMIN_HEADER = "X-S3emu-Admin"
#: The largest admin request body accepted (bytes).
MAX_BODY = 64 << 10
#: The clock is never moved (set or advanced) past this instant through the admin API.
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
_MAX_RATE = 10 ** 9
_MAX_LATENCY = 86_400
_ADVANCE_UNITS = ("seconds", "minutes", "hours", "days", "weeks")
_FAULT_FIELDS = ("operation", "bucket", "key", "error", "status", "message", "latency",
                 "connection", "truncate_at", "times", "after")
_BOOL = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


log = logging.getLogger("s3emu")


class Controls(Protocol):
    """What the admin API steers (an :class:`~s3emu.Emulator` is one)."""

    @property
    def admin(self) -> AdminAccess: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def throttle(self) -> Throttle: ...
    @property
    def faults(self) -> Faults: ...
    @property
    def journal(self) -> Journal: ...
    @property
    def notifications(self) -> Notifications: ...
    @property
    def store(self) -> Store: ...
    def usage(self) -> Usage: ...
    def cost_report(self) -> CostReport: ...
    def reset(self) -> None: ...


class AdminAccess:
    """Who may use the admin API (``emu.admin``).

    :param enabled: ``None`` (the default): on in-process and over HTTP on loopback, refused
        over HTTP once the emulator is served on a non-loopback address (see
        :meth:`served_on`); ``True``: on whatever the address (a non-loopback one then needs
        the token, made if not given); ``False``: off, in-process too.
    :param token: the value the :data:`ADMIN_HEADER` header must carry; ``None``: any
        non-empty value (``X-S3emu-Admin: 1``) on loopback.
    :param hosts: Host names accepted besides loopback ones (``"*"``: any name).
    """

    def __init__(self, enabled: bool | None = None, token: str | None = None,
                 hosts: Iterable[str] = ()) -> None:
        if enabled not in (None, True, False):
            raise ValueError("admin is None (loopback only), True or False")
        if token is not None and (not isinstance(token, str) or not token.strip()
                                  or not token.isascii() or not token.isprintable()):
            raise ValueError("the admin token is a non-empty string of printable ASCII")
        self.enabled = enabled
        self.token = token
        self.hosts = frozenset(_host_name(h) for h in hosts)
        #: a non-loopback address the emulator was served on (None: loopback only so far)
        self.exposed_on: str | None = None

    def served_on(self, host: str, enabled: bool | None = None) -> None:
        """Note that a server listens for the emulator on ``host`` (the standalone server
        calls this when it starts); ``enabled`` (if not None) replaces :attr:`enabled`.
        On a non-loopback address an enabled API gets a token if it has none."""
        if enabled is not None:
            self.enabled = enabled
        if not is_loopback_host(host):
            self.exposed_on = host or "0.0.0.0"
            if self.enabled and self.token is None:
                self.token = secrets.token_urlsafe(24)

    def check(self, inbound: Inbound, *, page: bool = False) -> None:
        """Raise a 403 :class:`AdminError` saying why, unless this request may proceed.
        ``page``: a static page of the dashboard, which a browser fetches by navigating (it
        cannot send the header): every rule but the header's."""
        if self.enabled is False:
            raise AdminError(403, "the admin API is turned off for this emulator "
                                  "(admin=False / s3emu serve --no-admin)")
        if inbound.in_process:
            return  # from the test process itself (mock_s3): no browser, no other process
        if self.exposed_on is not None and not self.enabled:
            raise AdminError(403, f"the admin API is refused: the emulator is served on the "
                                  f"non-loopback address {self.exposed_on!r}; enable it "
                                  f"explicitly with s3emu serve --admin (Server(admin=True)), "
                                  f"which then requires the admin token")
        host = _host_of(inbound)
        if not self._allowed(host):
            raise AdminError(403, f"the admin API answers only to loopback Host names "
                                  f"(localhost, *.localhost, 127.0.0.0/8, [::1]), not "
                                  f"{host[:100]!r}; allow others with s3emu serve "
                                  f"--admin-host NAME")
        origin = inbound.headers.get("origin")
        if origin is not None and not self._allowed(urlsplit(origin).netloc
                                                    if "//" in origin else origin):
            raise AdminError(403, f"the admin API refuses cross-origin requests (Origin "
                                  f"{origin[:100]!r})")
        if page:
            return
        value = inbound.headers.get(ADMIN_HEADER.lower(), "")
        if not value.strip():
            raise AdminError(403, f"admin requests need the header '{ADMIN_HEADER}: "
                                  f"{'<token>' if self.token else '1'}' (a web page cannot "
                                  f"send it)")
        if self.token is not None and not hmac.compare_digest(
                value.strip().encode("utf-8", "replace"), self.token.encode()):
            raise AdminError(403, f"wrong admin token in the {ADMIN_HEADER} header")

    def _allowed(self, host: str) -> bool:
        name = _host_name(host)
        return is_loopback_host(name) or "*" in self.hosts or name in self.hosts

    def __repr__(self) -> str:
        return (f"AdminAccess(enabled={self.enabled!r}, token={'set' if self.token else None},"
                f" hosts={sorted(self.hosts)!r})")


def _host_name(host: str) -> str:
    """A Host header's name: lower case, without the port and IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address (a Host header's, port allowed) is this machine's
    loopback: ``localhost``, ``*.localhost``, 127.0.0.0/8 or ``::1``."""
    name = _host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_of(inbound: Inbound) -> str:
    return str(inbound.headers.get("host") or inbound.environ.get("SERVER_NAME") or "")


class AdminError(Exception):
    """A refused admin request: HTTP ``status`` and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_admin(inbound: Inbound) -> bool:
    """Whether a request is for the admin API: path ``/_s3emu`` or below, no bucket in Host,
    and unsigned (a signed request there is an S3 request for bucket ``_s3emu``, which S3
    refuses with InvalidBucketName or NoSuchBucket)."""
    environ = inbound.environ
    path = environ.get("PATH_INFO", "")
    if path != ADMIN_PATH and not path.startswith(ADMIN_PATH + "/"):
        return False
    query = environ.get("QUERY_STRING", "")
    if "authorization" in inbound.headers or "Signature=" in query or \
            "AWSAccessKeyId=" in query:
        return False
    return split_host(_host_of(inbound))[0] is None


def serve(emu: Controls, inbound: Inbound) -> Outcome:
    """Answer one admin request with JSON."""
    environ = inbound.environ
    method = inbound.method
    parts = [p for p in environ.get("PATH_INFO", "")[len(ADMIN_PATH):].split("/") if p]
    try:
        if parts == ["health"] and method in ("GET", "HEAD"):
            status, data = 200, {"status": "ok"}     # reveals nothing: open to any caller
        elif parts[:1] == ["ui"]:
            answer = dashboard.serve(emu, inbound, parts[1:], emu.admin.check)
            if isinstance(answer, Outcome):
                return answer
            status, data = answer
        else:
            emu.admin.check(inbound)
            status, data = _dispatch(emu, method, parts, environ)
    except (AdminError, dashboard.Refused) as error:
        status, data = error.status, {"error": str(error)}
    except (TypeError, ValueError, ArithmeticError) as error:  # bad settings from the caller
        status, data = 400, {"error": str(error)[:500]}
    except Exception:  # never a traceback to the caller
        log.exception("internal error serving admin %s %s", method, environ.get("PATH_INFO"))
        status, data = 500, {"error": "internal error (logged by the emulator)"}
    body = json.dumps(data, indent=1, default=str).encode("utf-8") + b"\n"
    return Outcome(f"{status} {HTTPStatus(status).phrase}", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store")], [] if method == "HEAD" else [body])


def _dispatch(emu: Controls, method: str, parts: list[str],
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
    if route == "notifications":
        return _notifications(emu, method, rest, environ)
    if route == "usage" and not rest:
        _allow(method, "GET")
        return 200, emu.usage().to_dict()
    if route == "cost" and not rest:
        _allow(method, "GET")
        return 200, emu.cost_report().to_dict()
    raise AdminError(404, f"no admin endpoint /{'/'.join(parts)}; GET {ADMIN_PATH}/ lists them")


def _allow(method: str, *allowed: str) -> str:
    if method == "HEAD" and "GET" in allowed:
        return "GET"
    if method not in allowed:
        raise AdminError(405, f"use {' or '.join(allowed)} here")
    return method


def _clock(emu: Controls, method: str, rest: list[str],
           environ: dict[str, Any]) -> tuple[int, Any]:
    if not rest:
        _allow(method, "GET")
    elif rest == ["set"]:
        _allow(method, "POST")
        body = _json_body(environ)
        when = body.get("now")
        if not isinstance(when, str) or set(body) != {"now"}:
            raise AdminError(400, 'give the new time as {"now": "2030-01-01T00:00:00Z"}')
        try:
            parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
            parsed = parsed.astimezone(timezone.utc)
        except (ValueError, OverflowError):
            raise AdminError(400, f"not an ISO 8601 time: {when[:60]!r}") from None
        _within_range(parsed)
        if emu.clock.ticking and parsed < emu.clock.now():
            raise AdminError(403, "this clock follows real time: the admin API only moves it "
                                  "forward (moving it back would revive expired presigned "
                                  "URLs); set a frozen emulator's clock in-process instead")
        emu.clock.set(parsed)
    elif rest == ["advance"]:
        _allow(method, "POST")
        body = _json_body(environ)
        unknown = set(body) - set(_ADVANCE_UNITS)
        if unknown or not body or not all(_is_number(v) and v >= 0 for v in body.values()):
            raise AdminError(400, f"give numbers (0 or more) for any of "
                                  f"{', '.join(_ADVANCE_UNITS)}")
        try:
            step = timedelta(**body)
            _within_range(emu.clock.now() + step)
        except (OverflowError, ValueError):
            raise AdminError(400, "the clock cannot go that far") from None
        emu.clock.advance(step)
    else:
        raise AdminError(404, "clock endpoints: clock, clock/set, clock/advance")
    return 200, {"now": emu.clock.now().isoformat(), "ticking": emu.clock.ticking}


def _within_range(when: datetime) -> None:
    if not datetime(1970, 1, 1, tzinfo=timezone.utc) <= when < _LATEST:
        raise AdminError(400, "the clock stays between 1970 and 9000")


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    prefix = body.get("prefix")
    if prefix is not None and (not _is_whole(prefix) or not 0 <= prefix <= 1000):
        raise AdminError(400, "prefix must be a depth (a whole number, 0-1000) or null")
    for name in ("reads", "writes"):
        value = body.get(name)
        if value is not None and (not _is_number(value) or not 0 < value <= _MAX_RATE):
            raise AdminError(400, f"{name} must be a number of requests per second "
                                  f"(above 0, at most {_MAX_RATE:,}) or null")
    for name in ("burst", "read_burst", "write_burst"):
        value = body.get(name)
        if value is not None and (not _is_whole(value) or not 1 <= value <= _MAX_RATE):
            raise AdminError(400, f"{name} must be a whole number of requests (1-"
                                  f"{_MAX_RATE:,}) or null")
    if not isinstance(body.get("preset", ""), (str, type(None))):
        raise AdminError(400, 'preset must be "s3" or null')
    if not isinstance(body.get("enabled", True), bool):
        raise AdminError(400, "enabled must be true or false")
    if body.get("enabled") is False:
        return {}
    return {k: v for k, v in body.items() if k != "enabled"}


def _faults(emu: Controls, method: str, rest: list[str],
            environ: dict[str, Any]) -> tuple[int, Any]:
    if not rest:
        chosen = _allow(method, "GET", "POST", "DELETE")
        if chosen == "POST":
            body = _json_body(environ)
            unknown = set(body) - set(_FAULT_FIELDS)
            if unknown:
                raise AdminError(400, f"unknown fault fields: {', '.join(sorted(unknown))}")
            _check_fault(body)
            return 201, {"fault": emu.faults.add(**body).as_dict()}
        if chosen == "DELETE":
            emu.faults.clear()
    elif rest == ["clear"]:
        _allow(method, "POST")
        emu.faults.clear()
    elif len(rest) == 1 and rest[0].isascii() and rest[0].isdigit() and len(rest[0]) < 20:
        _allow(method, "DELETE")
        if not emu.faults.remove(int(rest[0])):
            raise AdminError(404, f"no pending fault {rest[0]}")
    else:
        raise AdminError(404, "fault endpoints: faults, faults/clear, faults/<id>")
    return 200, {"faults": [f.as_dict() for f in emu.faults.list()]}


def _journal(emu: Controls, method: str, rest: list[str],
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
        elif name in Entry._fields and name != "time":
            match[name] = value or None
        else:
            raise AdminError(400, f"cannot filter the journal by {name!r}")
    entries = emu.journal.filter(**match)
    if last is not None:
        entries = entries[-last:] if last else []
    journal = emu.journal
    return 200, {"count": len(entries), "total": journal.total, "dropped": journal.dropped,
                 "limit": journal.limit, "entries": [e.as_dict() for e in entries]}


def _notifications(emu: Controls, method: str, rest: list[str],
                   environ: dict[str, Any]) -> tuple[int, Any]:
    notifications = emu.notifications
    if rest == ["clear"] or (not rest and method == "DELETE"):
        _allow(method, "POST" if rest else "DELETE")
        notifications.clear()
        return 200, {"destinations": []}
    if rest == ["forward"]:
        _allow(method, "POST")
        body = _json_body(environ)
        arn, url = body.get("arn"), body.get("url")
        if not isinstance(arn, str) or not (url is None or isinstance(url, str)):
            raise AdminError(400, 'forward needs {"arn": "...", "url": "http://..." or null}')
        notifications.forward(arn, url)
        return 200, {"arn": arn, "url": url}
    if rest:
        raise AdminError(404, "notifications endpoints: notifications, notifications/forward, "
                              "notifications/clear")
    _allow(method, "GET")
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if set(query) - {"arn"}:
        raise AdminError(400, "notifications take only ?arn=<destination ARN>")
    if "arn" in query:
        messages = notifications.messages(query["arn"])
        return 200, {"arn": query["arn"], "count": len(messages), "messages": messages}
    return 200, {"destinations": notifications.destinations()}


_FAULT_TEXT = ("operation", "bucket", "key", "error", "message", "connection")
_FAULT_WHOLE = ("status", "truncate_at", "times", "after")


def _check_fault(body: dict[str, Any]) -> None:
    """JSON types of a fault's fields (the values themselves are checked by faults.add)."""
    for name in _FAULT_TEXT:
        if not isinstance(body.get(name), (str, type(None))):
            raise AdminError(400, f"{name} must be a string or null")
    for name in _FAULT_WHOLE:
        value = body.get(name)
        if value is not None and (not _is_whole(value) or abs(value) > 10 ** 12):
            raise AdminError(400, f"{name} must be a whole number or null")
    latency = body.get("latency")
    if latency is not None and (not _is_number(latency)
                                or not 0 <= latency <= _MAX_LATENCY):
        raise AdminError(400, f"latency must be 0 to {_MAX_LATENCY:,} seconds or null")


def _whole(name: str, value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise AdminError(400, f"{name} must be a whole number")
    return int(value)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    """The request body as a JSON object ({} if empty); 400 if it is too large, short,
    unreadable, not JSON, or not an object."""
    length = str(environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if length and not (length.isascii() and length.isdigit()):
        raise AdminError(400, "the Content-Length is not a number")
    if length and (len(length) > 12 or int(length) > MAX_BODY):
        raise AdminError(400, f"the request body is too large (at most {MAX_BODY:,} bytes)")
    if stream is None:
        want = 0
    elif length:
        want = int(length)
    elif environ.get("wsgi.input_terminated"):
        want = MAX_BODY + 1
    else:
        want = 0
    data = _read(stream, want)
    if len(data) > MAX_BODY:
        raise AdminError(400, f"the request body is too large (at most {MAX_BODY:,} bytes)")
    if length and len(data) < want:
        raise AdminError(400, f"the request body ended after {len(data)} of {want} bytes")
    if not data.strip():
        return {}
    try:
        body = json.loads(bytes(data), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise AdminError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise AdminError(400, "the request body must be a JSON object")
    return body


def _read(stream: Any, want: int) -> bytearray:
    """Up to ``want`` bytes of ``stream`` (fewer if it ends); 400 if it breaks."""
    data = bytearray()
    try:
        while len(data) < want:
            chunk = stream.read(want - len(data))
            if not chunk:
                break
            data += chunk
    except Exception:  # a broken, silent or garbled body (the server's IncompleteBody ...)
        raise AdminError(400, "the request body could not be read") from None
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_ENDPOINTS = [
    "GET /_s3emu/health", "POST /_s3emu/reset",
    "GET /_s3emu/clock", "POST /_s3emu/clock/set", "POST /_s3emu/clock/advance",
    "GET /_s3emu/throttle", "POST /_s3emu/throttle",
    "GET /_s3emu/faults", "POST /_s3emu/faults", "DELETE /_s3emu/faults/<id>",
    "POST /_s3emu/faults/clear",
    "GET /_s3emu/journal", "POST /_s3emu/journal/clear",
    "GET /_s3emu/notifications", "GET /_s3emu/notifications?arn=<arn>",
    "POST /_s3emu/notifications/forward", "POST /_s3emu/notifications/clear",
    "GET /_s3emu/usage", "GET /_s3emu/cost", "GET /_s3emu/ui/",
]
