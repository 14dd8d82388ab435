"""The standalone server: an Emulator's WSGI app behind a threaded HTTP/1.1 server.

:class:`Server` runs werkzeug's threaded server (``make_server(..., threaded=True)``) in a daemon
thread, bound to 127.0.0.1 and an ephemeral port by default. Its request handler replaces
werkzeug's ``run_wsgi`` so that the exchange is what S3 clients expect:

- connections stay open between requests (HTTP/1.1 keep-alive; werkzeug's own handler closes
  every connection), and a body the app left unread is drained, or the connection closed;
- ``Expect: 100-continue`` is answered with ``100 Continue`` only when the app first reads the
  body, so a request rejected before that (no such bucket, bad signature) is answered without
  the client sending its body, as S3 does;
- chunked request bodies are de-chunked (``wsgi.input_terminated``); reads never go past the
  request's own body;
- the raw request target reaches the app untouched (``RAW_URI``), a leading ``//`` included;
- the app's memoryview chunks are written to the socket as they are (no copy, never joined);
  HEAD, 1xx, 204 and 304 responses carry their headers and no body;
- ``Date`` and ``Server`` come from the app (the emulator's clock), not from http.server;
- with TLS (``tls=True`` or ``cert=``/``key=``, see :mod:`s3emu.tls`) each connection's
  handshake runs in its own thread, and a client that does not speak TLS is dropped;
- SSE-C needs HTTPS, as on S3, unless ``allow_insecure_ssec=True``.

Each request can be reported as one line (see :func:`format_line`). This module imports
werkzeug, so :mod:`s3emu` imports it lazily.
"""
from __future__ import annotations

import io
import logging
import socket
import ssl
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import HEADERS, headers_as_sent
from .clock import Clock
from .emulator import Emulator
from .errors import IncompleteBody, RequestTimeout
from . import tls as _tls

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

log = logging.getLogger("s3emu.server")

#: A body the app left unread is read and dropped, up to this many bytes, to keep the
#: connection; beyond that the connection is closed.
DRAIN_LIMIT = 64 << 20
#: Seconds a connection may stay silent (idle between requests, or mid-request).
IDLE_TIMEOUT = 60.0
#: Headers and a first body chunk up to this size go out in one write.
_COALESCE = 64 << 10
_BLOCK = 1 << 20
_NO_BODY_STATUS = frozenset({204, 304})
_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})
_INTERNAL_ERROR = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError"
                   b"</Code><Message>We encountered an internal error. Please try again."
                   b"</Message></Error>")


def format_line(method: str, path: str, operation: str | None, status: int | str,
                sent: int, millis: float, error_code: str | None = None) -> str:
    """One request as a log line: ``METHOD PATH OPERATION STATUS BYTES MSms [ERRORCODE]``.

    ``PATH`` is the request path as sent (percent-encoded, no query string, so presigned
    signatures never reach the log); ``OPERATION`` is the S3 operation name or ``-``;
    ``BYTES`` counts response body bytes sent.
    """
    line = (f"{method} {path.translate(_CONTROL)} {operation or '-'} {status} {sent} "
            f"{millis:.1f}ms")
    return f"{line} {error_code}" if error_code else line


class _RequestBody(io.RawIOBase):
    """``wsgi.input`` for one request.

    It never reads past the request's body (the next request on the connection follows it),
    sends ``100 Continue`` before the first read when the client asked for it, and turns a
    broken or silent connection into S3's IncompleteBody / RequestTimeout.
    """

    def __init__(self, source: Any, length: int | None, wfile: Any, expect: bool) -> None:
        super().__init__()
        self._source = source
        self._remaining = length  # None: chunked, read until the de-chunker ends
        self._wfile = wfile
        self.awaiting_continue = expect and length != 0
        self.finished = length == 0
        self.broken = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.finished or self.broken or size == 0:
            return b""
        if self.awaiting_continue:
            self.awaiting_continue = False
            self._wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        want = -1 if size is None or size < 0 else size
        if self._remaining is not None:
            want = self._remaining if want < 0 else min(want, self._remaining)
        try:
            data = self._source.read(want)
        except TimeoutError:
            self.broken = True
            raise RequestTimeout() from None
        except (OSError, ValueError):
            self.broken = True
            raise IncompleteBody() from None
        if self._remaining is None:
            self.finished = not data
            return data
        if not data:
            self.broken = True
            return b""
        self._remaining -= len(data)
        self.finished = self._remaining == 0
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def drain(self, limit: int = DRAIN_LIMIT) -> bool:
        """Read and drop what is left of the body (at most ``limit`` bytes); True if done."""
        dropped = 0
        try:
            while not (self.finished or self.broken) and dropped <= limit:
                dropped += len(self.read(_BLOCK))
        except Exception:  # the client went away or sent garbage: the connection closes
            return False
        return self.finished

    def keeps_connection(self) -> bool:
        """Whether the connection can serve another request once the response is sent."""
        if self.finished:
            return True
        if self.broken or self.awaiting_continue:  # the client may never send the body
            return False
        return self._remaining is None or self._remaining <= DRAIN_LIMIT


