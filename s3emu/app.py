"""The pipeline: request -> address -> route -> authenticate -> throttle/faults -> authorize ->
handler -> S3 response.

:class:`App` is a plain object over the emulator's :class:`~s3emu.services.Services`. Its
:meth:`App.serve` takes one :class:`~s3emu.messages.Inbound` and returns one
:class:`~s3emu.messages.Outcome` (reply, operation, error code, bytes in and out, fault), which
is journaled here and read by the edges (the in-process transport, the standalone server's
log line); calling the App is the plain WSGI interface.

A request to a website endpoint's host (``Address.website``) leaves the pipeline right after
addressing, for :func:`s3emu.website.serve` (HTML pages, anonymous reads).

This is the one place that catches exceptions: an S3Error becomes S3's XML error (no body for
HEAD), anything else is logged with its traceback and answered as 500 InternalError. Every
request is journaled. A ``connection="reset"`` fault comes back as an Outcome whose ``reset``
the edge raises (:class:`~s3emu.faults.ConnectionReset`) to drop the connection.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qsl

from . import ops as _ops  # noqa: F401  (declares every operation's record)
from .access.enforce import authorize
from .auth.identify import claimed_credential
from .auth.request import Authenticated
from .auth.verify import authenticate
from .errors import InternalError, MethodNotAllowed, NotImplemented_, S3Error, SlowDown
from .faults import ConnectionReset, truncated
from .journal import Entry
from .messages import Inbound, Outcome, answer_wsgi, inbound_of
from .operations import OPERATIONS
from .access_logs import record_line
from .ops.cors import add_cors_headers
from .ops.accelerate import check_endpoint as check_accelerate_endpoint
from .ops.registry import Call
from .protocol.addressing import address
from .protocol.render import error_reply, respond
from .protocol.reply import Reply
from .protocol.routing import near_misses, resolve, target_of
from .services import Services
from .throttle import kind_of
from . import website
from .sts import is_sts, serve as serve_sts

log = logging.getLogger("s3emu")


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
        self.op: str | None = None
        self.bucket: str | None = None
        self.key: str | None = None
        self.access_key: str | None = None
        self.call: Call | None = None
        self.fault: Any = None
        self.throttled = False


class App:
    """The S3 pipeline over one set of services."""

    __slots__ = ("services",)

    def __init__(self, services: Services) -> None:
        self.services = services

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI interface (for any WSGI server)."""
        return answer_wsgi(self.serve(inbound_of(environ)), start_response)

    def serve(self, inbound: Inbound) -> Outcome:
        """Serve one request."""
        services = self.services
        scheduler = services.scheduler
        started = services.clock.now()
        if scheduler.next_due <= started:   # a ticking clock passed a due time
            scheduler.run_due()
        request_id, host_id = services.ids.request_ids()
        method = inbound.method
        if method == "POST" and is_sts(inbound):
            return self._sts(inbound, request_id, started)
        seen = _Seen(method)
        try:
            reply = self._reply(inbound, seen, request_id, host_id)
        except S3Error as error:
            reply = error_reply(error)
        except ConnectionReset as reset:  # journaled; the edge drops the connection
            outcome = Outcome("500 Internal Server Error", [], (), seen.op, None, request_id,
                              fault="reset", reset=reset)
            self._journal(seen, outcome, services.clock.now())
            return outcome
        except Exception:  # the one place unexpected errors are caught
            log.exception("internal error serving %s %s", seen.method, seen.op)
            reply = error_reply(InternalError())
        if "origin" in inbound.headers:     # a cross-origin request: the bucket's CORS rules
            add_cors_headers(reply, services.store, seen.bucket, inbound.headers, seen.method,
                             seen.op)
        now = services.clock.now()
        head = seen.method == "HEAD"
        status, headers, body = respond(reply, head=head, request_id=request_id,
                                        host_id=host_id, now=now)
        bytes_in = seen.call.bytes_in if seen.call is not None else 0
        if head:
            bytes_out = 0
        elif isinstance(reply.body, (bytes, bytearray, memoryview)):
            bytes_out = len(reply.body)
        else:
            bytes_out = reply.length or 0
        fault = None
        if seen.fault is not None and seen.fault.connection == "truncate":
            fault = "truncate"
            body, bytes_out = truncated(body, bytes_out, seen.fault.truncate_at)
        error_code = None
        if reply.xml is not None and reply.xml[0] == "Error" and isinstance(reply.xml[1], Mapping):
            error_code = reply.xml[1].get("Code")
        elif reply.status >= 400:               # a website endpoint's HTML error
            error_code = reply.headers.get("x-amz-error-code")
        outcome = Outcome(status, headers, body, seen.op, error_code, request_id, bytes_in,
                          bytes_out, fault, reply.headers.get("x-amz-version-id"))
        self._journal(seen, outcome, now)
        if seen.bucket is not None:
            logged = services.store.buckets.get(seen.bucket)
            if logged is not None and logged.settings.logging is not None:
                self._log(logged, inbound, seen, outcome, host_id, started, now)
        return outcome

    def _sts(self, inbound: Inbound, request_id: str, started: Any) -> Outcome:
        """An STS request (AssumeRole, GetSessionToken, GetCallerIdentity), journaled."""
        outcome = serve_sts(self.services, inbound, request_id)
        self.services.journal.record(Entry(
            time=started, operation=outcome.operation, method="POST", bucket=None, key=None,
            access_key=claimed_credential(inbound.headers, {}).access_key or None,
            status=outcome.status_code,
            error_code=outcome.error_code, bytes_in=0, bytes_out=outcome.bytes_out,
            request_id=request_id))
        return outcome

    def _log(self, bucket: Any, inbound: Inbound, seen: _Seen, outcome: Outcome,
             host_id: str, started: Any, now: Any) -> None:
        """A server access log record of this request (the bucket logs)."""
        user = seen.call.user if seen.call is not None else None
        requester = user.account_id if user is not None and user.access_key else None
        line = record_line(bucket, inbound, outcome, method=seen.method, key=seen.key,
                           requester=requester, host_id=host_id, started=started, ended=now)
        self.services.access_logs.record(bucket, line, now)

    def _reply(self, inbound: Inbound, seen: _Seen, request_id: str, host_id: str) -> Reply:
        """Route, authenticate, throttle, inject faults, authorize, then run the handler."""
        services = self.services
        environ = inbound.environ
        method = seen.method
        where = address(environ)
        seen.bucket, seen.key = bucket, key = where.bucket, where.key
        if where.website:       # a website endpoint's host: HTML pages, anonymous reads
            seen.op = website.OPERATION_OF.get(method)
            return website.serve(services, inbound, where, request_id, host_id)
        headers = inbound.headers
        raw_query = environ.get("QUERY_STRING", "")
        query = parse_query(raw_query)
        target = target_of(bucket, key)
        seen.op = op = resolve(method, target, query, headers)
        if op is None:
            log.info("no route for %s %s; near: %s", method, target,
                     near_misses(method, target))
            raise MethodNotAllowed(Method=method, ResourceType=target.upper())
        operation = OPERATIONS[op]
        credential = claimed_credential(headers, query)     # parsed once, here
        seen.access_key = credential.access_key or None
        auth: Authenticated = authenticate(
            credential, method, where, headers, query, raw_query, operation,
            users=services.users, clock=services.clock, settings=services.settings,
            bucket_region=services.store.region_of)
        throttle, faults = services.throttle, services.faults
        if throttle.enabled and bucket is not None:
            spent = key if key is not None else query.get("prefix")  # listings: their prefix
            seen.throttled = not throttle.check(bucket, spent, kind_of(method))
            if seen.throttled:
                raise SlowDown()
        if faults.active:
            seen.fault = fault = faults.match(op, bucket, key)
            if fault is not None:
                fault.apply(services.clock)  # virtual latency, then the injected error if any
                if fault.connection == "reset":
                    raise ConnectionReset(f"s3emu fault {fault.id}: connection reset")
        handler = operation.handler
        if handler is None:
            raise NotImplemented_(f"s3emu does not implement {op} yet.", Operation=op)
        settings = services.settings
        seen.call = call = Call(     # by position, in the order of Call's fields: a third of
            operation, method, bucket, key, query, headers, request_id,   # keywords' cost
            where.region or credential.region or settings.region, auth.user, auth, inbound,
            services.store, services.clock, services.ids, services.users, settings,
            inbound.secure or inbound.in_process, where.virtual_host, False, None, host_id,
            services.events, services.jobs)
        if where.accelerate:
            check_accelerate_endpoint(op, bucket, where.virtual_host, services.store)
        authorize(call)
        reply = handler(call)
        if call.request_charged:
            reply.headers["x-amz-request-charged"] = "requester"
        return reply

    def _journal(self, seen: _Seen, outcome: Outcome, when: Any) -> None:
        """One journal entry from the outcome (status 0: the connection was reset) and what
        was seen of the request."""
        call = seen.call
        self.services.journal.record(Entry(     # Entry's fields in order: a third of the
            when, outcome.operation, seen.method, seen.bucket, seen.key,   # cost of keywords
            seen.access_key, 0 if outcome.reset is not None else outcome.status_code,
            outcome.error_code, outcome.bytes_in, outcome.bytes_out, outcome.request_id or "",
            seen.throttled, seen.fault is not None, outcome.version_id,
            call.access if call is not None else None))
