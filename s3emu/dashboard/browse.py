"""The dashboard's read-only views of the store, as JSON-ready data: buckets, one page of a
bucket's keys and common prefixes, one object version with its key's versions, and a
version's bytes as a download.

They read the model under the store's lock and change nothing. This module imports only the
standard library, s3emu's messages and the model.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import quote

from ..messages import Outcome
from ..model.encryption import SseC, SseKms

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..model.objects import ObjectVersion
    from ..model.store import Store

#: The most keys and prefixes one listing page holds (as a ListObjectsV2 page).
PAGE_SIZE = 1000

Answer = Union[Outcome, "tuple[int, Any]"]


class Refused(Exception):
    """A dashboard request that cannot be answered: HTTP ``status`` and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer(store: Store, parts: list[str], query: dict[str, str]) -> Answer:
    """Answer ``ui/api/<parts>?<query>``."""
    view = "/".join(parts)
    if view == "buckets":
        _only(query)
        return 200, {"buckets": [_bucket(b) for b in
                                 sorted(store.list_buckets(), key=lambda b: b.name)]}
    if view == "objects":
        _only(query, "bucket", "prefix", "after")
        return 200, listing(_bucket_of(store, query), query.get("prefix", ""),
                            query.get("after") or None)
    if view == "object":
        _only(query, "bucket", "key", "version")
        return 200, details(_bucket_of(store, query), _key(query), query.get("version"),
                            store.clock.now())
    if view == "download":
        _only(query, "bucket", "key", "version")
        return download(_bucket_of(store, query), _key(query), query.get("version"),
                        store.clock.now())
    raise Refused(404, f"no dashboard view {view[:100]!r}: api/buckets, api/objects, "
                       f"api/object, api/download")


def _only(query: dict[str, str], *names: str) -> None:
    unknown = sorted(set(query) - set(names))
    if unknown:
        allowed = ", ".join(names) or "nothing"
        raise Refused(400, f"unknown parameter {unknown[0][:40]!r} (this view takes "
                           f"{allowed})")


def _bucket_of(store: Store, query: dict[str, str]) -> Bucket:
    name = query.get("bucket", "")
    if not name:
        raise Refused(400, "name the bucket: ?bucket=NAME")
    found = store.buckets.get(name)
    if found is None:
        raise Refused(404, f"no bucket {name[:100]!r}")
    return found


def _key(query: dict[str, str]) -> str:
    key = query.get("key", "")
    if not key:
        raise Refused(400, "name the object: &key=KEY")
    return key


def _time(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _bucket(bucket: Bucket) -> dict[str, Any]:
    current = list(bucket.objects.values())     # one C call: a consistent copy
    return {"name": bucket.name, "region": bucket.region, "created": _time(bucket.created),
            "owner": bucket.owner, "versioning": bucket.settings.versioning,
            "objects": sum(not v.delete_marker for v in current)}


def listing(bucket: Bucket, prefix: str, after: str | None) -> dict[str, Any]:
    """One page of ``bucket``'s current keys under ``prefix``, grouped by ``/``."""
    page, versions = bucket.page(prefix=prefix, delimiter="/", after=after,
                                 max_keys=PAGE_SIZE)
    return {"bucket": bucket.name, "prefix": prefix, "prefixes": page.prefixes,
            "objects": [{"key": v.key, "size": v.size, "last_modified": _time(v.last_modified),
                         "etag": v.etag, "storage_class": v.storage_class,
                         "version_id": _version_id(v)} for v in versions],
            "truncated": page.truncated, "next": page.last if page.truncated else None}


def _version_id(version: ObjectVersion) -> str:
    return "null" if version.version_id is None else version.version_id


def _chosen(bucket: Bucket, key: str, version_id: str | None) -> tuple[ObjectVersion, bool]:
    """The version asked for (the current one if None) and whether it is the latest."""
    versions = bucket.versions(key)
    if not versions:
        raise Refused(404, f"no object {key[:200]!r} in {bucket.name!r}")
    if version_id is None:
        return versions[0], True
    for rank, version in enumerate(versions):
        if _version_id(version) == version_id:
            return version, rank == 0
    raise Refused(404, f"no version {version_id[:100]!r} of {key[:200]!r}")


def details(bucket: Bucket, key: str, version_id: str | None,
            now: datetime) -> dict[str, Any]:
    """One version of ``key`` (the current one unless ``version_id``), and its versions."""
    version, latest = _chosen(bucket, key, version_id)
    sse = version.sse
    lock = version.lock
    restore = version.restore
    return {
        "bucket": bucket.name, "key": key, "version_id": _version_id(version),
        "latest": latest, "delete_marker": version.delete_marker, "size": version.size,
        "etag": version.etag, "last_modified": _time(version.last_modified),
        "storage_class": version.storage_class, "owner": version.owner,
        "content": dict(version.content), "metadata": dict(version.metadata),
        "tags": dict(version.tags), "checksums": dict(version.checksums),
        "checksum_type": version.checksum_type,
        "parts": None if version.parts is None else len(version.parts),
        "encryption": {"algorithm": sse.algorithm,
                       "kms_key": sse.key_arn if isinstance(sse, SseKms) else None,
                       "customer_key": isinstance(sse, SseC)},
        "replication": version.replication,
        "lock": None if lock is None else {"mode": lock.mode,
                                           "retain_until": _time(lock.retain_until),
                                           "legal_hold": lock.legal_hold},
        "restore": None if restore is None else {"ready": _time(restore.ready),
                                                 "expires": _time(restore.expires),
                                                 "tier": restore.tier},
        "archived": version.archived(now),
        "downloadable": _why_not(version, now) is None,
        "versions": [{"version_id": _version_id(v), "last_modified": _time(v.last_modified),
                      "size": v.size, "delete_marker": v.delete_marker, "latest": rank == 0,
                      "storage_class": v.storage_class}
                     for rank, v in enumerate(bucket.versions(key))],
    }


def _why_not(version: ObjectVersion, now: datetime) -> str | None:
    """Why the bytes of ``version`` are not handed out (None: they are)."""
    if version.delete_marker:
        return "it is a delete marker: it has no bytes"
    if isinstance(version.sse, SseC):
        return ("it is encrypted with a customer-provided key (SSE-C): S3 serves it only "
                "with that key; get it with an S3 client that sends the key")
    if version.archived(now):
        return (f"it is archived ({version.storage_class}) and not restored: restore it "
                f"first (RestoreObject), as S3 asks")
    return None


def download(bucket: Bucket, key: str, version_id: str | None, now: datetime) -> Outcome:
    """The bytes of one version as an attachment: octet-stream, never sniffed or run."""
    version, _ = _chosen(bucket, key, version_id)
    refusal = _why_not(version, now)
    if refusal is not None:
        raise Refused(403 if not version.delete_marker else 404,
                      f"cannot download {key[:200]!r}: {refusal}")
    name = key.rstrip("/").rpartition("/")[2] or "object"
    return Outcome("200 OK", [
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", str(version.size)),
        ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name, safe='')}"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", "sandbox; default-src 'none'"),
        ("Cache-Control", "no-store"),
        ("x-amz-version-id", _version_id(version)),
        ("ETag", version.etag),
    ], list(version.blob.iter_range()))
