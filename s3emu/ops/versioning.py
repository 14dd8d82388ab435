"""Bucket versioning state: GetBucketVersioning.

Versioning cannot be turned on in s3emu yet (PutBucketVersioning answers 501 NotImplemented),
so every bucket is one whose versioning was never enabled, and S3 describes such a bucket with
an empty ``VersioningConfiguration`` (no ``Status``, no ``MfaDelete``). Clients ask before
they delete: s3fs's recursive ``rm`` reads it to choose how to empty a bucket.
"""
from __future__ import annotations

from ..operations import BUCKET
from .registry import Call, Reply, operation


@operation("GetBucketVersioning", action="s3:GetBucketVersioning", kind=BUCKET)
def get_bucket_versioning(call: Call) -> Reply:
    call.store.bucket(call.bucket_name)  # NoSuchBucket
    return Reply(xml=("VersioningConfiguration", {}))
