"""Request bodies for the standalone server: ``wsgi.input`` over a :class:`~.http11.Connection`.

:class:`RequestBody` reads a Content-Length body, or de-chunks a ``Transfer-Encoding: chunked``
one with our own parser (never werkzeug's ``DechunkedInput``): it returns only bytes it
received, bounds the chunk-size line (:data:`~.http11._MAX_SIZE_LINE` bytes, extensions
ignored) and the trailer section, and turns every problem into S3's error, raised into the app:
a body that ends early is 400 IncompleteBody, malformed chunked framing 400 InvalidRequest, a
client too slow 400 RequestTimeout (silent for ``body_timeout`` seconds, or, once that grace has
passed, averaging under ``min_body_rate`` bytes per second).

This module imports only the standard library and :mod:`s3emu.errors` / :mod:`.http11`.
"""
from __future__ import annotations

import io
from typing import Any

from ..errors import IncompleteBody, InvalidRequest, RequestTimeout
from .http11 import _MAX_CHUNK_HEX, _MAX_SIZE_LINE, Connection, Limits, monotonic

#: A body the app left unread is read and dropped, up to this many bytes, to keep the
#: connection; beyond that the connection is closed.
DRAIN_LIMIT = 64 << 20
_BLOCK = 1 << 20
_HEX = frozenset(b"0123456789abcdefABCDEF")


class _Framing(Exception):
    """Malformed chunked framing (becomes InvalidRequest)."""


class RequestBody(io.RawIOBase):
    """``wsgi.input`` for one request: never reads past the request's own body (the next
    request on the connection follows it), and sends ``100 Continue`` before the first read
    when the client asked for it (so a request refused first never makes it send the body)."""

    def __init__(self, conn: Connection, length: int | None, limits: Limits,
                 expect: bool) -> None:
        super().__init__()
        self._conn = conn
        self._limits = limits
        self._remaining = length          # Content-Length left; None: chunked
        self._chunk_left = 0              # chunked: bytes left in the current chunk
        self._chunk_end = False           # chunked: the current chunk's CRLF is due
        self.awaiting_continue = expect and length != 0
        self.finished = length == 0
        self.broken = False
        self.received = 0                 # body bytes taken off the wire (framing included)
        self._started: float | None = None

    def readable(self) -> bool:
        return True

    # -- waiting for bytes, with the body's time limits ---------------------------------
    def _fill(self) -> None:
        limits = self._limits
        now = monotonic()
        if self._started is None:
            self._started = now
        # at most body_timeout of silence; after that grace, on average min_body_rate B/s
        allowed = self._started + limits.body_timeout + (self.received + 1) / limits.min_body_rate
        timeout = min(limits.body_timeout, allowed - now)
        try:
            got = self._conn.fill(timeout)
        except TimeoutError:
            self.broken = True
            raise RequestTimeout() from None
        except OSError:
            self.broken = True
            raise IncompleteBody() from None
        if not got:
            self.broken = True
            raise IncompleteBody()

    def _take(self, size: int) -> bytes:
        buffer = self._conn.buffer
        if not buffer:
            self._fill()
        data = self._conn.take(size)
        self.received += len(data)
        return data

    # -- reading -----------------------------------------------------------------------
    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left for -1/None); fewer only at the end."""
        if self.finished or self.broken or size == 0:
            return b""
        if self.awaiting_continue:
            self.awaiting_continue = False
            self._conn.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        want = -1 if size is None or size < 0 else size
        if self._remaining is not None:
            want = self._remaining if want < 0 else min(want, self._remaining)
            parts = []
            while want > 0:
                data = self._take(min(want, _BLOCK))
                parts.append(data)
                want -= len(data)
                self._remaining -= len(data)
            self.finished = self._remaining == 0
            return parts[0] if len(parts) == 1 else b"".join(parts)
        try:
            return self._read_chunked(want)
        except _Framing as problem:
            self.broken = True
            raise InvalidRequest(f"Malformed chunked transfer encoding: {problem}") from None

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _read_chunked(self, want: int) -> bytes:
        parts: list[bytes] = []
        while want != 0 and not self.finished:
            if self._chunk_left == 0:
                if self._chunk_end:
                    self._expect_crlf()
                    self._chunk_end = False
                size = self._size_line()
                if size == 0:
                    self._trailers()
                    self.finished = True
                    break
                self._chunk_left, self._chunk_end = size, True
            step = self._chunk_left if want < 0 else min(want, self._chunk_left)
            data = self._take(min(step, _BLOCK))
            parts.append(data)
            self._chunk_left -= len(data)
            if want > 0:
                want -= len(data)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _line(self, limit: int) -> bytes:
        """One CRLF-ended line of framing (at most ``limit`` bytes), CRLF removed."""
        buffer = self._conn.buffer
        while True:
            end = buffer.find(b"\n", 0, limit + 2)
            if end >= 0:
                break
            if len(buffer) > limit + 1:
                raise _Framing("line too long")
            self._fill()
        line = bytes(buffer[:end])
        del buffer[:end + 1]
        self.received += end + 1
        if not line.endswith(b"\r"):
            raise _Framing("line not ended by CRLF")
        return line[:-1]

    def _expect_crlf(self) -> None:
        if self._line(0) != b"":
            raise _Framing("chunk longer than its size")

    def _size_line(self) -> int:
        text = self._line(_MAX_SIZE_LINE).partition(b";")[0].strip(b" \t")
        if not text or len(text) > _MAX_CHUNK_HEX or not _HEX.issuperset(text):
            raise _Framing("bad chunk size")
        return int(text, 16)

    def _trailers(self) -> None:
        total = 0
        while True:
            line = self._line(self._limits.max_header_bytes)
            if not line:
                return
            total += len(line) + 2
            if total > self._limits.max_header_bytes or b":" not in line:
                raise _Framing("bad trailer section")

    # -- after the response --------------------------------------------------------------
    def drain(self, limit: int = DRAIN_LIMIT) -> bool:
        """Read and drop what is left of the body (at most ``limit`` bytes); True if done."""
        if self.awaiting_continue:
            return False                  # the client may never send the body
        dropped = 0
        try:
            while not (self.finished or self.broken) and dropped <= limit:
                dropped += len(self.read(_BLOCK))
        except Exception:  # the client went away, was too slow or sent garbage: close
            return False
        return self.finished

    def keeps_connection(self) -> bool:
        """Whether the connection can serve another request once the response is sent."""
        if self.finished:
            return True
        if self.broken or self.awaiting_continue:  # the client may never send the body
            return False
        return self._remaining is None or self._remaining <= DRAIN_LIMIT
