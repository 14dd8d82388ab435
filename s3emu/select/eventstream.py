"""S3's event-stream messages (the "Appendix: SelectObjectContent Response").

A message is its prelude (total length, headers length, CRC32 of the two), its headers
(name length, name, value type 7 = string, value length, value), its payload and the CRC32 of
all before. Events: Records (``application/octet-stream``), Stats and Progress (XML,
``text/xml``), Cont and End (no payload); an error is a message of type ``error`` with
``:error-code`` and ``:error-message``.
"""
from __future__ import annotations

import struct
import zlib


def _headers(pairs: list[tuple[str, str]]) -> bytes:
    out = bytearray()
    for name, value in pairs:
        raw_name, raw_value = name.encode(), value.encode()
        out += struct.pack("!B", len(raw_name)) + raw_name
        out += struct.pack("!BH", 7, len(raw_value)) + raw_value
    return bytes(out)


def message(pairs: list[tuple[str, str]], payload: bytes = b"") -> bytes:
    headers = _headers(pairs)
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(headers))
    prelude += struct.pack("!I", zlib.crc32(prelude))
    body = prelude + headers + payload
    return body + struct.pack("!I", zlib.crc32(body))


def event(kind: str, payload: bytes = b"", content_type: str | None = None) -> bytes:
    pairs = [(":event-type", kind)]
    if content_type is not None:
        pairs.append((":content-type", content_type))
    pairs.append((":message-type", "event"))
    return message(pairs, payload)


def records(payload: bytes) -> bytes:
    return event("Records", payload, "application/octet-stream")


def _counts(root: str, scanned: int, processed: int, returned: int) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root} '
            f'xmlns=""><BytesScanned>{scanned}</BytesScanned><BytesProcessed>{processed}'
            f"</BytesProcessed><BytesReturned>{returned}</BytesReturned></{root}>").encode()


def stats(scanned: int, processed: int, returned: int) -> bytes:
    return event("Stats", _counts("Stats", scanned, processed, returned), "text/xml")


def progress(scanned: int, processed: int, returned: int) -> bytes:
    return event("Progress", _counts("Progress", scanned, processed, returned), "text/xml")


def cont() -> bytes:
    return event("Cont")


def end() -> bytes:
    return event("End")


def error(code: str, text: str) -> bytes:
    return message([(":error-code", code), (":error-message", text),
                    (":message-type", "error")])
