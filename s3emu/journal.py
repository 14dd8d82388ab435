"""The request journal: one frozen :class:`Entry` per request, in request order.

``emu.journal`` is a read-only sequence with :meth:`Journal.filter`, :meth:`Journal.count`,
:meth:`Journal.clear` and :meth:`Journal.as_table`. Secrets and SSE-C keys never enter it.
This module imports only the standard library.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence, overload


@dataclass(frozen=True)
class Entry:
    """One request as the emulator saw it."""

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

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = self.time.isoformat()
        return data


class Journal(Sequence[Entry]):
    """Requests seen, oldest first."""

    def __init__(self) -> None:
        #: entries, the newest still as tuples of Entry's fields (made into Entry when read:
        #: recording is on every request's path, reading mostly is not)
        self._entries: list[Any] = []
        #: ``record(fields)`` records one request, given as a tuple of Entry's fields in order
        #: (the list's own append: atomic, so no lock, and no Python call on the request path)
        self.record: Callable[[tuple[Any, ...]], None] = self._entries.append
        self._built = 0
        self._lock = threading.Lock()

    def _all(self) -> list[Entry]:
        """Every entry so far, as Entry objects (a new list)."""
        return self._entries[:self._build()]

    def _build(self) -> int:
        """Make the entries recorded as fields into Entry objects; returns how many there are
        (entries recorded meanwhile are made next time)."""
        with self._lock:
            entries = self._entries
            end = len(entries)
            for at in range(self._built, end):
                if type(entries[at]) is tuple:
                    entries[at] = Entry(*entries[at])
            self._built = end
            return end

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return self._all()[index]
        self._build()
        item = self._entries[index]
        return Entry(*item) if type(item) is tuple else item

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all())

    def filter(self, **match: Any) -> list[Entry]:
        """Entries whose attributes equal every ``match`` value, in request order."""
        for name in match:
            if name not in Entry.__dataclass_fields__:
                raise TypeError(f"journal entries have no field {name!r}")
        return [e for e in self if all(getattr(e, k) == v for k, v in match.items())]

    def count(self, value: Any = None, **match: Any) -> int:  # type: ignore[override]
        """How many entries match (``count(operation="GetObject")``)."""
        if value is not None:
            return super().count(value)
        return len(self.filter(**match))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._built = 0

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
