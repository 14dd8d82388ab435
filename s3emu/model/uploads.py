"""Multipart uploads: an :class:`Upload` in progress, its :class:`Part` s, and their assembly.

Completing an upload MUST NOT copy bytes: :meth:`Upload.assemble` builds the object's blob with
:meth:`Blob.concat` over the parts' blobs. The rules, from S3's UploadPart,
CompleteMultipartUpload, ListParts and ListMultipartUploads references:

- a part number is 1..10000; uploading a part number again replaces the part;
- a Complete request names parts by number and ETag (quoted or not). Checked in this order:
  every named part exists with that ETag, in ascending part-number order (else InvalidPart
  for the lowest failing number); the list is strictly ascending (else InvalidPartOrder, which
  a number named twice also is); every part but the last is at least the minimum part size
  (else EntityTooSmall);
- an upload created with a checksum algorithm also needs, in the list, each part's checksum of
  that algorithm (COMPOSITE type: a missing one is InvalidRequest; a wrong one or one of another
  algorithm is InvalidPart) and part numbers 1..N without gaps (else InvalidPartOrder);
- the object's ETag is the MD5 of the parts' binary ETags (their MD5s, for SSE-S3), then
  ``-N``; its Last-Modified is the time the upload was initiated;
- uploads list by key, then by initiation time.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import hashlib
import itertools
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from ..errors import (EntityTooSmall, InvalidPart, InvalidPartOrder, InvalidRequest,
                      MalformedXML, NoSuchUpload)
from .blob import Blob
from .encryption import SSE_S3, Encryption
from .listing import successor
from .objects import ObjectLock, ObjectVersion, PartInfo

#: S3's part numbers run from 1 to this, inclusive.
MAX_PART_NUMBER = 10000
#: S3's message for a part below the minimum size in CompleteMultipartUpload.
TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"

_sequence = itertools.count()


def number_after(sequence: int) -> None:
    """Number the uploads started from now on above ``sequence`` (uploads loaded from a
    snapshot, :mod:`s3emu.snapshot`, keep their numbers)."""
    global _sequence
    _sequence = itertools.count(max(next(_sequence), sequence + 1))


@dataclass(frozen=True)
class Part:
    """One uploaded part. ``etag`` is quoted (32 hex digits)."""

    number: int
    blob: Blob
    etag: str
    last_modified: datetime
    checksums: Mapping[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.blob.size


@dataclass(frozen=True)
class Requested:
    """One ``<Part>`` of a CompleteMultipartUpload request."""

    number: int
    etag: str
    checksums: Mapping[str, str] = field(default_factory=dict)

    @property
    def plain_etag(self) -> str:
        return self.etag.strip().strip('"')


@dataclass(frozen=True)
class Assembled:
    """What a valid Complete request makes: the parts in order and the object's blob and ETag."""

    parts: tuple[Part, ...]
    blob: Blob
    etag: str
    infos: tuple[PartInfo, ...]


class Upload:
    """A multipart upload: what CreateMultipartUpload said about the object, and its parts.

    ``owner`` is the account id of the initiator; ``object_owner`` and ``acl`` are those of
    the object it makes. ``checksum_algorithm`` / ``checksum_type`` are None for an upload
    created without a checksum algorithm.
    """

    def __init__(self, upload_id: str, key: str, initiated: datetime, *, owner: str,
                 storage_class: str = "STANDARD", metadata: Mapping[str, str] | None = None,
                 content: Mapping[str, str] | None = None,
                 tags: Mapping[str, str] | None = None, sse: Encryption = SSE_S3,
                 checksum_algorithm: str | None = None,
                 checksum_type: str | None = None, object_owner: str | None = None,
                 acl: Any = None, lock: ObjectLock | None = None) -> None:
        self.upload_id = upload_id
        self.key = key
        self.initiated = initiated
        self.owner = owner
        self.storage_class = storage_class
        self.metadata = dict(metadata or {})
        self.content = dict(content or {})
        self.tags = dict(tags or {})
        self.sse = sse
        self.checksum_algorithm = checksum_algorithm
        self.checksum_type = checksum_type
        #: owner and ACL of the object the upload makes (Object Ownership decides the owner)
        self.object_owner = object_owner or owner
        self.acl = acl
        #: the Object Lock the object gets
        self.lock = lock
        self.parts: dict[int, Part] = {}
        self.sequence = next(_sequence)
        #: set once completed: the parts list that completed it and a weak reference to the
        #: object it made (a retried Complete with the same list answers the same result)
        self.completed: tuple[tuple[int, str], ...] | None = None
        self._result: weakref.ref[ObjectVersion] | None = None

    def __repr__(self) -> str:
        return f"Upload({self.upload_id!r}, key={self.key!r}, parts={len(self.parts)})"

    # -- parts -------------------------------------------------------------------------------
    def put_part(self, part: Part) -> None:
        """Store ``part``, replacing any earlier part with its number."""
        self.parts[part.number] = part

    def list_parts(self, after: int = 0, max_parts: int = 1000) -> tuple[list[Part], bool]:
        """Parts numbered above ``after``, at most ``max_parts``; and whether more follow."""
        found = sorted((p for n, p in self.parts.items() if n > after), key=lambda p: p.number)
        if max_parts <= 0:
            return [], False
        return found[:max_parts], len(found) > max_parts

    # -- completing --------------------------------------------------------------------------
    def assemble(self, requested: Sequence[Requested], min_part_size: int) -> Assembled:
        """Check a Complete request's parts list and build the object's bytes (not stored)."""
        if not requested:
            raise MalformedXML()
        for wanted in sorted(requested, key=lambda r: r.number):
            self._check_part(wanted)
        previous = 0
        for wanted in requested:
            if wanted.number <= previous:
                raise InvalidPartOrder(UploadId=self.upload_id)
            previous = wanted.number
        if self.checksum_algorithm and [r.number for r in requested] != list(
                range(1, len(requested) + 1)):
            raise InvalidPartOrder(UploadId=self.upload_id)
        parts = tuple(self.parts[r.number] for r in requested)
        for part in parts[:-1]:
            if part.size < min_part_size:
                raise EntityTooSmall(TOO_SMALL, ProposedSize=str(part.size),
                                     MinSizeAllowed=str(min_part_size),
                                     PartNumber=str(part.number), ETag=part.etag.strip('"'))
        return _assembled(parts)

    def _check_part(self, wanted: Requested) -> None:
        part = self.parts.get(wanted.number)
        invalid = InvalidPart(UploadId=self.upload_id, PartNumber=str(wanted.number),
                              ETag=wanted.plain_etag)
        if part is None or part.etag.strip('"') != wanted.plain_etag:
            raise invalid
        algorithm = self.checksum_algorithm
        if algorithm is None:
            return
        if any(alg != algorithm for alg in wanted.checksums):
            raise invalid
        given = wanted.checksums.get(algorithm)
        if given is None:
            if self.checksum_type == "COMPOSITE":
                raise InvalidRequest(
                    f"The upload was created using a {algorithm.lower()} checksum. The complete "
                    "request must include the checksum for each part. It was missing for part "
                    f"{wanted.number} in the request.")
        elif given != part.checksums.get(algorithm):
            raise invalid

    def complete(self, requested: Sequence[Requested], version: ObjectVersion) -> None:
        """Mark the upload completed as ``version``; it keeps no parts."""
        self.completed = tuple((r.number, r.plain_etag) for r in requested)
        self._result = weakref.ref(version)
        self.parts = {}

    def result_for(self, requested: Sequence[Requested]) -> ObjectVersion | None:
        """The object a completed upload made, if ``requested`` is the list that made it."""
        if self.completed != tuple((r.number, r.plain_etag) for r in requested):
            return None
        return self._result() if self._result is not None else None


