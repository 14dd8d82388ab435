"""The standalone server's connections: accepting, waiting idle, and serving with a bounded pool.

One thread (:meth:`Hub.run`) accepts connections and watches every idle one (new, or kept
alive between requests) with a selector; a connection with bytes to read goes to a fixed pool
of ``workers`` threads, which read the request head (:func:`~.http11.read_head`), run the WSGI
app and write the response (:class:`~.httpresponse.Exchange`), then hand the connection back.
A head that is not all here after one receive goes back to wait too, so a client trickling
its head holds no thread between its bytes. So an idle connection costs a socket and no
thread, at most ``workers`` requests are served at once (ready connections beyond them wait in
the queue; a request holds its worker while its body arrives, bounded by the body timeouts), and:

- a head not complete ``head_timeout`` seconds after its first byte is answered
  ``400 RequestTimeout`` and the connection closed;

- a connection idle for ``idle_timeout`` seconds is closed;
- beyond ``max_connections`` open connections a new one is answered ``503 SlowDown`` (S3's XML)
  and closed, one log line per second at most while it lasts;
- a ClientHello on the plain port, a failed TLS handshake, a head S3 would refuse: one log
  line (logger ``s3emu.server``, WARNING), the error answered when S3 would, the connection
  closed; the server keeps serving the others.

State the server shares with its threads is one typed :class:`Serving` record, not attributes
on a server object. This module imports the standard library and the server's own modules.
"""
from __future__ import annotations

import collections
import errno
import logging
import queue
import selectors
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote_to_bytes

from ..messages import Inbound, Serves, headers_as_sent
from ..errors import RequestTimeout, SlowDown
from .http11 import (WAIT, Connection, Head, HeadError, Limits, error_response, monotonic,
                     read_head)
from .request_body import RequestBody
from .exchange import Exchange

log = logging.getLogger("s3emu.server")

_BLOCK = 1 << 20
_LISTENER, _WAKE = object(), object()
_SCHEMES = ("http://", "https://")

#: (method, path, status, bytes sent, milliseconds, S3 operation, error code) -> None
Report = Callable[[str, str, "int | str", int, float, "str | None", "str | None"], None]


@dataclass
class Serving:
    """What every connection's thread needs to serve a request."""

    #: what requests are handed to (the Emulator)
    app: Serves
    limits: Limits
    scheme: str
    server_name: str
    server_port: str
    allow_insecure_ssec: bool
    tls: ssl.SSLContext | None
    #: reports each exchange (None: no log lines)
    report: Report | None
    #: (request id, host id) and the Date header for answers the server sends itself
    error_ids: Callable[[], tuple[str, str]]
    error_date: Callable[[], str]
    base: dict[str, Any] = field(default_factory=dict)


