"""Tag sets (object and bucket tags) and the one validation every way of setting them uses.

The rules, from S3's "Categorizing your storage using tags", the S3Tag API reference (its
pattern ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$``) and "User-defined tag restrictions":

- a key is 1 to 128 characters and a value 0 to 256, counted as S3 counts them (in UTF-16
  code units: a character outside the Basic Multilingual Plane counts two);
- keys and values hold letters, numbers, separators (spaces) and ``_ . : / = + - @`` only;
- keys are unique within a set (case-sensitive), and keys starting ``aws:`` are reserved;
- an object has at most 10 tags, a bucket at most 50.

Each tag is checked in order before the set is counted, as S3 does. The errors' codes and
messages are those S3 sends (InvalidTag; BadRequest for too many tags).

This module imports only the standard library and errors.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from ..errors import BadRequest, InvalidTag

#: the most tags an object / a bucket may have
OBJECT_TAGS, BUCKET_TAGS = 10, 50
MAX_KEY, MAX_VALUE = 128, 256
_PUNCTUATION = frozenset("_.:/=+-@")
RESERVED = "aws:"


def _allowed(text: str) -> bool:
    return all(c in _PUNCTUATION or unicodedata.category(c)[0] in "LNZ" for c in text)


def _length(text: str) -> int:
    """The length S3 counts: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def check_tag_set(pairs: Iterable[tuple[str, str]], *, bucket: bool = False) -> dict[str, str]:
    """The tags of ``pairs`` (key, value) in their order; S3's error for the first rule one
    breaks (see the module docstring). ``bucket``: a bucket's tags (50 allowed)."""
    tags: dict[str, str] = {}
    for key, value in pairs:
        if not key or not _allowed(key):
            raise InvalidTag("The TagKey you have provided is invalid")
        if _length(key) > MAX_KEY:
            raise InvalidTag(f"The TagKey you have provided is too long, max {MAX_KEY}")
        if key.startswith(RESERVED):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:")
        if not _allowed(value):
            raise InvalidTag("The TagValue you have provided is invalid")
        if _length(value) > MAX_VALUE:
            raise InvalidTag(f"The TagValue you have provided is too long, max {MAX_VALUE}")
        if key in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key")
        tags[key] = value
    if bucket and len(tags) > BUCKET_TAGS:
        raise BadRequest(f"Bucket tag count cannot be greater than {BUCKET_TAGS}")
    if not bucket and len(tags) > OBJECT_TAGS:
        raise BadRequest(f"Object tags cannot be greater than {OBJECT_TAGS}")
    return tags

