"""AWS Signature Version 2 (``signature_version="s3"``): the ``Authorization: AWS key:sig``
header and the query form (``AWSAccessKeyId``, ``Expires``, ``Signature``).

The string to sign is::

    METHOD\\nContent-MD5\\nContent-Type\\nDate\\n<x-amz-* headers>/<bucket><path>[?subresources]

with ``Date`` empty when ``x-amz-date`` is sent, and ``Expires`` in its place for the query
form. The resource is the raw path, prefixed with ``/<bucket>`` for virtual-hosted requests;
only S3's sub-resources (``acl``, ``uploadId``, ``versionId``, ``response-*`` ...) are kept from
the query, sorted, their values decoded. The signature is base64(HMAC-SHA1(secret, string)).

This module imports only the standard library, errors and the auth package.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from collections.abc import Mapping
from urllib.parse import unquote

from ..errors import AccessDenied, InvalidAccessKeyId, InvalidArgument
from ..protocol import numbers
from .request import Request, Verified
from .signing import as_sent, iso_seconds, mismatch, query_pairs, same
from .sigv4 import NO_DATE, check_skew

#: The last second a datetime can hold (9999-12-31T23:59:59Z): a later Expires never expires.
_LAST_SECOND = 253402300799

if TYPE_CHECKING:
    from .users import Users

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: Query parameters that are part of the SigV2 canonical resource (what botocore signs).
SUBRESOURCES = frozenset({
    "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber",
    "policy", "requestPayment", "torrent", "versioning", "versionId", "versions", "website",
    "uploads", "uploadId", "response-content-type", "response-content-language",
    "response-expires", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
    "notification", "replication", "analytics", "metrics", "inventory", "select",
    "select-type", "object-lock"})


def canonical_resources(request: Request) -> tuple[str, ...]:
    """The canonical resource; a bucket's root is ``/bucket/`` (what SDKs sign), and
    ``/bucket`` as sent is accepted too."""
    path = request.raw_path or "/"
    if request.virtual_host and request.bucket:
        path = f"/{request.bucket}{path}"
    sub = _subresources(request)
    if request.bucket and path == f"/{request.bucket}":
        return (f"{path}/{sub}", f"{path}{sub}")
    return (f"{path}{sub}",)


def _subresources(request: Request) -> str:
    kept = []
    for pair in request.raw_query.split("&") if request.raw_query else ():
        name, sep, value = pair.partition("=")
        if name in SUBRESOURCES:
            kept.append((name, f"{name}={unquote(value)}" if sep else name))
    if not kept:
        return ""
    kept.sort(key=lambda item: item[0])
    return "?" + "&".join(text for _, text in kept)


def string_to_sign(request: Request, date: str, amz: Mapping[str, str],
                   standard: Mapping[str, str], resource: str) -> str:
    """SigV2's string to sign; ``standard`` holds Content-MD5 and Content-Type."""
    lines = [request.method, standard.get("content-md5", "").strip(),
             standard.get("content-type", "").strip(), date]
    lines.extend(f"{name}:{amz[name].strip()}" for name in sorted(amz))
    return "\n".join(lines) + "\n" + resource


def signature(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode("utf-8", "surrogateescape"), hashlib.sha1)
    return base64.b64encode(digest.digest()).decode()


def _check(request: Request, users: Users, access_key: str, provided: str, date: str,
           amz: Mapping[str, str], standard: Mapping[str, str]) -> Verified:
    user = users.get(access_key)
    if user is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=access_key)
    first = None
    for resource in canonical_resources(request):
        to_sign = string_to_sign(request, date, amz, standard, resource)
        if same(provided, signature(user.secret, to_sign)):
            return Verified(user)
        first = first or to_sign
    raise mismatch(access_key, first or "", provided)


def _amz_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The ``x-amz-*`` headers, their values as sent (see :func:`.signing.as_sent`)."""
    return {name: as_sent(value) for name, value in headers.items()
            if name.startswith("x-amz-")}


def verify_header(request: Request, users: Users) -> Verified:
    """Check ``Authorization: AWS <key>:<signature>``."""
    value = request.headers["authorization"]
    access_key, sep, provided = value[4:].strip().rpartition(":")
    if not sep or not access_key:
        raise InvalidArgument(
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
            ArgumentName="Authorization", ArgumentValue=value)
    headers = request.headers
    # x-amz-date, when sent, is the date (an empty one is no date: S3 does not fall back to
    # Date); a date before 1970 is none either
    given = headers["x-amz-date"] if "x-amz-date" in headers else headers.get("date")
    when = None
    if given:
        try:
            when = parsedate_to_datetime(given)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
    if when is not None:
        when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
        if when < _EPOCH:
            when = None
    if when is None:
        raise AccessDenied(NO_DATE)
    if users.get(access_key) is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=access_key)
    check_skew(when, given or "", request.now)
    date = "" if "x-amz-date" in headers else headers.get("date", "")
    standard = {n: as_sent(headers[n]) for n in ("content-md5", "content-type") if n in headers}
    return _check(request, users, access_key, provided, date, _amz_headers(headers), standard)


def verify_query(request: Request, users: Users) -> Verified:
    """Check a SigV2 presigned URL (``AWSAccessKeyId``, ``Expires``, ``Signature``)."""
    query = request.query
    if not all(query.get(n) for n in ("AWSAccessKeyId", "Expires", "Signature")):
        raise AccessDenied("Query-string authentication requires the Signature, Expires and "
                           "AWSAccessKeyId parameters")
    text = query["Expires"]
    seconds = numbers.count(text)
    if seconds is None:
        raise AccessDenied(f"Invalid date (should be seconds since epoch): {text}")
    expires = datetime.fromtimestamp(min(seconds, _LAST_SECOND), timezone.utc)
    if users.get(query["AWSAccessKeyId"]) is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=query["AWSAccessKeyId"])
    if request.now > expires:
        raise AccessDenied("Request has expired", Expires=iso_seconds(expires),
                           ServerTime=iso_seconds(request.now))
    amz = _amz_headers(request.headers)
    standard = {n: as_sent(request.headers[n]) for n in ("content-md5", "content-type")
                if n in request.headers}
    for name, value in query_pairs(request.raw_query):
        name = unquote(name).lower()
        if name.startswith("x-amz-"):
            amz.setdefault(name, unquote(value))
        elif name in ("content-md5", "content-type"):
            standard.setdefault(name, unquote(value))
    return _check(request, users, query["AWSAccessKeyId"], query["Signature"], text, amz,
                  standard)
