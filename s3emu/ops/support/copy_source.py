"""The ``x-amz-copy-source`` header of CopyObject and UploadPartCopy.

:func:`parse_copy_source` reads the header (``bucket/key`` or ``/bucket/key``, URL-encoded,
optionally ``?versionId=...``) and :func:`find_source` resolves it to the object version to
copy. Both raise S3's errors, as observed on S3:

- the path is percent-decoded exactly once, as a URL query component (``+`` is a space, so a
  literal ``+`` in a key must be sent as ``%2B``, which every SDK does); a bad escape or bytes
  that are not UTF-8 are ``InvalidArgument: Invalid copy source encoding``;
- an invalid (or empty) bucket name is ``InvalidArgument: Invalid copy source bucket name``; a
  missing key is ``InvalidArgument: Invalid copy source object key``; an empty ``versionId`` is
  ``InvalidArgument: Version id cannot be the empty string`` (all with ``ArgumentName``
  ``x-amz-copy-source``);
- a missing source bucket is NoSuchBucket, a missing key NoSuchKey, a missing version
  NoSuchVersion; a source in GLACIER or DEEP_ARCHIVE without a restored copy is 403
  InvalidObjectState.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping
from urllib.parse import parse_qsl, unquote_to_bytes

from ...errors import (AccessDenied, InvalidArgument, InvalidRequest,
                       NoSuchVersion, S3Error)
from ...model.naming import is_valid_bucket_name
from ...model.objects import MAY_BE_ARCHIVED
from .archive import not_readable, note_access
from .versions import current_version, is_version_id

if TYPE_CHECKING:
    from ...model.bucket import Bucket
    from ...model.objects import ObjectVersion
    from ...model.store import Store

HEADER = "x-amz-copy-source"

_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
#: What an S3 version id looks like (32 URL-safe characters); anything else is malformed.


def _invalid(message: str, value: str) -> S3Error:
    return InvalidArgument(message, ArgumentName=HEADER, ArgumentValue=value)


def _decode(text: str) -> str:
    """Percent-decode ``text`` once (``+`` is a space); ValueError if it cannot be."""
    try:
        data = text.encode("latin-1")        # WSGI header values are latin-1 text
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    if _BAD_ESCAPE.search(data):
        raise ValueError("bad percent escape")
    return unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")


def parse_copy_source(header: str) -> tuple[str, str, str | None]:
    """``(bucket, key, version_id)`` named by an ``x-amz-copy-source`` header value.

    ``version_id`` is None when the header names no version.
    """
    path, _, query = header.partition("?")
    version_id = None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "versionId":
            version_id = value
    if version_id == "":
        raise _invalid("Version id cannot be the empty string", "")
    try:
        text = _decode(path)
    except ValueError:
        raise _invalid("Invalid copy source encoding", header) from None
    if text.startswith("/"):
        text = text[1:]
    bucket, _, key = text.partition("/")
    if not is_valid_bucket_name(bucket):
        raise _invalid("Invalid copy source bucket name", header)
    if not key:
        raise _invalid("Invalid copy source object key", header)
    return bucket, key, version_id


def find_source(store: Store, bucket_name: str, key: str, version_id: str | None, *,
                malformed_version: S3Error | None = None) -> ObjectVersion:
    """The object version a copy reads.

    :param malformed_version: what to raise for a ``versionId`` that is not a version id;
        CopyObject's default is S3's bare ``InvalidRequest``; UploadPartCopy passes
        ``InvalidArgument("Invalid version id specified", ...)``.
    """
    bucket = store.bucket(bucket_name)
    if version_id is None:
        return _readable(current_version(bucket, key), store, bucket)
    found = bucket.version(key, version_id)
    if found is not None:
        if found.delete_marker:
            raise InvalidRequest("The source of a copy request may not specifically refer to "
                                 "a delete marker by version id.")
        return _readable(found, store, bucket)
    if version_id != "null" and not is_version_id(version_id):
        raise malformed_version or InvalidRequest()
    raise NoSuchVersion(Key=key, VersionId=version_id)


def _readable(version: ObjectVersion, store: Store, bucket: Bucket) -> ObjectVersion:
    if version.storage_class in MAY_BE_ARCHIVED:
        now = store.clock.now()
        if version.archived(now):
            raise not_readable(version, "Operation is not valid for the source object's "
                               "storage class")
        note_access(bucket, version, now)
    return version


def check_source_owner(headers: Mapping[str, str], source: Bucket | None) -> None:
    """``x-amz-source-expected-bucket-owner``: 403 AccessDenied when the source bucket belongs
    to another account (as ``x-amz-expected-bucket-owner`` for the destination)."""
    expected = headers.get("x-amz-source-expected-bucket-owner")
    if expected is not None and source is not None and source.owner != expected:
        raise AccessDenied()
