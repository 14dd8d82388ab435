"""The one source of time for an Emulator.

A :class:`Clock` is frozen at :data:`DEFAULT_START` unless told otherwise and moves only through
:meth:`Clock.advance` and :meth:`Clock.set`; :meth:`Clock.system` makes a clock that follows real
time (the standalone server's default). Nothing else in s3emu reads the wall clock.

This module imports only the standard library.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

#: Where a new frozen clock stands: 2025-01-01T00:00:00Z.
DEFAULT_START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _aware(when: datetime | str) -> datetime:
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


class Clock:
    """A deterministic clock.

    :param start: the instant the clock shows first (naive datetimes are taken as UTC; an ISO
        8601 string is accepted).
    :param ticking: if true the clock also moves with real (monotonic) time.
    """

    def __init__(self, start: datetime | str = DEFAULT_START, *, ticking: bool = False) -> None:
        self._lock = threading.Lock()
        self._at = _aware(start)
        self._origin = time.monotonic() if ticking else None
        self._moved: list[Callable[[], bool]] = []

    @classmethod
    def system(cls) -> Clock:
        """A clock that follows real time, and can still be advanced or set."""
        return cls(datetime.now(timezone.utc), ticking=True)

    @property
    def ticking(self) -> bool:
        return self._origin is not None

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        if self._origin is None:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._origin)

    def now_seconds(self) -> datetime:
        """The current instant without its fraction of a second (S3 keeps Last-Modified so)."""
        now = self._at if self._origin is None else self.now()
        return now.replace(microsecond=0) if now.microsecond else now

    def timestamp(self) -> float:
        """The current instant as POSIX seconds."""
        return self.now().timestamp()

    def advance(self, delta: timedelta | float | None = None, **parts: float) -> datetime:
        """Move forward by ``delta`` (a timedelta or seconds) plus any timedelta keyword parts."""
        step = timedelta(**parts)
        if isinstance(delta, timedelta):
            step += delta
        elif delta is not None:
            step += timedelta(seconds=delta)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward; use set() to go back")
        with self._lock:
            self._at += step
        self._tell()
        return self.now()

    def set(self, when: datetime | str) -> datetime:
        """Show ``when`` from now on (and keep ticking from there if the clock ticks)."""
        with self._lock:
            self._at = _aware(when)
            if self._origin is not None:
                self._origin = time.monotonic()
        self._tell()
        return self.now()

    def on_move(self, listener: Callable[[], bool]) -> None:
        """Call ``listener()`` after every :meth:`advance` and :meth:`set` (an emulator runs
        the background work that became due; see :mod:`s3emu.scheduler`) until it answers
        False."""
        self._moved.append(listener)

    def _tell(self) -> None:
        for listener in list(self._moved):
            if listener() is False:
                self._moved.remove(listener)

    def sleep(self, seconds: float) -> None:
        """Stand-in for ``time.sleep`` in patched code: advances instead of waiting."""
        if seconds > 0:
            self.advance(seconds)

    def __repr__(self) -> str:
        return f"Clock({self.now().isoformat()}, ticking={self.ticking})"
