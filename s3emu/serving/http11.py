"""HTTP/1.1 framing for the standalone server: request heads, request bodies, responses.

This module knows the wire and nothing of sockets' lifecycle (accepting, pooling, idle
connections are :mod:`s3emu.server`'s): a :class:`Connection` is one client socket with its
read buffer; :func:`read_head` reads and checks one request head against the :class:`Limits`;
:class:`RequestBody` is ``wsgi.input`` (Content-Length or ``Transfer-Encoding: chunked``, de-chunked
here, never returning a byte that was not received); :class:`Exchange` writes one response.

Problems with the framing become S3's errors (:class:`HeadError` carries one for the server to
answer before the app runs; :class:`RequestBody` raises them into the app):

- a request line over :attr:`Limits.max_request_line` bytes, or one that is not
  ``METHOD TARGET HTTP/1.x``: 400 InvalidURI / InvalidRequest;
- a header section over :attr:`Limits.max_header_bytes` (8,192, S3's ``MaxSizeAllowed``) or with
  more than :attr:`Limits.max_headers` fields: 400 RequestHeaderSectionTooLarge;
- a Content-Length that is not 1 to 19 ASCII digits: 400 InvalidArgument;
- a transfer coding other than ``chunked``: 501 NotImplemented;
- a body that ends early: 400 IncompleteBody; malformed chunked framing: 400 InvalidRequest;
- a head or body not received in time: 400 RequestTimeout.

Times are wall time (``time.monotonic``), as socket timeouts are. This module imports only the
standard library and :mod:`s3emu.errors` / :mod:`s3emu.protocol`.
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any

from ..errors import (InvalidArgument, InvalidRequest, InvalidURI, NotImplemented_,
                     RequestHeaderSectionTooLarge, RequestTimeout, S3Error)
from ..protocol import numbers, xml
from ..protocol.render import STATUS_LINES

monotonic = time.monotonic


@dataclass(frozen=True)
class Limits:
    """The server's limits; every one is a :class:`s3emu.Server` option (seconds, bytes)."""

    #: bytes of the request line (method, target, version), CRLF excluded
    max_request_line: int = 16384
    #: bytes of the header fields after the request line (S3's MaxSizeAllowed)
    max_header_bytes: int = 8192
    #: header fields in a request
    max_headers: int = 100
    #: seconds to receive a whole request head, from its first byte
    head_timeout: float = 20.0
    #: seconds a client may stay silent while sending a body (or while reading a response);
    #: also the grace period before :attr:`min_body_rate` applies
    body_timeout: float = 20.0
    #: bytes per second a body must average once :attr:`body_timeout` has passed
    min_body_rate: int = 1024
    #: seconds a connection may wait for its (next) request before it is closed
    idle_timeout: float = 60.0
    #: connections open at once; more are answered 503 SlowDown and closed
    max_connections: int = 2048
    #: requests served at once (worker threads); ready connections beyond them wait their turn
    workers: int = 32

    def __post_init__(self) -> None:
        for name in ("head_timeout", "body_timeout", "idle_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        for name in ("min_body_rate", "max_connections", "workers", "max_request_line",
                     "max_header_bytes", "max_headers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


class HeadError(Exception):
    """A request head the server answers itself: ``error`` is the S3Error to send (None: close
    without an answer), ``reason`` the log line's text."""

    def __init__(self, error: S3Error | None, reason: str) -> None:
        super().__init__(reason)
        self.error, self.reason = error, reason


class Connection:
    """One client socket and the bytes read from it but not used yet."""

    __slots__ = ("sock", "address", "buffer", "idle_since", "handshaken", "timeout", "ready",
                 "head_started")

    def __init__(self, sock: socket.socket, address: Any, handshaken: bool = True) -> None:
        self.sock = sock
        self.address = address
        self.buffer = bytearray()
        self.idle_since = monotonic()
        self.handshaken = handshaken
        self.timeout: float | None = None   # the socket's, as last set
        self.ready = False                  # the socket had bytes to read when handed over
        self.head_started: float | None = None  # when a partial head's first byte came

    # -- SPEED: the one speed trick of the server's path ---------------------------------
    # settimeout() is a system call (ioctl FIONBIO) and was made 2-3 times per request: the
    # socket's timeout is remembered and set only when it changes, and a head's first wait
    # uses the whole head_timeout (not the time left), so with the default limits (head and
    # body timeouts equal) a keep-alive request sets none. Measured with bench/server.py
    # (8 raw keep-alive clients, 1 KiB GETs, 2 cores): 2,630 -> 3,200 GET/s (+20%). Tried and
    # dropped: a worker waiting up to 0.5-2 ms for the next request before handing the
    # connection back to the selector (no gain within the noise).
    def set_timeout(self, timeout: float | None) -> None:
        if timeout != self.timeout:
            self.sock.settimeout(timeout)
            self.timeout = timeout

    def fill(self, timeout: float) -> int:
        """Receive once into the buffer, waiting at most ``timeout`` seconds (TimeoutError);
        0 when the client closed its side."""
        if timeout <= 0:
            raise TimeoutError
        self.set_timeout(timeout)
        data = self.sock.recv(_RECV)
        self.buffer += data
        return len(data)

    def take(self, size: int) -> bytes:
        """Up to ``size`` buffered bytes, removed from the buffer."""
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def pending(self) -> bool:
        """Whether bytes are already here (buffered by us or by TLS)."""
        return bool(self.buffer) or self.tls_pending()

    def tls_pending(self) -> bool:
        """Whether TLS holds decrypted bytes not received yet (a selector cannot see them)."""
        pending = getattr(self.sock, "pending", None)
        return bool(pending and pending())


_RECV = 1 << 16
_HEAD_END = b"\r\n\r\n"
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                   b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_VISIBLE = bytes(range(0x21, 0x7F)) + bytes(range(0x80, 0x100))
_MAX_DIGITS = 19                     # Content-Length up to 9,999,999,999,999,999,999 bytes
_MAX_SIZE_LINE = 4096                # a chunk-size line, extensions included
_MAX_CHUNK_HEX = 16


@dataclass
class Head:
    """A request head as received: names as sent, values as latin-1 text (bytes kept)."""

    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    length: int | None               # Content-Length; None for a chunked body
    chunked: bool
    close: bool                      # the connection closes after this exchange
    expect_continue: bool


def looks_like_tls(data: bytes | bytearray) -> bool:
    """Whether ``data`` starts like a TLS ClientHello (a handshake record, version 3.x)."""
    return len(data) >= 2 and data[0] == 0x16 and data[1] == 0x03


#: :func:`read_head`'s answer when the head is not all here: wait for more, idle
WAIT = "wait"


def read_head(conn: Connection, limits: Limits) -> Head | str | None:
    """Read one request head from ``conn``: the Head, None when the client closed before
    sending one, or :data:`WAIT` when it is not all here yet.

    It receives only when the connection is known to have bytes (``conn.ready``, or TLS
    holding some), so a slow client never holds a worker thread between its bytes; the whole
    head must arrive within ``limits.head_timeout`` of its first byte, however slowly it
    trickles (``conn.head_started``, checked here and by the idle watcher).
    HeadError for anything S3 would refuse.
    """
    buffer = conn.buffer
    while True:
        while buffer[:2] == b"\r\n":     # empty lines before a request are ignored (RFC 9112)
            del buffer[:2]
        end = buffer.find(_HEAD_END)
        if end >= 0:
            break
        if looks_like_tls(buffer):
            raise HeadError(None, "spoke TLS to the plain HTTP port; closed")
        newline = buffer.find(b"\n")
        if len(buffer) - newline > limits.max_header_bytes + 3 if newline >= 0 \
                else len(buffer) > limits.max_request_line + 1:
            _too_large(bytes(buffer), limits)
        now = monotonic()
        if buffer:
            if conn.head_started is None:
                conn.head_started = now
            elif now - conn.head_started >= limits.head_timeout:
                raise HeadError(RequestTimeout(), "request head not received in time")
        if not (conn.ready or conn.tls_pending()):
            return WAIT
        conn.ready = False
        # bytes are here (a partial TLS record at worst): the first wait is the whole
        # head_timeout, to keep one timeout value for most requests (see SPEED above)
        remaining = (limits.head_timeout if conn.head_started is None
                     else conn.head_started + limits.head_timeout - now)
        try:
            got = conn.fill(remaining)
        except TimeoutError:
            raise HeadError(RequestTimeout() if buffer else None,
                            "request head not received in time") from None
        except OSError:
            return None
        if not got:
            if buffer:
                raise HeadError(None, "connection closed inside a request head")
            return None
    conn.head_started = None
    conn.ready = False       # what follows in the buffer may be a partial head: wait for more
    raw = bytes(buffer[:end])
    del buffer[:end + 4]
    return parse_head(raw, limits)


def _too_large(raw: bytes, limits: Limits) -> None:
    line, newline, rest = raw.partition(b"\n")
    if len(line.rstrip(b"\r")) > limits.max_request_line or not newline:
        raise HeadError(InvalidURI(), f"request line over {limits.max_request_line} bytes")
    raise HeadError(RequestHeaderSectionTooLarge(MaxSizeAllowed=str(limits.max_header_bytes)),
                    f"request header section over {limits.max_header_bytes} bytes")


def parse_head(raw: bytes, limits: Limits) -> Head:
    """Parse a head (without its final blank line)."""
    line, _, section = raw.partition(b"\r\n")
    if len(line) > limits.max_request_line:
        raise HeadError(InvalidURI(), f"request line over {limits.max_request_line} bytes")
    if len(section) > limits.max_header_bytes:
        raise HeadError(RequestHeaderSectionTooLarge(MaxSizeAllowed=str(limits.max_header_bytes)),
                        f"request header section of {len(section)} bytes over "
                        f"{limits.max_header_bytes}")
    words = line.split(b" ")
    if len(words) != 3 or not words[0] or not _TOKEN.issuperset(words[0]) or not words[1] \
            or not words[2].startswith(b"HTTP/1.") or len(words[2]) != 8 \
            or not words[2][7:].isdigit():
        raise HeadError(InvalidRequest(), "malformed request line")
    method, target, version = (w.decode("latin-1") for w in words)
    if words[1].translate(None, _VISIBLE):
        raise HeadError(InvalidURI(), "control characters in the request target")
    headers: list[tuple[str, str]] = []
    if section:
        lines = section.split(b"\r\n")
        if len(lines) > limits.max_headers:
            raise HeadError(RequestHeaderSectionTooLarge(),
                            f"{len(lines)} header fields, over {limits.max_headers}")
        for field in lines:
            if field[:1] in (b" ", b"\t"):   # obsolete line folding: one value
                if not headers:
                    raise HeadError(InvalidRequest(), "malformed header field")
                folded, before = headers[-1]
                headers[-1] = (folded, f"{before} {field.strip().decode('latin-1')}")
                continue
            name, colon, value = field.partition(b":")
            if not colon or not name or not _TOKEN.issuperset(name):
                raise HeadError(InvalidRequest(), "malformed header field")
            headers.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))
    return _frame(method, target, version, headers)