class _Handler(WSGIRequestHandler):
    """werkzeug's request handler with keep-alive, lazy 100-continue and zero-copy writes."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: BaseWSGIServer

    def setup(self) -> None:
        self.tls_failed = False
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            try:
                self.request.do_handshake()
            except (OSError, ValueError) as error:  # not TLS, or no common ground
                self.tls_failed = True
                log.info("TLS handshake with %s failed: %s", self.client_address[0], error)
        super().setup()
        self.server.s3emu_connections.add(self.connection)  # type: ignore[attr-defined]

    def handle(self) -> None:
        if not self.tls_failed:
            super().handle()

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        # werkzeug leaves out headers whose names hold "_" (x-amz-meta-a_b), and WSGI's HTTP_*
        # variables cannot tell "_" from "-": the app reads the headers as sent
        environ[HEADERS] = headers_as_sent(
            (name, value.replace("\r\n", "")) for name, value in self.headers.items())
        if getattr(self.server, "s3emu_allow_insecure_ssec", False):
            environ["s3emu.allow_insecure_ssec"] = True
        return environ

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.s3emu_connections.discard(self.connection)  # type: ignore[attr-defined]

    def handle_expect_100(self) -> bool:
        return True  # sent by _RequestBody when the app first reads the body

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # run_wsgi reports each request itself

    def log(self, type: str, message: str, *args: Any) -> None:
        log.info("%s: " + message, self.address_string(), *args)

    def run_wsgi(self) -> None:
        started = time.perf_counter()
        words = str(self.raw_requestline, "iso-8859-1").split()
        if len(words) >= 2:
            self.path = words[1]  # http.server folds a leading "//"; S3 keys may start with "/"
        environ = self.environ = self.make_environ()
        body = self._request_body(environ)
        if body is None:
            return
        exchange = _Exchange(self, environ, body)
        try:
            exchange.run(self.server.app)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            log.exception("error serving %s %s", self.command, self.path.partition("?")[0])
            self.close_connection = True
            if not exchange.headers_sent:
                exchange.internal_error()
        if not self.close_connection and not body.drain():
            self.close_connection = True
        if self.close_connection and not body.finished:
            self._linger()
        report = getattr(self.server, "s3emu_report", None)
        if report is not None:
            report(self.command, self.path.partition("?")[0], exchange.status_code,
                   exchange.sent, (time.perf_counter() - started) * 1000,
                   exchange.request_id)

    def _request_body(self, environ: dict[str, Any]) -> _RequestBody | None:
        expect = (self.headers.get("Expect", "").strip().lower() == "100-continue"
                  and self.request_version >= "HTTP/1.1")
        if environ.get("wsgi.input_terminated"):
            if environ.pop("CONTENT_LENGTH", None) is not None:
                self.close_connection = True  # Transfer-Encoding wins over Content-Length
            length = None
        else:
            text = environ.get("CONTENT_LENGTH", "").strip()
            if text and not text.isdigit():
                self.close_connection = True
                self.send_error(400, "Bad Content-Length")
                return None
            length = int(text) if text else 0
        body = _RequestBody(environ["wsgi.input"], length, self.wfile, expect)
        environ["wsgi.input"] = body
        return body

    def _linger(self) -> None:
        """Close gently: stop sending, then drop what the client still sends for a moment,
        so that closing with unread data does not reset the connection under the response."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.05)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline and self.connection.recv(_BLOCK):
                pass
        except OSError:
            pass


