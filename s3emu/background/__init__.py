"""What S3 does on its own schedule, run by the emulator's :class:`~s3emu.scheduler.Scheduler`:
each job acts on the model through the buckets' own operations and journals its effect.

:class:`Jobs` is what a job works with (the store it changes, the journal that records it, the
events it reports, the scheduler that runs it); a handler that starts background work (a
restore) schedules it through the ``Jobs`` on its ``Call``.
"""
from __future__ import annotations

from functools import partial
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ..events import Events
from ..journal import Journal
from ..model.store import Store
from ..scheduler import Scheduler


@dataclass(frozen=True)
class Jobs:
    store: Store
    journal: Journal
    events: Events
    scheduler: Scheduler

    def at(self, due: datetime, job: Callable[[Jobs, datetime], object], name: str = "") -> None:
        """Run ``job(self, due)`` once the clock reaches ``due``."""
        self.scheduler.at(due, partial(job, self), name)

    def record(self, at: datetime, operation: str, bucket: str, key: str | None,
               version_id: str | None) -> None:
        """Journal one effect of background work (no request, no requester)."""
        self.journal.record_effect(at, operation, bucket, key, version_id=version_id)
