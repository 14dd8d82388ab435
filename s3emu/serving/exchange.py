"""One HTTP/1.1 exchange for the standalone server: the status line and headers,
body framing (Content-Length, else chunked for HTTP/1.1), byte counting.

The app's memoryview chunks are written to the socket as they are (no copy, never joined);
HEAD, 1xx, 204 and 304 responses carry their headers and no body; never more body bytes than a
Content-Length announced (the connection closes instead). This module imports only the
standard library and :mod:`.http11` / :mod:`.request_body`.
"""
from __future__ import annotations

from typing import Any, Iterable

from .http11 import Connection, Head
from .request_body import RequestBody

#: Headers and a first body chunk up to this size go out in one write.
_COALESCE = 64 << 10
_NO_BODY_STATUS = frozenset({204, 304})
INTERNAL_ERROR = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError"
                  b"</Code><Message>We encountered an internal error. Please try again."
                  b"</Message></Error>")


class Exchange:
    """The response to one request; ``close`` says whether the connection closes after it."""

    def __init__(self, conn: Connection, head: Head, body: RequestBody) -> None:
        self.sock = conn.sock
        self.set_timeout = conn.set_timeout
        self.head = head
        self.body = body
        self.close = head.close
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.headers_sent = False
        self.sent = 0
        self.declared: int | None = None
        self.chunked = False
        self.bodyless = False
        #: the socket's timeout while the response is written (None: left as it is)
        self.write_timeout: float | None = None

    @property
    def status_code(self) -> int | str:
        return int(self.status[:3]) if self.status else "-"

    def run(self, status: str, headers: list[tuple[str, str]], chunks: Iterable[Any]) -> None:
        """Send the answer: the status line and headers, then the body's chunks."""
        self.status, self.headers = status, list(headers)
        try:
            for chunk in chunks:
                self.write(chunk)
            self.end()
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _head(self) -> bytes:
        assert self.status is not None, "write() before run()"
        code = int(self.status[:3])
        self.bodyless = (self.head.method == "HEAD" or code in _NO_BODY_STATUS
                         or 100 <= code < 200)
        has_length = False
        lines = [f"HTTP/1.1 {self.status}"]
        for name, value in self.headers:
            lines.append(f"{name}: {value}".replace("\r", " ").replace("\n", " "))
            if len(name) == 14 and name.lower() == "content-length":
                has_length = True
                text = value.strip()
                if text.isdigit() and text.isascii():
                    self.declared = int(text)
        if not self.bodyless and not has_length:
            if self.head.version >= "HTTP/1.1":
                self.chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:
                self.close = True  # the body ends when the connection does
        if not self.close and not self.body.keeps_connection():
            self.close = True
        if self.close:
            lines.append("Connection: close")
        elif self.head.version < "HTTP/1.1":
            lines.append("Connection: keep-alive")
        lines.append("\r\n")
        text = "\r\n".join(lines)
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
            if self.write_timeout is not None:
                self.set_timeout(self.write_timeout)
        if self.bodyless:
            view = view[:0]
        elif self.declared is not None and self.sent + view.nbytes > self.declared:
            view = view[: max(0, self.declared - self.sent)]  # never more than announced
            self.close = True
        size = view.nbytes
        if self.chunked and size:
            head += f"{size:x}\r\n".encode()
        send = self.sock.sendall
        if head and size + len(head) <= _COALESCE:
            send(head + view.tobytes() + (b"\r\n" if self.chunked and size else b""))
        else:
            if head:
                send(head)
            if size:
                send(view)
            if self.chunked and size:
                send(b"\r\n")
        self.sent += size

    def end(self) -> None:
        if not self.headers_sent:
            self.write(b"")
        if self.chunked:
            self.sock.sendall(b"0\r\n\r\n")
        elif self.declared is not None and not self.bodyless and self.sent < self.declared:
            self.close = True  # the client would wait for the rest

    def internal_error(self) -> None:
        self.status = "500 Internal Server Error"
        self.headers = [("Content-Type", "application/xml"),
                        ("Content-Length", str(len(INTERNAL_ERROR)))]
        self.close = True
        try:
            self.write(INTERNAL_ERROR)
        except OSError:
            pass
