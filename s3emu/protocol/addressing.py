"""Where a request is addressed: bucket, key and endpoint region, from Host and raw path.

Path style (``/bucket/key``) and virtual-hosted style (``bucket.s3.amazonaws.com``,
``bucket.s3.<region>.amazonaws.com``, ``bucket.s3-<region>.amazonaws.com``,
``bucket.localhost:<port>``) are both understood. A website endpoint's host
(``bucket.s3-website-<region>.amazonaws.com``, ``bucket.s3-website.<region>.amazonaws.com``,
and on a local server ``bucket.s3-website.localhost:<port>``) is told apart once per host
(``Address.website``; served by :mod:`s3emu.website`, not by the REST operations). The key is
read from the raw request URI when the server provides one (PATH_INFO is already unquoted),
and percent-decoded as UTF-8 exactly once, so ``+``, ``%``, ``//``, ``..`` and trailing ``/``
survive.

A path that is not UTF-8 once decoded is refused as S3 refuses it (400 InvalidURI).

This module imports only the standard library and errors.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from collections.abc import Mapping
from urllib.parse import unquote

from ..memo import memo
from ..errors import InvalidURI

_AWS_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?s3(?:(?P<accelerate>-accelerate)(?:\.dualstack)?|[.-](?:dualstack\.)?"
    r"(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d))?\.amazonaws\.com(?:\.cn)?$")
_WEBSITE_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?s3-website[.-](?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d)"
    r"\.amazonaws\.com(?:\.cn)?$")
_LOCAL_SUFFIXES = (".localhost",)
#: the website endpoint of a local server (``bucket.s3-website.localhost:<port>``)
LOCAL_WEBSITE_SUFFIX = ".s3-website.localhost"
#: what a byte that is not UTF-8 becomes when decoded with surrogateescape
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class Address(NamedTuple):
    bucket: str | None
    key: str | None
    region: str | None
    virtual_host: bool
    #: the request path as sent (still percent-encoded), without the query
    raw_path: str = "/"
    #: sent to a website endpoint (its host named ``s3-website``)
    website: bool = False
    #: sent to the Transfer Acceleration endpoint (``s3-accelerate[.dualstack].amazonaws.com``)
    accelerate: bool = False


def raw_path(environ: Mapping[str, object]) -> str:
    """The request path still percent-encoded, without the query string."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw:
        if raw.startswith(("http://", "https://")):   # absolute-form request target
            raw = "/" + raw.split("://", 1)[1].partition("/")[2]
        raw = raw.partition("?")[0]
        if not raw.isascii():   # bytes sent unescaped
            raw = _unescaped_bytes(raw)
        return raw
    path = environ.get("PATH_INFO") or "/"
    # PATH_INFO is the unquoted path as latin-1 text; re-encode so unquote() is a no-op on it.
    assert isinstance(path, str)
    return path.encode("latin-1").decode("utf-8", "surrogateescape").replace("%", "%25")


def _unescaped_bytes(raw: str) -> str:
    """A raw path holding non-ASCII text as UTF-8 text (undecodable bytes as surrogates).

    A server hands the bytes it read over as Latin-1 text (s3emu's own server does); text
    that is not Latin-1 is a client's characters already, kept as they are."""
    try:
        return raw.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return raw


@memo(1024)     # a test talks to a few hosts: 2.8-3.7 us a request (see s3emu.memo)
def split_host(host: str) -> tuple[str | None, str | None, bool, bool]:
    """``(bucket, region, website, accelerate)`` named by a Host header (bucket and region may
    be None; ``website``: a website endpoint's host; ``accelerate``: a Transfer Acceleration
    endpoint's)."""
    host = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()
    match = _AWS_HOST.match(host)
    if match:
        return (match.group("bucket"), match.group("region"), False,
                bool(match.group("accelerate")))
    match = _WEBSITE_HOST.match(host)
    if match:
        return match.group("bucket"), match.group("region"), True, False
    if host.endswith(LOCAL_WEBSITE_SUFFIX):
        return host[: -len(LOCAL_WEBSITE_SUFFIX)] or None, None, True, False
    for suffix in _LOCAL_SUFFIXES:
        if host.endswith(suffix):
            return host[: -len(suffix)] or None, None, False, False
    return None, None, False, False


def address(environ: Mapping[str, object]) -> Address:
    """Bucket, key and endpoint region of a WSGI request."""
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    host_bucket, region, website, accelerate = split_host(host)
    path = raw_path(environ)
    if host_bucket or website:
        key = path[1:] if path.startswith("/") else path
    else:
        bucket, _, key = path[1:].partition("/")
    if "%" in key:      # decoded once as UTF-8, undecodable bytes kept as escapes
        key = unquote(key, errors="surrogateescape")
    if not path.isascii() or "%" in path:
        _check_utf8(path)
    if website:
        return Address(host_bucket, key or None, region, True, path, True)
    if host_bucket:
        return Address(host_bucket, key or None, region, True, path, False, accelerate)
    return Address((unquote(bucket) if "%" in bucket else bucket) or None, key or None,
                   region, False, path, False, accelerate)


def _check_utf8(path: str) -> None:
    """InvalidURI unless the path decodes as UTF-8 (undecodable bytes are surrogates here)."""
    decoded = unquote(path, errors="surrogateescape")
    if _UNDECODABLE.search(decoded):
        raise InvalidURI(URI=_escaped(path))


def _escaped(path: str) -> str:
    """``path`` with its non-ASCII bytes percent-encoded (for an error body)."""
    return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode(
        "utf-8", "surrogateescape")) for c in path)
