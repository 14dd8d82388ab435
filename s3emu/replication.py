"""Replication: new versions of a bucket with a replication configuration are copied to the
destination bucket on the emulator clock (a consumer of :mod:`s3emu.events`).

When a version is created (``ObjectCreated:*``) and an enabled rule matches its key and tags
(the highest Priority wins), the source version's ``x-amz-replication-status`` becomes
``PENDING``; :attr:`Replication.delay` later (15 seconds by default; S3 replicates most
objects within seconds and promises 15 minutes with Replication Time Control) the version is
stored in the destination with the same version id, metadata, content headers, tags, lock,
ETag and bytes (shared, not copied), the rule's storage class if it names one, and status
``REPLICA``; the source becomes ``COMPLETED``. A destination that is gone or no longer
versioned makes it ``FAILED`` and publishes ``Replication:OperationFailedReplication``. Delete
markers are replicated the same way when the rule's DeleteMarkerReplication is Enabled
(deletes of a version id never are, as on S3); replicas are not replicated again. Each
replication is journaled (``S3.REPLICATE.OBJECT``, status 200, or 500 when it failed).

This module imports only the standard library, the events, journal, model and scheduler.
"""
from __future__ import annotations

from functools import partial
from datetime import datetime, timedelta

from .events import S3_PRINCIPAL, Event, Events
from .journal import Entry, Journal
from .model.bucket import Bucket
from .model.objects import ObjectVersion
from .model.replication import ReplicationRule
from .model.store import Store
from .scheduler import Scheduler

#: how long after a write its replica appears, unless set otherwise
DEFAULT_DELAY = timedelta(seconds=15)


class Replication:
    """The events consumer that replicates (``emu.services.replication``)."""

    def __init__(self, store: Store, journal: Journal, scheduler: Scheduler,
                 events: Events) -> None:
        self._store = store
        self._journal = journal
        self._scheduler = scheduler
        self._events = events
        #: how long a replication takes on the emulator clock
        self.delay = DEFAULT_DELAY

    def __call__(self, event: Event) -> None:
        created = event.name.startswith("ObjectCreated:")
        if not created and event.name != "ObjectRemoved:DeleteMarkerCreated":
            return
        bucket = self._store.buckets.get(event.bucket)
        config = bucket.settings.replication if bucket is not None else None
        if bucket is None or config is None:
            return
        version = self._version(bucket, event.key, event.version_id)
        if version is None:
            return
        rule = config.rule_for(event.key, version.tags)
        if rule is None or (not created and not rule.delete_markers):
            return
        if created:
            pending = version.evolve(replication="PENDING")
            if not bucket.replace_version(version, pending):
                return
            version = pending
        source, key, version_id = bucket.name, event.key, event.version_id
        self._scheduler.at(event.time + self.delay,
                           partial(self._replicate, source, key, version_id, rule),
                           f"replication of {source}/{key}")

    @staticmethod
    def _version(bucket: Bucket, key: str, version_id: str | None) -> ObjectVersion | None:
        for version in bucket.versions(key):
            if version.version_id == version_id:
                return version
        return None

    def _replicate(self, source_name: str, key: str, version_id: str | None, rule: ReplicationRule,
                   at: datetime) -> None:
        source = self._store.buckets.get(source_name)
        if source is None:
            return
        version = self._version(source, key, version_id)
        if version is None:
            return
        target = self._store.buckets.get(rule.destination)
        replica = version.evolve(replication=None if version.delete_marker else "REPLICA")
        storage_class = rule.storage_class
        if storage_class and not version.delete_marker:
            replica = replica.evolve(storage_class=storage_class)
        done = target is not None and target.put_replica(replica)
        if not version.delete_marker:
            source.replace_version(version, version.evolve(
                replication="COMPLETED" if done else "FAILED"))
        self._journal.record(Entry(
            time=at, operation="S3.REPLICATE.OBJECT", method="",
            bucket=rule.destination, key=key,
            access_key=None, status=200 if done else 500,
            error_code=None if done else "ReplicationFailed", bytes_in=0, bytes_out=0,
            request_id="", version_id=version_id))
        if not done and source.settings.notification is not None:
            self._events.publish(Event(
                name="Replication:OperationFailedReplication", bucket=source.name,
                owner=source.owner, region=source.region, key=key, time=at,
                size=version.size, etag=version.etag.strip('"'), version_id=version_id,
                principal=S3_PRINCIPAL, reason="Replication"))
