"""Replication: new versions of a bucket with a replication configuration are copied to the
destination bucket on the emulator clock (a consumer of :mod:`s3emu.events`).

When a version is created (``ObjectCreated:*``) and an enabled rule matches its key and tags
(the highest Priority wins), the source version's ``x-amz-replication-status`` becomes
``PENDING``; :attr:`Replication.delay` later (15 seconds by default; S3 replicates most
objects within seconds and promises 15 minutes with Replication Time Control) the version is
stored in the destination with the same version id, metadata, content headers, tags, lock,
ETag and bytes (shared, not copied), the rule's storage class if it names one, and status
``REPLICA``, owned by the destination's owner when that bucket is BucketOwnerEnforced; the
source becomes ``COMPLETED``. It is ``FAILED`` instead, with S3's failure reason
(:func:`failure`: ``DstBucketNotFound``, ``DstBucketUnversioned``,
``DstBucketObjectLockConfigMissing``, and for a destination of another account whose bucket
policy does not allow the configuration's role ``DstPutObjectNotPermitted``,
``DstDelObjNotPermitted``, ``DstPutTaggingNotPermitted``) in the journal and in the
``Replication:OperationFailedReplication`` event's ``replicationEventData``. Delete markers are
replicated the same way when the rule's DeleteMarkerReplication is Enabled (deletes of a
version id never are, as on S3); replicas are not replicated again. Later tag changes
(PutObjectTagging, DeleteObjectTagging) and ACL changes (PutObjectAcl) of a replicated version
reach its replica after the same delay (``S3.REPLICATE.TAGS`` / ``S3.REPLICATE.ACL``; ACLs not
in a BucketOwnerEnforced destination, where the replica is its owner's). Each replication is
journaled (``S3.REPLICATE.OBJECT``, status 200, or 500 with the reason as its error code).

This module imports only the standard library, the access policies, the events, journal,
model and scheduler.
"""
from __future__ import annotations

from functools import partial
from datetime import datetime, timedelta

from .access.acl import canonical_id
from .access.policy import Who
from .events import S3_PRINCIPAL, Event, Events
from .journal import Journal
from .model.bucket import Bucket
from .model.objects import ObjectVersion
from .model.replication import ReplicationConfiguration, ReplicationRule
from .model.store import Store
from .scheduler import Scheduler

