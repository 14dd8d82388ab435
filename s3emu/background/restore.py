"""The end of a restore, and of its restored copy, on the emulator clock. :func:`complete` runs
when a restore job is done (RestoreObject scheduled it at the version's ``restore.ready``): the
copy becomes readable until its expiry, S3's rule: the completion plus the request's ``Days``,
rounded up to the next midnight UTC. :func:`expire` runs then and removes the copy; GET is
refused again. A version in an Intelligent-Tiering archive access tier has no copy: the restore
moves it back to the Frequent Access tier, for good. Both act only if the version still carries
the very restore they were scheduled for (a version deleted, overwritten in place or restored
again in between is left alone), journal their effect (``S3.RESTORE.OBJECT``,
``S3.EXPIRE.RESTORE``) and publish ``ObjectRestore:Completed`` / ``ObjectRestore:Delete``.
"""
from __future__ import annotations

from functools import partial
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..events import S3_PRINCIPAL, Event, watched
from ..model.bucket import Bucket
from ..model.lifecycle import due
from ..model.objects import ObjectVersion, Restore
from . import Jobs


def _find(jobs: Jobs, bucket_name: str, key: str, version_id: str | None,
          restore: Restore) -> tuple[Bucket, ObjectVersion] | None:
    bucket = jobs.store.buckets.get(bucket_name)
    if bucket is None:
        return None
    for version in bucket.versions(key):
        if version.version_id == version_id and not version.delete_marker:
            return (bucket, version) if version.restore is restore else None
    return None


def complete(jobs: Jobs, at: datetime, *, bucket: str, key: str, version_id: str | None,
             restore: Restore) -> None:
    found = _find(jobs, bucket, key, version_id, restore)
    if found is None:
        return
    where, version = found
    if version.access_tier is not None:     # Intelligent-Tiering: back to Frequent Access
        if where.replace_version(version, version.evolve(restore=None, access_tier=None,
                                                         accessed=at)):
            jobs.record(at, "S3.RESTORE.OBJECT", bucket, key, version_id)
            _publish(jobs, where, version, at, "ObjectRestore:Completed", None)
        return
    done = replace(restore, expires=due(restore.ready, restore.days))
    if not where.replace_version(version, version.evolve(restore=done)):
        return
    assert done.expires is not None
    jobs.at(done.expires, partial(expire, bucket=bucket, key=key, version_id=version_id,
                                  restore=done),
            "restore expiry")
    jobs.record(at, "S3.RESTORE.OBJECT", bucket, key, version_id)
    _publish(jobs, where, version, at, "ObjectRestore:Completed", done)


def expire(jobs: Jobs, at: datetime, *, bucket: str, key: str, version_id: str | None,
           restore: Restore) -> None:
    found = _find(jobs, bucket, key, version_id, restore)
    if found is None:
        return
    where, version = found
    if not where.replace_version(version, version.evolve(restore=None)):
        return
    jobs.record(at, "S3.EXPIRE.RESTORE", bucket, key, version_id)
    _publish(jobs, where, version, at, "ObjectRestore:Delete", None)


def _publish(jobs: Jobs, bucket: Bucket, version: ObjectVersion, at: datetime, name: str,
             restore: Restore | None) -> None:
    if not watched(bucket.settings):
        return
    more: dict[str, Any] = {}
    if restore is not None and restore.expires is not None:
        more["glacierEventData"] = {"restoreEventData": {
            "lifecycleRestorationExpiryTime": restore.expires.strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"),
            "lifecycleRestoreStorageClass": version.storage_class}}
    jobs.events.publish(Event(
        name=name, bucket=bucket.name, owner=bucket.owner, region=bucket.region,
        key=version.key, time=at, size=version.size, etag=version.etag.strip('"'),
        version_id=version.version_id, principal=S3_PRINCIPAL, reason="RestoreObject",
        more=more))
