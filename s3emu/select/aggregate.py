"""COUNT, SUM, AVG, MIN, MAX: one accumulator each, fed every record the WHERE clause keeps.

NULL and MISSING values are skipped; COUNT(*) counts records; SUM / AVG / MIN / MAX over no
value are NULL. CSV strings are read as numbers for SUM and AVG (CastFailed when one is none).
Memory: one running value per aggregate.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from .values import absent, compare, fail, numeric, text_of

Compiled = Callable[[Any], Any]


class Accumulator:
    def __init__(self, inner: Compiled | None) -> None:
        self.inner = inner
        self.count = 0
        self.value: Any = None

    def add(self, record: Any) -> None:
        if self.inner is None:
            self.count += 1
            return
        value = self.inner(record)
        if not absent(value):
            self.count += 1
            self.take(value)

    def take(self, value: Any) -> None:
        """Fold one present value in."""

    def result(self) -> Any:
        return self.count


def _number(value: Any) -> Any:
    number = numeric(value)
    if number is None:
        raise fail("CastFailed", f"{text_of(value)!r} is no number to aggregate.")
    return number


def _plus(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, Decimal) or isinstance(a, Decimal) and \
            isinstance(b, float):
        return float(a) + float(b)
    return a + b


class Sum(Accumulator):
    def take(self, value: Any) -> None:
        number = _number(value)
        self.value = number if self.value is None else _plus(self.value, number)

    def result(self) -> Any:
        return self.value


class Avg(Sum):
    def result(self) -> Any:
        if self.value is None:
            return None
        total = self.value
        if isinstance(total, int):
            total = Decimal(total)
        return total / self.count


class Extreme(Accumulator):
    def __init__(self, inner: Compiled | None, sign: int) -> None:
        super().__init__(inner)
        self.sign = sign

    def take(self, value: Any) -> None:
        if isinstance(value, str) and numeric(value) is not None:
            value = numeric(value)
        if self.value is None:
            self.value = value
            return
        order = compare(value, self.value)
        if order is not None and order * self.sign > 0:
            self.value = value

    def result(self) -> Any:
        return self.value


def accumulator_for(name: str, inner: Compiled | None) -> Accumulator:
    if name == "COUNT":
        return Accumulator(inner)
    if inner is None:
        raise fail("ParseUnsupportedSyntax", f"{name}(*) is not allowed; only COUNT(*) is.")
    if name == "SUM":
        return Sum(inner)
    if name == "AVG":
        return Avg(inner)
    return Extreme(inner, 1 if name == "MAX" else -1)
