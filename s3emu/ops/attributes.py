"""GetObjectAttributes: an object's ETag, checksum, parts, storage class and size in one call.

As S3 answers it (GetObjectAttributes reference, and what S3 sends):

- ``x-amz-object-attributes`` names the attributes (ETag, Checksum, ObjectParts, StorageClass,
  ObjectSize), comma separated; missing or empty is InvalidRequest, an unknown name
  InvalidArgument; only the named attributes are returned;
- the ETag comes without quotes; a COMPOSITE checksum comes without its ``-N`` suffix;
- ObjectParts appears for multipart objects only: ``PartsCount`` always, and the parts (number,
  size, checksum) in pages (``x-amz-max-parts``, ``x-amz-part-number-marker``) only when the
  object has an additional checksum;
- ``Last-Modified`` (and ``x-amz-version-id`` for a versioned object) come as headers.
"""
from __future__ import annotations

from typing import Any

from ..errors import InvalidArgument, InvalidRequest
from ..model.objects import ObjectVersion
from ..protocol.dates import http_date
from .support import sse
from .support.versions import readable_version
from .multipart import MAX_LISTED, count_of
from ..operations import OBJECT_READ
from .registry import Call, Reply, operation

#: The attributes S3 returns, in the order of its response.
ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")
HEADER = "x-amz-object-attributes"


def attributes_of(text: str | None) -> set[str]:
    """The attributes a request names; InvalidRequest if none, InvalidArgument if unknown."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    if not names:
        raise InvalidRequest(f"The {HEADER} header specifying the attributes to be retrieved is "
                             "either missing or empty")
    for name in names:
        if name not in ATTRIBUTES:
            raise InvalidArgument("Invalid attribute name specified.", ArgumentName=HEADER,
                                  ArgumentValue=name)
    return set(names)


def _checksum(version: ObjectVersion) -> dict[str, str] | None:
    if not version.checksums:
        return None
    out = {}
    for alg, value in version.checksums.items():
        out["Checksum" + alg] = value.rsplit("-", 1)[0] \
            if version.checksum_type == "COMPOSITE" else value
    out["ChecksumType"] = version.checksum_type or "FULL_OBJECT"
    return out


def _parts(version: ObjectVersion, max_parts: int, marker: int) -> dict[str, Any] | None:
    parts = version.parts
    if not parts:
        return None
    found: dict[str, Any] = {"PartsCount": len(parts)}
    if not version.checksums:
        return found
    after = [p for p in parts if p.number > marker]
    page = after[:min(max_parts, MAX_LISTED)]
    found.update({
        "PartNumberMarker": marker,
        "NextPartNumberMarker": page[-1].number if page else marker,
        "MaxParts": min(max_parts, MAX_LISTED), "IsTruncated": len(after) > len(page) > 0,
        "Part": [{"PartNumber": p.number, "Size": p.size,
                  **{"Checksum" + alg: value for alg, value in p.checksums.items()}}
                 for p in page]})
    return found


@operation("GetObjectAttributes", action="s3:GetObjectAttributes",
           versioned_action="s3:GetObjectVersionAttributes", kind=OBJECT_READ, acl="READ",
           missing_key_needs_list=True)
def get_object_attributes(call: Call) -> Reply:
    wanted = attributes_of(call.headers.get(HEADER))
    max_parts = count_of(call.headers.get("x-amz-max-parts"), "x-amz-max-parts", MAX_LISTED)
    marker = count_of(call.headers.get("x-amz-part-number-marker"), "x-amz-part-number-marker",
                      0)
    bucket = call.store.bucket(call.bucket_name)
    version = readable_version(bucket, call.object_key, call.query.get("versionId"), call.method)
    sse.check_read_key(call, version)
    body: dict[str, Any] = {
        "ETag": version.etag.strip('"') if "ETag" in wanted else None,
        "Checksum": _checksum(version) if "Checksum" in wanted else None,
        "ObjectParts": _parts(version, max_parts, marker) if "ObjectParts" in wanted else None,
        "StorageClass": version.storage_class if "StorageClass" in wanted else None,
        "ObjectSize": version.size if "ObjectSize" in wanted else None,
    }
    headers = {"Last-Modified": http_date(version.last_modified)}
    if version.version_id is not None:
        headers["x-amz-version-id"] = version.version_id
    return Reply(headers=headers, xml=("GetObjectAttributesResponse", body))
