"""Per-prefix request budgets, S3's way: token buckets that refill by the emulator's clock.

S3 publishes its request rates per partitioned prefix of a bucket: 3,500 PUT/COPY/POST/DELETE
and 5,500 GET/HEAD requests per second. A :class:`Throttle` keeps one token bucket per
``(bucket, prefix, kind)``, where ``kind`` is ``"read"`` (GET, HEAD: object reads and listings)
or ``"write"`` (PUT, POST, DELETE: uploads, copies, deletes). A bucket starts full (``burst``
tokens), refills at ``rate`` tokens per second of *clock* time, and a request takes one token;
a request that finds less than one token is refused and takes nothing. The arithmetic is exact
(integers in microseconds), so the same requests at the same clock readings always get the same
answers.

The prefix of a key is, by default, the key up to and including its last ``/``
(``logs/2024/a.txt`` -> ``logs/2024/``); bucket-level requests use the prefix ``""``.
``prefix=N`` keeps the first N ``/``-separated levels (``prefix=1``: ``logs/``), and a callable
``prefix(key) -> str`` decides freely.

This module is pure: no HTTP, no errors raised at requests; it imports only the standard
library and the clock.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Callable, Mapping, Union

from .clock import Clock

#: S3's published rates per partitioned prefix, per second.
S3_READS = 5500
S3_WRITES = 3500
#: Methods that spend the read budget; every other method spends the write budget.
READ_METHODS = frozenset({"GET", "HEAD"})

PrefixRule = Union[None, int, Callable[[str], str]]
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)
_TOKEN = 1_000_000           # units of one token at a rate denominator of 1
_PRUNE_AT = 65_536           # buckets kept before full ones are forgotten


def kind_of(method: str) -> str:
    """``"read"`` for GET and HEAD, ``"write"`` for PUT, POST, DELETE and anything else."""
    return "read" if method in READ_METHODS else "write"


def last_slash_prefix(key: str) -> str:
    """The key up to and including its last ``/`` (``""`` when it has none)."""
    return key[: key.rfind("/") + 1]


def depth_prefix(depth: int) -> Callable[[str], str]:
    """A prefix rule keeping the first ``depth`` levels of a key (at most up to its last ``/``)."""
    if depth < 0:
        raise ValueError("prefix depth must be 0 or more")

    def prefix(key: str) -> str:
        end = 0
        for _ in range(depth):
            slash = key.find("/", end)
            if slash < 0:
                break
            end = slash + 1
        return key[:end]
    prefix.depth = depth  # type: ignore[attr-defined]
    return prefix


#: The highest rate a budget may have (requests per second); more is no throttling at all.
MAX_RATE = 10 ** 9


def _rate(value: Any, name: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise ValueError(f"{name} must be a number of requests per second, not {value!r}")
    try:
        rate = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, OverflowError):          # nan, inf
        raise ValueError(f"{name} must be a finite number of requests per second") from None
    if not 0 < rate <= MAX_RATE:
        raise ValueError(f"{name} must be a positive number of requests per second, at most "
                         f"{MAX_RATE}")
    return rate


def _burst(value: Any, rate: Fraction | None, name: str) -> int | None:
    if rate is None:
        return None
    if value is None:                        # one second's worth, at least one request
        return max(1, -(-rate.numerator // rate.denominator))
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be a whole number of requests, 1 or more")
    return int(value)


class _Budget:
    """One kind's rate and burst, in exact integer units."""

    __slots__ = ("rate", "burst", "step", "cost", "capacity")

    def __init__(self, rate: Fraction, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.step = rate.numerator                      # units gained per microsecond
        self.cost = _TOKEN * rate.denominator           # units one request takes
        self.capacity = burst * self.cost


class Throttle:
    """Token buckets per ``(bucket, prefix, kind)`` in the emulator's clock time; off until
    configured.

    :param clock: the clock that refills the buckets.
    :param spec: ``None`` (off), ``"s3"`` (S3's published rates) or a mapping of
        :meth:`configure` keyword arguments.
    """

    def __init__(self, clock: Clock, spec: str | Mapping[str, Any] | None = None) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], list[int]] = {}
        self._budgets: dict[str, _Budget] = {}
        self._prefix: Callable[[str], str] = last_slash_prefix
        self._prefix_rule: PrefixRule = None
        #: True when at least one budget is configured (checked on every request).
        self.enabled = False
        self.configure(spec)

    def configure(self, spec: str | Mapping[str, Any] | None = None, *,
                  reads: Any = None, writes: Any = None, burst: int | None = None,
                  read_burst: int | None = None, write_burst: int | None = None,
                  prefix: PrefixRule = None) -> None:
        """Set the budgets (replacing earlier ones) and start every bucket full.

        :param spec: ``"s3"`` for 5,500 reads and 3,500 writes per second per prefix (the
            keywords below override it), ``None``/``"off"`` for no throttling unless keywords
            are given, or a mapping of these keywords.
        :param reads: read requests (GET, HEAD) per second per prefix; None: unlimited.
        :param writes: write requests (PUT, POST, DELETE) per second per prefix; None:
            unlimited.
        :param burst: size of both buckets (default: one second's worth of requests).
        :param read_burst: size of the read bucket (overrides ``burst``).
        :param write_burst: size of the write bucket (overrides ``burst``).
        :param prefix: how a key maps to its prefix: None (up to its last ``/``), a depth,
            or a callable ``prefix(key) -> str``.
        """
        options = {"reads": reads, "writes": writes, "burst": burst,
                   "read_burst": read_burst, "write_burst": write_burst, "prefix": prefix}
        if isinstance(spec, Mapping):
            unknown = set(spec) - set(options) - {"preset"}
            if unknown:
                raise TypeError(f"unknown throttle settings: {', '.join(sorted(unknown))}")
            given = {k: v for k, v in options.items() if v is not None}
            options.update(spec)
            options.update(given)
            spec = options.pop("preset", None)
        if spec not in (None, "off", "s3"):
            raise ValueError(f"unknown throttle preset {spec!r}; use 's3', None or a dict")
        if spec == "s3":
            options["reads"] = S3_READS if options["reads"] is None else options["reads"]
            options["writes"] = S3_WRITES if options["writes"] is None else options["writes"]
        budgets = {}
        for kind, name in (("read", "reads"), ("write", "writes")):
            rate = _rate(options[name], name)
            size = options[f"{kind}_burst"]
            size = _burst(options["burst"] if size is None else size, rate, f"{kind}_burst")
            if rate is not None and size is not None:
                budgets[kind] = _Budget(rate, size)
        rule = options["prefix"]
        if rule is None:
            prefix_of: Callable[[str], str] = last_slash_prefix
        elif isinstance(rule, bool) or not (isinstance(rule, int) or callable(rule)):
            raise TypeError("prefix must be None, a depth (int) or a callable")
        else:
            prefix_of = depth_prefix(rule) if isinstance(rule, int) else rule
        with self._lock:
            self._budgets, self._prefix, self._prefix_rule = budgets, prefix_of, rule
            self._buckets.clear()
            self.enabled = bool(budgets)

    def disable(self) -> None:
        """Stop throttling (same as ``configure(None)``)."""
        self.configure(None)

    def reset(self) -> None:
        """Refill every bucket (forget what was spent); keep the configuration."""
        with self._lock:
            self._buckets.clear()

    def prefix_of(self, key: str | None) -> str:
        """The prefix whose budget a request for ``key`` spends (``""`` for no key)."""
        return "" if not key else self._prefix(key)

    def check(self, bucket: str, key: str | None, kind: str) -> bool:
        """Take one ``kind`` token for ``key``'s prefix in ``bucket``; False (and take
        nothing) if the budget is spent. Always True when ``kind`` has no budget."""
        budget = self._budgets.get(kind)
        if budget is None:
            return True
        now = (self.clock.now() - _EPOCH) // _MICRO
        slot = (bucket, self.prefix_of(key), kind)
        with self._lock:
            state = self._buckets.get(slot)
            if state is None:
                if len(self._buckets) >= _PRUNE_AT:
                    self._prune(now)
                state = self._buckets[slot] = [budget.capacity, now]
            elif now > state[1]:
                state[0] = min(budget.capacity, state[0] + (now - state[1]) * budget.step)
            state[1] = now
            if state[0] < budget.cost:
                return False
            state[0] -= budget.cost
            return True

    def remaining(self, bucket: str, key: str | None, kind: str) -> float | None:
        """Whole and partial requests left in a budget now (None when unlimited); takes
        nothing."""
        budget = self._budgets.get(kind)
        if budget is None:
            return None
        now = (self.clock.now() - _EPOCH) // _MICRO
        with self._lock:
            state = self._buckets.get((bucket, self.prefix_of(key), kind))
        if state is None:
            return float(budget.burst)
        units = min(budget.capacity, state[0] + max(0, now - state[1]) * budget.step)
        return units / budget.cost

    def _prune(self, now: int) -> None:
        """Forget buckets that have refilled completely (they behave like new ones)."""
        full = []
        for slot, (units, then) in self._buckets.items():
            budget = self._budgets[slot[2]]
            if units + max(0, now - then) * budget.step >= budget.capacity:
                full.append(slot)
        for slot in full:
            del self._buckets[slot]

    def settings(self) -> dict[str, Any]:
        """The configuration as JSON-ready data."""
        out: dict[str, Any] = {"enabled": self.enabled}
        for kind, name in (("read", "reads"), ("write", "writes")):
            budget = self._budgets.get(kind)
            rate = None if budget is None else budget.rate
            out[name] = None if rate is None else (
                rate.numerator if rate.denominator == 1 else float(rate))
            out[f"{kind}_burst"] = None if budget is None else budget.burst
        rule = self._prefix_rule
        out["prefix"] = rule if rule is None or isinstance(rule, int) else "custom"
        return out

    def __repr__(self) -> str:
        if not self.enabled:
            return "Throttle(off)"
        s = self.settings()
        return (f"Throttle(reads={s['reads']}/s burst {s['read_burst']}, "
                f"writes={s['writes']}/s burst {s['write_burst']})")
