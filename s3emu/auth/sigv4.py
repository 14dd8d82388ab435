"""AWS Signature Version 4 in the Authorization header, and the canonical request both SigV4
forms (header and presigned query) share.

``Authorization: AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request,
SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=<hex>`` is checked in S3's order:
header syntax (AuthorizationHeaderMalformed), a valid ``x-amz-date`` or ``Date`` (AccessDenied),
the credential scope (date, region, service, terminal: AuthorizationHeaderMalformed, with
``Region`` when the region is wrong), the access key (InvalidAccessKeyId), the time against the
emulator clock (RequestTimeTooSkewed beyond 15 minutes), ``x-amz-content-sha256`` (required;
a hex digest, ``UNSIGNED-PAYLOAD`` or a ``STREAMING-*`` token), then the signature
(SignatureDoesNotMatch, carrying StringToSign and CanonicalRequest).

This module imports only the standard library, errors and the auth package.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, NamedTuple
from collections.abc import Mapping, Sequence

from ..errors import (AccessDenied, AuthorizationHeaderMalformed, InvalidAccessKeyId,
                      InvalidArgument, InvalidRequest, NotImplemented_, RequestTimeTooSkewed,
                      S3Error)
from .identify import usual_form
from .request import Request, Verified
from .signing import (ALGORITHM, MAX_SKEW_SECONDS, PAYLOAD_TOKENS, STREAMING_ECDSA,
                      STREAMING_ECDSA_TRAILER, SIGV4_TIME_FORMAT, SigningKey, canonical_headers,
                      canonical_queries, canonical_uris, is_sha256_hex, iso_seconds, mismatch,
                      parse_amz_date, same, sha256_hex, sign_hex)

if TYPE_CHECKING:
    from .users import User, Users

_MALFORMED = "The authorization header is malformed; "
_CREDENTIAL_FORM = ('the Credential is mal-formed; expecting '
                    '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
NO_DATE = "AWS authentication requires a valid Date or x-amz-date header"
_MAX_SKEW = timedelta(seconds=MAX_SKEW_SECONDS)


def check_signature(request: Request, key: SigningKey, access_key: str, provided: str,
                    timestamp: str, scope: str, queries: tuple[str, ...],
                    signed: Sequence[str], content_hash: str) -> None:
    """Compare ``provided`` with the signature of the request; SignatureDoesNotMatch.

    The canonical request is ``method, uri, query, canonical headers, signed header names,
    payload hash``, one per line. Each reading of the raw path and query (see
    :func:`canonical_uris`) is tried; the error shows the first."""
    first = None
    head = f"{ALGORITHM}\n{timestamp}\n{scope}\n"     # the string to sign, but its last line
    tail = f"{canonical_headers(signed, request.headers)}\n{';'.join(signed)}\n{content_hash}"
    for uri in canonical_uris(request.raw_path):
        for query in queries:
            canonical = f"{request.method}\n{uri}\n{query}\n{tail}"
            to_sign = head + sha256_hex(canonical)
            if same(provided, sign_hex(key, to_sign)):
                return
            first = first or (to_sign, canonical)
    assert first is not None
    raise mismatch(access_key, first[0], provided, first[1])


def split_credential(credential: str) -> list[str] | None:
    """``[access key, date, region, service, terminal]``, or None if malformed."""
    parts = credential.split("/")
    if len(parts) != 5 or not parts[0] or len(parts[1]) != 8 or not parts[1].isdigit():
        return None
    return parts


def check_scope(parts: list[str], timestamp: str, expected: str | None, from_bucket: bool,
                error: type[S3Error], prefix: str) -> None:
    """The credential scope against the request date, the expected region (None: any; with
    ``from_bucket``, the addressed bucket's) and the service."""
    _, date, region, service, terminal = parts
    if date != timestamp[:8]:
        raise error(f'{prefix}Invalid credential date "{date}". This date is not the same as '
                    f'X-Amz-Date: "{timestamp[:8]}".')
    if expected is not None and region != expected:
        headers = {"x-amz-bucket-region": expected} if from_bucket else None
        raise error(f"{prefix}the region '{region}' is wrong; expecting '{expected}'",
                    headers=headers, Region=expected)
    if service != "s3":
        raise error(f'{prefix}incorrect service "{service}". This endpoint belongs to "s3".')
    if terminal != "aws4_request":
        raise error(f'{prefix}incorrect terminal "{terminal}". This endpoint uses '
                    '"aws4_request".')


def parse_authorization(value: str, usual: tuple[str, str, str] | None
                        ) -> tuple[list[str], list[str], str]:
    """``(credential parts, signed header names, signature)`` of a SigV4 header; ``usual``
    is its :func:`.identify.usual_form`."""
    if usual is not None:
        parts = split_credential(usual[0])
        if parts is not None:
            return parts, usual[1].split(";"), usual[2]
    rest = value[len(ALGORITHM):]
    if not rest.startswith(" "):
        raise AuthorizationHeaderMalformed(
            f"{_MALFORMED}the authorization header requires three components: Credential, "
            "SignedHeaders, and Signature.")
    found: dict[str, str] = {}
    for component in rest.split(","):
        name, sep, val = component.strip().partition("=")
        if not sep:
            raise AuthorizationHeaderMalformed(
                f'{_MALFORMED}the authorization component "{component.strip()}" is '
                "malformed.")
        found[name] = val
    if not all(found.get(k) for k in ("Credential", "SignedHeaders", "Signature")):
        raise AuthorizationHeaderMalformed(
            f"{_MALFORMED}the authorization header requires three components: Credential, "
            "SignedHeaders, and Signature.")
    parts = split_credential(found["Credential"])
    if parts is None:
        raise AuthorizationHeaderMalformed(_MALFORMED + _CREDENTIAL_FORM)
    return parts, found["SignedHeaders"].split(";"), found["Signature"]


def request_time(headers: Mapping[str, str]) -> tuple[datetime, str, str]:
    """``(time, timestamp for the string to sign, header value as sent)``; AccessDenied if
    neither ``x-amz-date`` nor ``Date`` is a valid date."""
    given = headers.get("x-amz-date")
    if given is not None:
        when = parse_amz_date(given.strip())
        if when is None:
            raise AccessDenied(NO_DATE)
        return when, given.strip(), given
    given = headers.get("date")
    if given:
        try:
            when = parsedate_to_datetime(given)
        except (TypeError, ValueError, IndexError):
            raise AccessDenied(NO_DATE) from None
        when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
        return when, when.astimezone(timezone.utc).strftime(SIGV4_TIME_FORMAT), given
    raise AccessDenied(NO_DATE)


def check_skew(when: datetime, given: str, now: datetime) -> None:
    if abs(now - when) > _MAX_SKEW:
        raise RequestTimeTooSkewed(RequestTime=given, ServerTime=iso_seconds(now),
                                   MaxAllowedSkewMilliseconds=str(MAX_SKEW_SECONDS * 1000))


def payload_hash(headers: Mapping[str, str]) -> str:
    """The ``x-amz-content-sha256`` a header-signed request must carry."""
    value = headers.get("x-amz-content-sha256")
    if value is None:
        raise InvalidRequest("Missing required header for this request: x-amz-content-sha256")
    if value in PAYLOAD_TOKENS or is_sha256_hex(value):
        if value in (STREAMING_ECDSA, STREAMING_ECDSA_TRAILER):
            raise NotImplemented_("s3emu does not implement SigV4a (ECDSA) chunk signing.",
                                  Header="x-amz-content-sha256")
        return value
    raise InvalidArgument(
        "x-amz-content-sha256 must be " + ", ".join(PAYLOAD_TOKENS) + " or a valid sha256 "
        "value.",
        ArgumentName="x-amz-content-sha256", ArgumentValue=value)


class Checked(NamedTuple):
    """A credential whose scope, date and access key checked out, and what the signature
    check needs of it."""

    user: User
    #: the request time, and the date header's value as sent
    when: datetime
    given: str
    key: SigningKey
    scope: str
    #: the timestamp of the string to sign
    timestamp: str
    signed: tuple[str, ...]


def _checked(users: Users, parts: list[str], signed: list[str], when: datetime,
             timestamp: str, given: str, expected: str | None, from_bucket: bool) -> Checked:
    check_scope(parts, timestamp, expected, from_bucket, AuthorizationHeaderMalformed,
                _MALFORMED)
    user = users.get(parts[0])
    if user is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=parts[0])
    return Checked(user, when, given, users.signing_key(user.secret, parts[1], parts[2]),
                   "/".join(parts[1:]), timestamp, tuple(signed))


