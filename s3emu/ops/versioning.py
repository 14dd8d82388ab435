"""Bucket versioning: PutBucketVersioning, GetBucketVersioning, ListObjectVersions.

The rules, from S3's versioning guide and the API references:

- a bucket starts unversioned (GetBucketVersioning: an empty ``VersioningConfiguration``);
  ``Status`` ``Enabled`` or ``Suspended`` changes it, and it never goes back to unversioned
  (another Status value, or none with no MfaDelete, is MalformedXML);
- ``MfaDelete`` (``Enabled`` / ``Disabled``) is stored and reported; setting it, and any
  versioning change once it is Enabled, needs the ``x-amz-mfa`` header ("serial code", the code
  six digits): without one, or malformed, 403 AccessDenied "Mfa Authentication must be used for
  this request". The device's code itself is not checked (there is no device);
- ListObjectVersions lists every version and delete marker: keys in UTF-8 binary order, each
  key's versions newest first, IsLatest on the newest; ``prefix`` / ``delimiter``
  (CommonPrefixes), ``max-keys`` (versions and prefixes count alike, at most 1000),
  ``key-marker`` / ``version-id-marker`` paging (NextKeyMarker / NextVersionIdMarker), a
  version-id-marker without a key-marker is InvalidArgument, ``encoding-type=url``. An
  unversioned bucket lists each object as its ``null`` version.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import InvalidArgument, InvalidBucketState, MalformedXML
from ..model.objects import ObjectVersion
from ..operations import BUCKET
from ..protocol import xml
from .listing import encoder_of, max_keys_of, owners
from .listing import wants_restore_status
from .restore import restore_status
from .registry import Call, Reply, operation
from .support.versions import bad_version_id, check_mfa, is_version_id

ROOT = "VersioningConfiguration"
STATUSES = ("Enabled", "Suspended")
MFA_STATES = ("Enabled", "Disabled")


def _choice(doc: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    text = xml.text_of(value).strip()
    if text not in allowed:
        raise MalformedXML()
    return text


@operation("PutBucketVersioning", action="s3:PutBucketVersioning", kind=BUCKET)
def put_bucket_versioning(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    doc = call.xml_body(ROOT)
    if set(doc) - {"Status", "MfaDelete"}:
        raise MalformedXML()
    status = _choice(doc, "Status", STATUSES)
    mfa = _choice(doc, "MfaDelete", MFA_STATES)
    if status is None and mfa is None:
        raise MalformedXML()
    if mfa is not None or bucket.settings.mfa_delete == "Enabled":
        check_mfa(call)
    if status == "Suspended" and bucket.settings.object_lock is not None:
        raise InvalidBucketState("An Object Lock configuration is present on this bucket, so "
                                 "the versioning state cannot be changed.")
    changes: dict[str, Any] = {}
    if status is not None:
        changes["versioning"] = status
    if mfa is not None:
        changes["mfa_delete"] = mfa
    bucket.configure(**changes)
    return Reply()


@operation("GetBucketVersioning", action="s3:GetBucketVersioning", kind=BUCKET)
def get_bucket_versioning(call: Call) -> Reply:
    settings = call.store.bucket(call.bucket_name).settings
    return Reply(xml=(ROOT, {"Status": settings.versioning, "MfaDelete": settings.mfa_delete}))


@operation("ListObjectVersions", action="s3:ListBucketVersions", kind=BUCKET, acl="READ",
           listing=True)
def list_object_versions(call: Call) -> Reply:
    query = call.query
    encode = encoder_of(query)
    max_keys = max_keys_of(query)
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter") or None
    key_marker, id_marker = query.get("key-marker", ""), query.get("version-id-marker", "")
    if id_marker and not key_marker:
        raise InvalidArgument("A version-id marker cannot be specified without a key marker.",
                              ArgumentName="version-id-marker", ArgumentValue=id_marker)
    if id_marker and id_marker != "null" and not is_version_id(id_marker):
        raise bad_version_id(id_marker)
    bucket = call.store.bucket(call.bucket_name)
    page = bucket.page_versions(prefix=prefix, delimiter=delimiter, key_marker=key_marker,
                                version_id_marker=id_marker, max_keys=max_keys)
    entries = _entries(call, page.entries, encode)
    truncated = page.truncated
    return Reply(xml=("ListVersionsResult", {
        "Name": call.bucket, "Prefix": encode(prefix), "KeyMarker": encode(key_marker),
        "VersionIdMarker": id_marker,
        "NextKeyMarker": encode(page.next_key) if truncated else None,
        "NextVersionIdMarker": page.next_version_id if truncated else None,
        "MaxKeys": max_keys, "Delimiter": encode(delimiter),
        "EncodingType": query.get("encoding-type"), "IsTruncated": truncated,
        "@elements": entries,
        "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes]}))


def _entries(call: Call, found: list[tuple[ObjectVersion, bool]],
             encode: Callable[[str], Any]) -> list[tuple[str, dict[str, Any]]]:
    """``Version`` and ``DeleteMarker`` elements, interleaved in listing order."""
    owner_of_account = owners(call)
    bucket_owner = call.store.bucket(call.bucket_name).owner
    out: list[tuple[str, dict[str, Any]]] = []
    for version, latest in found:
        owner = owner_of_account(version.owner or bucket_owner)
        entry: dict[str, Any] = {"Key": encode(version.key),
                                 "VersionId": version.version_id or "null",
                                 "IsLatest": latest, "LastModified": version.last_modified}
        if version.delete_marker:
            entry["Owner"] = owner
            out.append(("DeleteMarker", entry))
            continue
        entry.update({"ETag": version.etag,
                      "ChecksumAlgorithm": list(version.checksums) or None,
                      "ChecksumType": version.checksum_type if version.checksums else None,
                      "Size": version.size, "StorageClass": version.storage_class,
                      "Owner": owner})
        if version.restore is not None and wants_restore_status(call):
            entry["RestoreStatus"] = restore_status(version, call.clock.now())
        out.append(("Version", entry))
    return out
