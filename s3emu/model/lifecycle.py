"""A bucket's lifecycle configuration, and what it makes due, when.

:class:`Lifecycle` is the stored, validated configuration (parsed from XML by
:mod:`s3emu.ops.lifecycle`); this module only knows objects, versions and instants. Timing is
S3's ("Lifecycle configuration elements", "Setting lifecycle configuration on a bucket"): an
action with ``Days`` is due at the object's creation (for noncurrent versions: the moment it
became noncurrent, when its successor was written) plus that many days, rounded up to the next
midnight UTC; an action with ``Date`` is due at that date's midnight. Where actions compete S3's
order holds: expiration wins over transition, a transition goes to the coldest class due, and a
permanent deletion wins over a transition of the same noncurrent version.

:func:`plan` says what is due for one key at one instant; the background pass
(:mod:`s3emu.background.lifecycle`) applies it through the bucket's own operations, so Object
Lock is respected as for a request.

This module imports only the standard library and the model.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator, Mapping, NamedTuple, Sequence

from .objects import ObjectVersion

#: the storage classes a transition may name, warmest first (a transition only goes colder)
TRANSITION_ORDER = ("STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR",
                    "GLACIER", "DEEP_ARCHIVE")
_RANK = {name: rank for rank, name in enumerate(("STANDARD", "REDUCED_REDUNDANCY",
                                                 *TRANSITION_ORDER))}
#: ``x-amz-transition-default-minimum-object-size``: S3's default since September 2024
MIN_SIZE_128K, MIN_SIZE_BY_CLASS = "all_storage_classes_128K", "varies_by_storage_class"
#: objects smaller than this are not transitioned unless a size filter says otherwise
SMALL_OBJECT = 128 * 1024
#: the classes that keep the 128 KiB minimum under ``varies_by_storage_class``
_MINIMUM_BY_CLASS = frozenset({"STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING"})


def due(since: datetime, days: int) -> datetime:
    """``since`` plus ``days`` days, rounded up to a midnight UTC (a midnight stays)."""
    when = since.astimezone(timezone.utc) + timedelta(days=days)
    midnight = when.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == when else midnight + timedelta(days=1)


@dataclass(frozen=True)
class Filter:
    """Which objects a rule applies to: all its predicates hold."""

    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    size_greater: int | None = None
    size_less: int | None = None
    #: how the document wrote it: ``"Prefix"`` (the older rule-level Prefix), ``"Filter"``
    form: str = "Filter"

    def matches(self, key: str, size: int, tags: Mapping[str, str]) -> bool:
        if not key.startswith(self.prefix):
            return False
        if self.size_greater is not None and not size > self.size_greater:
            return False
        if self.size_less is not None and not size < self.size_less:
            return False
        return all(tags.get(k) == v for k, v in self.tags)

    @property
    def predicates(self) -> int:
        return (bool(self.prefix) + len(self.tags) + (self.size_greater is not None)
                + (self.size_less is not None))


@dataclass(frozen=True)
class Transition:
    """A transition of current versions (``days`` or ``date``) or of noncurrent ones
    (``days`` counts from becoming noncurrent; ``newer`` keeps that many newest)."""

    storage_class: str
    days: int | None = None
    date: datetime | None = None
    newer: int | None = None


@dataclass(frozen=True)
class Rule:
    """One lifecycle rule."""

    id: str
    enabled: bool
    filter: Filter
    expiration_days: int | None = None
    expiration_date: datetime | None = None
    expired_object_delete_marker: bool | None = None
    transitions: tuple[Transition, ...] = ()
    noncurrent_days: int | None = None
    noncurrent_newer: int | None = None
    noncurrent_transitions: tuple[Transition, ...] = ()
    abort_days: int | None = None

    def expires_at(self, version: ObjectVersion) -> datetime | None:
        """When this rule expires ``version`` as the current version (None: never)."""
        if self.expiration_days is not None:
            return due(version.last_modified, self.expiration_days)
        return self.expiration_date


@dataclass(frozen=True)
class Lifecycle:
    """A bucket's lifecycle configuration."""

    rules: tuple[Rule, ...]
    min_size: str = MIN_SIZE_128K

    def applying(self, key: str, version: ObjectVersion) -> Iterator[Rule]:
        """The enabled rules whose filter matches ``version`` of ``key``."""
        for rule in self.rules:
            if rule.enabled and rule.filter.matches(key, version.size, version.tags):
                yield rule

    def expiration(self, key: str, version: ObjectVersion) -> tuple[datetime, str] | None:
        """``(expiry date, rule id)`` of the rule that expires ``version`` (the current
        version of ``key``) first, for ``x-amz-expiration``; None if no rule does."""
        best: tuple[datetime, str] | None = None
        if version.delete_marker:
            return None
        for rule in self.applying(key, version):
            when = rule.expires_at(version)
            if when is not None and (best is None or when < best[0]):
                best = (when, rule.id)
        return best

    def may_transition(self, rule: Rule, version: ObjectVersion, storage_class: str) -> bool:
        """Whether ``version`` is big enough to go to ``storage_class`` under ``rule``."""
        if rule.filter.size_greater is not None or version.size >= SMALL_OBJECT:
            return True
        return self.min_size == MIN_SIZE_BY_CLASS and storage_class not in _MINIMUM_BY_CLASS


