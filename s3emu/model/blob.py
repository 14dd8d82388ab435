"""Immutable object bytes, held once.

A :class:`Blob` is a sequence of segments (bytes or memoryviews over bytes). A single PUT makes a
one-segment blob; a completed multipart upload makes a blob over its parts' segments without
copying them. Reads hand out memoryview slices; nothing ever joins the segments.

:meth:`Blob.kept` moves a large blob that is about to be stored into memory of its own, mapped
with transparent huge pages where Linux offers them: a client's request chunks, kept as they
are, cost the interpreter one page fault per 4 KiB (under the GIL, in whichever thread touched
them first); one copy into huge pages costs one fault per 2 MiB and lets the chunks' memory be
reused for the next request.

This module imports only the standard library.
"""
from __future__ import annotations

import bisect
import mmap
from typing import Iterable, Iterator, Sequence

_EMPTY = memoryview(b"")
#: Blobs at least this large are worth copying into huge pages by :meth:`Blob.kept`.
KEEP_MIN = 2 << 20


def _huge_pages() -> bool:
    """Whether anonymous memory can be given transparent huge pages (``madvise`` or ``always``)."""
    if getattr(mmap, "MADV_HUGEPAGE", None) is None or not hasattr(mmap, "MAP_PRIVATE"):
        return False
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled", encoding="ascii") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


_HUGE_PAGES = _huge_pages()


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

    def kept(self) -> Blob:
        """This blob, or a one-segment copy of it in huge pages when it is large and they exist
        (see the module docstring); the copy is read-only."""
        if not _HUGE_PAGES or self.size < KEEP_MIN:
            return self
        try:
            memory = mmap.mmap(-1, self.size, flags=mmap.MAP_PRIVATE)
            memory.madvise(mmap.MADV_HUGEPAGE)
        except (OSError, ValueError):
            return self
        view = memoryview(memory)
        at = 0
        for seg in self._segments:
            view[at:at + seg.nbytes] = seg
            at += seg.nbytes
        return Blob.of(view.toreadonly())

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
