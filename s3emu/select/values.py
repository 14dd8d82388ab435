"""S3 Select's values and type rules.

A value is ``None`` (NULL), :data:`MISSING` (an attribute or column that is not there), a bool,
int, float, Decimal, str, an aware datetime (TIMESTAMP), a list or a dict. CSV fields are
strings: "if CAST is not defined, all input data is treated as a string"; where a string meets
a number (a comparison, arithmetic, an aggregate) s3emu reads it as a number, as S3 Select does
with CSV fields, and a string that is no number makes the comparison NULL.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import SELECT_ERRORS, S3Error


class _Missing:
    """The MISSING value (a singleton)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
NUMBER = (int, float, Decimal)


def fail(code: str, message: str | None = None) -> S3Error:
    """The S3 Select error ``code`` (see :data:`s3emu.errors.SELECT_ERRORS`)."""
    return SELECT_ERRORS[code](message)


def absent(value: Any) -> bool:
    """NULL or MISSING."""
    return value is None or value is MISSING


def is_number(value: Any) -> bool:
    return isinstance(value, NUMBER) and not isinstance(value, bool)


def number_of(text: str) -> int | float | Decimal | None:
    """``text`` read as a number (None when it is none)."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return Decimal(text) if "e" not in text.lower() else float(text)
    except (InvalidOperation, ValueError):
        return None


def numeric(value: Any) -> Any:
    """``value`` as a number for arithmetic and comparison (None when it cannot be one)."""
    if is_number(value):
        return value
    if isinstance(value, str):
        return number_of(value)
    return None


def _same_kind(a: Any, b: Any) -> tuple[Any, Any] | None:
    if is_number(a) and is_number(b):
        if isinstance(a, float) and isinstance(b, Decimal):
            return a, float(b)
        if isinstance(a, Decimal) and isinstance(b, float):
            return float(a), b
        return a, b
    if is_number(a) and isinstance(b, str) or isinstance(a, str) and is_number(b):
        x, y = numeric(a), numeric(b)
        return None if x is None or y is None else _same_kind(x, y)
    if type(a) is type(b) or isinstance(a, datetime) and isinstance(b, datetime):
        return a, b
    return None


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1, or None when the values do not compare (NULL, MISSING, other types)."""
    if absent(a) or absent(b):
        return None
    pair = _same_kind(a, b)
    if pair is None:
        return None
    x, y = pair
    try:
        return -1 if x < y else (1 if x > y else 0)
    except TypeError:           # lists, dicts: only equality
        return 0 if x == y else None


def equal(a: Any, b: Any) -> bool | None:
    order = compare(a, b)
    return None if order is None else order == 0


def truth(value: Any) -> bool:
    """Whether a WHERE / CASE condition holds (NULL and MISSING do not)."""
    return value is True


def text_of(value: Any) -> str:
    """``value`` as S3 Select writes it in CSV and in CAST(... AS STRING)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(value)]
        return repr(value)
    if isinstance(value, datetime):
        return timestamp_text(value)
    if absent(value):
        return ""
    if isinstance(value, (list, dict)):
        import json
        return json.dumps(value, default=str, separators=(",", ":"))
    return str(value)


def timestamp_text(value: datetime) -> str:
    """A TIMESTAMP in its text form (W3C date-time, ``Z`` for UTC)."""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    if offset is None or not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_timestamp(text: str) -> datetime:
    """A TIMESTAMP from its text form: ``2007``, ``2007-04T``, ``2007-04-05T``,
    ``2007-04-05T14:30Z``, ``2007-04-05T14:30:15.5+01:00``; ValueParseFailure otherwise."""
    text = text.strip()
    for fmt, size in (("%YT", 5), ("%Y-%mT", 8), ("%Y-%m-%dT", 11), ("%Y-%m-%d", 10),
                      ("%Y", 4)):
        if len(text) == size:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
            except ValueError:
                break
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise fail("ValueParseFailure",
                   f"A timestamp parse failure occurred in the SQL expression: {text!r}") \
            from None
    if "T" not in candidate:
        raise fail("ValueParseFailure",
                   f"A timestamp parse failure occurred in the SQL expression: {text!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def cast(value: Any, to: str) -> Any:
    """CAST(value AS to): ``to`` one of INT, FLOAT, DECIMAL, STRING, BOOL, TIMESTAMP."""
    if absent(value):
        return value
    try:
        return _CASTS[to](value)
    except (ValueError, TypeError, InvalidOperation, OverflowError):
        raise fail("CastFailed", f"Attempt to convert {text_of(value)!r} to {to} using CAST "
                   "failed in the SQL expression.") from None


def _to_int(value: Any) -> int:
    if isinstance(value, str):
        number = number_of(value)
        if number is None:
            raise ValueError(value)
        value = number
    if isinstance(value, (datetime, list, dict)):
        raise TypeError(value)
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, (datetime, list, dict)):
        raise TypeError(value)
    return float(value.strip() if isinstance(value, str) else value)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, (datetime, list, dict)):
        raise TypeError(value)
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(value.strip() if isinstance(value, str) else str(value))


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(value)
    if is_number(value):
        return value != 0
    raise TypeError(value)


def _to_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_timestamp(value)
    raise TypeError(value)


_CASTS = {"INT": _to_int, "FLOAT": _to_float, "DECIMAL": _to_decimal, "STRING": text_of,
          "BOOL": _to_bool, "TIMESTAMP": _to_timestamp}
