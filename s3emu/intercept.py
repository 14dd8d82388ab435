"""Serving HTTP requests in-process: the call into the emulator and the client patches.

:func:`call_app` turns one request (method, URL, headers, body) into an
:class:`~s3emu.messages.Inbound` (:func:`inbound_for`), has an Emulator serve it and returns
a :class:`Response` that streams the app's chunks (no socket, no copy of stored bytes).
:func:`install` patches the HTTP layers that S3 clients use so that their S3 requests reach
:func:`call_app`:

- botocore: ``Endpoint._send``, for endpoints whose prefix is ``s3`` (every client, made before
  or during the patch, any region, addressing style or ``endpoint_url``), and ``sts`` (the
  emulator's roles and temporary credentials, :mod:`s3emu.sts`);
- urllib3: ``HTTPConnectionPool.urlopen``, which ``requests`` and ``urllib3.request`` /
  ``PoolManager`` go through, for URLs that S3 would receive (see :func:`is_s3_request`).

Requests to other services pass through untouched. What to serve with is asked of a callable
at each request, so one installation serves whichever mock is innermost. botocore and urllib3 are
imported by :func:`install`, never at import time.

Every patch goes through an :class:`Installation`, whose ``undo`` puts back exactly what was
there; the rest of what ``mock_s3`` patches (botocore's clock and credentials) is in
:mod:`s3emu.botocore_patches`, aiobotocore's send path, clock and credentials are in
:mod:`s3emu.aiobotocore_patches`, and :mod:`s3emu.mock` keeps only nesting and the environment.
"""
from __future__ import annotations

import io
import logging
import re
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from .memo import memo
from .messages import Inbound, Serves
from .protocol.render import STATUS_LINES

_NO_PREFIX = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
#: the botocore (and aiobotocore) endpoints served in-process: S3, and STS for the emulator's
#: roles and temporary credentials
SERVED = frozenset({"s3", "sts"})
_EMPTY = memoryview(b"")
#: aws-chunked bodies of up to about this size are handed over as one bytes object
_SMALL_BODY = 64 * 1024
#: Hosts of S3 endpoints (not S3 Control, S3 on Outposts' control plane or other services),
#: website endpoints (``s3-website-<region>``, ``s3-website.<region>``) included.
_S3_HOST = re.compile(
    r"(?:^|\.)s3(?:-accelerate|-website)?"
    r"(?:[.-](?:dualstack|fips|(?:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)))*"
    r"\.amazonaws\.com(?:\.cn)?(?::\d+)?$", re.I)


