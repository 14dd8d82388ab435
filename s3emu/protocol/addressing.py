"""Where a request is addressed: bucket, key and endpoint region, from Host and raw path.

Path style (``/bucket/key``) and virtual-hosted style (``bucket.s3.amazonaws.com``,
``bucket.s3.<region>.amazonaws.com``, ``bucket.s3-<region>.amazonaws.com``,
``bucket.localhost:<port>``) are both understood. The key is read from the raw request URI when
the server provides one (PATH_INFO is already unquoted), and percent-decoded as UTF-8 exactly
once, so ``+``, ``%``, ``//``, ``..`` and trailing ``/`` survive.

This module imports only the standard library.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, NamedTuple
from urllib.parse import unquote

_AWS_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?s3(?:-accelerate(?:\.dualstack)?|[.-](?:dualstack\.)?"
    r"(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d))?\.amazonaws\.com(?:\.cn)?$")
_LOCAL_SUFFIXES = (".localhost",)


class Address(NamedTuple):
    bucket: str | None
    key: str | None
    region: str | None
    virtual_host: bool
    #: the request path as sent (still percent-encoded), without the query
    raw_path: str = "/"


def raw_path(environ: Mapping[str, object]) -> str:
    """The request path still percent-encoded, without the query string."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw:
        if raw.startswith(("http://", "https://")):   # absolute-form request target
            raw = "/" + raw.split("://", 1)[1].partition("/")[2]
        return raw.partition("?")[0]
    path = environ.get("PATH_INFO") or "/"
    # PATH_INFO is the unquoted path as latin-1 text; re-encode so unquote() is a no-op on it.
    assert isinstance(path, str)
    return path.encode("latin-1").decode("utf-8", "surrogateescape").replace("%", "%25")


@lru_cache(maxsize=1024)
def split_host(host: str) -> tuple[str | None, str | None]:
    """``(bucket, region)`` named by a Host header (either may be None)."""
    host = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()
    match = _AWS_HOST.match(host)
    if match:
        return match.group("bucket"), match.group("region")
    for suffix in _LOCAL_SUFFIXES:
        if host.endswith(suffix):
            return host[: -len(suffix)] or None, None
    return None, None


def address(environ: Mapping[str, object]) -> Address:
    """Bucket, key and endpoint region of a WSGI request."""
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    host_bucket, region = split_host(host)
    path = raw_path(environ)
    if host_bucket:
        key = path[1:] if path.startswith("/") else path
    else:
        bucket, _, key = path[1:].partition("/")
    if "%" in key:      # decoded once as UTF-8, undecodable bytes kept as escapes
        key = unquote(key, errors="surrogateescape")
    if host_bucket:
        return Address(host_bucket, key or None, region, True, path)
    return Address((unquote(bucket) if "%" in bucket else bucket) or None, key or None,
                   region, False, path)
