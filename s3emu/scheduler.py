"""Background work on an emulator's clock: what S3 does later, done when the clock gets there.

A :class:`Scheduler` holds jobs due at instants of one :class:`~s3emu.clock.Clock`. Nothing runs
on a wall-clock timer. :meth:`Scheduler.run_due` runs every job due up to the clock's present,
in order of due time (jobs due at the same instant in the order they were scheduled), each
told its own due instant: the same requests and clock moves give the same effects, run after
run. It is called when the clock moves (the Emulator subscribes it to its clock), before each
request (:class:`~s3emu.app.App`; one comparison when nothing is due), and by the standalone
server's thread as real time passes on a system clock.

A job may schedule further jobs; those due by the present run in the same drain. One drain runs
at a time: a thread that finds another draining waits for it, so a request never sees half of
the background work due before it.

This module imports only the standard library and the clock.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

from .clock import Clock

log = logging.getLogger("s3emu")
#: what a job is called with: the instant it was due
Job = Callable[[datetime], object]
#: later than any clock shows (the due time of an empty queue)
NEVER = datetime.max.replace(tzinfo=timezone.utc)
_DAY = timedelta(days=1)


def next_midnight(when: datetime) -> datetime:
    """The first midnight UTC strictly after ``when``."""
    day = when.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + _DAY


class Scheduler:
    """Jobs due at instants of ``clock`` (see the module docstring).

    Daily jobs (:meth:`daily`) run at every midnight UTC the clock passes; when the clock is
    set back before the last midnight they ran at, they run again from the next midnight
    after the new present (a test that sets an early date sees lifecycle run from there)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._queue: list[tuple[datetime, int, str, Job]] = []
        self._daily: list[tuple[str, Job]] = []
        self._order = itertools.count()
        self._lock = threading.Lock()       # the queue
        self._draining = threading.RLock()  # one drain at a time (a job may schedule)
        self._midnight = next_midnight(clock.now())
        #: the earliest due time (:data:`NEVER` when nothing is due): read without a lock
        self.next_due = NEVER
        #: the due instant of the job running now, and the thread running it
        self._running: tuple[datetime, int] | None = None

    def now(self) -> datetime:
        """The instant the model changes at: the due instant of the job this thread is
        running (jobs run for their due time, however far the clock moved past it), else the
        clock's present."""
        running = self._running
        if running is not None and running[1] == threading.get_ident():
            return running[0]
        return self.clock.now()

    def at(self, due: datetime, job: Job, name: str = "") -> None:
        """Run ``job(due)`` once the clock reaches ``due``."""
        with self._lock:
            heapq.heappush(self._queue, (due, next(self._order), name, job))
            self._update()

    def daily(self, job: Job, name: str = "") -> None:
        """Run ``job(midnight)`` at every midnight UTC from the next one on."""
        with self._lock:
            self._daily.append((name, job))
            self._update()

    def pending(self) -> list[tuple[datetime, str]]:
        """``(due, name)`` of the queued jobs, earliest first (daily jobs at their next
        midnight)."""
        with self._lock:
            found = [(due, name) for due, _, name, _ in self._queue]
            found += [(self._midnight, name) for name, _ in self._daily]
        return sorted(found)

    def _update(self) -> None:
        soonest = self._queue[0][0] if self._queue else NEVER
        if self._daily and self._midnight < soonest:
            soonest = self._midnight
        self.next_due = soonest

    def run_due(self) -> int:
        """Run every job due by the clock's present, in order; the number run."""
        now = self.clock.now()
        if now < self._midnight - _DAY:         # set back: daily jobs start again from now
            with self._lock:
                self._midnight = next_midnight(now)
                self._update()
        if now < self.next_due:
            return 0
        ran = 0
        with self._draining:
            while True:
                jobs: list[Job]
                with self._lock:
                    now = self.clock.now()
                    if self.next_due > now:
                        return ran
                    if self._queue and self._queue[0][0] <= self._midnight:
                        due, _, _, job = heapq.heappop(self._queue)
                        jobs = [job]
                    else:
                        due, jobs = self._midnight, [job for _, job in self._daily]
                        self._midnight = due + _DAY
                    self._update()
                for job in jobs:
                    self._running = (due, threading.get_ident())
                    try:
                        job(due)
                    except Exception:   # one broken job never stops the others or a request
                        log.exception("background job due %s failed", due.isoformat())
                    finally:
                        self._running = None
                    ran += 1
