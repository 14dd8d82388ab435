"""The services an Emulator is made of, as one immutable value the layers below it receive.

:class:`Services` holds the emulator's :class:`~s3emu.settings.Settings` with the store,
clock, ids, users, journal, throttle, faults, the scheduler of background work, the events
of objects and the notifications they make.
The Emulator (:mod:`s3emu.emulator`) builds them and hands them to the app; handlers get what
they need through their ``Call``, authentication gets the users, clock and settings. Nothing
below the Emulator holds the Emulator itself.

This module imports only the standard library and the modules of what it holds.
"""
from __future__ import annotations

from dataclasses import dataclass

from .access_logs import AccessLogs
from .auth.users import Users
from .background import Jobs
from .clock import Clock
from .events import Events
from .faults import Faults
from .ids import Ids
from .journal import Journal
from .model.store import Store
from .notifications import Notifications
from .replication import Replication
from .scheduler import Scheduler
from .settings import Settings
from .throttle import Throttle

@dataclass(frozen=True)
class Services:
    """Everything the app and its handlers work with."""

    settings: Settings
    store: Store
    clock: Clock
    ids: Ids
    users: Users
    journal: Journal
    throttle: Throttle
    faults: Faults
    #: the background work due on the clock (:mod:`s3emu.scheduler`)
    scheduler: Scheduler
    #: what happened to objects, for the consumers below (:mod:`s3emu.events`)
    events: Events
    #: the event notifications delivered (:mod:`s3emu.notifications`)
    notifications: Notifications
    #: replication of new versions (:mod:`s3emu.replication`)
    replication: Replication
    #: what background work started by a request works with (:mod:`s3emu.background`)
    jobs: Jobs
    #: server access log records waiting for delivery (:mod:`s3emu.access_logs`)
    access_logs: AccessLogs
