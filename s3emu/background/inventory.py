"""Inventory reports: the CSV lists S3 writes for a bucket's enabled inventory configurations.

From S3's user guide ("Amazon S3 Inventory", "Inventory list", "Inventory manifest"): a report
is written into the destination bucket under ``[prefix/]SOURCE/CONFIG-ID/``: the data file
``data/UNIQUE.csv.gz`` (gzip-compressed CSV, every field quoted, keys URL-encoded), a
``YYYY-MM-DDTHH-MMZ/manifest.json`` (sourceBucket, destinationBucket, version, creation
timestamp in milliseconds, fileFormat, fileSchema, files with key, size and MD5checksum) with
its ``manifest.checksum`` (the manifest's MD5), and ``hive/dt=YYYY-MM-DD-HH-MM/symlink.txt``
naming the data file. Rows: Bucket, Key, then VersionId, IsLatest, IsDeleteMarker when the
configuration includes All versions, then the optional fields chosen, in S3's schema order.

The schedule, on the emulator clock: S3 delivers the first report within 48 hours and then
daily or weekly; s3emu writes Daily reports at every midnight UTC and Weekly ones at the
midnight that starts a Sunday, the first one at the first such midnight after the
configuration was put. The destination's bucket policy must let S3 (``s3.amazonaws.com``)
``s3:PutObject`` there, as S3 requires; otherwise no report is written (journaled with status
403). Each report is journaled (``S3.INVENTORY.REPORT``).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import datetime
from typing import Any, Callable, Mapping
from urllib.parse import quote

from ..journal import Journal
from ..model.bucket import Bucket
from ..model.encryption import SseC, SseKms, Unencrypted
from ..model.objects import ObjectVersion
from ..model.store import Store
from ..model.tiering import access_tier
from .delivery import put_delivered, service_may_write

S3_SERVICE = "s3.amazonaws.com"
#: S3's order of the optional fields in a report's schema
FIELD_ORDER = (
    "Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded",
    "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode",
    "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier", "BucketKeyStatus",
    "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner")


def run_reports(store: Store, journal: Journal, unique: Callable[[], str], at: datetime) -> int:
    """Write every report due at the midnight ``at``; the number written."""
    written = 0
    for bucket in store.list_buckets():
        for config in list(bucket.settings.inventory.values()):
            if not config.get("IsEnabled"):
                continue
            weekly = config.get("Schedule", {}).get("Frequency") == "Weekly"
            if weekly and at.weekday() != 6:             # Sundays, 00:00 UTC
                continue
            written += _report(store, journal, unique, bucket, config, at)
    return written


def _value(field: str, version: ObjectVersion, at: datetime) -> str:
    if field == "Size":
        return str(version.size)
    if field == "LastModifiedDate":
        return version.last_modified.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if field == "ETag":
        return version.etag.strip('"')
    if field == "StorageClass":
        return version.storage_class
    if field == "IsMultipartUploaded":
        return "true" if version.parts else "false"
    if field == "EncryptionStatus":
        sse = version.sse
        return ("NOT-SSE" if isinstance(sse, Unencrypted) else "SSE-C" if isinstance(sse, SseC)
                else "SSE-KMS" if isinstance(sse, SseKms) else "SSE-S3")
    if field == "BucketKeyStatus":
        return "ENABLED" if isinstance(version.sse, SseKms) and version.sse.bucket_key \
            else "DISABLED"
    lock = version.lock
    if field == "ObjectLockRetainUntilDate" and lock is not None and lock.retain_until:
        return lock.retain_until.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if field == "ObjectLockMode" and lock is not None and lock.mode:
        return lock.mode
    if field == "ObjectLockLegalHoldStatus":
        return "ON" if lock is not None and lock.legal_hold else "OFF"
    if field == "ChecksumAlgorithm":
        return next(iter(version.checksums), "")
    if field == "ObjectOwner":
        return version.owner
    if field == "IntelligentTieringAccessTier" and version.storage_class == "INTELLIGENT_TIERING":
        return access_tier(version, at)
    if field == "ReplicationStatus":
        return version.replication or ""
    return ""       # ObjectAccessControlList


def _rows(bucket: Bucket, config: Mapping[str, Any], fields: list[str],
          at: datetime) -> list[list[str]]:
    every = config.get("IncludedObjectVersions") == "All"
    prefix = (config.get("Filter") or {}).get("Prefix", "")
    rows = []
    for key in list(bucket.keys):
        if not key.startswith(prefix):
            continue
        stack = bucket.versions(key) if every else [bucket.find(key)]
        for rank, version in enumerate(stack):
            if version is None or (version.delete_marker and not every):
                continue
            row = [bucket.name, quote(key, safe="/")]
            if every:
                row += [version.version_id or "null", "true" if rank == 0 else "false",
                        "true" if version.delete_marker else "false"]
            row += ["" if version.delete_marker else _value(f, version, at) for f in fields]
            rows.append(row)
    return rows


def _report(store: Store, journal: Journal, unique: Callable[[], str], bucket: Bucket,
            config: Mapping[str, Any], at: datetime) -> int:
    where = config["Destination"]["S3BucketDestination"]
    target_name = where["Bucket"].rpartition(":")[2]
    base = "/".join(p for p in (where.get("Prefix", "").strip("/"), bucket.name, config["Id"])
                    if p)
    target = store.buckets.get(target_name)
    if target is None or not service_may_write(S3_SERVICE, target, bucket, base + "/"):
        _journal(journal, at, target_name, base, 403)
        return 0
    chosen = set((config.get("OptionalFields") or {}).get("Field") or [])
    fields = [f for f in FIELD_ORDER if f in chosen]
    every = config.get("IncludedObjectVersions") == "All"
    schema = ["Bucket", "Key"] + (["VersionId", "IsLatest", "IsDeleteMarker"] if every else [])
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
        _rows(bucket, config, fields, at))
    data = gzip.compress(text.getvalue().encode(), mtime=0)
    data_key = f"{base}/data/{unique().lower()}.csv.gz"
    stamp = at.strftime("%Y-%m-%dT%H-%MZ")
    manifest = json.dumps({
        "sourceBucket": bucket.name, "destinationBucket": where["Bucket"],
        "version": "2016-11-30", "creationTimestamp": str(int(at.timestamp() * 1000)),
        "fileFormat": "CSV", "fileSchema": ", ".join(schema + fields),
        "files": [{"key": data_key, "size": len(data),
                   "MD5checksum": hashlib.md5(data, usedforsecurity=False).hexdigest()}]},
        indent=2).encode()
    symlink = f"s3://{target_name}/{data_key}\n".encode()
    for key, body, kind in (
            (data_key, data, "application/octet-stream"),
            (f"{base}/{stamp}/manifest.json", manifest, "application/json"),
            (f"{base}/{stamp}/manifest.checksum",
             hashlib.md5(manifest, usedforsecurity=False).hexdigest().encode(), "text/plain"),
            (f"{base}/hive/dt={at.strftime('%Y-%m-%d-%H-%M')}/symlink.txt", symlink,
             "text/plain")):
        put_delivered(target, key, body, kind, at)
    _journal(journal, at, target_name, f"{base}/{stamp}/manifest.json", 200)
    return 1


def _journal(journal: Journal, at: datetime, bucket: str, key: str, status: int) -> None:
    journal.record_effect(at, "S3.INVENTORY.REPORT", bucket, key, status=status,
                          error_code=None if status == 200 else "AccessDenied")
