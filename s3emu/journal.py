"""The request journal: one immutable :class:`Entry` per request, in request order.

``emu.journal`` is a read-only sequence with :meth:`Journal.filter`, :meth:`Journal.count`,
:meth:`Journal.clear` and :meth:`Journal.as_table`. It is a window over the latest
:data:`DEFAULT_LIMIT` requests (``Emulator(journal_limit=...)``), with exact counters over
everything recorded (:attr:`Journal.total`, :meth:`Journal.tally`). Secrets and SSE-C keys
never enter it.
This module imports only the standard library.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from typing import Any, Iterator, NamedTuple, Sequence, overload

#: How many entries a journal keeps unless told otherwise: the latest 10,000 requests (about
#: 4.5 MB), enough for any single test; older ones are dropped, the counters stay exact.
DEFAULT_LIMIT = 10_000


class Entry(NamedTuple):
    """One request as the emulator saw it (fields by name; a named tuple: one is made per
    request, at a fifth of a frozen dataclass's cost)."""

    time: datetime
    operation: str | None
    method: str
    bucket: str | None
    key: str | None
    access_key: str | None
    status: int
    error_code: str | None
    bytes_in: int
    bytes_out: int
    request_id: str
    throttled: bool = False
    faulted: bool = False
    #: the object version the request read, wrote or deleted (``x-amz-version-id``), if any
    version_id: str | None = None
    #: what decided its access check, when a bucket policy, ACLs or the requester's own
    #: policies were asked ("allowed by the bucket policy's statement 'Sid'", "denied by
    #: identity-based policy statement ..."); None when the owner's account needed no check
    access: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["time"] = self.time.isoformat()
        return data


class Journal(Sequence[Entry]):
    """The latest requests, oldest first: a window of at most ``limit`` entries.

    :param limit: how many entries the window keeps (default :data:`DEFAULT_LIMIT`); older
        ones are dropped as new ones come. ``None`` keeps every entry (memory grows with every
        request, about 450 bytes each).

    ``len()``, indexing, iteration, :meth:`filter`, :meth:`count` and :meth:`as_table` see the
    window. :attr:`total` (every request recorded since the journal was created or cleared),
    :attr:`dropped` and :meth:`tally` (requests per operation and status) stay exact over
    everything recorded, dropped entries included.
    """

    def __init__(self, limit: int | None = DEFAULT_LIMIT) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 1):
            raise ValueError("the journal limit is a whole number of entries, 1 or more "
                             "(None: unbounded)")
        #: the most entries kept (None: all)
        self.limit = limit
        #: entries: up to ``_high`` of them, of which the last ``limit`` are the window (older
        #: ones are dropped in batches)
        self._entries: list[Entry] = []
        self._high = None if limit is None else limit + max(64, limit // 8)
        self._dropped = 0
        self._dropped_tally: Counter[tuple[str | None, int]] = Counter()
        self._lock = threading.Lock()

    def record(self, entry: Entry) -> None:
        """Record one request (appending to a list is atomic: no lock on the request path)."""
        self._entries.append(entry)
        if self._high is not None and len(self._entries) > self._high:
            self._trim()

    def record_effect(self, at: datetime, operation: str, bucket: str | None, key: str | None,
                      *, status: int = 200, error_code: str | None = None,
                      version_id: str | None = None, request_id: str = "") -> None:
        """Record one effect of the emulator's own work (a lifecycle expiration, a delivery):
        no HTTP method, no requester, no bytes on the wire."""
        self.record(Entry(time=at, operation=operation, method="", bucket=bucket, key=key,
                          access_key=None, status=status, error_code=error_code, bytes_in=0,
                          bytes_out=0, request_id=request_id, version_id=version_id))

    def _trim(self) -> None:
        """Drop the entries older than the window, counting them in the tallies."""
        with self._lock:
            entries = self._entries
            excess = len(entries) - self.limit  # type: ignore[operator]
            if excess <= 0:
                return
            gone = entries[:excess]
            del entries[:excess]
            self._dropped += excess
            self._dropped_tally.update(map(_op_status, gone))

    def _all(self) -> list[Entry]:
        """The window, as Entry objects (a new list)."""
        with self._lock:
            end = len(self._entries)
            start = 0 if self.limit is None else max(0, end - self.limit)
            return self._entries[start:end]

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return self._all()[index]
        with self._lock:
            end = len(self._entries)
            size = end if self.limit is None else min(end, self.limit)
            at = index + size if index < 0 else index
            if not 0 <= at < size:
                raise IndexError("journal index out of range")
            return self._entries[end - size + at]

    def __len__(self) -> int:
        stored = len(self._entries)
        return stored if self.limit is None else min(stored, self.limit)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all())

    @property
    def total(self) -> int:
        """Every request recorded since the journal was made or cleared, dropped ones too."""
        with self._lock:
            return self._dropped + len(self._entries)

    @property
    def dropped(self) -> int:
        """How many recorded requests are no longer in the window (``total - len(journal)``)."""
        with self._lock:
            stored = len(self._entries)
            beyond = 0 if self.limit is None else max(0, stored - self.limit)
            return self._dropped + beyond

    def tally(self) -> Counter[tuple[str | None, int]]:
        """Requests per ``(operation, status)`` over everything recorded (exact, dropped
        entries included): ``journal.tally()[("GetObject", 404)]``."""
        with self._lock:
            counts = self._dropped_tally.copy()
            counts.update(map(_op_status, self._entries[:len(self._entries)]))
            return counts

    def since(self, position: int) -> tuple[int, list[Entry]]:
        """The entries recorded since :attr:`total` was ``position``: ``(missing,
        entries)``, where ``missing`` counts those already dropped from the window (if the
        journal was cleared meanwhile, everything recorded since)."""
        with self._lock:
            end = len(self._entries)
            size = end if self.limit is None else min(end, self.limit)
            first = self._dropped + end - size          # the window's first position
            if position > self._dropped + end:          # cleared since
                position = 0
            if position >= first:
                return 0, self._entries[end - size + position - first:end]
            return first - position, self._entries[end - size:end]

    def filter(self, **match: Any) -> list[Entry]:
        """Entries of the window whose attributes equal every ``match`` value, in request
        order."""
        for name in match:
            if name not in Entry._fields:
                raise TypeError(f"journal entries have no field {name!r}")
        return [e for e in self if all(getattr(e, k) == v for k, v in match.items())]

    def count(self, value: Any = None, **match: Any) -> int:
        """How many entries of the window match (``count(operation="GetObject")``); see
        :attr:`total` and :meth:`tally` for exact counts over everything recorded."""
        if value is not None:
            return super().count(value)
        return len(self.filter(**match))

    def clear(self) -> None:
        """Forget every entry and zero the counters."""
        with self._lock:
            self._entries.clear()
            self._dropped = 0
            self._dropped_tally.clear()

    def as_table(self, last: int | None = None) -> str:
        """A plain-text table of the entries (the last ``last`` ones if given)."""
        rows = self._all()
        if last:
            rows = rows[-last:]
        lines = [f"{'#':>4} {'operation':<28} {'status':>6} {'error':<24} bucket/key"]
        for n, e in enumerate(rows, 1):
            where = "/".join(x for x in (e.bucket, e.key) if x) or "-"
            lines.append(f"{n:>4} {e.operation or e.method:<28} {e.status:>6} "
                         f"{e.error_code or '':<24} {where}")
        return "\n".join(lines)


def _op_status(entry: Entry) -> tuple[str | None, int]:
    return entry.operation, entry.status
