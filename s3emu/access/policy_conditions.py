"""The Condition block of a policy statement: operators, keys, and how they evaluate.

A block is ``{"Operator": {"key": value-or-list, ...}, ...}``: every operator and every key
must hold (AND); a key holds if the request's value matches any of the listed values (OR) for
a positive operator, none of them for a negated one (``StringNotEquals``, ``NotIpAddress``,
``ArnNotLike`` ...). As in IAM, a key the request does not carry makes a positive operator
false and a negated one true; ``...IfExists`` makes a missing key true; ``Null`` tests for the
key's absence; ``ForAnyValue:`` / ``ForAllValues:`` compare a multi-valued key.

The request context maps lower-case key names to lists of strings (see
:mod:`s3emu.access.enforce` for the keys s3emu provides).

This module imports only the standard library and errors.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence

from ..errors import MalformedPolicy

Context = Mapping[str, Sequence[str]]

_STRING = {"StringEquals": "eq", "StringNotEquals": "eq", "StringEqualsIgnoreCase": "ieq",
           "StringNotEqualsIgnoreCase": "ieq", "StringLike": "like", "StringNotLike": "like",
           "ArnEquals": "like", "ArnNotEquals": "like", "ArnLike": "like",
           "ArnNotLike": "like", "BinaryEquals": "binary", "Bool": "bool",
           "IpAddress": "ip", "NotIpAddress": "ip", "Null": "null"}
_NUMERIC = {"Equals": lambda a, b: a == b, "NotEquals": lambda a, b: a == b,
            "LessThan": lambda a, b: a < b, "LessThanEquals": lambda a, b: a <= b,
            "GreaterThan": lambda a, b: a > b, "GreaterThanEquals": lambda a, b: a >= b}
_NEGATED = frozenset({"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
                      "ArnNotEquals", "ArnNotLike", "NotIpAddress", "NumericNotEquals",
                      "DateNotEquals"})

#: Condition keys S3 defines (lower-case); ``aws:`` global keys are all accepted, and so are
#: the ``s3:ExistingObjectTag/<key>`` and ``s3:RequestObjectTag/<key>`` families.
S3_KEYS = frozenset(k.lower() for k in (
    "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:x-amz-acl", "s3:x-amz-grant-read",
    "s3:x-amz-grant-write", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp",
    "s3:x-amz-grant-full-control", "s3:x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-storage-class",
    "s3:x-amz-copy-source", "s3:x-amz-metadata-directive", "s3:x-amz-content-sha256",
    "s3:x-amz-website-redirect-location", "s3:VersionId", "s3:RequestObjectTagKeys",
    "s3:signatureversion", "s3:signatureAge", "s3:authType", "s3:TlsVersion",
    "s3:ResourceAccount", "s3:AccessPointNetworkOrigin", "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn", "s3:LocationConstraint", "s3:object-lock-mode",
    "s3:object-lock-retain-until-date", "s3:object-lock-remaining-retention-days",
    "s3:object-lock-legal-hold", "s3:x-amz-object-ownership", "s3:ObjectCreationOperation",
    "s3:if-match", "s3:if-none-match", "s3:x-amz-checksum-algorithm",
    "s3:x-amz-server-side-encryption-context", "s3:BucketTag"))
_TAG_FAMILIES = ("s3:existingobjecttag/", "s3:requestobjecttag/", "aws:resourcetag/",
                 "aws:requesttag/", "s3:buckettag/")


def glob_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run of characters, ``?`` one character; nothing else."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts) + r"\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _date(text: str) -> datetime | None:
    text = text.strip()
    try:
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            return datetime.fromtimestamp(float(text), timezone.utc)
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def _number(text: str) -> float | None:
    """A Numeric condition's value: ASCII digits only (``float()`` would also read ``٣``,
    ``1_0`` and padding with whitespace)."""
    if len(text) > 400 or _DECIMAL.match(text) is None:
        return None
    return float(text)


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise MalformedPolicy("Invalid IP address or CIDR block in condition: "
                              f"{text}") from None


def _matcher(operator: str, values: list[str]) -> Callable[[str], bool]:
    """A test of one request value against the policy's values (any of them)."""
    kind = _STRING.get(operator)
    if kind == "null":
        return lambda value: True
    if kind == "eq":
        wanted = set(values)
        return wanted.__contains__
    if kind == "ieq":
        lowered = {v.lower() for v in values}
        return lambda value: value.lower() in lowered
    if kind == "like":
        patterns = [glob_regex(v) for v in values]
        return lambda value: any(p.match(value) for p in patterns)
    if kind == "bool":
        flags = {v.lower() for v in values}
        return lambda value: value.lower() in flags
    if kind == "binary":
        return set(values).__contains__
    if kind == "ip":
        networks = [_network(v) for v in values]

        def in_network(value: str) -> bool:
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                return False
            return any(address in n for n in networks if n.version == address.version)
        return in_network
    if operator.startswith("Numeric"):
        return _ordered(operator, "Numeric", values, _number, "numeric")
    return _ordered(operator, "Date", values, _date, "date")


