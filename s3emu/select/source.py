"""The object's bytes as a Select reads them: the scan range, decompression, counters.

:class:`Source` yields the (decompressed) bytes in chunks and counts what it scanned (object
bytes read) and processed (bytes after decompression), for the Stats and Progress events.
GZIP (several members allowed) and BZIP2 are decompressed as they stream; bytes that are not
of the format asked for are InvalidCompressionFormat.
"""
from __future__ import annotations

import bz2
import zlib
from typing import Any, Iterator

from ..model.blob import Blob
from .values import fail

CHUNK = 64 * 1024


class Source:
    def __init__(self, blob: Blob, compression: str, start: int = 0,
                 stop: int | None = None) -> None:
        self.blob = blob
        self.compression = compression
        self.start = start
        self.stop = len(blob) if stop is None else stop
        self.scanned = 0
        self.processed = 0

    def _raw(self) -> Iterator[bytes]:
        position = self.start
        while position < self.stop:
            end = min(position + CHUNK, self.stop)
            data = self.blob.tobytes(position, end)
            position = end
            self.scanned += len(data)
            yield data

    def chunks(self) -> Iterator[bytes]:
        for data in self._decompressed():
            self.processed += len(data)
            yield data

    def _decompressed(self) -> Iterator[bytes]:
        if self.compression == "NONE":
            yield from self._raw()
            return
        decompressor: Any = None
        seen = False
        try:
            for data in self._raw():
                while data:
                    if decompressor is None:
                        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS) \
                            if self.compression == "GZIP" else bz2.BZ2Decompressor()
                    out = decompressor.decompress(data)
                    seen = True
                    if out:
                        yield out
                    if decompressor.eof:           # another member may follow
                        data = decompressor.unused_data
                        decompressor = None
                    else:
                        data = b""
        except (zlib.error, OSError, EOFError, ValueError):
            raise fail("InvalidCompressionFormat", f"The object is not {self.compression} "
                       "compressed, or its compressed data is damaged.") from None
        if decompressor is not None and not decompressor.eof and seen:
            raise fail("InvalidCompressionFormat", f"The object's {self.compression} data "
                       "ends before its end.")
