"""One page of a bucket listing, found by bisect on the sorted key index.

S3 lists keys in UTF-8 binary order, which for Python strings is code-point order, so a bucket's
``keys`` (a sorted list) is already in listing order. :func:`list_page` walks it from the first
key after the marker and under the prefix, rolls keys up into common prefixes at the delimiter,
and stops after ``max_keys`` entries. Each entry costs O(log n) at most: the keys under a common
prefix are skipped with one bisect to the prefix's successor string, never scanned, so a page
costs O(log n + page) however many keys a common prefix rolls up.

The rules (S3's "Listing object keys" and the ListObjects/ListObjectsV2 references):

- every entry of a page (key or common prefix) sorts strictly after the marker, so a common
  prefix returned on one page (and named by its marker) is not returned again on the next;
- a common prefix and a key count the same against ``max_keys``;
- a page is truncated only when at least one more entry follows it; ``max_keys=0`` gives an
  empty page that is not truncated.

This module imports only the standard library.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

#: The largest code point; no key character sorts after it.
_MAX_CHAR = chr(0x10FFFF)


@dataclass
class Page:
    """One page: keys and common prefixes, each in listing order."""

    keys: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    #: the last entry returned (key or common prefix); where the next page starts after
    last: str | None = None

    def __len__(self) -> int:
        return len(self.keys) + len(self.prefixes)


def successor(prefix: str) -> str | None:
    """The smallest string greater than every string that starts with ``prefix``.

    None when there is none (``prefix`` is empty or made only of the largest code point).
    """
    stripped = prefix.rstrip(_MAX_CHAR)
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def _skip_past(keys: Sequence[str], prefix: str, lo: int) -> int:
    """Index of the first key at or after ``lo`` that does not start with ``prefix``."""
    bound = successor(prefix)
    return len(keys) if bound is None else bisect.bisect_left(keys, bound, lo)


def _walk(keys: Sequence[str], start: int, prefix: str, delimiter: str | None,
          after: str | None) -> Iterator[tuple[str, bool, int, int]]:
    """The entries of a listing from index ``start``: ``(key, False, i, i + 1)`` for a key,
    ``(common prefix, True, i, end)`` for the keys ``keys[i:end]`` a delimiter rolls up
    (skipped with one bisect, never scanned); a common prefix at or before ``after`` is left
    out. Stops at the first key outside ``prefix``."""
    n, plen = len(keys), len(prefix)
    dlen = len(delimiter) if delimiter else 0
    i = start
    while i < n:
        key = keys[i]
        if not key.startswith(prefix):
            return
        at = key.find(delimiter, plen) if delimiter else -1
        if at < 0:
            yield key, False, i, i + 1
            i += 1
            continue
        common = key[:at + dlen]
        end = _skip_past(keys, common, i)
        if after is None or common > after:
            yield common, True, i, end
        i = end


def _first_index(keys: Sequence[str], prefix: str, after: str | None) -> int:
    start = bisect.bisect_left(keys, prefix)
    if after is not None and after >= prefix:
        start = max(start, bisect.bisect_right(keys, after))
    return start


def list_page(keys: Sequence[str], *, prefix: str = "", delimiter: str | None = None,
              after: str | None = None, max_keys: int = 1000,
              hidden: Callable[[str], bool] | None = None) -> Page:
    """The page of ``keys`` (sorted ascending) that S3 would return.

    :param prefix: only keys that start with it.
    :param delimiter: roll keys up at the first occurrence after ``prefix`` (None or empty:
        no roll-up).
    :param after: the marker / start-after / decoded continuation token: every entry returned
        sorts strictly after it.
    :param max_keys: the most entries (keys plus common prefixes) returned; at least 0.
    :param hidden: keys to leave out (e.g. ones whose current version is a delete marker);
        a common prefix appears only if it rolls up at least one key not hidden.
    """
    page = Page()
    if max_keys <= 0:
        return page
    start = _first_index(keys, prefix, after)
    for entry, rolled, i, end in _walk(keys, start, prefix, delimiter or None, after):
        if hidden is not None and (all(hidden(keys[j]) for j in range(i, end)) if rolled
                                   else hidden(entry)):
            continue
        if len(page) == max_keys:
            page.truncated = True
            break
        (page.prefixes if rolled else page.keys).append(entry)
        page.last = entry
    return page


# -- listing versions (ListObjectVersions) ----------------------------------------------------
@dataclass
class VersionPage:
    """One page of ListObjectVersions: versions and delete markers (each with whether it is
    its key's latest) and common prefixes, in listing order."""

    entries: list[tuple[Any, bool]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    #: the key and version id (``null`` for none) of the last entry returned
    next_key: str | None = None
    next_version_id: str | None = None

    def __len__(self) -> int:
        return len(self.entries) + len(self.prefixes)


def list_versions(keys: Sequence[str], stack: Callable[[str], Sequence[Any]], *,
                  prefix: str = "", delimiter: str | None = None, key_marker: str = "",
                  version_id_marker: str = "", max_keys: int = 1000) -> VersionPage:
    """The page of versions S3 lists: keys in order, each key's versions newest first.

    :param stack: a key's versions, newest first (each has ``version_id``, None for null).
    :param key_marker: start after this key; with ``version_id_marker``, after that version of
        it (its older versions come first), else after all its versions.

    A common prefix and a version count the same against ``max_keys``; the cost is
    O(log n + page), plus the versions of the marker's key before the marker.
    """
    page = VersionPage()
    if max_keys <= 0:
        return page
    start, resume = bisect.bisect_left(keys, prefix), None
    if key_marker and key_marker >= prefix:
        if version_id_marker:
            start, resume = max(start, bisect.bisect_left(keys, key_marker)), key_marker
        else:
            start = max(start, bisect.bisect_right(keys, key_marker))
    for entry, rolled, _, _ in _walk(keys, start, prefix, delimiter or None, key_marker or None):
        if rolled:
            if len(page) == max_keys:
                page.truncated = True
                return page
            page.prefixes.append(entry)
            page.next_key, page.next_version_id = entry, None
            continue
        versions = stack(entry)
        first = 0
        if entry == resume:
            ids = [v.version_id or "null" for v in versions]
            first = ids.index(version_id_marker) + 1 if version_id_marker in ids else len(ids)
        for j in range(first, len(versions)):
            if len(page) == max_keys:
                page.truncated = True
                return page
            version = versions[j]
            page.entries.append((version, j == 0))
            page.next_key, page.next_version_id = entry, version.version_id or "null"
    return page
