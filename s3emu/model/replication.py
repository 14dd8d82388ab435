"""A bucket's replication configuration (PutBucketReplication), as one frozen value: which new
versions go to which destination bucket. This module imports only the standard library."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class ReplicationRule:
    id: str
    enabled: bool
    destination: str                      # the destination bucket's name
    priority: int = 0
    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    storage_class: str | None = None      # None: the source version's
    delete_markers: bool = False
    #: the rule uses a Filter (replication configuration V2): Priority and
    #: DeleteMarkerReplication apply
    filtered: bool = False

    def matches(self, key: str, tags: Mapping[str, str]) -> bool:
        return self.enabled and key.startswith(self.prefix) and all(
            tags.get(k) == v for k, v in self.tags)


@dataclass(frozen=True)
class ReplicationConfiguration:
    role: str
    rules: tuple[ReplicationRule, ...]
    #: what the documents said, shown back by GetBucketReplication
    shown: Mapping[str, object]

    def rule_for(self, key: str, tags: Mapping[str, str]) -> ReplicationRule | None:
        """The enabled rule that applies, the highest Priority winning."""
        found = [r for r in self.rules if r.matches(key, tags)]
        return max(found, key=lambda r: r.priority) if found else None
