"""A bucket: its objects in a sorted key index, its uploads and its settings.

Keys are kept in a sorted list (Python's str order is Unicode code-point order, which is the
UTF-8 binary order S3 lists in), so a listing page costs O(log n + page) via bisect.
All mutation happens under the owning Store's lock.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import bisect
import threading
from datetime import datetime
from typing import Any, Callable

from ..errors import NoSuchKey
from .objects import ObjectVersion
from .settings import BucketSettings


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
        self.uploads: dict[str, Any] = {}
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

    def put(self, version: ObjectVersion) -> ObjectVersion | None:
        """Store ``version`` as the current version of its key; return the one it replaced."""
        with self.lock:
            previous = self.objects.get(version.key)
            if previous is None:
                bisect.insort(self._keys, version.key)
            self.objects[version.key] = version
            return previous

    def replace_current(self, version: ObjectVersion, changed: ObjectVersion) -> bool:
        """Store ``changed`` in place of ``version`` if that is still its key's current
        version (a concurrent write wins otherwise); whether it was stored."""
        with self.lock:
            if self.objects.get(version.key) is not version:
                return False
            self.objects[version.key] = changed
            return True

    def delete(self, key: str) -> ObjectVersion | None:
        """Remove ``key``; return what was removed (None if nothing was there)."""
        with self.lock:
            previous = self.objects.pop(key, None)
            if previous is not None:
                i = bisect.bisect_left(self._keys, key)
                del self._keys[i]
            return previous
