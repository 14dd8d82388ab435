"""Presigned URLs with SigV4 (query authentication), checked against the emulator clock.

A presigned request carries ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``,
``X-Amz-Expires``, ``X-Amz-SignedHeaders`` and ``X-Amz-Signature`` in its query. Missing or
malformed parameters, an ``X-Amz-Expires`` outside 1..604800 and a wrongly scoped credential
are AuthorizationQueryParametersError (400, ``Region`` when the region is wrong); an unknown key
is InvalidAccessKeyId; a URL used after ``X-Amz-Date + X-Amz-Expires`` is 403 AccessDenied
"Request has expired" (with ``X-Amz-Expires``, ``Expires`` and ``ServerTime``), one dated more
than 15 minutes ahead is "Request is not valid yet"; ``x-amz-*`` headers sent but not signed are
AccessDenied (``HeadersNotSigned``); then the signature is checked over the headers the URL
signed, so a presigned PUT whose Content-Type was signed refuses any other Content-Type.

This module imports only the standard library, errors and the auth package.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..errors import AccessDenied, AuthorizationQueryParametersError, InvalidAccessKeyId
from ..protocol import numbers
from .request import Request, Verified
from .signing import (ALGORITHM, MAX_SKEW_SECONDS, UNSIGNED_PAYLOAD, canonical_queries,
                      iso_seconds, parse_amz_date)
from .sigv4 import check_scope, check_signature, split_credential

if TYPE_CHECKING:
    from .users import Users

#: The longest a SigV4 presigned URL may live: seven days.
MAX_EXPIRES = 7 * 24 * 3600
_REQUIRED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
             "X-Amz-SignedHeaders", "X-Amz-Expires")
_PREFIX = "Error parsing the X-Amz-Credential parameter; "


def _expires(text: str) -> int:
    seconds = numbers.integer(text, signs="-")
    if seconds is None:
        raise AuthorizationQueryParametersError("X-Amz-Expires should be a number")
    if seconds < 1:
        raise AuthorizationQueryParametersError("X-Amz-Expires must be non-negative")
    if seconds > MAX_EXPIRES:
        raise AuthorizationQueryParametersError(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given "
            "X-Amz-Expires must be less than 604800 seconds")
    return seconds


def verify_query(request: Request, users: Users) -> Verified:
    """Check a request presigned with SigV4."""
    query = request.query
    if not all(name in query for name in _REQUIRED):
        raise AuthorizationQueryParametersError(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.")
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise AuthorizationQueryParametersError(
            f'X-Amz-Algorithm only supports "{ALGORITHM}"')
    parts = split_credential(query["X-Amz-Credential"])
    if parts is None:
        raise AuthorizationQueryParametersError(
            _PREFIX + 'the Credential is mal-formed; expecting '
            '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    timestamp = query["X-Amz-Date"]
    signed_at = parse_amz_date(timestamp)
    if signed_at is None:
        raise AuthorizationQueryParametersError(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    expires = _expires(query["X-Amz-Expires"])
    check_scope(parts, timestamp, request.expected_region, request.region_from_bucket,
                AuthorizationQueryParametersError, _PREFIX)
    user = users.get(parts[0])
    if user is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=parts[0])
    now = request.now
    if signed_at - now > timedelta(seconds=MAX_SKEW_SECONDS):
        raise AccessDenied("Request is not valid yet")
    ends = signed_at + timedelta(seconds=expires)
    if now > ends:
        expired: dict[str, Any] = {
            "X-Amz-Expires": str(expires), "Expires": iso_seconds(ends),
            "ServerTime": iso_seconds(now)}
        raise AccessDenied("Request has expired", **expired)
    signed = query["X-Amz-SignedHeaders"].split(";")
    unsigned = sorted(name for name in request.headers
                      if name.startswith("x-amz-") and name not in signed)
    if unsigned:
        raise AccessDenied("There were headers present in the request which were not signed",
                           HeadersNotSigned=", ".join(unsigned))
    if "x-amz-content-sha256" in signed:
        content_hash = request.headers.get("x-amz-content-sha256", "")
    else:
        content_hash = query.get("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD)
    scope = "/".join(parts[1:])
    key = users.signing_key(user.secret, parts[1], parts[2])
    provided = query["X-Amz-Signature"]
    check_signature(request, key, user.access_key, provided, timestamp, scope,
                    canonical_queries(request.raw_query, without="X-Amz-Signature"), signed,
                    content_hash)
    return Verified(user, key, scope, timestamp, provided)
