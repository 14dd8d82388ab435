"""The standalone server: an Emulator's WSGI app behind s3emu's own threaded HTTP/1.1 server.

:class:`Server` binds 127.0.0.1 and an ephemeral port by default and serves from daemon threads
(see :mod:`s3emu.connections` for accepting, idle connections and the worker pool;
:mod:`s3emu.http11`, :mod:`s3emu.httpbody` and :mod:`s3emu.httpresponse` for the framing). The
exchange is what S3 clients expect:

- connections stay open between requests (HTTP/1.1 keep-alive, pipelining), and a body the app
  left unread is drained, or the connection closed;
- ``Expect: 100-continue`` is answered with ``100 Continue`` only when the app first reads the
  body, so a request rejected before that (no such bucket, bad signature) is answered without
  the client sending its body, as S3 does;
- chunked request bodies are de-chunked by s3emu's own code (``wsgi.input_terminated``); reads
  never go past the request's own body, and never return a byte that was not received;
- the raw request target reaches the app untouched (``RAW_URI``), a leading ``//`` included;
- the app's memoryview chunks are written to the socket as they are (no copy, never joined);
  HEAD, 1xx, 204 and 304 responses carry their headers and no body;
- ``Date`` and ``Server`` come from the app (the emulator's clock);
- heads, bodies and idle connections are bounded in size and time, and connections in number
  (:class:`~s3emu.http11.Limits`, each a Server option); what S3 would refuse gets S3's XML error;
- with TLS (``tls=True`` or ``cert=``/``key=``, see :mod:`s3emu.tls`) each connection's
  handshake runs in a worker, and a client that does not speak TLS is dropped;
- SSE-C needs HTTPS, as on S3, unless ``allow_insecure_ssec=True``.

Each request can be reported as one line (see :func:`format_line`).

With ``persistence=`` (a :class:`s3emu.datadir.Persistence`, which has loaded a data
directory's state into the emulator) the server tells it after each request that may have
changed the state (it writes snapshots from its own thread, debounced) and closes it when it
stops (the last snapshot).

With a ticking clock (the system clock, the default), a thread drains the emulator's
background work (:mod:`s3emu.scheduler`) as real time passes, so a lifecycle pass or a
scheduled delivery happens at its due time even while no request comes in (within a second).
"""
from __future__ import annotations

import logging
import os
import socket
import ssl
import sys
import threading
from email.utils import formatdate
from typing import Any, Callable, Protocol

from .clock import Clock
from .serving.connections import Hub, Serving
from .emulator import Emulator
from .messages import Inbound, Outcome, WsgiServes
from .serving.http11 import Limits
from .serving.request_body import DRAIN_LIMIT as DRAIN_LIMIT
from .protocol.dates import http_date
from . import tls as _tls

log = logging.getLogger("s3emu.server")

_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})


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


class Kept(Protocol):
    """What the server needs of a :class:`s3emu.datadir.Persistence`."""

    path: str

    @property
    def closed(self) -> bool: ...
    def changed(self) -> None: ...
    def start(self) -> None: ...
    def close(self, save: bool = True) -> None: ...


