"""S3 Select's date functions: DATE_ADD, DATE_DIFF, EXTRACT, TO_STRING, TO_TIMESTAMP.

Date parts: ``year``, ``month``, ``day``, ``hour``, ``minute``, ``second`` (and, for EXTRACT,
``timezone_hour``, ``timezone_minute``). TO_STRING's format pattern letters are S3's:
``yy yyyy M MM MMM MMMM MMMMM d dd a h hh H HH m mm s ss S... n X XX XXX x xx xxx``, text in
single quotes kept as is. UTCNOW() is the emulator clock's now.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from .values import absent, fail

PARTS = ("year", "month", "day", "hour", "minute", "second")


def _part(part: str, allowed: tuple[str, ...] = PARTS) -> str:
    lowered = part.lower()
    if lowered not in allowed:
        raise fail("IllegalSqlFunctionArgument", f"{part!r} is not a date part ({allowed}).")
    return lowered


def _timestamp(value: Any, function: str) -> datetime:
    if not isinstance(value, datetime):
        raise fail("IncorrectSqlFunctionArgumentType",
                   f"{function} takes a TIMESTAMP (CAST the value, or use TO_TIMESTAMP).")
    return value


def _add_months(ts: datetime, months: int) -> datetime:
    total = ts.year * 12 + ts.month - 1 + months
    year, month = divmod(total, 12)
    day = min(ts.day, calendar.monthrange(year, month + 1)[1])
    return ts.replace(year=year, month=month + 1, day=day)


def date_add(part: str, quantity: Any, ts: Any) -> Any:
    if absent(quantity) or absent(ts):
        return None
    part = _part(part)
    ts = _timestamp(ts, "DATE_ADD")
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise fail("IncorrectSqlFunctionArgumentType", "DATE_ADD takes an INT quantity.")
    if part == "year":
        return _add_months(ts, 12 * quantity)
    if part == "month":
        return _add_months(ts, quantity)
    return ts + timedelta(**{part + "s": quantity})


def date_diff(part: str, first: Any, second: Any) -> Any:
    if absent(first) or absent(second):
        return None
    part = _part(part)
    a, b = _timestamp(first, "DATE_DIFF"), _timestamp(second, "DATE_DIFF")
    if part in ("year", "month"):
        months = (b.year - a.year) * 12 + b.month - a.month
        if months > 0 and (b.day, b.time()) < (a.day, a.time()):
            months -= 1
        elif months < 0 and (b.day, b.time()) > (a.day, a.time()):
            months += 1
        return int(months / 12) if part == "year" else months
    seconds = (b - a).total_seconds()
    unit = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}[part]
    return int(seconds / unit)


def extract(part: str, ts: Any) -> Any:
    if absent(ts):
        return None
    part = _part(part, PARTS + ("timezone_hour", "timezone_minute"))
    ts = _timestamp(ts, "EXTRACT")
    if part.startswith("timezone"):
        offset = int((ts.utcoffset() or timedelta()).total_seconds()) // 60
        sign = -1 if offset < 0 else 1
        return sign * (abs(offset) // 60) if part == "timezone_hour" else sign * (abs(offset) % 60)
    return getattr(ts, part)


_TOKEN = re.compile(r"'[^']*'|y+|M+|d+|a|h+|H+|m+|s+|S+|n|X+|x+|[A-Za-z]|[^A-Za-z']+")


def _offset(ts: datetime, token: str) -> str:
    minutes = int((ts.utcoffset() or timedelta()).total_seconds()) // 60
    if token[0] == "X" and minutes == 0:
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    if len(token) == 1:
        return f"{sign}{hours:02d}" + (f"{mins:02d}" if mins else "")
    return f"{sign}{hours:02d}{':' if len(token) >= 3 else ''}{mins:02d}"


_FIELDS: dict[str, Callable[[datetime], str]] = {
    "yy": lambda t: f"{t.year % 100:02d}", "y": lambda t: str(t.year),
    "yyyy": lambda t: f"{t.year:04d}",
    "M": lambda t: str(t.month), "MM": lambda t: f"{t.month:02d}",
    "MMM": lambda t: t.strftime("%b"), "MMMM": lambda t: t.strftime("%B"),
    "MMMMM": lambda t: t.strftime("%B")[0],
    "d": lambda t: str(t.day), "dd": lambda t: f"{t.day:02d}",
    "a": lambda t: "AM" if t.hour < 12 else "PM",
    "h": lambda t: str((t.hour - 1) % 12 + 1), "hh": lambda t: f"{(t.hour - 1) % 12 + 1:02d}",
    "H": lambda t: str(t.hour), "HH": lambda t: f"{t.hour:02d}",
    "m": lambda t: str(t.minute), "mm": lambda t: f"{t.minute:02d}",
    "s": lambda t: str(t.second), "ss": lambda t: f"{t.second:02d}",
    "n": lambda t: str(t.microsecond * 1000),
}


def to_string(ts: Any, pattern: Any) -> Any:
    if absent(ts) or absent(pattern):
        return None
    ts = _timestamp(ts, "TO_STRING")
    if not isinstance(pattern, str):
        raise fail("IncorrectSqlFunctionArgumentType", "TO_STRING takes a string pattern.")
    out = []
    for token in _TOKEN.findall(pattern):
        if token.startswith("'"):
            out.append(token[1:-1] or "'")
        elif token[0] == "S":
            out.append(f"{ts.microsecond:06d}"[:len(token)].ljust(len(token), "0"))
        elif token[0] in "Xx":
            out.append(_offset(ts, token[:3]))
        elif token in _FIELDS:
            out.append(_FIELDS[token](ts))
        elif token[0].isalpha():
            raise fail("EvaluatorInvalidTimestampFormatPattern",
                       f"{token!r} is not a timestamp format pattern symbol.")
        else:
            out.append(token)
    return "".join(out)


def to_timestamp(text: Any) -> Any:
    """TO_TIMESTAMP(string): the string's TIMESTAMP (its W3C text form)."""
    if absent(text):
        return None
    if not isinstance(text, str):
        raise fail("IncorrectSqlFunctionArgumentType", "TO_TIMESTAMP takes a string.")
    from .values import parse_timestamp
    return parse_timestamp(text)


def utcnow(now: datetime) -> datetime:
    return now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)
