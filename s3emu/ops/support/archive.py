"""Archived versions as the handlers meet them: S3's refusal to read one, HEAD's
``x-amz-archive-status``, and Intelligent-Tiering's record of an access
(:mod:`s3emu.model.tiering`)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ...errors import InvalidObjectState, S3Error
from ...model.objects import ObjectVersion


def not_readable(version: ObjectVersion, message: str | None = None) -> S3Error:
    """InvalidObjectState for reading (or copying) an archived ``version``: with its
    ``StorageClass``, and its ``AccessTier`` when it is in an Intelligent-Tiering archive
    tier."""
    if version.access_tier is not None:
        return InvalidObjectState(message or "The operation is not valid for the object's "
                                  "access tier", StorageClass=version.storage_class,
                                  AccessTier=version.access_tier)
    if message is None:
        return InvalidObjectState(StorageClass=version.storage_class)
    return InvalidObjectState(message, StorageClass=version.storage_class)


def archive_status(version: ObjectVersion) -> dict[str, str]:
    """HEAD's ``x-amz-archive-status`` of a version in an archive access tier."""
    return {} if version.access_tier is None else {"x-amz-archive-status": version.access_tier}


def note_access(bucket: Any, version: ObjectVersion, now: datetime) -> None:
    """Record a read of an INTELLIGENT_TIERING version: it is in Frequent Access again and its
    days without access start over."""
    if version.storage_class == "INTELLIGENT_TIERING":
        bucket.replace_version(version, version.evolve(accessed=now))
