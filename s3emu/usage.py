"""What a store holds, counted: ``emu.usage()`` per bucket, storage class and top-level prefix.

:func:`usage_of` walks the model once (O(buckets + versions + parts)) and returns plain frozen
values with ``to_dict()``: per storage class the current objects and their bytes, the
noncurrent versions and theirs; delete markers; the uploads in progress and the bytes of their
parts (S3 bills those too); and the same per top-level prefix (the key up to its first ``/``,
``""`` for keys without one). Nothing is estimated: these are the bytes the emulator stores
(the lengths of the objects, as S3 counts them). This module imports only the standard library
and the model.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .model.store import Store


@dataclass
class Counts:
    """Objects and bytes of one storage class, or of one prefix."""

    objects: int = 0
    bytes: int = 0
    noncurrent_versions: int = 0
    noncurrent_bytes: int = 0
    #: counted per prefix (a delete marker has no storage class)
    delete_markers: int = 0

    def add(self, size: int, *, current: bool) -> None:
        if current:
            self.objects += 1
            self.bytes += size
        else:
            self.noncurrent_versions += 1
            self.noncurrent_bytes += size


@dataclass
class BucketUsage:
    name: str
    region: str
    #: storage class -> counts (only the classes the bucket holds)
    storage_classes: dict[str, Counts] = field(default_factory=dict)
    #: top-level prefix (``"logs"`` for ``logs/2026/a``; ``""`` without a ``/``) -> counts
    prefixes: dict[str, Counts] = field(default_factory=dict)
    delete_markers: int = 0
    uploads_in_progress: int = 0
    upload_parts: int = 0
    upload_bytes: int = 0

    @property
    def objects(self) -> int:
        return sum(c.objects for c in self.storage_classes.values())

    @property
    def bytes(self) -> int:
        """Current and noncurrent bytes, with the parts of uploads in progress."""
        return sum(c.bytes + c.noncurrent_bytes for c in self.storage_classes.values()) \
            + self.upload_bytes

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(objects=self.objects, bytes=self.bytes)
        return data


@dataclass
class Usage:
    """``emu.usage()``: every bucket's :class:`BucketUsage`, by name."""

    buckets: dict[str, BucketUsage] = field(default_factory=dict)

    @property
    def objects(self) -> int:
        return sum(b.objects for b in self.buckets.values())

    @property
    def bytes(self) -> int:
        return sum(b.bytes for b in self.buckets.values())

    def to_dict(self) -> dict[str, Any]:
        return {"objects": self.objects, "bytes": self.bytes,
                "buckets": {name: b.to_dict() for name, b in self.buckets.items()}}


def usage_of(store: Store) -> Usage:
    """Count what ``store`` holds (see the module docstring)."""
    found = Usage()
    for bucket in sorted(store.list_buckets(), key=lambda b: b.name):
        counted = BucketUsage(bucket.name, bucket.region)
        for key in list(bucket.keys):
            prefix = key.partition("/")[0] if "/" in key else ""
            by_prefix = counted.prefixes.setdefault(prefix, Counts())
            for rank, version in enumerate(bucket.versions(key)):
                if version.delete_marker:
                    counted.delete_markers += 1
                    by_prefix.delete_markers += 1
                    continue
                by_class = counted.storage_classes.setdefault(version.storage_class, Counts())
                by_class.add(version.size, current=rank == 0)
                by_prefix.add(version.size, current=rank == 0)
        for upload in list(bucket.uploads.values()):
            if upload.completed is None:
                counted.uploads_in_progress += 1
                counted.upload_parts += len(upload.parts)
                counted.upload_bytes += sum(part.size for part in upload.parts.values())
        found.buckets[bucket.name] = counted
    return found
