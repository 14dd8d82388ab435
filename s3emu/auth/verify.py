"""Authenticating a request: pick the signer its credential names, verify, and arrange the
payload checks that can only run once the body has been read.

:func:`authenticate` takes the request, its operation's record and the users, clock and
settings; it returns an :class:`~.request.Authenticated` (the user, ``ANONYMOUS`` for unsigned
requests that :mod:`.anonymous` lets through; the credential; the payload check) or raises the
error S3 answers. When the payload is covered by the signature the check is kept on the result,
and ``Call.decoded()`` runs it on the decoded body:

- a hex ``x-amz-content-sha256`` is compared with the SHA-256 of the body
  (XAmzContentSHA256Mismatch);
- ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`` chunk signatures are verified along the
  chain (:mod:`.streaming`).

An operation whose record says ``unauthenticated`` (the CORS preflight) is anonymous,
unchecked. With ``auth="off"`` nothing is checked: a request acts as the user whose access
key it names, or as the first user (unsigned requests too).

This module imports the standard library, errors, the protocol package, the operation records
and the auth package.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from collections.abc import Callable, Mapping

from ..errors import InvalidArgument, NotImplemented_, XAmzContentSHA256Mismatch
from . import presign, sigv2, sigv4
from .anonymous import authorize_anonymous
from .request import Authenticated, Request, Verified
from .signing import STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, is_sha256_hex
from .streaming import chunk_verifier
from .tokens import check_token
from .users import ANONYMOUS, User

if TYPE_CHECKING:
    from ..clock import Clock
    from ..operations import Operation
    from ..protocol.addressing import Address
    from ..protocol.chunked import Decoded
    from ..settings import Settings
    from .identify import Credential
    from .users import Users

_SIGNERS: dict[str, Callable[[Request, Any], Verified]] = {
    "sigv4": sigv4.verify_header,
    "sigv4-query": presign.verify_query,
    "sigv2": sigv2.verify_header,
    "sigv2-query": sigv2.verify_query,
}
_QUERY_AUTH = frozenset({"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                         "AWSAccessKeyId", "Signature"})


def authenticate(credential: Credential, method: str, where: Address,
                 headers: Mapping[str, str], query: Mapping[str, str], raw_query: str,
                 op: Operation, *, users: Users, clock: Clock, settings: Settings,
                 bucket_region: Callable[[str], str | None]) -> Authenticated:
    """Who a request comes from, its signature verified against ``clock``.

    :param credential: what the request claims (:func:`.identify.claimed_credential`).
    :param raw_query: the query string as sent (signatures cover it, not decoded values).
    :param bucket_region: the region of a bucket by name (None: no such bucket).
    """
    if op.unauthenticated:
        return Authenticated(ANONYMOUS, credential)
    if settings.auth == "off":
        found = users.get(credential.access_key) if credential.access_key else None
        return Authenticated(found or users.default, credential)
    scheme = credential.scheme
    if scheme == "anonymous":
        authorize_anonymous(op, where.bucket, where.key,
                            lambda name: bucket_region(name) is not None)
        return Authenticated(ANONYMOUS, credential)
    authorization = headers.get("authorization")
    if scheme == "sigv4a":
        raise NotImplemented_("s3emu does not implement SigV4a (AWS4-ECDSA-P256-SHA256).",
                              Header="Authorization")
    if scheme not in _SIGNERS:
        raise InvalidArgument("Unsupported Authorization Type", ArgumentName="Authorization",
                              ArgumentValue=authorization)
    if authorization and query and not _QUERY_AUTH.isdisjoint(query):
        raise InvalidArgument(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
            "Signature query string parameter or the Authorization header should be specified",
            ArgumentName="Authorization", ArgumentValue=authorization)
    expected, from_bucket = where.region, False
    if where.bucket and not op.any_region:
        region = bucket_region(where.bucket)
        if region is not None:              # the scope must name the bucket's region
            expected, from_bucket = region, True
    request = Request(method, where.raw_path, raw_query, headers, query, where.bucket,
                      where.virtual_host, clock.now(), expected, from_bucket, credential)
    verified = _SIGNERS[scheme](request, users)
    _check_token(verified.user, headers, query, request.now)
    check = _payload_check(headers.get("x-amz-content-sha256"), scheme, verified)
    return Authenticated(verified.user, credential, check)


def _check_token(user: User, headers: Mapping[str, str], query: Mapping[str, str],
                 now: datetime) -> None:
    """The session token of a header-signed or presigned request (``x-amz-security-token``,
    or ``X-Amz-Security-Token`` / ``x-amz-security-token`` in a presigned URL)."""
    check_token(user, headers.get("x-amz-security-token") or query.get("X-Amz-Security-Token")
                or query.get("x-amz-security-token"), now)


def _payload_check(content_hash: str | None, scheme: str,
                   verified: Verified) -> Callable[[Decoded], None] | None:
    if not content_hash:
        return None
    if is_sha256_hex(content_hash):
        return partial(_check_hash, content_hash.lower())
    if scheme == "sigv4" and content_hash in (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER):
        return chunk_verifier(verified, trailer=content_hash == STREAMING_SIGNED_TRAILER)
    return None


def _check_hash(claimed: str, decoded: Decoded) -> None:
    """XAmzContentSHA256Mismatch unless the body's SHA-256 is ``claimed`` (lower-case hex)."""
    digest = hashlib.sha256()
    for segment in decoded.payload.segments:
        digest.update(segment)
    computed = digest.hexdigest()
    if computed != claimed:
        raise XAmzContentSHA256Mismatch(ClientComputedContentSHA256=claimed,
                                        S3ComputedContentSHA256=computed)
