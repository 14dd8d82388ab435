"""The store: all buckets of one Emulator, and the lock that keeps changes atomic.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from ..errors import (BucketAlreadyExists, BucketAlreadyOwnedByYou, BucketNotEmpty,
                      NoSuchBucket)
from .bucket import Bucket
from .meter import Meter
from .naming import check_bucket_name
from .settings import BucketSettings

if TYPE_CHECKING:
    from ..clock import Clock

#: Regions S3 accepts as a LocationConstraint (botocore's BucketLocationConstraint enum).
REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
    "ca-west-1", "cn-north-1", "cn-northwest-1", "EU", "eu-central-1", "eu-central-2",
    "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-2",
    "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2"})


class Store:
    """All buckets. One re-entrant lock guards every change (buckets share it), and one
    :class:`~.meter.Meter` counts their stored bytes over time, read at ``now()`` (default the
    clock's present; the Emulator gives its scheduler's, a job's due instant while it runs)."""

    def __init__(self, clock: Clock, version_ids: Callable[[], str] | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.clock = clock
        #: the stored bytes of every bucket over time (``emu.cost_report()``)
        self.meter = Meter(now or clock.now)
        #: makes the version ids of versioned buckets (``Ids.version_id``)
        self.version_ids = version_ids
        self.lock = threading.RLock()
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, name: str) -> Bucket:
        """The bucket ``name``; MUST raise NoSuchBucket when it does not exist."""
        found = self.buckets.get(name)
        if found is None:
            raise NoSuchBucket(BucketName=name)
        return found

    def region_of(self, name: str) -> str | None:
        """The region of bucket ``name``; None when there is no such bucket."""
        bucket = self.buckets.get(name)
        return bucket.region if bucket is not None else None

    def create_bucket(self, name: str, region: str, owner: str,
                      settings: BucketSettings | None = None) -> tuple[Bucket, bool]:
        """Create bucket ``name`` in ``region`` owned by ``owner``, with ``settings`` (default:
        a new bucket's).

        Returns ``(bucket, created)``. Re-creating a bucket one already owns MUST raise
        BucketAlreadyOwnedByYou, except in us-east-1 where S3 answers 200 for legacy
        compatibility (``created`` is then False). A bucket owned by another account MUST raise
        BucketAlreadyExists.
        """
        check_bucket_name(name)
        with self.lock:
            existing = self.buckets.get(name)
            if existing is not None:
                if existing.owner != owner:
                    raise BucketAlreadyExists(BucketName=name)
                if existing.region == "us-east-1" and region == "us-east-1":
                    return existing, False
                raise BucketAlreadyOwnedByYou(BucketName=name)
            bucket = Bucket(name, region, self.clock.now(), owner, self.lock, settings,
                            self.version_ids, self.meter)
            self.buckets[name] = bucket
            return bucket, True

    def delete_bucket(self, name: str) -> None:
        """Delete an empty bucket; MUST raise BucketNotEmpty if it holds objects."""
        with self.lock:
            bucket = self.bucket(name)
            if len(bucket):
                raise BucketNotEmpty(BucketName=name)
            bucket.close()
            del self.buckets[name]

    def list_buckets(self, owner: str | None = None) -> list[Bucket]:
        """Buckets (of ``owner`` if given) sorted by name."""
        with self.lock:
            found = [b for b in self.buckets.values() if owner is None or b.owner == owner]
        found.sort(key=lambda b: b.name)
        return found
