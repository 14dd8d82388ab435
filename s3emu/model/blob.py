"""Immutable object bytes, held once.

A :class:`Blob` is a sequence of segments (bytes or memoryviews over bytes). A single PUT makes a
one-segment blob; a completed multipart upload makes a blob over its parts' segments without
copying them. Reads hand out memoryview slices; nothing ever joins the segments.

This module imports only the standard library.
"""
from __future__ import annotations

import bisect
from typing import Iterable, Iterator, Sequence

_EMPTY = memoryview(b"")


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
        return cls._single(view)

    @classmethod
    def over(cls, data: bytes, start: int, stop: int) -> Blob:
        """A one-segment blob over ``data[start:stop]`` of a bytes object: one-dimensional
        bytes already, so without :meth:`of`'s checks (0.5 µs of a PutObject between
        botocore's calls, where caches are cold)."""
        return cls._single(memoryview(data)[start:stop])

    @classmethod
    def _single(cls, view: memoryview) -> Blob:
        """The blob of one byte view (``format "B"``, one dimension); none if it is empty."""
        blob = cls.__new__(cls)
        size = view.nbytes
        if size:
            blob._segments, blob._starts, blob.size = (view,), (0,), size
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