class Hub:
    """The accepting and idle-watching thread, and the worker pool it feeds."""

    def __init__(self, listener: socket.socket, serving: Serving) -> None:
        self.listener = listener
        self.serving = serving
        self.limits = serving.limits
        self.stopping = False
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._parked: collections.deque[Connection] = collections.deque()
        self._ready: queue.SimpleQueue[Connection | None] = queue.SimpleQueue()
        self._idle: dict[int, Connection] = {}
        self._lock = threading.Lock()
        self.open: set[Connection] = set()
        self._threads: list[threading.Thread] = []
        self._paused_until = 0.0
        self._refused_logged = 0.0

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, name: str) -> None:
        self.listener.setblocking(False)
        self._selector.register(self.listener, selectors.EVENT_READ, _LISTENER)
        self._selector.register(self._wake_r, selectors.EVENT_READ, _WAKE)
        for number in range(self.limits.workers):
            self._spawn(self._work, f"{name}-worker-{number}")
        self._spawn(self.run, name)

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop accepting, close every connection, wait for the threads (5 s at most)."""
        self.stopping = True
        self._wake()
        for _ in range(self.limits.workers):
            self._ready.put(None)
        with self._lock:
            connections = list(self.open)
        for conn in connections:
            _shutdown(conn.sock)
        deadline = monotonic() + 5
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - monotonic()))
        with self._lock:
            connections = list(self.open)
        for conn in connections:  # parked after the accepting thread ended
            self.close(conn)

    # -- the accepting / idle thread --------------------------------------------------------
    def run(self) -> None:
        selector, limits = self._selector, self.limits
        tick = min(0.5, limits.idle_timeout / 4, limits.head_timeout / 4)
        next_scan = monotonic() + tick
        try:
            while not self.stopping:
                for key, _ in selector.select(tick):
                    data = key.data
                    if data is _LISTENER:
                        self._accept()
                    elif data is _WAKE:
                        try:
                            self._wake_r.recv(4096)
                        except OSError:
                            pass
                    else:
                        selector.unregister(key.fileobj)
                        del self._idle[key.fd]
                        data.ready = True
                        self._ready.put(data)
                while self._parked:
                    self._watch(self._parked.popleft())
                now = monotonic()
                if self._paused_until and now >= self._paused_until:
                    self._paused_until = 0.0
                    selector.register(self.listener, selectors.EVENT_READ, _LISTENER)
                if now >= next_scan:
                    next_scan = now + tick
                    self._expire(now)
        finally:
            for conn in list(self._idle.values()):
                self.close(conn)
            self._idle.clear()
            selector.close()
            self.listener.close()
            self._wake_r.close()

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, address = self.listener.accept()
            except BlockingIOError:
                return
            except OSError as error:  # out of file descriptors: pause accepting a moment
                if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    log.warning("cannot accept connections: %s; pausing 0.1 s", error)
                    self._selector.unregister(self.listener)
                    self._paused_until = monotonic() + 0.1
                return
            with self._lock:
                full = len(self.open) >= self.limits.max_connections
            if full:
                self._refuse(sock, address)
                continue
            sock.settimeout(None)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            conn = Connection(sock, address)
            if self.serving.tls is not None:
                conn.sock = self.serving.tls.wrap_socket(sock, server_side=True,
                                                         do_handshake_on_connect=False)
                conn.handshaken = False
            with self._lock:
                self.open.add(conn)
            self._watch(conn)

    def _refuse(self, sock: socket.socket, address: Any) -> None:
        now = monotonic()
        if now - self._refused_logged >= 1.0:
            self._refused_logged = now
            log.warning("%s: %d connections open, the most allowed: 503 SlowDown",
                        address[0], self.limits.max_connections)
        request_id, host_id = self.serving.error_ids()
        try:
            sock.setblocking(False)
            if self.serving.tls is None:  # a TLS client could not read it
                sock.send(error_response(SlowDown(), request_id, host_id,
                                         self.serving.error_date()))
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        sock.close()

    def _watch(self, conn: Connection) -> None:
        if self.stopping:
            self.close(conn)
            return
        if conn.tls_pending():
            conn.ready = True
            self._ready.put(conn)
            return
        try:
            key = self._selector.register(conn.sock, selectors.EVENT_READ, conn)
        except (ValueError, OSError):  # closed meanwhile
            self.close(conn)
            return
        self._idle[key.fd] = conn

    def _expire(self, now: float) -> None:
        """Close connections idle too long, and those whose head is late (RequestTimeout)."""
        idle_before = now - self.limits.idle_timeout
        head_before = now - self.limits.head_timeout
        for fd, conn in list(self._idle.items()):
            late = conn.head_started is not None and conn.head_started <= head_before
            if late or conn.idle_since < idle_before:
                self._selector.unregister(conn.sock)
                del self._idle[fd]
                if late:
                    self._time_out_head(conn)
                self.close(conn)

    def _time_out_head(self, conn: Connection) -> None:
        where = conn.address[0] if conn.address else "-"
        log.warning("%s: request head not received in time: 400 RequestTimeout", where)
        request_id, host_id = self.serving.error_ids()
        try:  # from this thread: never wait for the client
            conn.sock.settimeout(0)
            conn.sock.send(error_response(RequestTimeout(), request_id, host_id,
                                          self.serving.error_date()))
            conn.sock.shutdown(socket.SHUT_WR)
        except (OSError, ValueError):
            pass

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"\0")
        except OSError:
            pass

    # -- worker side ----------------------------------------------------------------------
    def park(self, conn: Connection) -> None:
        """Hand a connection back to wait, idle, for its next request."""
        conn.idle_since = monotonic()
        self._parked.append(conn)
        self._wake()

    def close(self, conn: Connection) -> None:
        with self._lock:
            self.open.discard(conn)
        try:
            conn.sock.close()
        except OSError:
            pass

    def _work(self) -> None:
        while True:
            conn = self._ready.get()
            if conn is None:
                return
            try:
                serve_connection(self, conn)
            except Exception:  # never lose a worker
                log.exception("error serving a connection from %s", conn.address[0])
                self.close(conn)


def serve_connection(hub: Hub, conn: Connection) -> None:
    """Serve requests on ``conn`` while they come at once, then park it or close it."""
    if not conn.handshaken:
        try:
            conn.set_timeout(hub.limits.head_timeout)
            conn.sock.do_handshake()  # type: ignore[attr-defined]
            conn.handshaken = True
            conn.ready = False  # the bytes that made it ready were the handshake's
        except (OSError, ValueError) as error:  # not TLS, or no common ground
            log.warning("%s: TLS handshake failed: %s", conn.address[0], error)
            linger(conn.sock)
            hub.close(conn)
            return
    while True:
        kept = serve_one(hub.serving, conn)
        if not kept or hub.stopping:
            break
        if kept is WAIT or not conn.pending():
            hub.park(conn)
            return
    hub.close(conn)


def serve_one(serving: Serving, conn: Connection) -> bool | str:
    """Read one request on ``conn``, run the app, answer; True to keep the connection,
    :data:`~.http11.WAIT` when the head is not all here yet (wait, idle, for the rest)."""
    started = time.perf_counter()
    limits = serving.limits
    try:
        head = read_head(conn, limits)
    except HeadError as problem:
        _answer_head_error(serving, conn, problem, started)
        return False
    if head is None:
        return False
    if head is WAIT:
        return WAIT
    assert isinstance(head, Head)
    inbound = make_inbound(serving, conn, head)
    body = inbound.environ["wsgi.input"] = RequestBody(conn, head.length, limits,
                                                       head.expect_continue)
    exchange = Exchange(conn, head, body)
    exchange.write_timeout = limits.body_timeout
    outcome = None
    try:
        outcome = serving.app.serve(inbound)
        if outcome.reset is not None:   # an injected fault: drop the connection, say nothing
            raise outcome.reset
        exchange.run(outcome.status, outcome.headers, outcome.body)
    except (ConnectionError, TimeoutError):
        exchange.close = True
    except Exception:
        log.exception("error serving %s %s", head.method, head.target.partition("?")[0])
        exchange.close = True
        if not exchange.headers_sent:
            exchange.internal_error()
    if not exchange.close and not body.drain():
        exchange.close = True
    if exchange.close and not body.finished:
        linger(conn.sock)
    if serving.report is not None:
        serving.report(head.method, head.target.partition("?")[0], exchange.status_code,
                       exchange.sent, (time.perf_counter() - started) * 1000,
                       outcome.operation if outcome is not None else None,
                       outcome.error_code if outcome is not None else None)
    return not exchange.close


def _answer_head_error(serving: Serving, conn: Connection, problem: HeadError,
                       started: float) -> None:
    error = problem.error
    where = conn.address[0] if conn.address else "-"
    if error is None:
        log.warning("%s: %s", where, problem.reason)
        return
    log.warning("%s: %s: %d %s", where, problem.reason, error.status, error.code)
    request_id, host_id = serving.error_ids()
    data = error_response(error, request_id, host_id, serving.error_date())
    try:
        conn.set_timeout(serving.limits.body_timeout)
        conn.sock.sendall(data)
    except OSError:
        return
    linger(conn.sock)
    if serving.report is not None:
        serving.report("-", "-", error.status, len(data) - data.index(b"\r\n\r\n") - 4,
                       (time.perf_counter() - started) * 1000, None, error.code)


def make_inbound(serving: Serving, conn: Connection, head: Head) -> Inbound:
    """One request as the app receives it: its WSGI environ (RAW_URI: the request target as
    sent), its headers as sent and what the transport says (TLS, SSE-C over HTTP allowed)."""
    target = head.target
    path = target
    if target.startswith(_SCHEMES):  # absolute form: the path after the authority
        rest = target.partition("//")[2]
        path = "/" + rest.partition("/")[2] if "/" in rest else "/"
    path, _, query = path.partition("?")
    environ = serving.base.copy()
    environ["REQUEST_METHOD"] = head.method
    environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1") if "%" in path else path
    environ["QUERY_STRING"] = query
    environ["RAW_URI"] = environ["REQUEST_URI"] = target
    environ["SERVER_PROTOCOL"] = head.version
    address = conn.address
    if isinstance(address, tuple) and len(address) >= 2:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = address[0], str(address[1])
    for name, value in head.headers:
        if "_" in name:  # WSGI cannot tell "_" from "-": the app reads Inbound.headers
            continue
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    headers = headers_as_sent(head.headers)
    if head.chunked:
        environ["wsgi.input_terminated"] = True
        environ.pop("CONTENT_LENGTH", None)
    elif "CONTENT_LENGTH" in environ:
        environ["CONTENT_LENGTH"] = headers["content-length"] = str(head.length)
    return Inbound(environ, headers, secure=serving.tls is not None,
                   insecure_sse_c=serving.allow_insecure_ssec)


def linger(sock: socket.socket) -> None:
    """Close gently: stop sending, then drop what the client still sends for a moment,
    so that closing with unread data does not reset the connection under the response."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.05)
        deadline = monotonic() + 1.0
        while monotonic() < deadline and sock.recv(_BLOCK):
            pass
    except (OSError, ValueError):
        pass


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass
