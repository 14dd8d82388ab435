"""What crosses the edges of the app: the request as an edge hands it over (:class:`Inbound`)
and what came of it (:class:`Outcome`).

The edges are the in-process transport (:mod:`s3emu.intercept`), the standalone server
(:mod:`s3emu.serving`) and any other WSGI server (:func:`inbound_of` reads a bare environ).
Each builds one Inbound; the app answers with one Outcome, which the journal, the server's log
line and the in-process transport all read. Nothing travels in extra ``environ`` keys.

This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

_SPECIAL_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length",
                    "CONTENT_MD5": "content-md5"}

#: A body handed over whole by an in-process edge: bytes, or the list of chunks of
#: botocore's aws-chunked framing (never joined).
GivenBody = Any


@dataclass
class Inbound:
    """One request as an edge hands it to the app."""

    #: the WSGI environ: method, path, query string, host, remote address, ``wsgi.input``
    environ: dict[str, Any]
    #: the headers as sent, keyed by lower-case name (``x-amz-meta-a_b`` stays so, which
    #: WSGI's ``HTTP_*`` variables cannot tell from ``x-amz-meta-a-b``)
    headers: dict[str, str]
    #: the body, when the edge holds it already (in-process): read from here, not the stream
    body: GivenBody = None
    #: over TLS
    secure: bool = False
    #: from the test process itself (``mock_s3``): no network between client and emulator
    #: (as safe as TLS for SSE-C keys), and the admin API needs no header
    in_process: bool = False
    #: SSE-C over plain HTTP allowed (``s3emu serve --allow-insecure-ssec``)
    insecure_sse_c: bool = False

    @property
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()


@dataclass
class Outcome:
    """What the app made of one request."""

    #: the status line (``"200 OK"``)
    status: str
    headers: list[tuple[str, str]]
    #: the body's chunks (empty for HEAD, 204 and 304)
    body: Iterable[Any]
    #: the S3 operation it was routed to (None: not routed, or the admin API)
    operation: str | None = None
    #: S3's error code when it failed
    error_code: str | None = None
    request_id: str | None = None
    bytes_in: int = 0
    bytes_out: int = 0
    #: an injected connection fault: ``"reset"`` (drop the connection, send nothing) or
    #: ``"truncate"`` (the body stops short of its Content-Length)
    fault: str | None = None
    #: the object version it acted on (its ``x-amz-version-id``), if any
    version_id: str | None = None
    #: the answer when ``fault == "reset"``: what the edge raises
    reset: BaseException | None = field(default=None, repr=False)

    @property
    def status_code(self) -> int:
        return int(self.status[:3])


class Serves(Protocol):
    """What an edge hands requests to (an :class:`~s3emu.Emulator`, an
    :class:`~s3emu.app.App`)."""

    def serve(self, inbound: Inbound) -> Outcome: ...


class WsgiServes:
    """Any WSGI application as something that :class:`Serves` (the standalone server serves
    plain WSGI apps this way): the status and headers come from ``start_response``, which a
    generator app calls on its first chunk, so that chunk is pulled here."""

    def __init__(self, app: Callable[..., Iterable[Any]]) -> None:
        self.app = app

    def serve(self, inbound: Inbound) -> Outcome:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status, list(headers)]
            return _no_write

        chunks = self.app(inbound.environ, start_response)
        body: Iterable[Any] = chunks
        if not started:
            iterator = iter(chunks)
            first = next(iterator, None)
            body = _chained(first, iterator, chunks)
        if not started:
            raise RuntimeError("the WSGI app returned without calling start_response")
        return Outcome(started[0], started[1], body)


def _no_write(data: bytes) -> None:
    raise NotImplementedError("s3emu's server does not support WSGI's write() callable")


def _chained(first: Any, rest: Iterable[Any], source: Any) -> Iterable[Any]:
    try:
        if first is not None:
            yield first
        yield from rest
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def headers_as_sent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request headers keyed by their name as sent, in lower case; a repeated header's values
    joined by commas."""
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


def inbound_of(environ: dict[str, Any]) -> Inbound:
    """The Inbound of a request from any WSGI server (headers from the ``HTTP_*`` variables)."""
    return Inbound(environ, request_headers(environ),
                   secure=environ.get("wsgi.url_scheme") == "https")


def answer_wsgi(outcome: Outcome, start_response: Callable[..., Any]) -> Iterable[Any]:
    """Hand ``outcome`` to a WSGI server; a reset fault raises its error instead."""
    if outcome.reset is not None:
        raise outcome.reset
    start_response(outcome.status, outcome.headers)
    return outcome.body
