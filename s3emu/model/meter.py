"""Stored bytes over time: the byte-hours ``emu.cost_report()`` bills, kept as the model changes.

A :class:`Meter` holds, per ``(bucket, storage class)``, the bytes stored now and the
byte-microseconds stored so far. Each change integrates that entry's bytes over the time since
it last changed, then applies the change: O(1) per change, nothing per key. A reading
(:meth:`Meter.reading`) integrates every entry up to the instant read without changing it:
O(buckets x classes). Integer microseconds throughout, so a scripted workload on a frozen
clock gives exact byte-hours.

What counts, as S3 bills it: every stored version, current or noncurrent (a delete marker holds
no bytes), in its storage class; the parts of uploads in progress, in the upload's storage
class; and the temporary copy a restore makes of an archived version, from the restore's
completion to its expiry, under :data:`RESTORED_COPY` (S3 keeps it in S3 Standard). The bucket
calls :meth:`Meter.version`, :meth:`Meter.overwritten`, :meth:`Meter.replaced` and
:meth:`Meter.add` at each point its stored bytes change (:mod:`.bucket` is the one place). It
also counts retrievals: the bytes of a restore when it starts (per archive class and tier) and
the bytes read from the classes S3 charges retrieval on (:data:`RETRIEVAL_CLASSES`), which the
GET handler reports.

Time comes from the ``now`` callable the Meter is given (the scheduler's: a background job's
due instant while it runs, else the clock's present), so a lifecycle transition that ran for
midnight counts from midnight even when the clock was advanced by days at once. When the
clock is set back (:meth:`Meter.clock_moved`, called on every move), what was stored up to the
instant it left stays counted and counting goes on from the instant it shows: no hour counts
twice, none is lost. This module imports only the standard library and the model.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from .objects import ObjectVersion

#: The pseudo storage class of restored copies of archived versions.
RESTORED_COPY = "RESTORED_COPY"
#: The classes S3 charges a per-GB retrieval fee on when read (GET), not only when restored.
RETRIEVAL_CLASSES = frozenset({"STANDARD_IA", "ONEZONE_IA", "GLACIER_IR"})

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: microseconds per hour
HOUR_US = 3_600_000_000


def micros(when: datetime) -> int:
    """``when`` as whole microseconds since the epoch (exact)."""
    return (when - _EPOCH) // _MICROSECOND


def _has_copy(version: ObjectVersion) -> bool:
    restore = version.restore
    return restore is not None and restore.expires is not None


@dataclass
class Reading:
    """What a meter counted, up to one instant (plain values; the meter goes on)."""

    #: (bucket, storage class) -> byte-microseconds stored up to the instant
    byte_us: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (bucket, storage class) -> bytes stored at the instant
    stored: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (bucket, storage class, restore tier or "" for a GET) -> [requests, bytes]
    retrievals: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)


class Meter:
    """Running byte totals and their integral over time (see the module docstring)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        #: (bucket, class) -> [bytes now, byte-microseconds so far, microsecond of last change]
        self._entries: dict[tuple[str, str], list[int]] = {}
        self._retrievals: dict[tuple[str, str, str], list[int]] = {}
        self._lock = threading.Lock()
        #: the last instant changes came at, and it in microseconds
        self._last: tuple[datetime | None, int] = (None, 0)
        #: the instant the clock showed after its last move (None: not moved yet)
        self._seen: int | None = None

    def clock_moved(self, now: datetime) -> None:
        """The clock now shows ``now``. Set back, every entry is counted up to the instant
        the clock left, then from ``now`` on."""
        at = micros(now)
        with self._lock:
            left = self._seen
            self._seen = at
            if left is None or at >= left:
                return
            for entry in self._entries.values():
                if left > entry[2]:
                    entry[1] += entry[0] * (left - entry[2])
                entry[2] = at

    def add(self, bucket: str, storage_class: str, delta: int) -> None:
        """``delta`` bytes more (or fewer) are stored in ``bucket`` under ``storage_class``
        from now on."""
        if not delta:
            return
        when = self.now()
        if when is self._last[0]:           # a frozen clock shows the same instant: no sums
            at = self._last[1]
        else:
            at = micros(when)
            self._last = (when, at)
        key = (bucket, storage_class)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self._entries[key] = [delta, 0, at]
                return
            elapsed = at - entry[2]
            if elapsed > 0:
                entry[1] += entry[0] * elapsed
            entry[2] = at
            entry[0] += delta

    def version(self, bucket: str, version: ObjectVersion, sign: int) -> None:
        """``version`` was stored (``sign`` 1) or removed (-1): its bytes, and its restored
        copy's."""
        size = version.blob.size
        if size and not version.delete_marker:
            self.add(bucket, version.storage_class, sign * size)
            if _has_copy(version):
                self.add(bucket, RESTORED_COPY, sign * size)

    def overwritten(self, bucket: str, old: ObjectVersion, new: ObjectVersion) -> None:
        """``new`` took the place of ``old`` (an unversioned key written again): one change
        by the difference of their sizes when both are stored alike (same class, no restored
        copy), else ``old`` removed and ``new`` stored."""
        if old.storage_class == new.storage_class and not old.delete_marker and \
                not new.delete_marker and not _has_copy(old) and not _has_copy(new):
            self.add(bucket, new.storage_class, new.blob.size - old.blob.size)
        else:
            self.version(bucket, old, -1)
            self.version(bucket, new, 1)

    def replaced(self, bucket: str, old: ObjectVersion, new: ObjectVersion) -> None:
        """``new`` took the place of ``old`` (same bytes): a lifecycle transition moves them
        to another class, a restore's copy appears or goes; a restore started retrieves."""
        if old.storage_class != new.storage_class or _has_copy(old) != _has_copy(new):
            self.version(bucket, old, -1)
            self.version(bucket, new, 1)
        restore = new.restore
        if restore is not None and restore is not old.restore and restore.expires is None:
            self.retrieved(bucket, new.storage_class, new.size, tier=restore.tier)

    def retrieved(self, bucket: str, storage_class: str, size: int, *, tier: str = "") -> None:
        """One retrieval of ``size`` bytes: a restore (``tier``) or a GET."""
        key = (bucket, storage_class, tier)
        with self._lock:
            found = self._retrievals.get(key)
            if found is None:
                self._retrievals[key] = [1, size]
            else:
                found[0] += 1
                found[1] += size

    def reading(self, at: datetime) -> Reading:
        """Everything counted up to ``at`` (entries changed later than ``at`` count up to
        their last change)."""
        until = micros(at)
        found = Reading()
        with self._lock:
            for key, (stored, byte_us, last) in self._entries.items():
                found.byte_us[key] = byte_us + stored * max(0, until - last)
                found.stored[key] = stored
            found.retrievals = {key: list(value) for key, value in self._retrievals.items()}
        return found