#: how long after a write its replica appears, unless set otherwise
DEFAULT_DELAY = timedelta(seconds=15)
#: the events of changes S3 replicates to an existing replica
_FOLLOWED = frozenset({"ObjectTagging:Put", "ObjectTagging:Delete", "ObjectAcl:Put"})


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
        if event.name in _FOLLOWED:
            self._changed(event)
            return
        created = event.name.startswith("ObjectCreated:")
        if not created and event.name != "ObjectRemoved:DeleteMarkerCreated":
            return
        found = self._replicated(event.bucket, event.key, event.version_id)
        if found is None:
            return
        bucket, config, version = found
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

    def _replicated(self, source_name: str, key: str, version_id: str | None
                          ) -> tuple[Bucket, ReplicationConfiguration, ObjectVersion] | None:
        """The source bucket, its replication configuration and the version (when an event
        arrives, or a job comes due), if all three are there."""
        source = self._store.buckets.get(source_name)
        config = source.settings.replication if source is not None else None
        if source is None or config is None:
            return None
        version = self._version(source, key, version_id)
        return None if version is None else (source, config, version)

    def _replicate(self, source_name: str, key: str, version_id: str | None, rule: ReplicationRule,
                   at: datetime) -> None:
        found = self._replicated(source_name, key, version_id)
        if found is None:
            return
        source, config, version = found
        target = self._store.buckets.get(rule.destination)
        reason = failure(source, target, config.role, version)
        done = False
        if reason is None and target is not None:
            replica = version.evolve(replication=None if version.delete_marker else "REPLICA")
            if rule.storage_class and not version.delete_marker:
                replica = replica.evolve(storage_class=rule.storage_class)
            if not target.settings.acls_enabled:      # BucketOwnerEnforced: the owner's
                replica = replica.evolve(owner=target.owner)
            done = target.put_replica(replica)
            reason = None if done else "DstBucketUnversioned"
        if not version.delete_marker:
            source.replace_version(version, version.evolve(
                replication="COMPLETED" if done else "FAILED"))
        self._journal.record_effect(at, "S3.REPLICATE.OBJECT", rule.destination, key,
                                    status=200 if done else 500,
                                    error_code=None if done else reason,
                                    version_id=version_id)
        if not done and source.settings.notification is not None:
            self._failed(source, version, rule, reason or "", "OBJECT_PUT", at)

    def _failed(self, source: Bucket, version: ObjectVersion, rule: ReplicationRule,
                reason: str, operation: str, at: datetime) -> None:
        self._events.publish(Event(
            name="Replication:OperationFailedReplication", bucket=source.name,
            owner=source.owner, region=source.region, key=version.key, time=at,
            size=version.size, etag=version.etag.strip('"'), version_id=version.version_id,
            principal=S3_PRINCIPAL, reason="Replication",
            more={"replicationEventData": {
                "replicationRuleId": rule.id,
                "destinationBucket": f"arn:aws:s3:::{rule.destination}",
                "s3Operation": operation,
                "requestTime": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
                "failureReason": reason}}))

    # -- changes of a replicated version's tags or ACL ----------------------------------------

    def _changed(self, event: Event) -> None:
        """A tag or ACL change of a source version: the replica follows after the delay."""
        found = self._replicated(event.bucket, event.key, event.version_id)
        if found is None or found[2].replication not in ("PENDING", "COMPLETED"):
            return
        source, key, version_id = event.bucket, event.key, event.version_id
        what = "tags" if event.name.startswith("ObjectTagging:") else "acl"
        self._scheduler.at(event.time + self.delay,
                           partial(self._follow, source, key, version_id, what),
                           f"replication of {what} of {source}/{key}")

    def _follow(self, source_name: str, key: str, version_id: str | None, what: str,
                at: datetime) -> None:
        found = self._replicated(source_name, key, version_id)
        if found is None:
            return
        source, config, version = found
        for rule in config.rules:
            target = self._store.buckets.get(rule.destination)
            replica = self._version(target, key, version_id) if target is not None else None
            if target is None or replica is None or replica.replication != "REPLICA":
                continue
            if what == "acl" and not target.settings.acls_enabled:
                return                  # the destination's owner owns the replica: no ACLs
            reason = None
            if what == "tags" and target.owner != source.owner and not _allowed(
                    target, source, config.role, "s3:ReplicateTags", key):
                reason = "DstPutTaggingNotPermitted"
            elif what == "tags":
                target.replace_version(replica, replica.evolve(tags=version.tags))
            else:
                target.replace_version(replica, replica.evolve(acl=version.acl))
            self._journal.record_effect(
                at, "S3.REPLICATE.TAGS" if what == "tags" else "S3.REPLICATE.ACL",
                rule.destination, key, status=500 if reason else 200, error_code=reason,
                version_id=version_id)
            if reason and source.settings.notification is not None:
                self._failed(source, version, rule, reason, "PUT_TAGGING", at)
            return


def failure(source: Bucket, target: Bucket | None, role: str,
            version: ObjectVersion) -> str | None:
    """S3's replication failure reason for storing ``version`` in ``target`` (None: it can):
    the destination must exist, be versioned, have Object Lock when the source has it, and,
    in another account, its bucket policy must allow the configuration's role
    ``s3:ReplicateObject`` (``s3:ReplicateDelete`` for a delete marker) and, for a version
    with tags, ``s3:ReplicateTags``."""
    if target is None:
        return "DstBucketNotFound"
    if target.settings.versioning != "Enabled":
        return "DstBucketUnversioned"
    if source.settings.object_lock is not None and target.settings.object_lock is None:
        return "DstBucketObjectLockConfigMissing"
    if target.owner == source.owner:
        return None
    key = version.key
    if version.delete_marker:
        allowed = _allowed(target, source, role, "s3:ReplicateDelete", key)
        return None if allowed else "DstDelObjNotPermitted"
    if not _allowed(target, source, role, "s3:ReplicateObject", key):
        return "DstPutObjectNotPermitted"
    if version.tags and not _allowed(target, source, role, "s3:ReplicateTags", key):
        return "DstPutTaggingNotPermitted"
    return None


def _allowed(target: Bucket, source: Bucket, role: str, action: str, key: str) -> bool:
    """Whether ``target``'s bucket policy allows the source account's replication ``role``
    ``action`` on ``key`` (another account's bucket: its policy must say so)."""
    policy = target.settings.policy
    if policy is None:
        return False
    who = Who(source.owner, canonical_id=canonical_id(source.owner), arn=role)
    context = {"aws:principalarn": [role], "aws:principalaccount": [source.owner],
               "aws:principaltype": ["AssumedRole"]}
    return bool(policy.evaluate(who, action, f"arn:aws:s3:::{target.name}/{key}",
                                context) == "Allow")
