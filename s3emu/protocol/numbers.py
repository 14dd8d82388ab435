"""The one parser for numbers that come from a request (query parameters, headers, XML text).

S3 reads them as ASCII decimal digits: no whitespace, no ``_`` separators, no other scripts'
digits (``²``, ``٣``), a sign only where that parameter takes one. Python's ``int()`` and
``str.isdigit()`` accept all of those, and ``int()`` refuses more than 4,300 digits with an
exception: a request's number never reaches ``int()`` unchecked. A value with more digits than
any S3 limit needs (leading zeros aside) is read as :data:`HUGE` (with its sign), which is out of
every range a caller checks, so each caller answers its own parameter's S3 error.

This module imports only the standard library.
"""
from __future__ import annotations

import re

#: A stand-in for any value with more than :data:`MAX_DIGITS` significant digits.
HUGE = 10 ** 30
#: More significant digits than this read as :data:`HUGE`: beyond int64, within int()'s limit.
MAX_DIGITS = 30

_NUMBER = re.compile(r"([+-]?)([0-9]+)\Z", re.ASCII)


def integer(text: str | None, *, signs: str = "") -> int | None:
    """``text`` as an int if it is ASCII digits, with one leading sign from ``signs`` (``""``,
    ``"-"``, ``"+-"``) allowed; None if it is not such a number. A number with more than
    :data:`MAX_DIGITS` significant digits is ``±HUGE``."""
    if text and len(text) < 19 and text.isdigit() and text.isascii():
        return int(text)    # the usual unsigned number: no regex (a third of the time)
    if not text or len(text) > 100_000 or (text[0] in "+-" and text[0] not in signs):
        return None
    match = _NUMBER.match(text)
    if match is None:
        return None
    sign, digits = match.groups()
    digits = digits.lstrip("0") or "0"
    value = HUGE if len(digits) > MAX_DIGITS else int(digits)
    return -value if sign == "-" else value


def count(text: str | None) -> int | None:
    """An unsigned count (a length, a part number, a size); None if it is not one."""
    return integer(text)
