"""Browser-based uploads (POST Object): the form's signature and its policy document.

A signed form carries ``policy`` (base64 JSON ``{"expiration": ..., "conditions": [...]}``)
and either SigV4 fields (``x-amz-algorithm``, ``x-amz-credential``, ``x-amz-date``,
``x-amz-signature`` = hex HMAC of the policy under the SigV4 signing key) or SigV2 fields
(``AWSAccessKeyId``, ``signature`` = base64 HMAC-SHA1 of the policy). :func:`authorize`
checks, in order: the policy document (InvalidPolicyDocument, 400), the access key and the
signature (InvalidAccessKeyId, SignatureDoesNotMatch, 403), the expiration against the
emulator clock, every condition (``{"field": value}`` / ``["eq", "$field", value]``,
``["starts-with", "$field", prefix]``; 403 AccessDenied "Invalid according to Policy: ..."),
that every form field is covered by a condition (``bucket`` included; ``policy``, the
signature, ``file`` and ``x-ignore-*`` exempt), and ``content-length-range`` (EntityTooSmall /
EntityTooLarge). Field names and condition names are case-insensitive, values are not.

This module imports only the standard library, errors and the auth package.
"""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from collections.abc import Mapping

from ..errors import (S3Error, AccessDenied, AuthorizationQueryParametersError, EntityTooLarge,
                      EntityTooSmall, InvalidAccessKeyId, InvalidArgument, InvalidPolicyDocument)
from ..protocol import jsontext, numbers
from .signing import ALGORITHM, mismatch, parse_amz_date, same, sign_hex
from .sigv2 import signature as sigv2_signature
from .sigv4 import split_credential
from .tokens import check_token

if TYPE_CHECKING:
    from .users import User, Users

#: Form fields that need no policy condition.
EXEMPT = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})
_SIGV4_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature")
_INVALID = "Invalid according to Policy: "


def missing_field(name: str) -> S3Error:
    return InvalidArgument(f"Bucket POST must contain a field named '{name}'.  If it is "
                           "specified, please check the order of the fields.",
                           ArgumentName=name, ArgumentValue="")


def is_signed(fields: Mapping[str, str]) -> bool:
    """True if a form presents credentials (an unsigned form is an anonymous upload)."""
    return any(name in fields for name in ("policy", "awsaccesskeyid", "signature",
                                           *_SIGV4_FIELDS))


def _policy_error(detail: str) -> S3Error:
    return InvalidPolicyDocument(f"Invalid Policy: {detail}")


def decode(policy: str) -> dict[str, Any]:
    """The policy document; InvalidPolicyDocument if it is not base64 JSON with both keys."""
    try:
        document = jsontext.loads(base64.b64decode(policy.encode("ascii"), validate=False))
    except (binascii.Error, UnicodeError, ValueError):
        raise _policy_error("Invalid JSON.") from None
    if not isinstance(document, dict):
        raise _policy_error("Invalid JSON.")
    if "expiration" not in document:
        raise _policy_error("Policy missing expiration.")
    if "conditions" not in document:
        raise _policy_error("Policy missing conditions.")
    if not isinstance(document["conditions"], list):
        raise _policy_error("Invalid 'conditions' value: must be a list.")
    return document


def expiration(document: Mapping[str, Any]) -> datetime:
    text = document["expiration"]
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if not isinstance(text, str) or "T" not in text or when.tzinfo is None:
            raise ValueError(text)
    except ValueError:
        raise _policy_error(f"Invalid 'expiration' value: '{text}'") from None
    return when.astimezone(timezone.utc)


