"""What the emulated storage would cost on S3: ``emu.cost_report(prices=None)``.

:func:`cost_report` reads the store's :class:`~s3emu.model.meter.Meter` (byte-hours per bucket
and storage class over the emulator clock, retrievals) and the journal's exact tally (requests
per pricing tier, lifecycle transitions), and prices them with :data:`DEFAULT_PRICES` (S3's
us-east-1 list prices, taken :data:`PRICES_TAKEN`) or the prices given. S3 bills storage in
GB-months: byte-hours / 2^30 / the hours of the month; s3emu takes a month as
``hours_per_month`` (730, a year's 8,760 hours / 12), overridable like every price.

Request tiers, as S3 prices them: PUT, COPY, POST and LIST requests (``tier1``); GET, SELECT and
every other request (``tier2``); DELETE and CANCEL (AbortMultipartUpload) requests are free;
RestoreObject is priced as a retrieval request of its archive class and tier. Background work
S3 does on its own (``S3.*`` journal entries) is no request; its lifecycle transitions are
priced per transition into their destination class. This module imports only the standard
library and s3emu's own modules below the emulator.
"""
from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Mapping

from .background.lifecycle import TRANSITION_OPERATION
from .journal import Journal
from .model.meter import HOUR_US, RESTORED_COPY
from .model.store import Store

#: When :data:`DEFAULT_PRICES` were taken from S3's pricing (US East, N. Virginia).
PRICES_TAKEN = "2026-12-04"
_GB = 1 << 30

#: S3's us-east-1 list prices in USD (see the README "Storage cost" for the table): storage per
#: GB-month (first 50 TB tier), requests per 1,000, retrieval per GB and retrieval requests per
#: 1,000 (by class, or ``CLASS/Tier`` for restores), lifecycle transitions per 1,000 by
#: destination class. A restored copy is priced as S3 Standard storage.
DEFAULT_PRICES: dict[str, Any] = {
    "storage": {"STANDARD": 0.023, "REDUCED_REDUNDANCY": 0.024,
                "INTELLIGENT_TIERING": 0.023, "STANDARD_IA": 0.0125, "ONEZONE_IA": 0.01,
                "GLACIER_IR": 0.004, "GLACIER": 0.0036, "DEEP_ARCHIVE": 0.00099,
                RESTORED_COPY: 0.023},
    "requests": {"tier1": 0.005, "tier2": 0.0004},
    "retrieval": {"STANDARD_IA": 0.01, "ONEZONE_IA": 0.01, "GLACIER_IR": 0.03,
                  "GLACIER/Expedited": 0.03, "GLACIER/Standard": 0.01, "GLACIER/Bulk": 0.0,
                  "DEEP_ARCHIVE/Standard": 0.02, "DEEP_ARCHIVE/Bulk": 0.0025},
    "retrieval_requests": {"GLACIER/Expedited": 10.0, "GLACIER/Standard": 0.05,
                           "GLACIER/Bulk": 0.0, "DEEP_ARCHIVE/Standard": 0.10,
                           "DEEP_ARCHIVE/Bulk": 0.025},
    "transitions": {"STANDARD_IA": 0.01, "ONEZONE_IA": 0.01, "INTELLIGENT_TIERING": 0.01,
                    "GLACIER_IR": 0.02, "GLACIER": 0.03, "DEEP_ARCHIVE": 0.05},
    "hours_per_month": 730,
}

_TRANSITIONS = {operation: target for target, operation in TRANSITION_OPERATION.items()}
_FREE = frozenset({"AbortMultipartUpload", "DeleteObjects"})
#: requests the emulator answers that are not S3's, so never on an S3 bill (STS's)
_NOT_S3 = frozenset({"AssumeRole", "GetSessionToken", "GetCallerIdentity"})
_TIER1_PREFIXES = ("Put", "Create", "Copy", "Upload", "Complete", "List", "Post")
TIERS = ("tier1", "tier2", "free", "restore")


def tier_of(operation: str | None) -> str | None:
    """The pricing tier of a journaled request (None: no S3 request: S3's own background
    work, or an STS call)."""
    if operation is None:
        return "tier2"
    if operation.startswith("S3.") or operation in _NOT_S3:
        return None
    if operation.startswith("Delete") or operation in _FREE:
        return "free"
    if operation == "RestoreObject":
        return "restore"
    if operation.startswith(_TIER1_PREFIXES):
        return "tier1"
    return "tier2"


def merged_prices(prices: Mapping[str, Any] | None) -> dict[str, Any]:
    """:data:`DEFAULT_PRICES` with ``prices`` applied (per section; ValueError for an unknown
    section, a negative price or one that is not a number)."""
    found = copy.deepcopy(DEFAULT_PRICES)
    for section, value in (prices or {}).items():
        if section not in found:
            raise ValueError(f"unknown price section {section!r} (one of "
                             f"{', '.join(sorted(found))})")
        if section == "hours_per_month":
            if not _price(value) or value <= 0:
                raise ValueError("hours_per_month is a positive number")
            found[section] = value
            continue
        if not isinstance(value, Mapping):
            raise ValueError(f"prices[{section!r}] is a mapping of name -> price")
        for name, price in value.items():
            if not _price(price):
                raise ValueError(f"the price {section}.{name} is a number, 0 or more")
            found[section][str(name)] = price
    return found