#: methods that never change the state by themselves
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Saving:
    """The emulator, telling its data directory after each request that may have changed
    the state: one not a read, one before which background work ran or was queued, or one
    that made a server access log record."""

    def __init__(self, emulator: Emulator, persistence: Kept) -> None:
        self._emulator = emulator
        self._changed = persistence.changed

    def serve(self, inbound: Inbound) -> Outcome:
        services = self._emulator.services
        due, records = services.scheduler.next_due, services.access_logs.recorded
        try:
            return self._emulator.serve(inbound)
        finally:
            if (inbound.method not in _READS or services.scheduler.next_due != due
                    or services.access_logs.recorded != records
                    or self._emulator.services is not services):
                self._changed()


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
    :param idle_timeout: seconds a connection may wait for its (next) request (60).
    :param head_timeout: seconds to receive a request head, from its first byte (20).
    :param body_timeout: seconds a client may stay silent mid-body or while a response is
        written; also the grace before ``min_body_rate`` applies (20).
    :param min_body_rate: bytes per second a body must average after that grace (1024).
    :param max_connections: connections open at once; more get 503 SlowDown (2048).
    :param workers: requests served at once (threads); other ready connections wait (32).
    :param admin: the admin API (:class:`~s3emu.admin.AdminAccess`): None keeps the
        emulator's setting (on over loopback, refused on a non-loopback ``host``), True
        enables it on any address (a non-loopback one then needs a token), False turns it off.
    :param persistence: keep the emulator's state in a data directory: a
        :class:`s3emu.datadir.Persistence` opened on the same emulator (``Persistence.open(
        emu, DIR)``, which loads the directory's state); the server tells it of changes,
        starts its writer thread and closes it (last snapshot) when it stops.
    """

    def __init__(self, emulator: Emulator | None = None, host: str = "127.0.0.1",
                 port: int = 0, *, log: bool | Callable[[str], None] = False,
                 tls: bool = False, cert: str | None = None, key: str | None = None,
                 allow_insecure_ssec: bool = False, idle_timeout: float = 60.0,
                 head_timeout: float = 20.0, body_timeout: float = 20.0,
                 min_body_rate: int = 1024, max_connections: int = 2048,
                 workers: int = 32, admin: bool | None = None,
                 persistence: Kept | None = None) -> None:
        if (cert is None) != (key is None):
            raise ValueError("cert and key are given together")
        self.limits = Limits(idle_timeout=idle_timeout, head_timeout=head_timeout,
                             body_timeout=body_timeout, min_body_rate=min_body_rate,
                             max_connections=max_connections, workers=workers)
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
        self._hub: Hub | None = None
        self._stopping: threading.Event | None = None
        #: the data directory keeping the state (None: in memory only)
        self.persistence = persistence

    @property
    def running(self) -> bool:
        return self._hub is not None

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
        """Bind and serve from daemon threads; OSError if the address cannot be bound or a
        given certificate cannot be loaded, RuntimeError if one cannot be made."""
        if self._hub is not None:
            return self
        if self.persistence is not None and self.persistence.closed:
            raise RuntimeError(f"the data directory {self.persistence.path} was released when "
                               f"the server stopped; make a new Server")
        context = self._tls_context() if self.tls else None
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.create_server((self.host, self._requested_port), family=family,
                                        backlog=1024)
        self.port = listener.getsockname()[1]
        app: Any = self.emulator if hasattr(self.emulator, "serve") else WsgiServes(self.emulator)
        if self.persistence is not None:
            app = _Saving(self.emulator, self.persistence)
            self.persistence.start()
        serving = Serving(
            app=app,
            limits=self.limits, scheme="https" if self.tls else "http",
            server_name=self.host, server_port=str(self.port),
            allow_insecure_ssec=self.allow_insecure_ssec, tls=context,
            report=self._report if self._sink else None,
            error_ids=self._error_ids, error_date=self._error_date)
        serving.base = {
            "SCRIPT_NAME": "", "SERVER_NAME": serving.server_name,
            "SERVER_PORT": serving.server_port, "SERVER_SOFTWARE": "s3emu",
            "wsgi.version": (1, 0), "wsgi.url_scheme": serving.scheme, "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False}
        access = getattr(self.emulator, "admin", None)  # who may use /_s3emu/ (s3emu.admin)
        if access is not None:
            access.served_on(self.host, self.admin)
        self._hub = Hub(listener, serving)
        self._hub.start(f"s3emu-server:{self.port}")
        clock = getattr(self.emulator, "clock", None)
        if isinstance(clock, Clock) and clock.ticking and hasattr(self.emulator, "scheduler"):
            self._stopping = threading.Event()
            threading.Thread(target=self._drain, args=(self._stopping,), daemon=True,
                             name=f"s3emu-scheduler:{self.port}").start()
        return self

    #: the longest the drain thread sleeps between looks at the queue (seconds)
    DRAIN_INTERVAL = 1.0

    def _drain(self, stopping: threading.Event) -> None:
        """Run the background work as it falls due on the ticking clock, until stopped."""
        while True:
            scheduler = self.emulator.scheduler      # read again: reset() makes a new one
            wait = (scheduler.next_due - scheduler.clock.now()).total_seconds()
            if stopping.wait(min(max(wait, 0.01), self.DRAIN_INTERVAL)):
                return
            try:
                if scheduler.run_due() and self.persistence is not None:
                    self.persistence.changed()
            except Exception:   # the scheduler logs its jobs' failures; never end the thread
                log.exception("draining the background work failed")

    def stop(self) -> None:
        """Stop accepting, close open connections and wait for the serving threads; with a
        data directory, write the last snapshot and release the directory (a stopped server
        with one does not start again)."""
        hub = self._hub
        if self._stopping is not None:
            self._stopping.set()
            self._stopping = None
        _tls.remove(self._made)
        self._made = None
        if hub is not None:
            self._hub = None
            hub.stop()
        if self.persistence is not None:
            self.persistence.close()

    close = stop

    def _error_ids(self) -> tuple[str, str]:
        ids = getattr(self.emulator, "ids", None)
        if ids is not None:
            try:
                return ids.request_ids()
            except Exception:
                pass
        request_id = os.urandom(8).hex().upper()
        return request_id, request_id

    def _error_date(self) -> str:
        clock = getattr(self.emulator, "clock", None)
        if isinstance(clock, Clock):
            return http_date(clock.now())
        return formatdate(usegmt=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _report(self, method: str, path: str, status: int | str, sent: int, millis: float,
                operation: str | None, error_code: str | None) -> None:
        line = format_line(method, path, operation, status, sent, millis, error_code)
        assert self._sink is not None
        with self._sink_lock:
            self._sink(line)

    def __repr__(self) -> str:
        where = self.endpoint_url if self.running else "stopped"
        return f"Server({where}, {self.emulator!r})"
