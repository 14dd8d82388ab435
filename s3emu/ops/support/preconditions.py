"""Conditional requests: If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since,
their ``x-amz-copy-source-if-*`` twins, and conditional writes.

Precedence follows S3 (and RFC 7232): a true If-Match overrides a false If-Unmodified-Since,
and a false If-None-Match overrides a true If-Modified-Since. Failures are 412
PreconditionFailed (with ``Condition``) or, for GET/HEAD, 304 NotModified.
"""
from __future__ import annotations

from typing import Callable, Mapping

from ...errors import NoSuchKey, NotImplemented_, NotModified, PreconditionFailed
from ...model.objects import ObjectVersion
from ...protocol.dates import http_date, parse_http_date


def _etag_matches(header: str, etag: str) -> bool:
    plain = etag.strip('"')
    for item in header.split(","):
        item = item.strip()
        if item.startswith("W/"):
            item = item[2:]
        if item == "*" or item.strip('"') == plain:
            return True
    return False


def _modified_since(version: ObjectVersion, header: str) -> bool | None:
    """True/False, or None when the header is not a valid date."""
    when = parse_http_date(header)
    if when is None:
        return None
    return version.last_modified.replace(microsecond=0) > when


def _failed(prefix: str, headers: Mapping[str, str], version: ObjectVersion) -> str | None:
    """The name of the first failing precondition (for 412), '304' for not-modified, or None."""
    if_match = headers.get(prefix + "if-match")
    if if_match is not None:
        if not _etag_matches(if_match, version.etag):
            return "If-Match"
    else:
        since = headers.get(prefix + "if-unmodified-since")
        if since is not None and _modified_since(version, since):
            return "If-Unmodified-Since"
    if_none = headers.get(prefix + "if-none-match")
    if if_none is not None:
        if _etag_matches(if_none, version.etag):
            return "304:If-None-Match"
    else:
        since = headers.get(prefix + "if-modified-since")
        if since is not None and _modified_since(version, since) is False:
            return "304:If-Modified-Since"
    return None


_READ_CONDITIONS = frozenset({"if-match", "if-none-match", "if-modified-since",
                              "if-unmodified-since"})


def check_read_conditions(headers: Mapping[str, str], version: ObjectVersion) -> None:
    """GET/HEAD preconditions: PreconditionFailed (412) or NotModified (304)."""
    if _READ_CONDITIONS.isdisjoint(headers):
        return
    failed = _failed("", headers, version)
    if failed is None:
        return
    if failed.startswith("304:"):
        raise NotModified(headers={"ETag": version.etag,
                                   "Last-Modified": http_date(version.last_modified)})
    raise PreconditionFailed(Condition=failed)


def check_copy_source_conditions(headers: Mapping[str, str], version: ObjectVersion) -> None:
    """``x-amz-copy-source-if-*``: every failure is 412 PreconditionFailed."""
    failed = _failed("x-amz-copy-source-", headers, version)
    if failed is not None:
        raise PreconditionFailed(Condition="x-amz-copy-source-" + failed.split(":")[-1])


def write_conditions(headers: Mapping[str, str],
                     key: str) -> Callable[[ObjectVersion | None], None] | None:
    """The check of a conditional write's headers (:func:`check_write_conditions`) on the
    key's current version; None when the request names no condition (most writes)."""
    if "if-none-match" not in headers and "if-match" not in headers:
        return None
    return lambda current: check_write_conditions(headers, current, key)


def check_write_conditions(headers: Mapping[str, str], current: ObjectVersion | None,
                           key: str) -> None:
    """Conditional writes: ``If-None-Match: *`` and ``If-Match: <etag>``."""
    if_none = headers.get("if-none-match")
    if if_none is not None:
        if if_none.strip() != "*":
            raise NotImplemented_(Header="If-None-Match")
        if current is not None:
            raise PreconditionFailed(Condition="If-None-Match")
    if_match = headers.get("if-match")
    if if_match is not None:
        if current is None:
            raise NoSuchKey(Key=key)
        if not _etag_matches(if_match, current.etag):
            raise PreconditionFailed(Condition="If-Match")