def split_url(url: str) -> tuple[str, str, str, str]:
    """``(scheme, netloc, path, query)`` of an absolute URL, as ``urlsplit`` gives them.

    A speed trick: ``urlsplit`` costs about 3 µs for a URL it has not seen (its cache only
    helps a test that requests the same URL again), and every in-process request split its
    URL twice; the usual ``scheme://host/path?query`` is split here with three partitions
    (0.3 µs). A URL with a fragment, a query before any path, control characters or an
    unusual scheme goes to ``urlsplit``."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, tail = rest.partition("/")
    if not sep or "#" in url or "?" in netloc or not scheme.isalpha() or not url.isprintable():
        parts = urlsplit(url)
        return parts.scheme, parts.netloc, parts.path, parts.query
    path, _, query = tail.partition("?")
    return scheme.lower(), netloc, slash + path, query


def inbound_for(method: str, url: str, headers: Any, body: Any) -> Inbound:
    """The :class:`~s3emu.messages.Inbound` of one in-process request; ``headers`` in any
    form :func:`header_pairs` reads, ``body`` None, bytes, str, a file-like object or an
    iterable of chunks. The body is handed over whole (bytes, or the list of chunks of
    botocore's aws-chunked framing, never joined); ``wsgi.input`` reads the same bytes."""
    scheme, netloc, path, query = split_url(url)
    if not path:
        path = "/"
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        host, _, port = hostport[1:].partition("]")
        port = port[1:]
    else:
        host, _, port = hostport.partition(":")
    environ = _ENVIRON.copy()       # what every in-process request has in common
    environ["REQUEST_METHOD"] = method.upper()
    environ["PATH_INFO"] = path if "%" not in path and path.isascii() else \
        unquote(path).encode("utf-8", "surrogateescape").decode("latin-1")
    environ["RAW_URI"] = path + "?" + query if query else path
    environ["QUERY_STRING"] = query
    environ["SERVER_NAME"] = host or "localhost"
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")
    environ["wsgi.url_scheme"] = scheme or "http"
    fields: dict[str, str] = {}     # the headers as sent (messages.headers_as_sent's form)
    raw = _botocore_dict(headers)
    for name, value in (raw.items() if raw is not None else header_pairs(headers)):
        env_key, field = _env_key(name._key if raw is not None else name)
        if type(value) is bytes:
            value = value.decode("latin-1")
        elif type(value) is not str:
            value = str(value)
        value = value.strip(" \t")  # a field's value, as a server reads it: no outer space
        if field in fields:         # a repeated header: its values joined, as a server does
            value = f"{fields[field]},{value}"
        environ[env_key] = fields[field] = value
    if "host" not in fields:
        environ["HTTP_HOST"] = fields["host"] = netloc
    data = _body_bytes(body)
    if "HTTP_TRANSFER_ENCODING" in environ:   # as a server de-chunks: no length, terminated
        environ["wsgi.input_terminated"] = True
    elif data:
        size = sum(map(len, data)) if type(data) is list else len(data)
        environ.setdefault("CONTENT_LENGTH", str(size))
    environ["wsgi.input"] = _ChunksInput(data) if isinstance(data, list) else io.BytesIO(data)
    length = environ.get("CONTENT_LENGTH")
    if length:
        fields["content-length"] = length
    else:
        fields.pop("content-length", None)
    if not environ.get("CONTENT_TYPE"):
        fields.pop("content-type", None)
    return Inbound(environ, fields, data, secure=scheme == "https", in_process=True)


class _ChunksInput(io.RawIOBase):
    """``wsgi.input`` over a body held as a list of chunks (read without joining them)."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks: list[bytes] | None = chunks
        self._views: list[memoryview] = []

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._chunks is not None:   # the app reads Inbound.body instead: views on demand
            self._views = [memoryview(c) for c in reversed(self._chunks)]
            self._chunks = None
        out, done = memoryview(buffer).cast("B"), 0
        while done < len(out) and self._views:
            head = self._views.pop()
            take = min(len(head), len(out) - done)
            out[done:done + take] = head[:take]
            done += take
            if take < len(head):
                self._views.append(head[take:])
        return done


@memo(4096)
def _env_key(name: Any) -> tuple[str, str]:
    """The WSGI environ key of a header name as sent, and the lower-case name the app reads
    (names as sent: ``x-amz-meta-a_b`` stays so).

    Memoized: header names repeat (User-Agent, X-Amz-Date ...); saves 7.3 µs of a PutObject
    (1.5%), 3.7-4.9 µs of a GET, HEAD or LIST (``bench/tricks.py``)."""
    text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
    key = text.upper().replace("-", "_")
    if key not in _NO_PREFIX:
        key = "HTTP_" + key
    return key, text.lower()


class _Errors(io.StringIO):
    """``wsgi.errors``: written to the ``s3emu`` logger, one message per write."""

    def write(self, text: str) -> int:
        if text.strip():
            logging.getLogger("s3emu").error("%s", text.rstrip())
        return len(text)


_ERRORS = _Errors()
#: the part of :func:`inbound_for`'s environ that is the same for every request
_ENVIRON: dict[str, Any] = {
    "SCRIPT_NAME": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
    "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
    "wsgi.errors": _ERRORS,
}


def _body_bytes(body: Any) -> bytes | bytearray | memoryview | list[bytes]:
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if type(body).__name__ == "AwsChunkedWrapper" and not getattr(body, "_remaining", b""):
        # botocore's aws-chunked framing: its read() grows one bytes object chunk by chunk
        # (quadratic copying); its iterator yields each framed chunk once, kept as it is
        # (a small body is joined: one piece is read faster than several).
        chunks = list(body)
        small = len(chunks) <= 2 and sum(map(len, chunks)) <= _SMALL_BODY
        return b"".join(chunks) if small else chunks
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def header_pairs(headers: Any) -> Iterable[tuple[Any, Any]]:
    """(name, value) pairs of a mapping, a pair list, botocore's ``HeadersDict`` or an
    ``email.message.Message``, read without the per-item cost of their ``items()``."""
    raw = _botocore_dict(headers)
    if raw is not None:
        return [(key._key, value) for key, value in raw.items()]
    raw = getattr(headers, "_headers", None)   # email.message.Message (HTTPHeaders)
    if type(raw) is list:
        return raw
    if hasattr(headers, "items"):
        return headers.items()
    return headers


def _botocore_dict(headers: Any) -> dict[Any, Any] | None:
    """The private ``{_HeaderKey: value}`` dict ``_dict`` of botocore's ``HeadersDict`` (a
    ``_HeaderKey``'s ``_key`` is the name as sent); None for other header containers.

    The one place s3emu reads botocore's internals, because it pays: its public ``items()``
    makes a ``_HeaderKey`` and a lookup per header: reading ``_dict`` saves 9.7 µs of a
    PutObject (12 headers; 2%), 5.8-6.9 µs of a GET, HEAD or LIST (``bench/tricks.py``).
    botocore is recognised by class name (it is not imported here); a botocore without
    ``_dict`` takes the public way."""
    raw = getattr(headers, "_dict", None)
    if type(raw) is not dict or type(headers).__name__ != "HeadersDict":
        return None
    return raw


class Response:
    """What :func:`call_app` returns: ``status``, ``headers`` (a list of pairs) and the body,
    read like a raw HTTP response (``read(amt)``, ``stream()``) by botocore and urllib3."""

    __slots__ = ("status", "reason", "headers", "fault", "_chunks", "_pending", "closed")

    def __init__(self, status: int, headers: list[tuple[str, str]],
                 chunks: Iterable[bytes | memoryview], reason: str = "",
                 fault: str | None = None) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        #: ``"truncate"`` when a fault cut the body short of its Content-Length
        self.fault = fault
        self._chunks: Iterator[bytes | memoryview] = iter(chunks)
        self._pending: memoryview = _EMPTY
        self.closed = False

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        if amt is None or amt < 0:
            rest = list(self._chunks)
            pending, self._pending = self._pending, _EMPTY
            if not rest:
                return pending.tobytes()
            if not pending and len(rest) == 1:
                return bytes(rest[0])
            return b"".join([pending, *rest])
        out = []
        need = amt
        while need > 0:
            if not self._pending:
                nxt = next(self._chunks, None)
                if nxt is None:
                    break
                self._pending = nxt if isinstance(nxt, memoryview) else memoryview(nxt)
                continue
            piece = self._pending[:need]
            out.append(piece)
            self._pending = self._pending[len(piece):]
            need -= len(piece)
        return out[0].tobytes() if len(out) == 1 else b"".join(out)

    def read1(self, amt: int = -1) -> bytes:
        return self.read(amt if amt and amt > 0 else 1 << 16)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Iterator[bytes]:
        while self._pending:
            yield self.read(amt)
        for chunk in self._chunks:           # whole chunks when they fit: no re-slicing
            if len(chunk) <= amt:
                if chunk:
                    yield chunk.tobytes() if isinstance(chunk, memoryview) else bytes(chunk)
                continue
            self._pending = chunk if isinstance(chunk, memoryview) else memoryview(chunk)
            while self._pending:
                yield self.read(amt)

    def readable(self) -> bool:
        return True

    def at_end(self) -> bool:
        """Whether every byte of the body has been read (takes the next chunk to know)."""
        while not self._pending:
            nxt = next(self._chunks, None)
            if nxt is None:
                return True
            self._pending = nxt if isinstance(nxt, memoryview) else memoryview(nxt)
        return False

    def isclosed(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    def release_conn(self) -> None:
        return None

    def flush(self) -> None:
        return None


def call_app(emu: Serves, method: str, url: str, headers: Any, body: Any) -> Response:
    """Serve one request with ``emu`` (an Emulator), in-process.

    ``headers`` may be a mapping, a list of pairs or botocore's ``HeadersDict``. A
    ``connection="reset"`` fault raises :class:`s3emu.faults.ConnectionReset`.
    """
    outcome = emu.serve(inbound_for(method, url, headers, body))
    if outcome.reset is not None:
        raise outcome.reset
    status = outcome.status
    code, reason = _STATUS_OF.get(status) or _status_of(status)
    return Response(code, outcome.headers, outcome.body, reason, outcome.fault)


def _status_of(line: str) -> tuple[int, str]:
    """``(code, reason)`` of a WSGI status line."""
    code, _, reason = line.partition(" ")
    return int(code), reason


#: the WSGI status lines the app writes -> ``(code, reason)``
_STATUS_OF = {line: _status_of(line) for line in STATUS_LINES.values()}


def is_s3_request(url: str, headers: Any = None, body: Any = None,
                  hosts: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether S3 would receive this request: an S3 endpoint's host, a host in ``hosts`` (the
    endpoints botocore's S3 clients have used), a signature scoped to S3 in the Authorization
    header or the query, or a browser-based POST whose form is signed for S3."""
    netloc = split_url(url)[1]
    if netloc in hosts or _S3_HOST.search(netloc):
        return True
    if "%2Fs3%2Faws4_request" in url or "AWSAccessKeyId=" in url:
        return True
    if headers is not None:
        auth = _header(headers, "authorization")
        if auth and ("/s3/aws4_request" in auth or auth.startswith("AWS ")):
            return True
        if isinstance(body, (bytes, bytearray)) and \
                _header(headers, "content-type").startswith("multipart/form-data"):
            return b"/s3/aws4_request" in body or b'name="AWSAccessKeyId"' in body
    return False


def _header(headers: Any, name: str) -> str:
    for key, value in header_pairs(headers):
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if key.lower() == name:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


class Installation:
    """Patches in place; :meth:`undo` puts back exactly what was there, in reverse order."""

    _MISSING = object()

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        old = vars(owner).get(name, self._MISSING) if isinstance(owner, type) else \
            getattr(owner, name, self._MISSING)
        self._saved.append((owner, name, old))
        setattr(owner, name, value)

    def undo(self) -> None:
        while self._saved:
            owner, name, old = self._saved.pop()
            if old is self._MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, old)


