"""The lifecycle pass: once a day, at midnight UTC, every bucket's lifecycle configuration is
applied to its objects, versions and uploads in progress (S3 runs it asynchronously once a
day; the emulator runs it at the midnight the actions became due, so a test that moves the
clock past a due date sees the result at once).

For each key, :func:`s3emu.model.lifecycle.plan` says what is due; it is applied with the
bucket's own operations: an expired current version is deleted (in a versioned or suspended
bucket, a delete marker takes its place, as a DELETE without a version id would), a
noncurrent version or an expired delete marker is removed unless Object Lock protects it, a
transition changes the version's storage class in place (same version id, bytes shared), an
incomplete multipart upload is aborted. Each effect is journaled with the operation name S3's
server access logs give it (``S3.EXPIRE.OBJECT``, ``S3.CREATE.DELETEMARKER``,
``S3.TRANSITION_SIA.OBJECT`` ..., ``S3.DELETE.UPLOAD``).
"""
from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any

from ..events import S3_PRINCIPAL, Event, Events, watched
from ..journal import Journal
from ..model.bucket import Bucket
from ..model.lifecycle import Action, Lifecycle, abort_due, next_due, plan
from ..model.store import Store

#: the server access log operation of a transition, by target storage class
TRANSITION_OPERATION = {
    "STANDARD_IA": "S3.TRANSITION_SIA.OBJECT", "ONEZONE_IA": "S3.TRANSITION_ZIA.OBJECT",
    "INTELLIGENT_TIERING": "S3.TRANSITION_INT.OBJECT", "GLACIER_IR": "S3.TRANSITION_GIR.OBJECT",
    "GLACIER": "S3.TRANSITION.OBJECT", "DEEP_ARCHIVE": "S3.TRANSITION_GDA.OBJECT",
}


def run_pass(store: Store, journal: Journal, events: Events | None, at: datetime) -> int:
    """Apply every bucket's lifecycle configuration as due at ``at``; the number of effects.
    Each effect is journaled and, when ``events`` is given, published (``LifecycleExpiration:*``,
    ``LifecycleTransition``)."""
    done = 0
    for bucket in store.list_buckets():
        config = bucket.settings.lifecycle
        if config is not None:
            done += _apply(bucket, config, journal, events, at)
    return done


#: per bucket, what the last pass found quiet: key -> (configuration, versions, next due).
#: A speed trick: a key whose versions and configuration are the ones seen before is not
#: planned again until its next due instant (:func:`~s3emu.model.lifecycle.next_due`): a year
#: of daily passes over 2,000 quiet objects costs 0.3 s instead of 3 s.
_QUIET: weakref.WeakKeyDictionary[Bucket, dict[str, tuple[Any, tuple[Any, ...], Any]]] = (
    weakref.WeakKeyDictionary())


def _still_quiet(known: tuple[Any, tuple[Any, ...], Any] | None, config: Lifecycle,
                 stack: list[Any], at: datetime) -> bool:
    if known is None or known[0] is not config or len(known[1]) != len(stack):
        return False
    if not all(seen is version for seen, version in zip(known[1], stack)):
        return False
    return known[2] is None or known[2] > at


def _apply(bucket: Bucket, config: Lifecycle, journal: Journal, events: Events | None,
           at: datetime) -> int:
    done = 0
    quiet = _QUIET.get(bucket, {})
    fresh: dict[str, tuple[Any, tuple[Any, ...], Any]] = {}
    for key in list(bucket.keys):
        known = quiet.get(key)
        if known is not None and len(known[1]) == 1 and known[1][0] is bucket.find(key) \
                and known[0] is config and (known[2] is None or known[2] > at):
            fresh[key] = known      # one version, the same: no other can have come or gone
            continue
        stack = bucket.versions(key)
        if not stack:
            continue
        if _still_quiet(known, config, stack, at):
            assert known is not None
            fresh[key] = known
            continue
        actions = plan(config, key, stack, at)
        if not actions:
            fresh[key] = (config, tuple(stack), next_due(config, key, stack, at))
            continue
        for action in actions:
            effect = _act(bucket, key, action, journal, at)
            if effect is not None:
                done += 1
                if events is not None and watched(bucket.settings):
                    _publish(events, bucket, at, *effect)
    _QUIET[bucket] = fresh
    for upload in list(bucket.uploads.values()):
        if upload.completed is None and abort_due(config, upload.key, upload.initiated, at):
            bucket.abort_upload(upload.upload_id, upload.key)
            _journal(journal, at, "S3.DELETE.UPLOAD", bucket, upload.key, None)
            done += 1
    return done


#: what an effect tells its event: (event type, the version, more of the message)
_Effect = tuple[str, Any, dict[str, Any]]


def _act(bucket: Bucket, key: str, action: Action, journal: Journal,
         at: datetime) -> _Effect | None:
    """Apply one action; what it did (None: nothing, for example a locked version)."""
    version = action.version
    if action.kind == "expire":
        removed = bucket.delete(key, owner=bucket.owner, when=at)
        if removed is None:
            return None
        operation = "S3.CREATE.DELETEMARKER" if removed.delete_marker else "S3.EXPIRE.OBJECT"
        _journal(journal, at, operation, bucket, key, removed.version_id)
        if removed.delete_marker:
            return "LifecycleExpiration:DeleteMarkerCreated", removed, {}
        return "LifecycleExpiration:Delete", removed, {}
    if action.kind == "remove":
        removal = bucket.delete_version(key, version.version_id or "null", now=at)
        if removal.version is None or removal.locked:
            return None
        _journal(journal, at, "S3.EXPIRE.OBJECT", bucket, key, version.version_id)
        return "LifecycleExpiration:Delete", removal.version, {}
    assert action.storage_class is not None
    moved = version.evolve(storage_class=action.storage_class)
    if not bucket.replace_version(version, moved):
        return None
    _journal(journal, at, TRANSITION_OPERATION[action.storage_class], bucket, key,
             version.version_id)
    return "LifecycleTransition", moved, {"lifecycleEventData": {"transitionEventData": {
        "destinationStorageClass": action.storage_class}}}


def _publish(events: Events, bucket: Bucket, at: datetime, name: str, version: Any,
             more: dict[str, Any]) -> None:
    gone = name == "LifecycleExpiration:Delete"
    events.publish(Event(
        name=name, bucket=bucket.name, owner=bucket.owner, region=bucket.region,
        key=version.key, time=at, size=None if gone or version.delete_marker else version.size,
        etag=None if gone or version.delete_marker else version.etag.strip('"'),
        version_id=version.version_id, principal=S3_PRINCIPAL, reason="Lifecycle",
        more=more))


def _journal(journal: Journal, at: datetime, operation: str, bucket: Bucket, key: str,
             version_id: str | None) -> None:
    journal.record_effect(at, operation, bucket.name, key, version_id=version_id)
