"""Object versions: what one stored object is.

An :class:`ObjectVersion` is frozen: replacing an object stores a new version, so readers holding
the old one are never half-changed. Field names follow S3's API member names (``ContentType``,
``CacheControl`` ...), not HTTP header names.

This module imports only the standard library and the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Mapping

from .blob import Blob
from .encryption import SSE_S3, Encryption

#: The content attributes S3 stores with an object and returns on GET/HEAD.
CONTENT_FIELDS = ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage",
                  "CacheControl", "Expires", "WebsiteRedirectLocation")

#: Storage classes S3 accepts on PUT/COPY/CreateMultipartUpload in a general purpose bucket
#: (the only kind s3emu has): every class but S3 Express One Zone (directory buckets), OUTPOSTS
#: (S3 on Outposts), SNOW and the FSx classes, which the API model also lists.
STORAGE_CLASSES = frozenset({
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"})


_EMPTY = Blob([])

#: The storage classes whose objects must be restored before they are read.
ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
#: The classes whose versions may be unreadable until restored: the archive classes, and
#: Intelligent-Tiering, whose versions may sit in an archive access tier
#: (:attr:`ObjectVersion.access_tier`). A cheap first test before :meth:`ObjectVersion.archived`.
MAY_BE_ARCHIVED = ARCHIVED | {"INTELLIGENT_TIERING"}

#: Object Lock retention modes.
GOVERNANCE, COMPLIANCE = "GOVERNANCE", "COMPLIANCE"


@dataclass(frozen=True)
class ObjectLock:
    """An object version's Object Lock state: retention (mode and date) and legal hold."""

    #: GOVERNANCE or COMPLIANCE; None: no retention
    mode: str | None = None
    retain_until: datetime | None = None
    #: True: ON, False: OFF; None: never set
    legal_hold: bool | None = None

    def retained(self, now: datetime) -> bool:
        """Whether the retention is in force at ``now`` (it ends at ``retain_until``)."""
        return self.retain_until is not None and self.retain_until > now

    def protects(self, now: datetime, *, bypass_governance: bool = False) -> bool:
        """Whether the version may not be deleted now: a legal hold, COMPLIANCE retention, or
        GOVERNANCE retention without the bypass."""
        if self.legal_hold:
            return True
        if not self.retained(now):
            return False
        return self.mode == COMPLIANCE or not bypass_governance


@dataclass(frozen=True)
class PartInfo:
    """One part of a multipart object, as GetObject?partNumber and GetObjectAttributes see it."""

    number: int
    offset: int
    size: int
    etag: str
    checksums: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Restore:
    """The temporary copy of an archived version (RestoreObject): being made until
    ``ready``, then readable until ``expires``."""

    #: when the copy is there (the restore job's end)
    ready: datetime
    #: how many days the copy stays, counted from ``ready`` (RestoreRequest ``Days``)
    days: int
    #: Expedited, Standard or Bulk
    tier: str
    #: when the copy goes away (None while the restore runs)
    expires: datetime | None = None

    def ongoing(self, now: datetime) -> bool:
        return now < self.ready

    def readable(self, now: datetime) -> bool:
        return self.expires is not None and self.ready <= now < self.expires


@dataclass(frozen=True, init=False)
class ObjectVersion:
    """One stored version of an object.

    ``etag`` is quoted as S3 sends it. ``checksums`` maps an algorithm name (``CRC32``,
    ``CRC32C``, ``CRC64NVME``, ``SHA1``, ``SHA256``) to its base64 value. ``version_id`` is None
    for an object written while versioning was never enabled (S3 shows it as ``null``).
    """

    key: str
    blob: Blob
    etag: str
    last_modified: datetime
    metadata: Mapping[str, str] = field(default_factory=dict)
    content: Mapping[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    checksums: Mapping[str, str] = field(default_factory=dict)
    checksum_type: str | None = None
    version_id: str | None = None
    parts: tuple[PartInfo, ...] | None = None
    #: how it is encrypted (:mod:`.encryption`)
    sse: Encryption = SSE_S3
    tags: Mapping[str, str] = field(default_factory=dict)
    owner: str = ""
    delete_marker: bool = False
    #: the object's ACL (an ``s3emu.access.acl.Acl``); None: private to its owner
    acl: Any = None
    #: its Object Lock retention and legal hold (None: none)
    lock: ObjectLock | None = None
    #: the restored copy of an archived version (None: never restored, or expired)
    restore: Restore | None = None
    #: ``x-amz-replication-status``: PENDING, COMPLETED or FAILED on a replicated source,
    #: REPLICA on a replica; None: not replicated
    replication: str | None = None
    #: an INTELLIGENT_TIERING version's last access (GET, copy source) when later than its
    #: creation (None: not accessed since); the automatic tiers follow from it
    accessed: datetime | None = None
    #: the archive access tier an INTELLIGENT_TIERING version was moved to (ARCHIVE_ACCESS,
    #: DEEP_ARCHIVE_ACCESS; :mod:`s3emu.model.tiering`); None: a readable tier
    access_tier: str | None = None

    def __init__(self, key: str, blob: Blob, etag: str, last_modified: datetime,
                 metadata: Mapping[str, str] | None = None,
                 content: Mapping[str, str] | None = None, storage_class: str = "STANDARD",
                 checksums: Mapping[str, str] | None = None, checksum_type: str | None = None,
                 version_id: str | None = None, parts: tuple[PartInfo, ...] | None = None,
                 sse: Encryption = SSE_S3, tags: Mapping[str, str] | None = None,
                 owner: str = "", delete_marker: bool = False, acl: Any = None,
                 lock: ObjectLock | None = None, restore: Restore | None = None,
                 replication: str | None = None, accessed: datetime | None = None,
                 access_tier: str | None = None) -> None:
        # Written straight into the instance dict: what the generated frozen __init__ does,
        # without a setattr call per field (a version is made on every write).
        vars(self).update(
            key=key, blob=blob, etag=etag, last_modified=last_modified,
            metadata={} if metadata is None else metadata,
            content={} if content is None else content, storage_class=storage_class,
            checksums={} if checksums is None else checksums, checksum_type=checksum_type,
            version_id=version_id, parts=parts, sse=sse,
            tags={} if tags is None else tags, owner=owner, delete_marker=delete_marker,
            acl=acl, lock=lock, restore=restore, replication=replication, accessed=accessed,
            access_tier=access_tier)

    @classmethod
    def marker(cls, key: str, when: datetime, owner: str) -> ObjectVersion:
        """A delete marker for ``key`` (no bytes, no ETag; its version id is set when it is
        stored)."""
        return cls(key=key, blob=_EMPTY, etag="", last_modified=when, owner=owner,
                   delete_marker=True)

    @property
    def size(self) -> int:
        return self.blob.size

    def archived(self, now: datetime) -> bool:
        """Whether it cannot be read now: in an archive class with no restored copy, or in an
        Intelligent-Tiering archive access tier (until a restore brings it back)."""
        if self.access_tier is not None:
            return True
        return self.storage_class in ARCHIVED and (
            self.restore is None or not self.restore.readable(now))

    def evolve(self, **changes: Any) -> ObjectVersion:
        """A copy with ``changes`` applied (the blob is shared, not copied). Made by copying
        the instance dict, as ``__init__`` writes it: ``dataclasses.replace`` costs 3.7 us,
        this 0.4 (a versioned PUT evolves its version to give it an id)."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"ObjectVersion has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(ObjectVersion)
        state = vars(copy)
        state.update(vars(self))
        state.update(changes)
        return copy


_FIELDS = frozenset(f.name for f in fields(ObjectVersion))