def _frame(method: str, target: str, version: str, headers: list[tuple[str, str]]) -> Head:
    lengths, codings, connection, expect = [], [], "", ""
    for name, value in headers:
        lower = name.lower()
        if lower == "content-length":
            lengths += value.split(",")
        elif lower == "transfer-encoding":
            codings += [c.strip().lower() for c in value.split(",") if c.strip()]
        elif lower == "connection":
            connection += "," + value.lower()
        elif lower == "expect":
            expect = value.strip().lower()
    tokens = {t.strip() for t in connection.split(",")}
    close = "close" in tokens if version == "HTTP/1.1" else "keep-alive" not in tokens
    chunked = False
    length: int | None = 0
    if codings:
        if codings[-1] != "chunked" or any(c not in ("chunked", "identity", "gzip", "deflate")
                                           for c in codings):
            raise HeadError(NotImplemented_(Header="Transfer-Encoding"),
                            f"transfer coding {','.join(codings)!r} not implemented")
        chunked, length = True, None
        close = close or bool(lengths)   # both framings: Transfer-Encoding wins, then close
    elif lengths:
        length = parse_length(lengths)
    return Head(method, target, version, headers, length, chunked, close,
                expect == "100-continue" and version >= "HTTP/1.1")


def parse_length(values: list[str]) -> int:
    """A Content-Length (repeated values must agree): 1 to 19 ASCII digits, else HeadError."""
    found = None
    for value in values:
        text = value.strip()
        number = numbers.count(text) if len(text) <= _MAX_DIGITS else None
        if number is None or (found is not None and number != found):
            shown = ",".join(values)
            raise HeadError(InvalidArgument(
                "Content-Length must be a whole number of bytes",
                ArgumentName="Content-Length",
                ArgumentValue=shown if len(shown) <= 64 else shown[:64] + "..."),
                "malformed Content-Length")
        found = number
    assert found is not None
    return found


def error_response(error: S3Error, request_id: str, host_id: str, date: str, *,
                   head: bool = False) -> bytes:
    """A whole response for an error the server answers itself; the connection closes."""
    body = xml.render("Error", {"Code": error.code, "Message": error.message, **error.fields,
                                "RequestId": request_id, "HostId": host_id}, namespace=False)
    lines = [f"HTTP/1.1 {STATUS_LINES.get(error.status, str(error.status))}",
             "Content-Type: application/xml", f"Content-Length: {len(body)}",
             f"x-amz-request-id: {request_id}", f"x-amz-id-2: {host_id}", f"Date: {date}",
             "Server: AmazonS3", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + (b"" if head else body)