def _ordered(operator: str, family: str, values: list[str], parse: Callable[[str], Any],
             kind: str) -> Callable[[str], bool]:
    """A Numeric* / Date* test: ``parse`` each side, compare with the operator's relation."""
    compare = _NUMERIC[operator[len(family):]]
    bounds = [parse(v) for v in values]
    if any(b is None for b in bounds):
        raise MalformedPolicy(f"Invalid {kind} value in condition {operator}")

    def test(value: str) -> bool:
        got = parse(value)
        return got is not None and any(compare(got, b) for b in bounds)
    return test


def _base_operator(name: str) -> tuple[str, str | None, bool]:
    """``(operator, set qualifier or None, if-exists)``; MalformedPolicy if unknown."""
    qualifier = None
    operator = name
    if ":" in name:
        qualifier, _, operator = name.partition(":")
        if qualifier not in ("ForAnyValue", "ForAllValues"):
            raise MalformedPolicy(f"Invalid Condition type : {name}")
    if_exists = operator.endswith("IfExists") and operator != "IfExists"
    if if_exists:
        operator = operator[: -len("IfExists")]
    known = operator in _STRING or (
        operator.startswith(("Numeric", "Date"))
        and operator.partition("Numeric" if operator.startswith("Numeric") else "Date")[2]
        in _NUMERIC)
    if not known or (operator == "Null" and (if_exists or qualifier)):
        raise MalformedPolicy(f"Invalid Condition type : {name}")
    return operator, qualifier, if_exists


def check_key(key: str) -> None:
    """MalformedPolicy unless ``key`` is a global ``aws:`` key or a key S3 defines."""
    lowered = key.lower()
    if lowered.startswith("aws:") and len(lowered) > 4:
        return
    if lowered in S3_KEYS or (lowered.startswith(_TAG_FAMILIES) and "/" in lowered
                              and not lowered.endswith("/")):
        return
    raise MalformedPolicy("Policy has an invalid condition key")


@dataclass(frozen=True)
class Test:
    """One operator applied to one key."""

    operator: str
    key: str                       # lower-case
    values: tuple[str, ...]
    qualifier: str | None
    if_exists: bool
    test: Callable[[str], bool]

    def holds(self, context: Context) -> bool:
        found = context.get(self.key)
        if self.operator == "Null":
            absent = not found
            return any((v.lower() == "true") == absent for v in self.values)
        negated = self.operator in _NEGATED
        if not found:
            if self.qualifier == "ForAllValues":
                return True
            if self.qualifier == "ForAnyValue":
                return False
            return self.if_exists or negated
        results = [self.test(v) != negated for v in found]
        if self.qualifier == "ForAllValues":
            return all(results)
        if self.qualifier == "ForAnyValue":
            return any(results)
        return all(results) if negated else any(results)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise MalformedPolicy("Invalid Condition value")


def compile_block(block: Any) -> tuple[Test, ...]:
    """The tests of a statement's ``Condition``; MalformedPolicy when it is malformed."""
    if not isinstance(block, dict):
        raise MalformedPolicy("Invalid Condition block")
    tests = []
    for name, keys in block.items():
        operator, qualifier, if_exists = _base_operator(name)
        if not isinstance(keys, dict) or not keys:
            raise MalformedPolicy(f"Invalid Condition block for {name}")
        for key, raw in keys.items():
            check_key(key)
            values = [_text(v) for v in (raw if isinstance(raw, list) else [raw])]
            if not values:
                raise MalformedPolicy(f"Invalid Condition value for {key}")
            if operator == "BinaryEquals":
                for value in values:
                    try:
                        base64.b64decode(value, validate=True)
                    except (binascii.Error, ValueError):
                        raise MalformedPolicy("Invalid Condition value for BinaryEquals") \
                            from None
            tests.append(Test(operator, key.lower(), tuple(values), qualifier, if_exists,
                              _matcher(operator, values)))
    return tuple(tests)


def all_hold(tests: Sequence[Test], context: Context) -> bool:
    return all(t.holds(context) for t in tests)
