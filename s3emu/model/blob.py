"""Immutable object bytes, held once.

A :class:`Blob` is a sequence of segments (bytes or memoryviews over bytes). A single PUT makes a
one-segment blob; a completed multipart upload makes a blob over its parts' segments without
copying them. Reads hand out memoryview slices; nothing ever joins the segments.

:func:`keep_stream` holds a large request body that arrives as a stream of chunks (botocore's
aws-chunked uploads): each chunk is copied, as it is made, into one mapping of the body's size,
advised to transparent huge pages where Linux offers them and faulted in by the kernel without
the GIL. Kept as they are, the chunks would cost a page fault per 4 KiB, taken under the GIL by
the client thread that made them, and the client could never reuse their memory.

This module imports only the standard library.
"""
from __future__ import annotations

import bisect
import mmap
import sys
from typing import Any, Iterable, Iterator, Sequence

_EMPTY = memoryview(b"")
#: Streams announcing at least this many bytes are kept by :func:`keep_stream`.
KEEP_MIN = 2 << 20
#: what keep_stream needs: Linux (private anonymous mappings, /dev/zero) ...
_KEEP = sys.platform.startswith("linux") and hasattr(mmap, "MAP_PRIVATE")
#: ... and, to advise them, madvise's huge page flag
_HUGEPAGE = getattr(mmap, "MADV_HUGEPAGE", None)
_zero: Any = None


def keep_stream(chunks: Iterable[Any], size: int) -> list[Any]:
    """The chunks of a stream announced as about ``size`` bytes, read once, as a list of
    segments in order: for ``size`` >= :data:`KEEP_MIN`, a read-only view of a mapping of
    ``size`` bytes the chunks were copied into, then what came past ``size`` (a copy of the
    tail of the chunk that crossed it, the later chunks themselves); otherwise the chunks as
    they came. See the module docstring."""
    region = _region(size) if _KEEP and size >= KEEP_MIN else None
    if region is None:
        return list(chunks)
    at, rest = 0, []
    for chunk in chunks:
        piece = chunk if type(chunk) is memoryview else memoryview(chunk)
        if piece.format != "B" or piece.ndim != 1:
            piece = piece.cast("B")
        room = size - at
        if room > 0:
            fits = piece[:room]
            stop = at + fits.nbytes
            _prefault(region[at:stop])
            region[at:stop] = fits
            at = stop
            piece = piece[room:]
        if piece.nbytes:       # past the announced size: the framing's last bytes, typically
            rest.append(piece.tobytes() if room > 0 else piece)
    return [region[:at].toreadonly(), *rest] if at else rest


def _region(size: int) -> memoryview | None:
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
        if _HUGEPAGE is not None:
            memory.madvise(_HUGEPAGE)
    except (OSError, ValueError, OverflowError):
        return None
    return memoryview(memory)


def _prefault(view: memoryview) -> None:
    """Fault ``view``'s pages in by reading zeros into it: in the kernel, without the GIL."""
    global _zero
    try:
        if _zero is None:
            _zero = open("/dev/zero", "rb", buffering=0)
        at, size = 0, view.nbytes
        while at < size:
            got = _zero.readinto(view[at:])
            if not got:
                return
            at += got
    except (OSError, ValueError):
        return


class Blob:
    """Bytes made of segments; ``len(blob)`` is the total size."""

    __slots__ = ("_segments", "_starts", "size")

    def __init__(self, segments: Iterable[bytes | memoryview] = ()) -> None:
        views = []
        starts = []
        at = 0
        for seg in segments:
            view = seg if isinstance(seg, memoryview) else memoryview(seg)
            if view.nbytes == 0:
                continue
            if view.format != "B" or view.ndim != 1:
                view = view.cast("B")
            views.append(view)
            starts.append(at)
            at += view.nbytes
        self._segments: tuple[memoryview, ...] = tuple(views)
        self._starts: Sequence[int] = tuple(starts)
        self.size = at

    @classmethod
    def of(cls, data: bytes | bytearray | memoryview) -> Blob:
        """A one-segment blob over ``data`` (the common case, made without the general loop)."""
        view = data if type(data) is memoryview else memoryview(data)
        if view.format != "B" or view.ndim != 1:
            view = view.cast("B")
        blob = cls.__new__(cls)
        if view.nbytes:
            blob._segments, blob._starts, blob.size = (view,), (0,), view.nbytes
        else:
            blob._segments, blob._starts, blob.size = (), (), 0
        return blob

    @classmethod
    def concat(cls, blobs: Iterable[Blob]) -> Blob:
        """A blob whose bytes are those of ``blobs`` in order; shares their segments."""
        return cls(seg for blob in blobs for seg in blob._segments)

    def __len__(self) -> int:
        return self.size

    @property
    def segments(self) -> tuple[memoryview, ...]:
        return self._segments

    def iter_range(self, start: int = 0, stop: int | None = None,
                   chunk: int = 1 << 20) -> Iterator[memoryview]:
        """Yield memoryviews covering bytes ``[start, stop)``, each at most ``chunk`` long."""
        stop = self.size if stop is None else min(stop, self.size)
        if start >= stop:
            return
        i = bisect.bisect_right(self._starts, start) - 1
        while start < stop and i < len(self._segments):
            seg = self._segments[i]
            base = self._starts[i]
            lo = start - base
            hi = min(seg.nbytes, stop - base)
            while lo < hi:
                step = min(hi, lo + chunk)
                yield seg[lo:step]
                lo = step
            start = base + hi
            i += 1

    def slice(self, start: int, stop: int) -> Blob:
        """A blob over bytes ``[start, stop)``; shares segments (no copy)."""
        return Blob(self.iter_range(start, stop, chunk=1 << 62))

    def tobytes(self, start: int = 0, stop: int | None = None) -> bytes:
        """Copy bytes ``[start, stop)`` out (for small reads and tests only)."""
        return b"".join(self.iter_range(start, stop, chunk=1 << 62))


EMPTY_BLOB = Blob()