def install(current: Callable[[], Serves | None]) -> Installation:
    """Route S3 requests from botocore, urllib3 and requests to ``current()``'s app.

    ``current`` is asked at each request; when it returns None requests go out as usual.
    """
    done = Installation()
    hosts: set[str] = set()
    try:
        if importable("botocore"):
            _patch_botocore(done, current, hosts)
        if importable("urllib3"):
            _patch_urllib3(done, current, hosts)
    except BaseException:
        done.undo()
        raise
    return done


def importable(name: str) -> bool:
    """Whether module ``name`` can be imported (botocore, urllib3 are optional here)."""
    try:
        __import__(name)
    except ImportError:
        return False
    return True


_CLOSED_BY_FAULT: Any = None


def closed_by_fault() -> Any:
    """The error botocore's (and aiobotocore's) send raises where an injected fault drops the
    connection: botocore's ConnectionClosedError (retried like a dropped connection) and the
    fault that dropped it. One class, made the first time a patch asks (botocore is never
    imported at import time)."""
    global _CLOSED_BY_FAULT
    if _CLOSED_BY_FAULT is None:
        from botocore.exceptions import ConnectionClosedError

        from .faults import ConnectionReset

        class ClosedByFault(ConnectionClosedError, ConnectionReset):
            def __init__(self, **fields: Any) -> None:  # (endpoint_url, error, request)
                super().__init__(**fields)

        _CLOSED_BY_FAULT = ClosedByFault
    return _CLOSED_BY_FAULT


