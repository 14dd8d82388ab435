"""Fault injection: make chosen requests fail, slow down or break, at an exact moment.

A :class:`Fault` matches requests by S3 operation name, bucket and key (``fnmatch`` globs,
case-sensitive; ``*`` also matches ``/``) and then, after letting the first ``after`` matching
requests through, acts on the next ``times`` of them (all of them when ``times`` is None):

- ``error="InternalError"`` and/or ``status=503``: answer with that S3 error (S3's status and
  message for a known code; for a status alone, the usual code for it: 500 InternalError,
  503 SlowDown, ...);
- ``latency=2.5``: virtual latency, the clock advances by that many seconds before the request
  is served (or fails);
- ``connection="reset"``: the connection is dropped without a response (the live server closes
  the socket; in-process the client call raises :class:`ConnectionReset`);
- ``connection="truncate"``: the response goes out with its full ``Content-Length`` but its
  body stops after ``truncate_at`` bytes (default: half) and the connection closes.

Faults are tried in the order they were added; the first that matches acts. A fault whose
``times`` are used up is removed. This module imports only the standard library, the clock and
errors.
"""
from __future__ import annotations

import fnmatch
import itertools
import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Iterable, Iterator

from .clock import Clock
from .errors import S3Error

CONNECTION_FAULTS = ("reset", "truncate")
#: The longest virtual latency a fault may add (a year): more would overflow the clock.
MAX_LATENCY = 365 * 24 * 3600.0
#: The code S3 answers with for a status, when a fault gives only a status.
_CODE_FOR_STATUS = {
    301: "PermanentRedirect", 307: "TemporaryRedirect", 400: "InvalidRequest",
    403: "AccessDenied", 404: "NoSuchKey", 405: "MethodNotAllowed", 409: "OperationAborted",
    411: "MissingContentLength", 412: "PreconditionFailed", 416: "InvalidRange",
    500: "InternalError", 501: "NotImplemented", 503: "SlowDown",
}


class ConnectionReset(ConnectionResetError):
    """What a ``connection="reset"`` fault comes to (``Outcome.reset``): the server closes the
    connection without answering; an in-process caller sees this exception."""


class InjectedError(S3Error):
    """An error code s3emu does not define, injected by a fault (not registered by code)."""

    def __init__(self, code: str, status: int, message: str | None = None) -> None:
        super().__init__(message or "Injected by an s3emu fault.")
        self.code = code      # type: ignore[misc]  # instance values shadow the class's
        self.status = status  # type: ignore[misc]


def make_error(code: str | None, status: int | None, message: str | None = None) -> S3Error:
    """The S3Error a fault answers with: by code (S3's status unless ``status`` is given),
    or by status alone."""
    if code is None:
        assert status is not None
        code = _CODE_FOR_STATUS.get(status) or next(
            (c for c, cls in S3Error.by_code.items() if cls.status == status), None)
        if code is None:
            code = HTTPStatus(status).phrase.replace(" ", "").replace("-", "") \
                if status in HTTPStatus._value2member_map_ else f"Status{status}"
    known = S3Error.by_code.get(code)
    if known is None:
        return InjectedError(code, status or 500, message)
    error = known(message)
    if status is not None and status != known.status:
        error.status = status  # type: ignore[misc]
    return error


@dataclass
class Fault:
    """One injected fault; see the module docstring. ``seen`` counts matching requests,
    ``fired`` the ones it acted on."""

    id: int
    operation: str | None = None
    bucket: str | None = None
    key: str | None = None
    error: str | None = None
    status: int | None = None
    message: str | None = None
    latency: float = 0.0
    connection: str | None = None
    truncate_at: int | None = None
    times: int | None = None
    after: int = 0
    seen: int = 0
    fired: int = 0

    def matches(self, operation: str | None, bucket: str | None, key: str | None) -> bool:
        """Whether a request for (operation, bucket, key) is one this fault is about."""
        for pattern, value in ((self.operation, operation), (self.bucket, bucket),
                               (self.key, key)):
            if pattern is not None and (value is None or not fnmatch.fnmatchcase(value, pattern)):
                return False
        return True

    @property
    def remaining(self) -> int | None:
        """How many more requests it will act on (None: no limit)."""
        return None if self.times is None else self.times - self.fired

    def exception(self) -> S3Error | None:
        """The error it answers with, or None when it only delays or breaks the connection."""
        if self.error is None and self.status is None:
            return None
        return make_error(self.error, self.status, self.message)

    def apply(self, clock: Clock) -> None:
        """Act before the handler: advance ``clock`` by the latency, then raise the error."""
        if self.latency:
            clock.advance(self.latency)
        error = self.exception()
        if error is not None:
            raise error

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (
            "id", "operation", "bucket", "key", "error", "status", "message", "latency",
            "connection", "truncate_at", "times", "after", "seen", "fired", "remaining")}


