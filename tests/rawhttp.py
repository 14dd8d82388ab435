"""Helpers for tests that speak HTTP over a raw socket to the live server."""
from __future__ import annotations

import socket


def read_head(sock: socket.socket) -> bytes:
    """Bytes up to and including the first blank line (read one byte at a time)."""
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        assert byte, f"connection closed after {data!r}"
        data += byte
    return data


def read_response(reader) -> tuple[int, dict[str, str], bytes]:
    """One response from ``reader`` (a ``sock.makefile("rb")``, shared by pipelined
    responses): status, headers (lower-case names) and the Content-Length body."""
    status_line = reader.readline()
    assert status_line.startswith(b"HTTP/1.1 "), f"not a response: {status_line!r}"
    headers = {}
    while True:
        line = reader.readline()
        assert line, "connection closed inside the response head"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


def closed(sock: socket.socket) -> bool:
    """Whether the peer closed ``sock`` (reads until EOF, at most the socket's timeout)."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