def _price(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value) and value >= 0


@dataclass
class ClassCost:
    """One storage class of one bucket."""

    byte_hours: float = 0.0
    #: the bytes stored at the report's instant
    bytes: int = 0
    gb_months: float = 0.0
    cost: float = 0.0


@dataclass
class Retrieval:
    """Retrievals of one class (``CLASS`` for GETs, ``CLASS/Tier`` for restores)."""

    requests: int = 0
    bytes: int = 0
    cost: float = 0.0


@dataclass
class BucketCost:
    name: str
    storage_classes: dict[str, ClassCost] = field(default_factory=dict)
    retrievals: dict[str, Retrieval] = field(default_factory=dict)

    @property
    def byte_hours(self) -> float:
        return sum(c.byte_hours for c in self.storage_classes.values())

    @property
    def cost(self) -> float:
        return sum(c.cost for c in self.storage_classes.values()) + \
            sum(r.cost for r in self.retrievals.values())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(byte_hours=self.byte_hours, cost=self.cost)
        return data


@dataclass
class CostReport:
    """``emu.cost_report()``: byte-hours, requests, retrievals, transitions and their cost."""

    #: the instant the report was read at (ISO 8601)
    at: str = ""
    prices_taken: str = PRICES_TAKEN
    buckets: dict[str, BucketCost] = field(default_factory=dict)
    #: requests per tier (``tier1``, ``tier2``, ``free``, ``restore``)
    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    #: lifecycle transitions per destination class
    transitions: dict[str, int] = field(default_factory=dict)
    #: USD: ``storage``, ``requests``, ``retrieval``, ``transitions`` and ``total``
    costs: dict[str, float] = field(default_factory=dict)
    #: the prices used
    prices: dict[str, Any] = field(default_factory=dict)

    @property
    def byte_hours(self) -> float:
        return sum(b.byte_hours for b in self.buckets.values())

    @property
    def total(self) -> float:
        return self.costs.get("total", 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "prices_taken": self.prices_taken,
                "byte_hours": self.byte_hours, "total": self.total,
                "buckets": {name: b.to_dict() for name, b in self.buckets.items()},
                "requests": dict(self.requests), "transitions": dict(self.transitions),
                "costs": dict(self.costs), "prices": copy.deepcopy(self.prices)}


def cost_report(store: Store, journal: Journal, at: datetime,
                prices: Mapping[str, Any] | None = None) -> CostReport:
    """The report up to ``at`` (see the module docstring)."""
    table = merged_prices(prices)
    month = table["hours_per_month"]
    reading = store.meter.reading(at)       # one consistent reading (the meter's lock)
    report = CostReport(at=at.isoformat(), prices=table)
    storage = 0.0
    for (bucket, storage_class), byte_us in sorted(reading.byte_us.items()):
        byte_hours = byte_us / HOUR_US
        gb_months = byte_hours / _GB / month
        cost = gb_months * table["storage"].get(storage_class, 0.0)
        storage += cost
        report.buckets.setdefault(bucket, BucketCost(bucket)).storage_classes[storage_class] = \
            ClassCost(byte_hours, reading.stored[(bucket, storage_class)], gb_months, cost)
    retrieval = 0.0
    for (bucket, storage_class, tier), (count, size) in sorted(reading.retrievals.items()):
        name = f"{storage_class}/{tier}" if tier else storage_class
        cost = size / _GB * table["retrieval"].get(name, 0.0) + \
            count / 1000 * table["retrieval_requests"].get(name, 0.0)
        retrieval += cost
        report.buckets.setdefault(bucket, BucketCost(bucket)).retrievals[name] = \
            Retrieval(count, size, cost)
    for (operation, _status), count in journal.tally().items():
        target = _TRANSITIONS.get(operation or "")
        if target is not None:
            report.transitions[target] = report.transitions.get(target, 0) + count
        priced = tier_of(operation)
        if priced is not None:
            report.requests[priced] += count
    report.costs = {
        "storage": storage,
        "requests": sum(report.requests[t] / 1000 * table["requests"][t]
                        for t in ("tier1", "tier2")),
        "retrieval": retrieval,
        "transitions": sum(n / 1000 * table["transitions"].get(target, 0.0)
                           for target, n in report.transitions.items())}
    report.costs["total"] = sum(report.costs.values())
    return report


def session_totals(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The sums of several reports' ``to_dict()`` (the pytest option's session totals): per
    storage class byte-hours, requests per tier, transitions, costs."""
    totals: dict[str, Any] = {"emulators": len(reports), "byte_hours": {}, "requests": {},
                              "transitions": {}, "costs": {}}
    for report in reports:
        for bucket in report["buckets"].values():
            for name, counted in bucket["storage_classes"].items():
                totals["byte_hours"][name] = totals["byte_hours"].get(name, 0.0) + \
                    counted["byte_hours"]
        for section in ("requests", "transitions", "costs"):
            for name, value in report[section].items():
                totals[section][name] = totals[section].get(name, 0) + value
    return totals