class Faults:
    """The faults of one Emulator: :meth:`add`, :meth:`list`, :meth:`remove`, :meth:`clear`,
    :meth:`match`. Thread-safe; ``bool(faults)`` is False when none are pending."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        #: True while any fault is pending (the one check made on every request).
        self.active = False

    def add(self, operation: str | None = None, bucket: str | None = None,
            key: str | None = None, *, error: str | None = None, status: int | None = None,
            message: str | None = None, latency: float = 0.0, connection: str | None = None,
            truncate_at: int | None = None, times: int | None = None,
            after: int = 0) -> Fault:
        """Add a fault and return it (see the module docstring for the parameters).

        .. code-block:: python

            emu.faults.add(operation="GetObject", key="logs/*", error="InternalError", times=2)
            emu.faults.add(operation="PutObject", latency=30)          # virtual: the clock moves
            emu.faults.add(operation="GetObject", connection="truncate", truncate_at=10)
        """
        for name, glob in (("operation", operation), ("bucket", bucket), ("key", key)):
            if glob is not None and not isinstance(glob, str):
                raise TypeError(f"{name} must be a glob string or None")
        if not isinstance(latency, (int, float)) or isinstance(latency, bool) \
                or not 0 <= latency <= MAX_LATENCY:
            raise ValueError(f"latency must be 0 to {MAX_LATENCY} seconds")
        if error is not None and (not isinstance(error, str) or not error):
            raise ValueError("error must be an S3 error code such as 'InternalError'")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)
                                   or not 300 <= status <= 599):
            raise ValueError("status must be an HTTP error status (300-599)")
        if connection is not None and connection not in CONNECTION_FAULTS:
            raise ValueError(f"connection must be one of {CONNECTION_FAULTS}")
        if connection is not None and (error is not None or status is not None):
            raise ValueError("a fault either breaks the connection or answers an error")
        if truncate_at is not None and (connection != "truncate" or truncate_at < 0):
            raise ValueError("truncate_at (0 or more bytes) goes with connection='truncate'")
        if error is None and status is None and connection is None and not latency:
            raise ValueError("a fault needs an error, a status, a connection fault or latency")
        if times is not None and times < 1:
            raise ValueError("times must be 1 or more (None: every matching request)")
        if after < 0:
            raise ValueError("after must be 0 or more")
        with self._lock:
            fault = Fault(next(self._ids), operation, bucket, key, error, status, message,
                          float(latency), connection, truncate_at, times, after)
            self._faults.append(fault)
            self.active = True
        return fault

    def list(self) -> list[Fault]:
        """The pending faults, oldest first."""
        with self._lock:
            return list(self._faults)

    def remove(self, fault: Fault | int) -> bool:
        """Remove a fault (or its id); False if it was not pending."""
        ident = fault if isinstance(fault, int) else fault.id
        with self._lock:
            for n, pending in enumerate(self._faults):
                if pending.id == ident:
                    del self._faults[n]
                    self.active = bool(self._faults)
                    return True
        return False

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()
            self.active = False

    def match(self, operation: str | None, bucket: str | None,
              key: str | None) -> Fault | None:
        """The fault that acts on this request, counting it; None if none does."""
        with self._lock:
            for n, fault in enumerate(self._faults):
                if not fault.matches(operation, bucket, key):
                    continue
                fault.seen += 1
                if fault.seen <= fault.after:
                    continue
                fault.fired += 1
                if fault.times is not None and fault.fired >= fault.times:
                    del self._faults[n]
                    self.active = bool(self._faults)
                return fault
        return None

    def __len__(self) -> int:
        return len(self._faults)

    def __bool__(self) -> bool:
        return bool(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self.list())

    def __repr__(self) -> str:
        return f"Faults({self.list()!r})"


def truncated(body: Iterable[Any], size: int, at: int | None) -> tuple[Iterator[Any], int]:
    """``body`` cut after ``at`` bytes (default: half of ``size``), and how many bytes remain."""
    limit = size // 2 if at is None else min(at, size)

    def chunks() -> Iterator[Any]:
        left = limit
        try:
            for chunk in body:
                if left <= 0:
                    break
                piece = memoryview(chunk)[:left]
                left -= piece.nbytes
                yield piece
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
    return chunks(), limit
