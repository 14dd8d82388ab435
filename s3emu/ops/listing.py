"""Object listing: ListObjects (v1) and ListObjectsV2.

Both answer ``ListBucketResult`` with the page found by :func:`s3emu.model.listing.list_page`.
Query parameters are read and refused the way S3 does (``max-keys``, ``encoding-type``,
``continuation-token``); with ``encoding-type=url`` every key-like value in the response is
URL-encoded as S3 encodes it (form encoding: space as ``+``, ``/`` and ``*`` kept, ``~``
encoded). v2's continuation token is opaque: base64 of a version byte, a CRC32 and the last
entry returned.
"""
from __future__ import annotations

import base64
import binascii
import re
import zlib
from typing import Any, Callable
from urllib.parse import quote_plus

from ..auth.users import DEFAULT_ACCOUNT_ID, DEFAULT_DISPLAY_NAME, canonical_id
from ..errors import InvalidArgument
from ..model.bucket import Bucket
from ..model.listing import Page
from ..model.objects import ObjectVersion
from ..protocol import numbers
from ..operations import BUCKET
from .restore import restore_status
from .registry import Call, Reply, operation

#: S3 returns at most this many entries per page, whatever max-keys asks for.
MAX_KEYS = 1000
_INT32_MAX = 2 ** 31 - 1
_TOKEN_VERSION = b"\x01"


def max_keys_of(query: dict[str, str]) -> int:
    """``max-keys`` as S3 reads it: an int32 of at least 0; default 1000."""
    text = query.get("max-keys")
    if text is None or text == "":
        return MAX_KEYS
    value = numbers.integer(text, signs="+-")
    if value is None or value > _INT32_MAX or value < -_INT32_MAX - 1:
        raise InvalidArgument("Provided max-keys not an integer or within integer range",
                              ArgumentName="max-keys", ArgumentValue=text)
    if value < 0:
        raise InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647",
                              ArgumentName="maxKeys", ArgumentValue=text)
    return value


def _as_it_is(text: str | None) -> str | None:
    return text


def encoder_of(query: dict[str, str]) -> Callable[[str | None], str | None]:
    """The function applied to key-like response values (identity unless encoding-type=url)."""
    if "encoding-type" not in query:
        return _as_it_is
    if query["encoding-type"] != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request",
                              ArgumentName="encoding-type", ArgumentValue=query["encoding-type"])
    return url_encode


#: what ``encoding-type=url`` leaves as it is
_URL_SAFE = re.compile(r"[A-Za-z0-9_.\-/*]*\Z")


def url_encode(text: str | None) -> str | None:
    """S3's ``encoding-type=url`` form of ``text``."""
    if text is None:
        return None
    if _URL_SAFE.match(text):
        return text
    return quote_plus(text, safe="/*", errors="surrogateescape").replace("~", "%7E")


def encode_token(last: str) -> str:
    """An opaque continuation token naming the last entry of a page."""
    raw = last.encode("utf-8", "surrogateescape")
    return base64.b64encode(_TOKEN_VERSION + zlib.crc32(raw).to_bytes(4, "big") + raw).decode()


def decode_token(token: str) -> str:
    """The entry a token from :func:`encode_token` names; InvalidArgument for anything else."""
    try:
        data = base64.b64decode(token.encode("ascii"), validate=True)
        raw = data[5:]
        if data[:1] == _TOKEN_VERSION and data[1:5] == zlib.crc32(raw).to_bytes(4, "big"):
            return raw.decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError):
        pass
    raise InvalidArgument("The continuation token provided is incorrect",
                          ArgumentName="continuation-token", ArgumentValue=token)


def owner_of(call: Call, account_id: str) -> dict[str, str]:
    """``Owner`` (ID, DisplayName) of the account ``account_id``."""
    for user in call.users:
        if user.account_id == account_id:
            return {"ID": user.canonical_id, "DisplayName": user.display_name}
    name = DEFAULT_DISPLAY_NAME if account_id == DEFAULT_ACCOUNT_ID else f"account-{account_id}"
    return {"ID": canonical_id(account_id), "DisplayName": name}


