"""A bucket: its objects' versions under a sorted key index, its uploads and its settings.

Each key holds a stack of versions, newest first: its current version in ``objects`` (read in
O(1); it may be a delete marker, which listings leave out) and the older ones in ``_older``.
A bucket whose versioning was never enabled keeps one ``null`` version per key. A write in an
``Enabled`` bucket pushes a new version with a new id; in a ``Suspended`` one (and an
unversioned one) it replaces the ``null`` version and keeps the others; a delete without a
version id pushes a delete marker (``null`` when Suspended), or removes the key when the bucket
was never versioned. Version ids come from the function the Store gives (deterministic under
the emulator's seed). A delete marker holds no bytes.

Keys are kept in a sorted list (Python's str order is Unicode code-point order, which is the
UTF-8 binary order S3 lists in), so a listing page costs O(log n + page) via bisect.
Every change goes through a method here, which takes the owning Store's lock itself: writing a
version (with the caller's preconditions checked against the current one, under the lock),
deleting, the multipart upload steps (start, put part, complete, abort) and the settings.
Handlers never take the lock nor write ``objects`` / ``uploads`` themselves; a check or a
``make`` callable they pass in runs under the lock and may raise to refuse, changing nothing.
Each method that changes the bytes stored (versions, parts, a class or a restored copy) tells
the Store's :class:`~.meter.Meter`, the one place the byte-hours of ``emu.cost_report()`` come
from.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import bisect
import threading
from datetime import datetime
from typing import Any, Callable, NamedTuple, Optional, Sequence

from ..errors import NoSuchKey, NoSuchUpload
from .listing import Page, VersionPage, list_page, list_versions
from .meter import Meter
from .objects import ObjectVersion
from .settings import BucketSettings
from .uploads import Part, Requested, Upload, UploadPage, find_upload, list_uploads

#: Checks the current version of a key (None: none) before a write; raises to refuse it.
Check = Callable[[Optional[ObjectVersion]], None]


class Removal(NamedTuple):
    """What :meth:`Bucket.delete_version` did."""

    #: the version removed, or (``locked``) the one Object Lock kept; None: no such version
    version: ObjectVersion | None
    #: refused: Object Lock protects the version
    locked: bool = False


class Bucket:
    """One bucket. ``settings`` is what its configuration operations stored
    (:class:`~.settings.BucketSettings`), replaced whole by :meth:`configure`."""

    def __init__(self, name: str, region: str, created: datetime, owner: str,
                 lock: threading.RLock, settings: BucketSettings | None = None,
                 version_ids: Callable[[], str] | None = None,
                 meter: Meter | None = None) -> None:
        self.name = name
        self.region = region
        self.created = created
        self.owner = owner
        self.lock = lock
        #: the current version of every key that has versions (read-only outside this class)
        self.objects: dict[str, ObjectVersion] = {}
        #: the older versions of a key, oldest first (a new one is appended: O(1) however
        #: long the history; only keys that have some)
        self._older: dict[str, list[ObjectVersion]] = {}
        self._keys: list[str] = []
        self._version_ids = version_ids or _no_version_ids
        #: uploads by id, in progress or completed (read-only outside this class)
        self.uploads: dict[str, Upload] = {}
        self._settings = settings or BucketSettings()
        #: the stored bytes over time (shared by the Store's buckets); every change of them
        #: below tells it
        self.meter = meter or Meter(lambda: created)

    def __len__(self) -> int:
        return len(self.objects)

    def __repr__(self) -> str:
        return f"Bucket({self.name!r}, region={self.region!r}, objects={len(self.objects)})"

    @property
    def settings(self) -> BucketSettings:
        """The bucket's settings now (one consistent value)."""
        return self._settings

    def configure(self, change: Callable[[BucketSettings], BucketSettings] | None = None,
                  **fields: Any) -> BucketSettings:
        """Replace the settings atomically: with ``fields`` changed, or with what ``change``
        makes of the current ones (it may raise to refuse, changing nothing)."""
        with self.lock:
            current = self._settings
            updated = change(current) if change is not None else current
            if fields:
                updated = updated.but(**fields)
            self._settings = updated
            return updated

    @property
    def keys(self) -> list[str]:
        """The sorted key index (read-only by convention)."""
        return self._keys

    def get(self, key: str) -> ObjectVersion:
        """The current version of ``key``; MUST raise NoSuchKey when there is none."""
        found = self.objects.get(key)
        if found is None:
            raise NoSuchKey(Key=key)
        return found

    def find(self, key: str) -> ObjectVersion | None:
        return self.objects.get(key)

    def hides(self, key: str) -> bool:
        """Whether listings leave ``key`` out (its current version is a delete marker)."""
        return self.objects[key].delete_marker

    def put(self, version: ObjectVersion, check: Check | None = None) -> ObjectVersion:
        """Store ``version`` as the new current version of its key, after ``check`` (if given)
        passed on the current one; return what was stored (with its version id when the bucket
        is versioned)."""
        with self.lock:
            key = version.key
            current = self.objects.get(key)
            if check is not None:
                check(current)
            status = self._settings.versioning
            if status == "Enabled":
                version = version.evolve(version_id=self._version_ids())
            elif version.version_id is not None:
                version = version.evolve(version_id=None)
            if current is None:
                bisect.insort(self._keys, key)
                self.meter.version(self.name, version, 1)
            elif status is not None:
                self._push_down(current, replacing=version.version_id)
                self.meter.version(self.name, version, 1)
            else:                       # unversioned: the key's one version replaced
                self.meter.overwritten(self.name, current, version)
            self.objects[key] = version
            return version

    def put_replica(self, version: ObjectVersion) -> bool:
        """Store a replica made by replication: ``version`` keeps its version id and becomes
        the key's current version. False (nothing stored) unless versioning is Enabled, as
        replication needs it on the destination."""
        with self.lock:
            if self._settings.versioning != "Enabled":
                return False
            key = version.key
            current = self.objects.get(key)
            if current is None:
                bisect.insort(self._keys, key)
            else:
                self._push_down(current, replacing=version.version_id)
            self.meter.version(self.name, version, 1)
            self.objects[key] = version
            return True

    def _push_down(self, current: ObjectVersion, replacing: str | None) -> None:
        """Make ``current`` noncurrent, dropping the version the new one replaces (the
        ``null`` one: ``replacing`` is None)."""
        older = self._older.setdefault(current.key, [])
        if replacing is None:
            for gone in older:
                if gone.version_id is None:
                    self.meter.version(self.name, gone, -1)
            older[:] = [v for v in older if v.version_id is not None]
            if current.version_id is None:
                self.meter.version(self.name, current, -1)
                if not older:
                    del self._older[current.key]
                return
        older.append(current)

    def write(self, key: str,
              make: Callable[[ObjectVersion | None], ObjectVersion]) -> ObjectVersion:
        """Store the version ``make`` makes from the key's current one (None: none), all
        under the lock (``make`` may read other buckets: they share it); return it."""
        with self.lock:
            return self.put(make(self.objects.get(key)))

    def page(self, *, prefix: str, delimiter: str | None, after: str | None,
             max_keys: int) -> tuple[Page, list[ObjectVersion]]:
        """One listing page of current versions (delete markers left out), and the versions
        of its keys, read at one instant."""
        with self.lock:
            page = list_page(self._keys, prefix=prefix, delimiter=delimiter, after=after,
                             max_keys=max_keys, hidden=self.hides)
            return page, list(map(self.objects.__getitem__, page.keys))

    def replace_version(self, version: ObjectVersion, changed: ObjectVersion) -> bool:
        """Store ``changed`` in place of ``version`` (current or older) if it is still stored
        (a concurrent write or delete wins otherwise); whether it was stored."""
        with self.lock:
            key = version.key
            if self.objects.get(key) is version:
                self.objects[key] = changed
                self.meter.replaced(self.name, version, changed)
                return True
            older = self._older.get(key) or []
            for i, found in enumerate(older):
                if found is version:
                    older[i] = changed
                    self.meter.replaced(self.name, version, changed)
                    return True
            return False

    def delete(self, key: str, *, owner: str = "",
               when: datetime | None = None) -> ObjectVersion | None:
        """A delete without a version id: in a versioned bucket, a delete marker becomes the
        current version (``owner`` and ``when`` describe it) and is returned; in a bucket never
        versioned the key goes, and what was removed is returned (None if nothing was)."""
        with self.lock:
            if self._settings.versioning is None:
                previous = self.objects.pop(key, None)
                if previous is not None:
                    self._drop_key(key)
                    self.meter.version(self.name, previous, -1)
                return previous
            marker = ObjectVersion.marker(key, when or self.created, owner)
            return self.put(marker)

    def delete_version(self, key: str, version_id: str, *, now: datetime | None = None,
                       bypass_governance: bool = False) -> Removal:
        """Remove exactly the version ``version_id`` (``null``: the null version) of ``key``;
        the next older one becomes current if it was. A version Object Lock protects at
        ``now`` stays (``Removal.locked``)."""
        wanted = None if version_id == "null" else version_id
        with self.lock:
            current = self.objects.get(key)
            if current is None:
                return Removal(None)
            older = self._older.get(key, [])
            at = None                                   # its place in ``older``; None: current
            if current.version_id != wanted:
                at = next((i for i in range(len(older) - 1, -1, -1)
                           if older[i].version_id == wanted), None)
                if at is None:
                    return Removal(None)
            found = current if at is None else older[at]
            if now is not None and found.lock is not None and \
                    found.lock.protects(now, bypass_governance=bypass_governance):
                return Removal(found, locked=True)
            if at is not None:
                del older[at]
            elif older:
                self.objects[key] = older.pop()
            else:
                del self.objects[key]
                self._drop_key(key)
            if key in self._older and not older:
                del self._older[key]
            self.meter.version(self.name, found, -1)
            return Removal(found)

    def restore(self, key: str, stack: Sequence[ObjectVersion]) -> None:
        """Replace every version of ``key`` with ``stack`` (newest first, ids as they are):
        loading saved state (seed data), not a request."""
        if not stack:
            raise ValueError("a key's version stack holds at least one version")
        with self.lock:
            if key not in self.objects:
                bisect.insort(self._keys, key)
            for gone in self.versions(key):
                self.meter.version(self.name, gone, -1)
            for version in stack:
                self.meter.version(self.name, version, 1)
            self.objects[key] = stack[0]
            if len(stack) > 1:
                self._older[key] = list(reversed(stack[1:]))
            else:
                self._older.pop(key, None)

    def _drop_key(self, key: str) -> None:
        i = bisect.bisect_left(self._keys, key)
        del self._keys[i]

    # -- versions ------------------------------------------------------------------------------
    def versions(self, key: str) -> list[ObjectVersion]:
        """Every version of ``key`` (delete markers too), newest first."""
        with self.lock:
            current = self.objects.get(key)
            if current is None:
                return []
            return [current, *reversed(self._older.get(key, ()))]

    def version(self, key: str, version_id: str) -> ObjectVersion | None:
        """The version ``version_id`` (``null``: the null version) of ``key``, or None."""
        wanted = None if version_id == "null" else version_id
        current = self.objects.get(key)
        if current is not None and current.version_id == wanted:
            return current
        for version in reversed(self._older.get(key, ())):
            if version.version_id == wanted:
                return version
        return None

    def page_versions(self, *, prefix: str, delimiter: str | None, key_marker: str,
                      version_id_marker: str, max_keys: int) -> VersionPage:
        """One page of ListObjectVersions (see :func:`.listing.list_versions`)."""
        with self.lock:
            return list_versions(self._keys, self._stack, prefix=prefix, delimiter=delimiter,
                                 key_marker=key_marker, version_id_marker=version_id_marker,
                                 max_keys=max_keys)

    def _stack(self, key: str) -> list[ObjectVersion]:
        older = self._older.get(key)
        current = self.objects[key]
        return [current, *reversed(older)] if older else [current]

    # -- multipart uploads ---------------------------------------------------------------------
    def start_upload(self, upload: Upload) -> Upload:
        with self.lock:
            self.uploads[upload.upload_id] = upload
            return upload

    def upload(self, upload_id: str | None, key: str, *, completed: bool = False) -> Upload:
        """The upload ``upload_id`` of ``key`` in progress (with ``completed``: or completed);
        NoSuchUpload otherwise."""
        with self.lock:
            if completed:
                found = self.uploads.get(upload_id or "")
                if found is None or found.key != key:
                    raise NoSuchUpload(UploadId=upload_id)
                return found
            return find_upload(self.uploads, upload_id, key)

    def abort_upload(self, upload_id: str | None, key: str) -> None:
        with self.lock:
            upload = find_upload(self.uploads, upload_id, key)
            del self.uploads[upload.upload_id]
            self._parts_gone(upload)

    def put_part(self, upload_id: str | None, key: str, part: Part) -> Upload:
        """Store ``part`` in the upload (replacing a part with its number); NoSuchUpload if it
        was completed or aborted meanwhile."""
        with self.lock:
            upload = find_upload(self.uploads, upload_id, key)
            replaced = upload.parts.get(part.number)
            upload.put_part(part)
            self.meter.add(self.name, upload.storage_class,
                           part.size - (replaced.size if replaced is not None else 0))
            return upload

    def list_parts(self, upload_id: str | None, key: str, after: int,
                   max_parts: int) -> tuple[Upload, list[Part], bool]:
        with self.lock:
            upload = find_upload(self.uploads, upload_id, key)
            parts, truncated = upload.list_parts(after, max_parts)
            return upload, parts, truncated

    def list_uploads(self, *, prefix: str, delimiter: str | None, key_marker: str,
                     upload_id_marker: str, max_uploads: int) -> UploadPage:
        """A page of the uploads in progress (see :func:`.uploads.list_uploads`)."""
        with self.lock:
            uploads = list(self.uploads.values())
        return list_uploads(uploads, prefix=prefix, delimiter=delimiter, key_marker=key_marker,
                            upload_id_marker=upload_id_marker, max_uploads=max_uploads)

    def complete_upload(self, upload_id: str | None, key: str, requested: Sequence[Requested],
                        finish: Callable[[Upload, ObjectVersion | None], ObjectVersion]
                        ) -> ObjectVersion:
        """Complete an upload: ``finish`` makes the object from the upload and the key's
        current version (assembling and checking the parts; it may raise, changing nothing),
        which is stored and the upload marked completed. A retry with the list that
        completed it answers the object it made, while that is still the current version."""
        with self.lock:
            upload = self.upload(upload_id, key, completed=True)
            if upload.completed is not None:
                made = upload.result_for(requested)
                if made is None or self.objects.get(key) is not made:
                    raise NoSuchUpload(UploadId=upload_id)
                return made
            version = self.put(finish(upload, self.objects.get(key)))
            self._parts_gone(upload)
            upload.complete(requested, version)
            return version

    def _parts_gone(self, upload: Upload) -> None:
        """The parts of ``upload`` are no longer stored as parts (aborted or completed)."""
        self.meter.add(self.name, upload.storage_class,
                       -sum(part.size for part in upload.parts.values()))

    def close(self) -> None:
        """The bucket is deleted: what it still stores (uploads in progress) stops counting."""
        with self.lock:
            for upload in self.uploads.values():
                if upload.completed is None:
                    self._parts_gone(upload)


def _no_version_ids() -> str:
    raise RuntimeError("this bucket was made without a source of version ids")