class _Exchange:
    """One response: start_response, status line and headers, body framing, byte count."""

    def __init__(self, handler: _Handler, environ: dict[str, Any], body: _RequestBody) -> None:
        self.handler = handler
        self.environ = environ
        self.body = body
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.headers_sent = False
        self.sent = 0
        self.declared: int | None = None
        self.chunked = False
        self.bodyless = False

    @property
    def status_code(self) -> int | str:
        return int(self.status[:3]) if self.status else "-"

    @property
    def request_id(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "x-amz-request-id":
                return value
        return None

    def start_response(self, status: str, headers: list[tuple[str, str]],
                       exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("start_response called twice")
        self.status, self.headers = status, list(headers)
        return self.write

    def run(self, app: Callable[..., Iterable[Any]]) -> None:
        chunks = app(self.environ, self.start_response)
        try:
            for chunk in chunks:
                self.write(chunk)
            self.end()
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _head(self) -> bytes:
        handler = self.handler
        assert self.status is not None, "write() before start_response()"
        code = int(self.status[:3])
        self.bodyless = (handler.command == "HEAD" or code in _NO_BODY_STATUS
                         or 100 <= code < 200)
        names = set()
        lines = [f"{handler.protocol_version} {self.status}"]
        for name, value in self.headers:
            names.add(name.lower())
            lines.append(f"{name}: {value}".replace("\r", " ").replace("\n", " "))
            if name.lower() == "content-length" and value.strip().isdigit():
                self.declared = int(value)
        if not self.bodyless and "content-length" not in names:
            if handler.request_version >= "HTTP/1.1":
                self.chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:
                handler.close_connection = True  # the body ends when the connection does
        if not handler.close_connection and not self.body.keeps_connection():
            handler.close_connection = True
        if handler.close_connection:
            lines.append("Connection: close")
        elif handler.request_version < "HTTP/1.1":
            lines.append("Connection: keep-alive")
        text = "\r\n".join(lines) + "\r\n\r\n"
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode("utf-8")

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        if view.ndim != 1 or view.format != "B":
            view = view.cast("B")
        head = b""
        if not self.headers_sent:
            head = self._head()
            self.headers_sent = True
        if self.bodyless:
            view = view[:0]
        elif self.declared is not None and self.sent + view.nbytes > self.declared:
            view = view[: max(0, self.declared - self.sent)]  # never more than announced
            self.handler.close_connection = True
        size = view.nbytes
        if self.chunked and size:
            head += f"{size:x}\r\n".encode()
        out = self.handler.wfile
        if head and size + len(head) <= _COALESCE:
            out.write(head + view.tobytes() + (b"\r\n" if self.chunked and size else b""))
        else:
            if head:
                out.write(head)
            if size:
                out.write(view)
            if self.chunked and size:
                out.write(b"\r\n")
        self.sent += size

    def end(self) -> None:
        if not self.headers_sent:
            self.write(b"")
        if self.chunked:
            self.handler.wfile.write(b"0\r\n\r\n")
        elif self.declared is not None and not self.bodyless and self.sent < self.declared:
            self.handler.close_connection = True  # the client would wait for the rest

    def internal_error(self) -> None:
        self.status = "500 Internal Server Error"
        self.headers = [("Content-Type", "application/xml"),
                        ("Content-Length", str(len(_INTERNAL_ERROR)))]
        try:
            self.write(_INTERNAL_ERROR)
        except OSError:
            pass


def _accept_tls(server: BaseWSGIServer, context: ssl.SSLContext) -> None:
    """Serve TLS: accepted sockets are wrapped without a handshake, which each connection's
    own thread then runs (:meth:`_Handler.setup`), so a slow client never stalls accept."""
    accept = server.socket.accept

    def get_request() -> tuple[ssl.SSLSocket, Any]:
        sock, address = accept()
        return context.wrap_socket(sock, server_side=True,
                                   do_handshake_on_connect=False), address

    server.get_request = get_request  # type: ignore[method-assign]
    server.ssl_context = context  # werkzeug reports wsgi.url_scheme "https"


def _sink(log_to: bool | Callable[[str], None]) -> Callable[[str], None] | None:
    if callable(log_to):
        return log_to
    if log_to:
        return lambda line: print(line, file=sys.stderr, flush=True)
    return None


class Server:
    """An Emulator served over HTTP from a daemon thread; a context manager.

    .. code-block:: python

        with s3emu.Server() as srv:
            s3 = boto3.client("s3", endpoint_url=srv.endpoint_url)

    :param emulator: the Emulator to serve; default a new one whose clock follows real time
        (``Clock.system()``). A given emulator keeps its own clock.
    :param host: the address to bind; 127.0.0.1 (this machine only) by default.
    :param port: the port to bind; 0 picks a free one (see :attr:`port` once started).
    :param log: report each request as one line (:func:`format_line`): ``True`` prints to
        stderr, a callable receives each line.
    :param tls: serve HTTPS with a certificate made at start, signed by a new CA whose file is
        :attr:`ca_path` (needs the ``tls`` extra, see :mod:`s3emu.tls`).
    :param cert: serve HTTPS with this PEM certificate (chain) file; ``key`` is its key file.
    :param allow_insecure_ssec: accept SSE-C keys over plain HTTP (S3 refuses them).
    :param admin: the admin API (:class:`~s3emu.admin.AdminAccess`): None keeps the
        emulator's setting (on over loopback, refused on a non-loopback ``host``), True
        enables it on any address (a non-loopback one then needs a token), False turns it off.
    """

    def __init__(self, emulator: Emulator | None = None, host: str = "127.0.0.1",
                 port: int = 0, *, log: bool | Callable[[str], None] = False,
                 tls: bool = False, cert: str | None = None, key: str | None = None,
                 allow_insecure_ssec: bool = False, admin: bool | None = None) -> None:
        if (cert is None) != (key is None):
            raise ValueError("cert and key are given together")
        self.tls = bool(tls or cert)
        self.allow_insecure_ssec = allow_insecure_ssec
        self.admin = admin
        self._given = _tls.CertificateFiles(cert, key) if cert and key else None
        self._made: _tls.CertificateFiles | None = None
        self.emulator = emulator if emulator is not None else Emulator(clock=Clock.system())
        self.host = host
        self.port = port
        self._requested_port = port
        self._sink = _sink(log)
        self._sink_lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def ca_path(self) -> str | None:
        """The CA file that verifies a certificate the server made (``tls=True``) while it
        runs (boto3 ``verify=``, AWS CLI ``--ca-bundle``); None otherwise."""
        return self._made.ca if self._made is not None else None

    @property
    def endpoint_url(self) -> str:
        """``http(s)://<host>:<port>``, for ``endpoint_url=`` / ``--endpoint-url``."""
        if not self.running and not self.port:
            raise RuntimeError("the server picks its port when started; start() it first")
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def _tls_context(self) -> ssl.SSLContext:
        files = self._given
        if files is None:
            if self._made is None:
                self._made = _tls.make_self_signed([self.host])
            files = self._made
        assert files.cert is not None and files.key is not None
        return _tls.server_context(files.cert, files.key)

    def start(self) -> Server:
        """Bind and serve in a daemon thread; OSError if the address cannot be bound or a
        given certificate cannot be loaded, RuntimeError if one cannot be made."""
        if self._server is not None:
            return self
        context = self._tls_context() if self.tls else None
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.create_server((self.host, self._requested_port), family=family,
                                        backlog=128)
        try:  # werkzeug exits the process when it fails to bind: bind here, hand it the socket
            server = make_server(self.host, self._requested_port, self.emulator, threaded=True,
                                 request_handler=_Handler, fd=listener.fileno())
        finally:
            listener.close()
        server.s3emu_connections = set()  # type: ignore[attr-defined]
        server.s3emu_report = self._report if self._sink else None  # type: ignore[attr-defined]
        server.s3emu_allow_insecure_ssec = self.allow_insecure_ssec  # type: ignore[attr-defined]
        if context is not None:
            _accept_tls(server, context)
        access = getattr(self.emulator, "admin", None)  # who may use /_s3emu/ (s3emu.admin)
        if access is not None:
            access.served_on(self.host, self.admin)
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={
            "poll_interval": 0.05}, name=f"s3emu-server:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections and wait for the serving thread."""
        server, thread = self._server, self._thread
        _tls.remove(self._made)
        self._made = None
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.server_close()
        for connection in list(server.s3emu_connections):  # type: ignore[attr-defined]
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _report(self, method: str, path: str, status: int | str, sent: int, millis: float,
                request_id: str | None) -> None:
        operation = error_code = None
        entry = self._journal_entry(request_id)
        if entry is not None:
            operation, error_code = entry.operation, entry.error_code
        line = format_line(method, path, operation, status, sent, millis, error_code)
        assert self._sink is not None
        with self._sink_lock:
            self._sink(line)

    def _journal_entry(self, request_id: str | None) -> Any:
        journal = getattr(self.emulator, "journal", None)
        if request_id is None or journal is None:
            return None
        try:
            for back in range(1, min(len(journal), 1024) + 1):
                entry = journal[-back]
                if entry.request_id == request_id:
                    return entry
        except IndexError:  # the journal was cleared meanwhile
            pass
        return None

    def __repr__(self) -> str:
        where = self.endpoint_url if self.running else "stopped"
        return f"Server({where}, {self.emulator!r})"
