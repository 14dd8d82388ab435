"""The Range header of GetObject: one byte range, as S3 serves it.

``bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` select a range (206 with Content-Range); a range
starting past the end is 416 InvalidRange; a header S3 cannot use (syntax it does not parse,
several ranges) is ignored and the whole object is served.
"""
from __future__ import annotations

import re

from ...errors import InvalidRange
from ...protocol import numbers

_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*\Z", re.ASCII)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` (stop exclusive) for ``header``, None for the whole object."""
    if not header:
        return None
    match = _RANGE.match(header)
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = numbers.count(last) or 0
        if length == 0 or size == 0:
            raise InvalidRange(RangeRequested=header.strip(), ActualObjectSize=str(size))
        return max(0, size - length), size
    start = numbers.count(first) or 0
    stop = size if not last else (numbers.count(last) or 0) + 1
    if last and stop <= start:
        return None          # last < first: syntactically invalid, ignored
    if start >= size:
        raise InvalidRange(RangeRequested=header.strip(), ActualObjectSize=str(size))
    return start, min(stop, size)
