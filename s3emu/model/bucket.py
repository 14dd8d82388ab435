"""A bucket: its objects in a sorted key index, its uploads and its configurations.

Keys are kept in a sorted list (Python's str order is Unicode code-point order, which is the
UTF-8 binary order S3 lists in), so a listing page costs O(log n + page) via bisect.
All mutation happens under the owning Store's lock.

This module imports only the standard library and the model.
"""
from __future__ import annotations

import bisect
import threading
from datetime import datetime
from typing import Any

from ..errors import NoSuchKey
from .objects import ObjectVersion


class Bucket:
    """One bucket. ``config`` holds subresource configurations keyed by S3 API name."""

    def __init__(self, name: str, region: str, created: datetime, owner: str,
                 lock: threading.RLock) -> None:
        self.name = name
        self.region = region
        self.created = created
        self.owner = owner
        self.lock = lock
        self.objects: dict[str, ObjectVersion] = {}
        self._keys: list[str] = []
        self.uploads: dict[str, Any] = {}
        self.config: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.objects)

    def __repr__(self) -> str:
        return f"Bucket({self.name!r}, region={self.region!r}, objects={len(self.objects)})"

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

    def delete(self, key: str) -> ObjectVersion | None:
        """Remove ``key``; return what was removed (None if nothing was there)."""
        with self.lock:
            previous = self.objects.pop(key, None)
            if previous is not None:
                i = bisect.bisect_left(self._keys, key)
                del self._keys[i]
            return previous
