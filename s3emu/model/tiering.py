"""S3 Intelligent-Tiering's access tiers, as the user guide's "How S3 Intelligent-Tiering
works" describes them.

An INTELLIGENT_TIERING version starts in the Frequent Access tier; after 30 consecutive days
without access it is in Infrequent Access, after 90 in Archive Instant Access: automatic tiers,
all readable, which follow from the days since its last access (:func:`access_tier`). Objects
smaller than 128 KiB are not monitored and stay in Frequent Access. A bucket's enabled
Intelligent-Tiering configurations (PutBucketIntelligentTieringConfiguration, with a Filter of
Prefix / Tag / And) add the archive tiers: ARCHIVE_ACCESS after its ``Days`` (90..730) and
DEEP_ARCHIVE_ACCESS after its ``Days`` (180..730) without access (:func:`archive_tier`). A
version in an archive tier is not readable until a restore moves it back to Frequent Access.
What counts as an access: reading it (GetObject, SelectObjectContent, as a copy source); HEAD,
tagging, ACL calls and listings do not, as in S3.

This module imports only the standard library.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

FREQUENT, INFREQUENT, INSTANT = "FREQUENT_ACCESS", "INFREQUENT_ACCESS", "ARCHIVE_INSTANT_ACCESS"
ARCHIVE, DEEP_ARCHIVE = "ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"
#: objects smaller than this are never moved out of Frequent Access
MONITORED_SIZE = 128 * 1024
#: (days without access, tier) of the automatic tiers, deepest first
_AUTOMATIC = ((90, INSTANT), (30, INFREQUENT))
#: the archive tiers, deepest first
_ARCHIVE_TIERS = (DEEP_ARCHIVE, ARCHIVE)


def idle_days(version: Any, now: datetime) -> int:
    """Whole days since the version's last access (or its creation)."""
    since = version.accessed or version.last_modified
    return (now - since).days


def access_tier(version: Any, now: datetime) -> str:
    """The access tier of an INTELLIGENT_TIERING version at ``now``."""
    if version.access_tier is not None:
        return str(version.access_tier)
    if version.size < MONITORED_SIZE:
        return FREQUENT
    idle = idle_days(version, now)
    return next((tier for days, tier in _AUTOMATIC if idle >= days), FREQUENT)


def matches(config: Mapping[str, Any], key: str, tags: Mapping[str, str]) -> bool:
    """Whether an Intelligent-Tiering configuration (as S3 shows it) applies to an object."""
    found = config.get("Filter") or {}
    found = found.get("And", found)
    if not key.startswith(found.get("Prefix", "")):
        return False
    wanted = found.get("Tag") or []
    if isinstance(wanted, Mapping):
        wanted = [wanted]
    return all(tags.get(t["Key"]) == t["Value"] for t in wanted)


def archive_tier(configs: Iterable[Mapping[str, Any]], version: Any,
                 now: datetime) -> str | None:
    """The archive tier the enabled ``configs`` move ``version`` to at ``now`` (None: none
    yet; the deepest tier whose days have passed wins)."""
    if version.size < MONITORED_SIZE or version.access_tier == DEEP_ARCHIVE:
        return None
    idle = idle_days(version, now)
    due: dict[str, int] = {}
    for config in configs:
        if config.get("Status") != "Enabled" or not matches(config, version.key, version.tags):
            continue
        for tiering in config.get("Tiering") or ():
            tier, days = tiering["AccessTier"], int(tiering["Days"])
            due[tier] = min(days, due.get(tier, days))
    for tier in _ARCHIVE_TIERS:
        if tier in due and idle >= due[tier]:
            return None if tier == version.access_tier else tier
    return None