def _assembled(parts: tuple[Part, ...]) -> Assembled:
    digest = hashlib.md5(b"".join(bytes.fromhex(p.etag.strip('"')) for p in parts)).hexdigest()
    infos = []
    offset = 0
    for part in parts:
        infos.append(PartInfo(part.number, offset, part.size, part.etag, dict(part.checksums)))
        offset += part.size
    return Assembled(parts, Blob.concat(p.blob for p in parts), f'"{digest}-{len(parts)}"',
                     tuple(infos))


def find_upload(uploads: Mapping[str, Upload], upload_id: str | None, key: str) -> Upload:
    """The upload ``upload_id`` of ``key`` in progress; MUST raise NoSuchUpload otherwise."""
    upload = uploads.get(upload_id or "")
    if upload is None or upload.key != key or upload.completed is not None:
        raise NoSuchUpload(UploadId=upload_id)
    return upload


# -- listing uploads ---------------------------------------------------------------------------
@dataclass
class UploadPage:
    """One page of ListMultipartUploads: uploads and common prefixes, in listing order."""

    uploads: list[Upload] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    next_key: str = ""
    next_upload_id: str = ""


def _order(upload: Upload) -> tuple[str, datetime, int]:
    return upload.key, upload.initiated, upload.sequence


def _after_markers(ordered: list[Upload], key_marker: str, upload_id_marker: str) -> int:
    """Index of the first upload after the markers (upload-id-marker needs a key-marker)."""
    if not key_marker:
        return 0
    same = [i for i, u in enumerate(ordered) if u.key == key_marker]
    if upload_id_marker and same:
        for i in same:
            if ordered[i].upload_id == upload_id_marker:
                return i + 1
        return next((i for i in same if ordered[i].upload_id > upload_id_marker), same[-1] + 1)
    return next((i for i, u in enumerate(ordered) if u.key > key_marker), len(ordered))


def list_uploads(uploads: Iterable[Upload], *, prefix: str = "", delimiter: str | None = None,
                 key_marker: str = "", upload_id_marker: str = "",
                 max_uploads: int = 1000) -> UploadPage:
    """The page of uploads in progress S3 lists (sorted by key, then initiation)."""
    ordered = sorted((u for u in uploads if u.completed is None and u.key.startswith(prefix)),
                     key=_order)
    page = UploadPage()
    i = _after_markers(ordered, key_marker, upload_id_marker)
    count = 0
    while i < len(ordered):
        upload = ordered[i]
        at = upload.key.find(delimiter, len(prefix)) if delimiter else -1
        if at >= 0:
            common = upload.key[:at + len(delimiter or "")]
            bound = successor(common)
            end = next((j for j in range(i, len(ordered))
                        if bound is not None and ordered[j].key >= bound), len(ordered))
            if key_marker and common <= key_marker:
                i = end
                continue
            if count == max_uploads:
                page.truncated = max_uploads > 0
                break
            page.prefixes.append(common)
            page.next_key, page.next_upload_id = common, ""
            count += 1
            i = end
            continue
        if count == max_uploads:
            page.truncated = max_uploads > 0
            break
        page.uploads.append(upload)
        page.next_key, page.next_upload_id = upload.key, upload.upload_id
        count += 1
        i += 1
    return page
