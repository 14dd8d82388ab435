"""DeleteObjects: delete up to 1000 keys with one request (``POST /bucket?delete``).

The rules, from S3's DeleteObjects reference and S3's observed answers:

- the body must carry an integrity check: Content-MD5 or a flexible checksum (an
  ``x-amz-checksum-*`` header or trailer); without one S3 answers 400 InvalidRequest
  "Missing required header for this request: Content-MD5"; a wrong value is BadDigest;
- ``<Delete>`` with 1 to 1000 ``<Object>`` elements, each with a ``<Key>``; anything else
  (no object, more than 1000, no key, not XML) is MalformedXML;
- deleting a key that does not exist succeeds (it is reported as Deleted); a ``VersionId``
  that is not a version id is a per-key NoSuchVersion error; ``<Quiet>true</Quiet>`` reports
  only the errors.

Keys keep their leading and trailing whitespace (the XML is parsed without stripping).
"""
from __future__ import annotations

from typing import Any

from ..errors import MalformedXML, MaxMessageLengthExceeded, NotImplemented_
from ..model.bucket import Bucket
from ..protocol import xml
from .support.versions import check_versioned_delete, is_version_id
from ..operations import OBJECT_WRITE
from .object_lock import LOCKED, may_bypass_governance
from ..events import watched
from .support.events import object_event, publish
from .registry import Call, Reply, operation
from ..access.enforce import allowed

#: The most keys one DeleteObjects request may name.
MAX_KEYS = 1000

_QUIET = {"true": True, "1": True, "false": False, "0": False}
#: Conditional-delete members of ObjectIdentifier that s3emu does not evaluate yet.
_CONDITIONS = ("ETag", "LastModifiedTime", "Size")


def _entries(body: bytes) -> tuple[list[tuple[str, str | None]], bool]:
    """``([(key, version_id), ...], quiet)`` from a ``<Delete>`` document."""
    doc = xml.parse(body, "Delete", keep_whitespace=True)
    objects = xml.as_list(doc.get("Object"))
    if not objects or len(objects) > MAX_KEYS:
        raise MalformedXML()
    entries = []
    for item in objects:
        if not isinstance(item, dict) or not isinstance(item.get("Key"), str):
            raise MalformedXML()
        if any(name in item for name in _CONDITIONS):
            raise NotImplemented_("s3emu does not implement conditional DeleteObjects yet.",
                                  Operation="DeleteObjects")
        version_id = item.get("VersionId")         # text only: MalformedXML, not "no version"
        entries.append((item["Key"], None if version_id is None else xml.text_of(version_id)))
    quiet = doc.get("Quiet")
    if quiet is None:
        return entries, False
    if not isinstance(quiet, str) or quiet.strip().lower() not in _QUIET:
        raise MalformedXML()
    return entries, _QUIET[quiet.strip().lower()]


def _delete_one(call: Call, bucket: Bucket, key: str,
                version_id: str | None) -> tuple[str, dict[str, Any]]:
    """Delete one entry: ``("Deleted"|"Error", entry)``."""
    if version_id is None:
        marker = bucket.delete(key, owner=call.user.account_id, when=call.clock.now_seconds())
        if marker is not None and marker.delete_marker:     # a versioned bucket
            object_event(call, bucket, "ObjectRemoved:DeleteMarkerCreated", marker)
            return "Deleted", {"Key": key, "DeleteMarker": True,
                               "DeleteMarkerVersionId": marker.version_id or "null"}
        if watched(bucket.settings):
            publish(call, bucket, "ObjectRemoved:Delete", key=key)
        return "Deleted", {"Key": key}
    entry: dict[str, Any] = {"Key": key, "VersionId": version_id}
    if version_id != "null" and not is_version_id(version_id):
        entry.update(Code="NoSuchVersion", Message="The specified version does not exist.")
        return "Error", entry
    removal = bucket.delete_version(key, version_id, now=call.clock.now(),
                                    bypass_governance=may_bypass_governance(call, bucket, key))
    if removal.locked:
        entry.update(Code="AccessDenied", Message=LOCKED)
        return "Error", entry
    removed = removal.version
    if removed is not None:
        object_event(call, bucket, "ObjectRemoved:Delete", removed)
        if removed.delete_marker:
            entry.update(DeleteMarker=True, DeleteMarkerVersionId=version_id)
    return "Deleted", entry


@operation("DeleteObjects", action="s3:DeleteObject", kind=OBJECT_WRITE,
           body_cap=(8 << 20, MaxMessageLengthExceeded), authorizes_itself=True)
def delete_objects(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    entries, quiet = _entries(call.verified_body(digest_required=True))
    if any(version_id is not None for _, version_id in entries):
        check_versioned_delete(call, bucket)
    results: dict[str, list[dict[str, Any]]] = {"Deleted": [], "Error": []}
    for key, version_id in entries:
        if not allowed(call, bucket, "DeleteObject", key,
                       {"versionId": version_id} if version_id else {}):
            results["Error"].append({"Key": key, "VersionId": version_id,
                                     "Code": "AccessDenied", "Message": "Access Denied"})
            continue
        kind, entry = _delete_one(call, bucket, key, version_id)
        results[kind].append(entry)
    if quiet:
        del results["Deleted"]
    return Reply(xml=("DeleteResult", results))