def cut_short(url: str, request: Any, received: int) -> Exception:
    """What botocore raises when a socket closes before the body's end (a truncating fault):
    ConnectionClosedError over urllib3's IncompleteRead."""
    from botocore.exceptions import ConnectionClosedError
    from urllib3.exceptions import ProtocolError

    cut = ProtocolError(f"Connection broken: IncompleteRead({received} bytes read)")
    return ConnectionClosedError(endpoint_url=url, error=cut, request=request)


def _patch_botocore(done: Installation, current: Callable[[], Serves | None],
                    hosts: set[str]) -> None:
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint

    from .faults import ConnectionReset

    ClosedByFault = closed_by_fault()
    real_send = Endpoint._send

    def _send(endpoint: Any, request: Any) -> Any:
        emu = current()
        if emu is None or endpoint._endpoint_prefix not in SERVED:
            return real_send(endpoint, request)
        url = request.url
        netloc = url.partition("//")[2].partition("/")[0]  # botocore's: scheme://host/path
        if netloc not in hosts:
            hosts.add(netloc)
        try:
            raw = call_app(emu, request.method, url, request.headers, request.body)
        except ConnectionReset as error:
            raise ClosedByFault(endpoint_url=url, error=error, request=request) from None
        response = AWSResponse(url, raw.status, raw.headers, raw)
        if not request.stream_output:  # read now, as botocore's own session does
            content = response.content
            if raw.fault == "truncate":  # a socket would have seen the connection close early
                raise cut_short(url, request, len(content))
        return response

    done.set(Endpoint, "_send", _send)


