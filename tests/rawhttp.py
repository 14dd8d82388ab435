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
