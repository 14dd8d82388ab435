"""JSON documents from requests (bucket policies, POST policies, encryption contexts), read
with a bounded nesting depth.

``json.loads`` recurses once per level and raises RecursionError (not ValueError) on a document
nested about a thousand levels deep; the depth is counted here first, outside strings, so such
a document is refused as any other JSON error before it is parsed.

This module imports only the standard library.
"""
from __future__ import annotations

import json
import re
from typing import Any

#: The deepest nesting accepted: far more than any S3 policy or context needs.
MAX_DEPTH = 64

_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def depth_of(text: str) -> int:
    """The deepest nesting of ``[`` / ``{`` in ``text`` (strings skipped)."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif token in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``; ValueError also for a document nested more than ``max_depth``
    levels (or bytes that are not UTF-8)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")           # UnicodeDecodeError is a ValueError
    if depth_of(text) > max_depth:
        raise ValueError(f"JSON nested more than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError:                           # not reached after the check; kept safe
        raise ValueError("JSON nested too deeply") from None
