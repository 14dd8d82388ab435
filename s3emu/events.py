"""What happened to objects, as S3's event types: the one place handlers and background jobs
report it, and the one place consumers (event notifications, replication) hear of it.

A handler calls :meth:`Events.publish` after its change to the store has succeeded, with an
:class:`Event` named as S3 names event types without the ``s3:`` prefix
(``ObjectCreated:Put``, ``ObjectRemoved:DeleteMarkerCreated``, ``LifecycleExpiration:Delete``,
...: :data:`s3emu.model.notification.EVENT_TYPES`). Publishing is synchronous: when the
request's reply is sent, every consumer has seen its events (what S3 does later, a consumer
schedules on the emulator clock). Handlers publish only for buckets a consumer watches
(:func:`watched`), so an ordinary request pays one attribute check.

This module imports only the standard library.
"""
from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

log = logging.getLogger("s3emu.events")

#: who causes the events S3 makes itself (lifecycle, restore completion)
S3_PRINCIPAL = "s3.amazonaws.com"

@dataclass(frozen=True)
class Event:
    """One thing that happened to one object (or one version of it)."""

    #: the event type, e.g. ``ObjectCreated:Put``
    name: str
    bucket: str
    #: the bucket owner's account
    owner: str
    region: str
    key: str
    time: datetime
    size: int | None = None
    #: without quotes
    etag: str | None = None
    #: None: the null version (an unversioned bucket)
    version_id: str | None = None
    #: who caused it: an access key, ``None`` for an anonymous request, :data:`S3_PRINCIPAL`
    #: for S3 itself (lifecycle, restore)
    principal: str | None = None
    source_ip: str = "127.0.0.1"
    request_id: str = ""
    host_id: str = ""
    #: what the S3 operation was (``PutObject``, ``DeleteObjects``, ...), for EventBridge
    reason: str = ""
    #: more of what S3 tells for some types (``storage_class`` of a transition, restore times)
    more: Mapping[str, Any] = field(default_factory=dict)
    #: the event's position among all events of the emulator (set by :meth:`Events.publish`)
    sequence: int = 0


def watched(settings: Any) -> bool:
    """Whether a bucket with these settings has a consumer of its events."""
    return settings.notification is not None or settings.replication is not None


class Events:
    """The consumers of events, called in the order they listen."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[Event], None]] = []
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def listen(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def publish(self, event: Event) -> None:
        """Hand ``event`` to every consumer. A consumer that fails is logged, never the
        request's failure: the change it reports has happened."""
        with self._lock:
            number = next(self._sequence)
        event = _numbered(event, number)
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("an event consumer failed on %s %s/%s", event.name,
                              event.bucket, event.key)


def _numbered(event: Event, number: int) -> Event:
    object.__setattr__(event, "sequence", number)   # the event is new and not yet shared
    return event
