"""Intelligent-Tiering's archive tiers on the emulator clock: a daily pass at midnight UTC
moves each INTELLIGENT_TIERING version that an enabled configuration of its bucket covers, and
that has not been accessed for the configuration's days, to the ARCHIVE_ACCESS or
DEEP_ARCHIVE_ACCESS tier (:mod:`s3emu.model.tiering`): GET is refused until it is restored.
Each move is journaled (``S3.INTELLIGENT_TIERING.ARCHIVE``) and published as S3's
``IntelligentTiering`` event with ``intelligentTieringEventData``. Buckets without an
Intelligent-Tiering configuration cost nothing.
"""
from __future__ import annotations

from datetime import datetime

from ..events import S3_PRINCIPAL, Event, Events, watched
from ..journal import Journal
from ..model.store import Store
from ..model.tiering import archive_tier


def run_pass(store: Store, journal: Journal, events: Events, at: datetime) -> int:
    """Move what is due at ``at`` to its archive tier; the number of versions moved."""
    moved = 0
    for bucket in store.list_buckets():
        configs = [c for c in bucket.settings.intelligent_tiering.values()
                   if c.get("Status") == "Enabled"]
        if not configs:
            continue
        for key in list(bucket.keys):
            for version in bucket.versions(key):
                if version.storage_class != "INTELLIGENT_TIERING" or version.delete_marker \
                        or version.restore is not None:
                    continue
                tier = archive_tier(configs, version, at)
                if tier is None or not bucket.replace_version(
                        version, version.evolve(access_tier=tier)):
                    continue
                moved += 1
                journal.record_effect(at, "S3.INTELLIGENT_TIERING.ARCHIVE", bucket.name, key,
                                      version_id=version.version_id)
                if watched(bucket.settings):
                    events.publish(Event(
                        name="IntelligentTiering", bucket=bucket.name, owner=bucket.owner,
                        region=bucket.region, key=key, time=at, size=version.size,
                        etag=version.etag.strip('"'), version_id=version.version_id,
                        principal=S3_PRINCIPAL, reason="IntelligentTiering",
                        more={"intelligentTieringEventData": {
                            "destinationAccessTier": tier}}))
    return moved
