"""Finding the object version a request names, with S3's errors (registers no operation).

The rules, from S3's GetObject / HeadObject / DeleteObject references and "Working with delete
markers":

- without ``versionId``: the current version; none, or a delete marker, is 404 NoSuchKey (for a
  marker with ``x-amz-delete-marker: true`` and the marker's ``x-amz-version-id``);
- with ``versionId``: ``null`` names the null version; anything else must have the form of a
  version id (400 InvalidArgument "Invalid version id specified"); a version that is not there
  is 404 NoSuchVersion (NoSuchKey when the key has no version at all); a delete marker asked
  for by id is 405 MethodNotAllowed (ResourceType DeleteMarker) with
  ``x-amz-delete-marker: true``, ``Last-Modified``, its version id and ``Allow: DELETE``;
- in a bucket with MFA delete enabled, deleting a version (and changing versioning) needs the
  ``x-amz-mfa`` header: 403 AccessDenied "Mfa Authentication must be used for this request".
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from ...errors import (AccessDenied, InvalidArgument, MethodNotAllowed, NoSuchKey,
                       NoSuchVersion, S3Error)
from ...model.bucket import Bucket
from ...model.objects import ObjectVersion
from ...protocol.dates import http_date

if TYPE_CHECKING:
    from ..registry import Call

NEEDS_MFA = "Mfa Authentication must be used for this request"
_VERSION_ID = re.compile(r"^[A-Za-z0-9._-]{32}$")


def is_version_id(text: str) -> bool:
    """True if ``text`` has the form of an S3 version id (``null`` aside)."""
    return bool(_VERSION_ID.match(text))
_MFA = re.compile(r"^\S+ \d{6}$")


def check_mfa(call: Call) -> None:
    """403 AccessDenied unless the request carries a well-formed ``x-amz-mfa`` ("serial
    code"); the code itself is not checked (there is no device)."""
    if not _MFA.match(call.headers.get("x-amz-mfa", "").strip()):
        raise AccessDenied(NEEDS_MFA)


def check_versioned_delete(call: Call, bucket: Bucket) -> None:
    """With MFA delete enabled, deleting a version needs ``x-amz-mfa``."""
    if bucket.settings.mfa_delete == "Enabled":
        check_mfa(call)


def bad_version_id(version_id: str) -> S3Error:
    return InvalidArgument("Invalid version id specified", ArgumentName="versionId",
                           ArgumentValue=version_id)


def version_id_of(query: Mapping[str, str]) -> str | None:
    """The request's ``versionId`` (None when absent); InvalidArgument when malformed."""
    version_id = query.get("versionId")
    if version_id is not None and version_id != "null" and not is_version_id(version_id):
        raise bad_version_id(version_id)
    return version_id


def marker_headers(marker: ObjectVersion) -> dict[str, str]:
    """The headers S3 sends about a delete marker."""
    return {"x-amz-delete-marker": "true", "x-amz-version-id": marker.version_id or "null"}


def current_version(bucket: Bucket, key: str) -> ObjectVersion:
    """The current version of ``key``: NoSuchKey when there is none or it is a delete marker
    (then with the marker's headers)."""
    current = bucket.find(key)
    if current is None:
        raise NoSuchKey(Key=key)
    if current.delete_marker:
        raise NoSuchKey(Key=key, headers=marker_headers(current))
    return current


def readable_version(bucket: Bucket, key: str, version_id: str | None,
                     method: str = "GET") -> ObjectVersion:
    """The version a read names (see the module docstring for the errors)."""
    if version_id is None:
        return current_version(bucket, key)
    if version_id != "null" and not is_version_id(version_id):
        raise bad_version_id(version_id)
    version = bucket.version(key, version_id)
    if version is None:
        if bucket.find(key) is None:
            raise NoSuchKey(Key=key)
        raise NoSuchVersion(Key=key, VersionId=version_id)
    if version.delete_marker:
        raise MethodNotAllowed(Method=method, ResourceType="DeleteMarker", headers={
            **marker_headers(version), "Last-Modified": http_date(version.last_modified),
            "Allow": "DELETE"})
    return version