class Action(NamedTuple):
    """One thing due: ``kind`` is ``expire`` (the current version: delete, or a delete marker
    in a versioned bucket), ``remove`` (exactly ``version``: a noncurrent version, or an
    expired delete marker) or ``transition`` (``version`` to ``storage_class``)."""

    kind: str
    version: ObjectVersion
    rule_id: str
    storage_class: str | None = None


def _colder(current: str, target: str) -> bool:
    return _RANK.get(target, 0) > _RANK.get(current, 0)


def plan(config: Lifecycle, key: str, stack: Sequence[ObjectVersion], at: datetime
         ) -> list[Action]:
    """What is due at ``at`` for ``key`` whose versions are ``stack`` (newest first)."""
    actions: list[Action] = []
    current = stack[0]
    if current.delete_marker:
        if len(stack) == 1:
            for rule in config.applying(key, current):
                days = rule.expiration_days
                if rule.expired_object_delete_marker or (
                        days is not None and due(current.last_modified, days) <= at):
                    actions.append(Action("remove", current, rule.id))
                    break
    else:
        actions += _current(config, key, current, at)
    for rank, version in enumerate(stack[1:], start=1):
        action = _noncurrent(config, key, version, stack[rank - 1].last_modified, rank, at)
        if action is not None:
            actions.append(action)
    return actions


def next_due(config: Lifecycle, key: str, stack: Sequence[ObjectVersion], after: datetime
             ) -> datetime | None:
    """The earliest instant later than ``after`` at which :func:`plan` has something to do
    for ``key`` with the versions ``stack`` (None: never, while they and the configuration
    stay as they are).

    Every condition of :func:`plan` is ``due(a version's time, days) <= at`` or ``date <=
    at``: whether anything is due only changes at those instants, and once something is due it
    stays due. So the answer is the first of those instants where :func:`plan` finds something,
    found by bisection."""
    days = {0}
    dates: set[datetime] = set()
    for rule in config.rules:
        if not rule.enabled:
            continue
        for value in (rule.expiration_days, rule.noncurrent_days):
            if value is not None:
                days.add(value)
        if rule.expiration_date is not None:
            dates.add(rule.expiration_date)
        for transition in (*rule.transitions, *rule.noncurrent_transitions):
            if transition.days is not None:
                days.add(transition.days)
            if transition.date is not None:
                dates.add(transition.date)
    instants = {due(version.last_modified, value) for version in stack for value in days}
    candidates = sorted(when for when in instants | dates if when > after)
    low, high = 0, len(candidates)
    while low < high:
        middle = (low + high) // 2
        if plan(config, key, stack, candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return candidates[low] if low < len(candidates) else None


def _current(config: Lifecycle, key: str, version: ObjectVersion, at: datetime
             ) -> list[Action]:
    target: tuple[str, str] | None = None
    for rule in config.applying(key, version):
        when = rule.expires_at(version)
        if when is not None and when <= at:
            return [Action("expire", version, rule.id)]
        for transition in rule.transitions:
            when = transition.date if transition.days is None else \
                due(version.last_modified, transition.days)
            if when is not None and when <= at and \
                    _colder(version.storage_class, transition.storage_class) and \
                    config.may_transition(rule, version, transition.storage_class) and \
                    (target is None or _colder(target[0], transition.storage_class)):
                target = (transition.storage_class, rule.id)
    if target is None:
        return []
    return [Action("transition", version, target[1], target[0])]


def _noncurrent(config: Lifecycle, key: str, version: ObjectVersion, since: datetime,
                rank: int, at: datetime) -> Action | None:
    """The action due for a noncurrent ``version``, the ``rank``-th newest noncurrent one,
    noncurrent since ``since``."""
    target: tuple[str, str] | None = None
    for rule in config.applying(key, version):
        days, newer = rule.noncurrent_days, rule.noncurrent_newer
        if days is not None and due(since, days) <= at and (newer is None or rank > newer):
            return Action("remove", version, rule.id)
        if version.delete_marker:
            continue
        for transition in rule.noncurrent_transitions:
            days = transition.days or 0
            if due(since, days) <= at and (transition.newer is None or rank > transition.newer) \
                    and _colder(version.storage_class, transition.storage_class) and \
                    config.may_transition(rule, version, transition.storage_class) and \
                    (target is None or _colder(target[0], transition.storage_class)):
                target = (transition.storage_class, rule.id)
    if target is None:
        return None
    return Action("transition", version, target[1], target[0])


def abort_due(config: Lifecycle, key: str, initiated: datetime, at: datetime) -> str | None:
    """The id of the rule that aborts an upload of ``key`` begun at ``initiated`` by ``at``
    (None: none does)."""
    for rule in config.rules:
        if rule.enabled and rule.abort_days is not None and key.startswith(rule.filter.prefix) \
                and due(initiated, rule.abort_days) <= at:
            return rule.id
    return None
