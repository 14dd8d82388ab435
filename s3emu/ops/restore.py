"""RestoreObject: a temporary, readable copy of an archived version (GLACIER, DEEP_ARCHIVE).

From S3's RestoreObject reference and the user guide's "Restoring an archived object" and
"Understanding archive retrieval options":

- the body is ``RestoreRequest`` with ``Days`` (a positive number of days the copy stays) and
  ``GlacierJobParameters``/``Tier`` (``Expedited``, ``Standard`` (the default) or ``Bulk``);
  a Select restore (``Type`` SELECT, ``SelectParameters``, ``OutputLocation``) is a feature S3
  closed to new customers and s3emu does not have: 501 NotImplemented naming it;
- an object that is not archived is 403 InvalidObjectState "Restore is not allowed for the
  object's current storage class"; Expedited from DEEP_ARCHIVE, which has no such tier, is
  503 GlacierExpeditedRetrievalNotAvailable; a restore under way is 409
  RestoreAlreadyInProgress;
- the first request is answered 202 Accepted and the job runs on the emulator clock for the
  longest time S3 publishes for its class and tier (:data:`RETRIEVAL`); once done, the copy
  is readable until the completion plus ``Days``, rounded up to the next midnight UTC (see
  :mod:`s3emu.background.restore`); a request while the copy is there is 200 OK and moves the
  expiry to now plus ``Days``, rounded up likewise;
- ``x-amz-restore`` on HEAD / GET says ``ongoing-request="true"`` while the job runs, then
  ``ongoing-request="false", expiry-date="..."`` (:func:`restore_header`).
"""
from __future__ import annotations

from functools import partial
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from ..background import restore as jobs_of_restore
from ..errors import (GlacierExpeditedRetrievalNotAvailable, InvalidArgument,
                      InvalidObjectState, MalformedXML, NotImplemented_, RestoreAlreadyInProgress)
from ..model.lifecycle import due
from ..model.objects import ARCHIVED, ObjectVersion, Restore
from ..operations import OBJECT_READ
from ..protocol import numbers, xml
from ..protocol.dates import http_date
from .registry import Call, Reply, operation
from .support.events import object_event
from .support.versions import readable_version

TIERS = ("Expedited", "Standard", "Bulk")
#: how long a restore job takes: S3's published upper bound for each class and tier
RETRIEVAL = {
    ("GLACIER", "Expedited"): timedelta(minutes=5),
    ("GLACIER", "Standard"): timedelta(hours=5),
    ("GLACIER", "Bulk"): timedelta(hours=12),
    ("DEEP_ARCHIVE", "Standard"): timedelta(hours=12),
    ("DEEP_ARCHIVE", "Bulk"): timedelta(hours=48),
    # Intelligent-Tiering's archive access tiers, as the classes they resemble
    ("ARCHIVE_ACCESS", "Expedited"): timedelta(minutes=5),
    ("ARCHIVE_ACCESS", "Standard"): timedelta(hours=5),
    ("ARCHIVE_ACCESS", "Bulk"): timedelta(hours=12),
    ("DEEP_ARCHIVE_ACCESS", "Standard"): timedelta(hours=12),
    ("DEEP_ARCHIVE_ACCESS", "Bulk"): timedelta(hours=48),
}
_ELEMENTS = frozenset({"Days", "GlacierJobParameters", "Type", "Tier", "Description",
                       "SelectParameters", "OutputLocation"})


def _request(body: bytes) -> tuple[int | None, str]:
    """``(days, tier)`` of a RestoreRequest document (no days: none given, as for an
    Intelligent-Tiering archive tier)."""
    doc = xml.parse(body, "RestoreRequest")
    if not isinstance(doc, dict) or not set(doc) <= _ELEMENTS:
        raise MalformedXML()
    for name in ("Type", "SelectParameters", "OutputLocation"):
        if name in doc:
            raise NotImplemented_(f"s3emu does not implement RestoreObject with {name} "
                                  "(a Select restore).", Operation="RestoreObject",
                                  Parameter=name)
    if "Days" not in doc:
        days = None
    elif (days := numbers.integer(xml.text_of(doc["Days"]))) is None or days < 1:
        raise InvalidArgument("Days must be a positive integer", ArgumentName="Days",
                              ArgumentValue=xml.text_of(doc["Days"]))
    tier = "Standard"
    job = doc.get("GlacierJobParameters")
    if job is not None:
        if not isinstance(job, dict) or set(job) != {"Tier"}:
            raise MalformedXML()
        tier = xml.text_of(job["Tier"])
        if tier not in TIERS:
            raise MalformedXML()
    return days, tier


def restore_header(version: ObjectVersion, now: datetime) -> dict[str, str]:
    """``x-amz-restore`` of a version with a restore (none otherwise)."""
    restore = version.restore
    if restore is None:
        return {}
    if restore.ongoing(now) or restore.expires is None:
        return {"x-amz-restore": 'ongoing-request="true"'}
    return {"x-amz-restore": f'ongoing-request="false", expiry-date="{http_date(restore.expires)}"'}


def restore_status(version: ObjectVersion, now: datetime) -> dict[str, Any] | None:
    """A listing entry's ``RestoreStatus`` (None: never restored, or the copy is gone)."""
    restore = version.restore
    if restore is None:
        return None
    if restore.ongoing(now) or restore.expires is None:
        return {"IsRestoreInProgress": True}
    return {"IsRestoreInProgress": False, "RestoreExpiryDate": restore.expires}


@operation("RestoreObject", action="s3:RestoreObject", kind=OBJECT_READ)
def restore_object(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    version = readable_version(bucket, call.object_key, call.query.get("versionId"),
                               call.method)
    days, tier = _request(call.verified_body())
    tiered = version.access_tier is not None   # back to Frequent Access: no copy, no Days
    if not tiered and version.storage_class not in ARCHIVED:
        raise InvalidObjectState("Restore is not allowed for the object's current storage class",
                                 StorageClass=version.storage_class)
    if days is None and not tiered:
        raise MalformedXML()
    retrieval = RETRIEVAL.get((version.access_tier or version.storage_class, tier))
    if retrieval is None:
        raise GlacierExpeditedRetrievalNotAvailable()
    now = call.clock.now()
    headers = {} if version.version_id is None else {"x-amz-version-id": version.version_id}
    current = version.restore
    if current is not None and current.ongoing(now):
        raise RestoreAlreadyInProgress()
    if current is not None and current.readable(now) and days is not None:   # a longer stay
        extended = replace(current, days=days, expires=due(now, days))
        bucket.replace_version(version, version.evolve(restore=extended))
        assert extended.expires is not None and call.jobs is not None
        _schedule(call, version, extended, extended.expires, jobs_of_restore.expire)
        return Reply(status=200, headers=headers)
    started = Restore(ready=now + retrieval, days=days or 0, tier=tier)
    restoring = version.evolve(restore=started)
    bucket.replace_version(version, restoring)
    _schedule(call, version, started, started.ready, jobs_of_restore.complete)
    object_event(call, bucket, "ObjectRestore:Post", restoring)
    return Reply(status=202, headers=headers)


def _schedule(call: Call, version: ObjectVersion, restore: Restore, when: datetime,
              job: Any) -> None:
    assert call.jobs is not None, "RestoreObject needs the app's background jobs"
    bucket, key, version_id = call.bucket_name, version.key, version.version_id
    call.jobs.at(when, partial(job, bucket=bucket, key=key, version_id=version_id,
                               restore=restore),
                 f"restore of {bucket}/{key}")