def owners(call: Call) -> Callable[[str], dict[str, str]]:
    """:func:`owner_of` for one listing: each account's ``Owner`` element made once."""
    made: dict[str, dict[str, str]] = {}

    def owner(account_id: str) -> dict[str, str]:
        found = made.get(account_id)
        if found is None:
            found = made[account_id] = owner_of(call, account_id)
        return found
    return owner


def _page(call: Call, after: str | None, max_keys: int) -> tuple[Page, list[ObjectVersion]]:
    """The page (and the versions of its keys), read at one instant."""
    bucket: Bucket = call.store.bucket(call.bucket_name)
    query = call.query
    return bucket.page(prefix=query.get("prefix", ""), delimiter=query.get("delimiter") or None,
                       after=after, max_keys=min(max_keys, MAX_KEYS))


def _contents(call: Call, versions: list[ObjectVersion], encode: Callable[[str], Any],
              with_owner: bool) -> list[dict[str, Any]]:
    owner_of_account = owners(call)
    now = call.clock.now() if wants_restore_status(call) else None
    out = []
    for version in versions:
        owner = owner_of_account(version.owner) if with_owner else None
        entry = {
            "Key": encode(version.key), "LastModified": version.last_modified,
            "ETag": version.etag, "ChecksumAlgorithm": list(version.checksums) or None,
            "ChecksumType": version.checksum_type if version.checksums else None,
            "Size": version.size, "Owner": owner, "StorageClass": version.storage_class}
        if now is not None and version.restore is not None:
            entry["RestoreStatus"] = restore_status(version, now)
        out.append(entry)
    return out


def wants_restore_status(call: Call) -> bool:
    """Whether a listing asked for RestoreStatus (``x-amz-optional-object-attributes``)."""
    asked = call.headers.get("x-amz-optional-object-attributes")
    return asked is not None and "RestoreStatus" in (a.strip() for a in asked.split(","))


def _prefixes(page: Page, encode: Callable[[str], Any]) -> list[dict[str, Any]]:
    prefixes = []
    for prefix in page.prefixes:
        prefixes.append({"Prefix": encode(prefix)})
    return prefixes


@operation("ListObjects", action="s3:ListBucket", kind=BUCKET, acl="READ", listing=True)
def list_objects(call: Call) -> Reply:
    query = call.query
    encode = encoder_of(query)
    max_keys = max_keys_of(query)
    marker = query.get("marker") or None
    delimiter = query.get("delimiter") or None
    page, versions = _page(call, marker, max_keys)
    next_marker = page.last if page.truncated and delimiter else None
    body = {
        "Name": call.bucket, "Prefix": encode(query.get("prefix", "")),
        "Marker": encode(query.get("marker", "")), "NextMarker": encode(next_marker),
        "MaxKeys": max_keys, "Delimiter": encode(delimiter),
        "EncodingType": query.get("encoding-type"), "IsTruncated": page.truncated,
        "Contents": _contents(call, versions, encode, with_owner=True),
        "CommonPrefixes": _prefixes(page, encode),
    }
    return Reply(xml=("ListBucketResult", body))


@operation("ListObjectsV2", action="s3:ListBucket", kind=BUCKET, acl="READ", listing=True)
def list_objects_v2(call: Call) -> Reply:
    query = call.query
    encode = encoder_of(query)
    max_keys = max_keys_of(query)
    token = query.get("continuation-token")
    start_after = query.get("start-after") or None
    after = decode_token(token) if token is not None else start_after
    page, versions = _page(call, after, max_keys)
    body = {
        "Name": call.bucket, "Prefix": encode(query.get("prefix", "")),
        "StartAfter": encode(start_after),     # echoed, with a token too (which wins)
        "ContinuationToken": token,
        "NextContinuationToken": encode_token(page.last or "") if page.truncated else None,
        "KeyCount": len(page), "MaxKeys": max_keys,
        "Delimiter": encode(query.get("delimiter") or None),
        "EncodingType": query.get("encoding-type"), "IsTruncated": page.truncated,
        "Contents": _contents(call, versions, encode,
                              with_owner=query.get("fetch-owner", "").lower() == "true"),
        "CommonPrefixes": _prefixes(page, encode),
    }
    return Reply(xml=("ListBucketResult", body))