def checked_credential(users: Users, credential: str, signed: str, amz_date: str,
                       expected: str | None, from_bucket: bool) -> Checked:
    """The checks before the signature of a header in the usual form (``credential`` and
    ``signed`` are its parts, :func:`.identify.usual_form`) with an ``x-amz-date``.

    They depend on these arguments alone, which repeat from request to request (an SDK signs
    each request anew, but with the same credential and signed headers, and the same date
    within a second): each :class:`~.users.Users` memoizes this for its users, so a request
    whose credential was checked a moment ago skips parsing and checking it again (the
    signature itself is checked every time). Saves 10-12 µs a request (``bench/tricks.py``, see
    :mod:`s3emu.memo`)."""
    parts = split_credential(credential)
    if parts is None:
        raise AuthorizationHeaderMalformed(_MALFORMED + _CREDENTIAL_FORM)
    when, timestamp, given = request_time({"x-amz-date": amz_date})
    return _checked(users, parts, signed.split(";"), when, timestamp, given, expected,
                    from_bucket)


def verify_header(request: Request, users: Users) -> Verified:
    """Check a request signed with SigV4 in its Authorization header."""
    headers = request.headers
    authorization = headers["authorization"]
    credential = request.credential
    usual = credential.usual if credential is not None else usual_form(authorization)
    amz_date = headers.get("x-amz-date")
    if usual is not None and amz_date is not None:
        checked = users.memoized(checked_credential)(
            usual[0], usual[1], amz_date, request.expected_region, request.region_from_bucket)
        provided = usual[2]
    else:
        parts, signed, provided = parse_authorization(authorization, usual)
        when, timestamp, given = request_time(headers)
        checked = _checked(users, parts, signed, when, timestamp, given,
                           request.expected_region, request.region_from_bucket)
    user, when, given, key, scope, timestamp, signed_names = checked
    check_skew(when, given, request.now)
    content_hash = payload_hash(headers)
    check_signature(request, key, user.access_key, provided, timestamp, scope,
                    canonical_queries(request.raw_query), signed_names, content_hash)
    return Verified(user, key, scope, timestamp, provided)
