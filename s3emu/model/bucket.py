"""A bucket: its objects in a sorted key index, its uploads and its settings.

Keys are kept in a sorted list (Python's str order is Unicode code-point order, which is the
UTF-8 binary order S3 lists in), so a listing page costs O(log n + page) via bisect.
Every change goes through a method here, which takes the owning Store's lock itself: writing a
version (with the caller's preconditions checked against the current one, under the lock),
deleting, the multipart upload steps (start, put part, complete, abort) and the settings.
Handlers never take the lock nor write ``objects`` / ``uploads`` themselves; a check or a
``make`` callable they pass in runs under the lock and may raise to refuse, changing nothing.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import bisect
import threading
from datetime import datetime
from typing import Any, Callable, Optional, Sequence

from ..errors import NoSuchKey, NoSuchUpload
from .listing import Page, list_page
from .objects import ObjectVersion
from .settings import BucketSettings
from .uploads import Part, Requested, Upload, UploadPage, find_upload, list_uploads

#: Checks the current version of a key (None: none) before a write; raises to refuse it.
Check = Callable[[Optional[ObjectVersion]], None]


class Bucket:
    """One bucket. ``settings`` is what its configuration operations stored
    (:class:`~.settings.BucketSettings`), replaced whole by :meth:`configure`."""

    def __init__(self, name: str, region: str, created: datetime, owner: str,
                 lock: threading.RLock, settings: BucketSettings | None = None) -> None:
        self.name = name
        self.region = region
        self.created = created
        self.owner = owner
        self.lock = lock
        self.objects: dict[str, ObjectVersion] = {}
        self._keys: list[str] = []
        #: uploads by id, in progress or completed (read-only outside this class)
        self.uploads: dict[str, Upload] = {}
        self._settings = settings or BucketSettings()

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

    def put(self, version: ObjectVersion, check: Check | None = None) -> ObjectVersion | None:
        """Store ``version`` as the current version of its key, after ``check`` (if given)
        passed on the current one; return the one it replaced."""
        with self.lock:
            previous = self.objects.get(version.key)
            if check is not None:
                check(previous)
            if previous is None:
                bisect.insort(self._keys, version.key)
            self.objects[version.key] = version
            return previous

    def write(self, key: str,
              make: Callable[[ObjectVersion | None], ObjectVersion]) -> ObjectVersion:
        """Store the version ``make`` makes from the key's current one (None: none), all
        under the lock (``make`` may read other buckets: they share it); return it."""
        with self.lock:
            version = make(self.objects.get(key))
            self.put(version)
            return version

    def page(self, *, prefix: str, delimiter: str | None, after: str | None,
             max_keys: int) -> tuple[Page, list[ObjectVersion]]:
        """One listing page of current versions (delete markers left out), and the versions
        of its keys, read at one instant."""
        with self.lock:
            page = list_page(self._keys, prefix=prefix, delimiter=delimiter, after=after,
                             max_keys=max_keys, hidden=self.hides)
            return page, list(map(self.objects.__getitem__, page.keys))

    def replace_current(self, version: ObjectVersion, changed: ObjectVersion) -> bool:
        """Store ``changed`` in place of ``version`` if that is still its key's current
        version (a concurrent write wins otherwise); whether it was stored."""
        with self.lock:
            if self.objects.get(version.key) is not version:
                return False
            self.objects[version.key] = changed
            return True

    def delete(self, key: str, version_id: str | None = None) -> ObjectVersion | None:
        """Remove ``key`` (with ``version_id``: only if that is its current version's id,
        ``null`` for none); return what was removed (None if nothing was)."""
        with self.lock:
            if version_id is not None:
                current = self.objects.get(key)
                if current is None or (current.version_id or "null") != version_id:
                    return None
            previous = self.objects.pop(key, None)
            if previous is not None:
                i = bisect.bisect_left(self._keys, key)
                del self._keys[i]
            return previous

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

    def put_part(self, upload_id: str | None, key: str, part: Part) -> Upload:
        """Store ``part`` in the upload (replacing a part with its number); NoSuchUpload if it
        was completed or aborted meanwhile."""
        with self.lock:
            upload = find_upload(self.uploads, upload_id, key)
            upload.put_part(part)
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
            version = finish(upload, self.objects.get(key))
            self.put(version)
            upload.complete(requested, version)
            return version