def conditions(document: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """``(operation, lower-case field, operand)`` for each condition of the policy."""
    out: list[tuple[str, str, Any]] = []
    for item in document["conditions"]:
        if isinstance(item, dict):
            if len(item) != 1:
                raise _policy_error("Invalid Simple-Condition: Simple-Conditions must have "
                                    "exactly one property specified.")
            (name, value), = item.items()
            if not isinstance(value, str):
                raise _policy_error("Invalid Simple-Condition: value must be a string.")
            out.append(("eq", name.lower(), value))
        elif isinstance(item, list) and item and isinstance(item[0], str):
            out.append(_list_condition([item[0].lower(), *item[1:]]))
        else:
            raise _policy_error("Invalid Condition: condition must be an object or a list.")
    return out


def _bound(value: Any) -> int:
    """A content-length-range bound: a JSON integer or a string of ASCII digits."""
    if type(value) is int:
        return value
    number = numbers.integer(value, signs="-") if isinstance(value, str) else None
    if number is None:
        raise ValueError(value)
    return number


def _list_condition(item: list[Any]) -> tuple[str, str, Any]:
    op = item[0]
    if op == "content-length-range":
        try:
            low, high = (_bound(v) for v in item[1:])
            if low < 0 or low > high:
                raise ValueError(item)
        except (TypeError, ValueError):
            raise _policy_error("Invalid content-length-range: expecting two non-negative "
                                "integers, the first not above the second.") from None
        return op, "", (low, high)
    if op not in ("eq", "starts-with"):
        raise _policy_error(f"Invalid Condition: unknown operation '{item[0]}'.")
    if len(item) != 3 or not isinstance(item[1], str) or not isinstance(item[2], str) \
            or not item[1].startswith("$"):
        raise _policy_error(f"Invalid Condition: '{op}' expects [\"{op}\", \"$field\", "
                            "\"value\"].")
    return op, item[1][1:].lower(), item[2]


def _holds(op: str, value: str | None, operand: str, field: str) -> bool:
    if value is None:
        return False
    if op == "eq":
        return value == operand
    if field == "content-type":
        return all(part.strip().startswith(operand) for part in value.split(","))
    return value.startswith(operand)


def _failed(op: str, field: str, operand: str) -> S3Error:
    shown = json.dumps([op, f"${field}", operand])
    return AccessDenied(f"{_INVALID}Policy Condition failed: {shown}")


def _signer(fields: Mapping[str, str], users: Users, region: str | None) -> User:
    """Check the form's signature over its policy; the user who signed it."""
    policy = fields["policy"]
    if "x-amz-signature" in fields or "x-amz-credential" in fields:
        for name in _SIGV4_FIELDS:
            if name not in fields:
                raise missing_field(name)
        if fields["x-amz-algorithm"] != ALGORITHM:
            raise InvalidArgument(f'X-Amz-Algorithm only supports "{ALGORITHM}"',
                                  ArgumentName="x-amz-algorithm",
                                  ArgumentValue=fields["x-amz-algorithm"])
        parts = split_credential(fields["x-amz-credential"])
        if parts is None or parse_amz_date(fields["x-amz-date"]) is None:
            raise AuthorizationQueryParametersError(
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
        if region is not None and parts[2] != region:
            raise AuthorizationQueryParametersError(
                f"Error parsing the X-Amz-Credential parameter; the region '{parts[2]}' is "
                f"wrong; expecting '{region}'", Region=region)
        user = users.get(parts[0])
        if user is None:
            raise InvalidAccessKeyId(AWSAccessKeyId=parts[0])
        expected = sign_hex(users.signing_key(user.secret, parts[1], parts[2], parts[3]),
                            policy)
        provided = fields["x-amz-signature"]
    else:
        for name in ("AWSAccessKeyId", "Signature"):
            if name.lower() not in fields:
                raise missing_field(name)
        user = users.get(fields["awsaccesskeyid"])
        if user is None:
            raise InvalidAccessKeyId(AWSAccessKeyId=fields["awsaccesskeyid"])
        expected = sigv2_signature(user.secret, policy)
        provided = fields["signature"]
    if not same(provided, expected):
        raise mismatch(user.access_key, policy, provided)
    return user


def authorize(fields: Mapping[str, str], bucket: str, size: int, *, users: Users,
              now: datetime, region: str | None, verify: bool = True) -> User | None:
    """Check a signed form (lower-case field names) uploading ``size`` bytes to ``bucket``.

    Returns the user who signed it (None when ``verify`` is false and the key is unknown).
    """
    if "policy" not in fields:
        raise missing_field("policy")
    document = decode(fields["policy"])
    ends = expiration(document)
    rules = conditions(document)
    user = None
    if verify:
        user = _signer(fields, users, region)
        check_token(user, fields.get("x-amz-security-token"), now)
        if now > ends:
            raise AccessDenied(f"{_INVALID}Policy expired.")
    else:
        user = users.get(fields.get("awsaccesskeyid") or
                         fields.get("x-amz-credential", "").partition("/")[0])
    values = {**fields, "bucket": bucket}
    covered: set[str] = set()
    for op, field, operand in rules:
        if op == "content-length-range":
            low, high = operand
            if size < low:
                raise EntityTooSmall(ProposedSize=str(size), MinSizeAllowed=str(low))
            if size > high:
                raise EntityTooLarge(ProposedSize=str(size), MaxSizeAllowed=str(high))
            continue
        covered.add(field)
        if not _holds(op, values.get(field), operand, field):
            raise _failed(op, field, operand)
    extra = [name for name in ("bucket", *fields) if name not in covered
             and name not in EXEMPT and not name.startswith("x-ignore-")]
    if extra:
        raise AccessDenied(f"{_INVALID}Extra input fields: {', '.join(extra)}")
    return user
