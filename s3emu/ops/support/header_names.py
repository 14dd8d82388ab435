"""Which kinds of header a request carries, worked out from the header names alone.

A write reads its headers for user metadata, content attributes, an ACL and server-side
encryption; :class:`HeaderNames` says which of these a request's names include, so a handler
skips the parsing they do not call for. Clients send the same few sets of names again and
again: :func:`names_of` works each set out once (a memo, see :mod:`s3emu.memo`: it saves
9.4 µs of a PutObject, ``bench/tricks.py``).

This module imports only the standard library and the memo helper.
"""
from __future__ import annotations

from collections.abc import Mapping

from ...memo import memo

#: request header -> model content field
CONTENT_HEADERS = {
    "content-type": "ContentType",
    "content-encoding": "ContentEncoding",
    "content-disposition": "ContentDisposition",
    "content-language": "ContentLanguage",
    "cache-control": "CacheControl",
    "expires": "Expires",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}


class HeaderNames:
    """Which kinds of header a request's header names include (what a write reads them for).

    Made by :func:`names_of`, once per set of names: clients send the same few sets again and
    again, so most requests skip the parsing their headers do not call for.
    """

    __slots__ = ("metadata", "content", "acl", "sse")

    def __init__(self, names: tuple[str, ...]) -> None:
        #: ``x-amz-meta-*`` names, in request order
        self.metadata = tuple(name for name in names if name.startswith("x-amz-meta-"))
        #: content attribute names (:data:`CONTENT_HEADERS`) present
        self.content = tuple(name for name in CONTENT_HEADERS if name in names)
        #: whether ``x-amz-acl`` or an ``x-amz-grant-*`` header is present
        self.acl = any(name == "x-amz-acl" or name.startswith("x-amz-grant-")
                       for name in names)
        #: whether an ``x-amz-server-side-encryption*`` header (SSE-S3, SSE-KMS, SSE-C) is
        #: present
        self.sse = any(name.startswith("x-amz-server-side-encryption") for name in names)


#: a :class:`HeaderNames` by its tuple of names
_names = memo(256)(HeaderNames)


def names_of(headers: Mapping[str, str]) -> HeaderNames:
    """The :class:`HeaderNames` of ``headers`` (names in lower case)."""
    return _names(tuple(headers))