def _patch_urllib3(done: Installation, current: Callable[[], Serves | None],
                   hosts: set[str]) -> None:
    from urllib3.connectionpool import HTTPConnectionPool
    from urllib3.exceptions import ProtocolError
    from urllib3.response import HTTPResponse

    from .faults import ConnectionReset

    real_urlopen = HTTPConnectionPool.urlopen

    def urlopen(pool: Any, method: str, url: str, body: Any = None, headers: Any = None,
                *args: Any, **kwargs: Any) -> Any:
        emu = current()
        full = url if url.startswith(("http://", "https://")) else \
            f"{pool.scheme}://{_netloc(pool)}{url}"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if emu is None or not is_s3_request(full, headers or {}, body, hosts):
            return real_urlopen(pool, method, url, body, headers, *args, **kwargs)
        try:
            raw = call_app(emu, method, full, headers or {}, body)
        except ConnectionReset as error:
            raise ProtocolError("Connection aborted.", error) from None
        return HTTPResponse(
            body=raw, headers=raw.headers,  # type: ignore[arg-type]  # file-like; header pairs
            status=raw.status, reason=raw.reason,
            preload_content=kwargs.get("preload_content", True),
            decode_content=kwargs.get("decode_content", True),
            request_method=method, request_url=full, enforce_content_length=True)

    done.set(HTTPConnectionPool, "urlopen", urlopen)


def _netloc(pool: Any) -> str:
    host = pool.host if ":" not in pool.host else f"[{pool.host}]"
    default = 443 if pool.scheme == "https" else 80
    return host if pool.port in (None, default) else f"{host}:{pool.port}"
