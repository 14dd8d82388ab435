"""Calling the emulator in-process: build a WSGI environ from a client's request, run the app,
and hand back status, headers and a body that streams (no socket, no copy of stored bytes).

:func:`call_app` is the one entry used by every patch (botocore, requests, urllib3) in
:mod:`s3emu.mock`. botocore and friends are imported lazily by the patches, not here.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from .emulator import Emulator

_NO_PREFIX = {"CONTENT_TYPE", "CONTENT_LENGTH"}


def environ_for(method: str, url: str, headers: Iterable[tuple[str, str]],
                body: Any) -> dict[str, Any]:
    """A WSGI environ for one request; ``body`` may be None, bytes or a file-like object."""
    parts = urlsplit(url)
    path = parts.path or "/"
    host = parts.netloc
    secure = parts.scheme == "https"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(path).encode("utf-8", "surrogateescape").decode("latin-1"),
        "RAW_URI": path + ("?" + parts.query if parts.query else ""),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "REMOTE_ADDR": "127.0.0.1",
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if key not in _NO_PREFIX:
            key = "HTTP_" + key
        environ[key] = value
    if body is None or body == b"":
        environ["s3emu.body"] = b""
    elif isinstance(body, (bytes, bytearray, memoryview)):
        environ["s3emu.body"] = body
    elif isinstance(body, str):
        environ["s3emu.body"] = body.encode("utf-8")
    elif hasattr(body, "read"):
        environ["s3emu.body"] = body.read()
    else:                                   # an iterable of chunks (requests generators)
        environ["s3emu.body"] = b"".join(bytes(c) for c in body)
    environ.setdefault("CONTENT_LENGTH", str(len(environ["s3emu.body"])))
    environ["wsgi.input"] = io.BytesIO()
    return environ


class Response:
    """What :func:`call_app` returns: status, headers (list of pairs) and a streaming body."""

    __slots__ = ("status", "headers", "_chunks", "_pending", "_closed")

    def __init__(self, status: int, headers: list[tuple[str, str]],
                 chunks: Iterable[bytes | memoryview]) -> None:
        self.status = status
        self.headers = headers
        self._chunks: Iterator[bytes | memoryview] = iter(chunks)
        self._pending = memoryview(b"")
        self._closed = False

    # file-like reading, the way botocore's StreamingBody and urllib3 use a raw response
    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        if amt is None or amt < 0:
            rest = [bytes(self._pending)] + [bytes(c) for c in self._chunks]
            self._pending = memoryview(b"")
            return b"".join(rest)
        out = []
        need = amt
        while need > 0:
            if not self._pending:
                nxt = next(self._chunks, None)
                if nxt is None:
                    break
                self._pending = memoryview(nxt)
                continue
            piece = self._pending[:need]
            out.append(piece)
            self._pending = self._pending[len(piece):]
            need -= len(piece)
        if len(out) == 1:
            return bytes(out[0])
        return b"".join(out)

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Iterator[bytes]:
        while True:
            data = self.read(amt)
            if not data:
                return
            yield data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def release_conn(self) -> None:
        return None


def call_app(emu: Emulator, method: str, url: str, headers: Mapping[str, str] | Iterable,
             body: Any) -> Response:
    """Serve one request with ``emu``'s WSGI app, in-process."""
    pairs = headers.items() if hasattr(headers, "items") else headers
    environ = environ_for(method, url, pairs, body)
    captured: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]],
                       exc_info: Any = None) -> None:
        captured.append((int(status.split(" ", 1)[0]), response_headers))

    chunks = emu(environ, start_response)
    status, response_headers = captured[0]
    return Response(status, response_headers, chunks)
