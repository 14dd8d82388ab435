"""Object operations: PutObject, GetObject, HeadObject, DeleteObject."""
from __future__ import annotations

from ..errors import AccessDenied, EntityTooLarge
from ..model.bucket import Bucket
from ..model.naming import check_key
from ..model.meter import RETRIEVAL_CLASSES
from ..model.objects import MAY_BE_ARCHIVED, ObjectVersion
from ..protocol.checksums import check_content_md5, md5_hex, verify_checksums, HEADER_OF
from ..protocol import numbers
from .support.preconditions import check_read_conditions, write_conditions
from .support.events import object_event, publish
from .restore import restore_header
from ..events import watched
from .support.object_headers import (content_from, metadata_from, object_headers,
                                     refuse_unimplemented, storage_class_from, tags_from)
from .multipart import part_read
from .support.ranges import byte_range
from .support.archive import archive_status, not_readable, note_access
from ..operations import OBJECT_READ, OBJECT_WRITE
from .registry import Call, Reply, operation
from .acl import written_by
from .lifecycle import expiration_header
from .support import sse
from .object_lock import LOCKED, lock_for_write, may_bypass_governance
from .support.versions import (check_versioned_delete, marker_headers, readable_version,
                               version_id_of)

#: S3's limit on a single PUT: 5 GiB.
MAX_PUT_SIZE = 5 * 1024 ** 3

#: ``response-*`` query parameters of GetObject/HeadObject and the header each overrides.
RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def declared_size(call: Call) -> int | None:
    """The payload size a request announces (decoded size for aws-chunked bodies)."""
    decoded = call.headers.get("x-amz-decoded-content-length")
    size = numbers.count(decoded) if decoded is not None else None
    return size if size is not None else call.content_length


def new_version(call: Call, *, key: str | None = None,
                bucket: Bucket | None = None) -> ObjectVersion:
    """Read, validate and describe the request body as a new object version of ``bucket``
    (default: the request's), not stored."""
    key = key or call.object_key
    check_key(key)
    refuse_unimplemented("PutObject", call.headers)
    if bucket is None:
        bucket = call.store.bucket(call.bucket_name)
    made = written_by(call, bucket)            # owner and ACL (x-amz-acl, Object Ownership)
    size = declared_size(call)
    if size is not None and size > MAX_PUT_SIZE:
        raise EntityTooLarge(ProposedSize=str(size), MaxSizeAllowed=str(MAX_PUT_SIZE))
    headers = call.headers
    names = call.header_names
    metadata = metadata_from(headers, names)
    content = content_from(headers, names)
    storage_class = storage_class_from(headers)
    tags = tags_from(headers)
    encryption = sse.from_request(call, bucket)
    decoded = call.decoded(required_length=True)
    payload = decoded.payload
    segments = payload.segments
    md5 = md5_hex(segments)
    content_md5 = headers.get("content-md5")
    if content_md5 is not None:
        check_content_md5(content_md5, md5)
    checksums = verify_checksums(headers, decoded.trailers, segments)
    lock = lock_for_write(call, bucket)
    return ObjectVersion(    # by position, in the order of its fields: half keywords' cost
        key, payload, sse.etag_for(encryption, md5), call.clock.now_seconds(), metadata,
        content, storage_class, checksums, "FULL_OBJECT" if checksums else None, None, None,
        encryption, tags, made["owner"], False, made["acl"], lock)


def write_reply(version: ObjectVersion) -> Reply:
    headers = {"ETag": version.etag}
    for alg, value in version.checksums.items():
        headers[HEADER_OF[alg]] = value
    if version.checksum_type:
        headers["x-amz-checksum-type"] = version.checksum_type
    headers.update(sse.echo(version.sse, context=True))
    if version.version_id is not None:
        headers["x-amz-version-id"] = version.version_id
    return Reply(headers=headers)


@operation("PutObject", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")
def put_object(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    version = new_version(call, bucket=bucket)
    stored = bucket.put(version, write_conditions(call.headers, version.key))
    reply = write_reply(stored)
    object_event(call, bucket, "ObjectCreated:Put", stored)
    lifecycle = bucket.settings.lifecycle
    if lifecycle is not None:
        reply.headers.update(expiration_header(lifecycle, stored))
    return reply


def version_to_read(call: Call, bucket: Bucket, *, with_body: bool = True) -> ObjectVersion:
    """The version a read of the request's key names (its ``versionId``), once the checks
    every read of its bytes makes hold: not archived without a restored copy, the SSE-C key
    (GetObject, HeadObject, SelectObjectContent)."""
    version = bucket.find(call.object_key) if "versionId" not in call.query else None
    if version is None or version.delete_marker:    # S3's error, or the version asked for
        version = readable_version(bucket, call.object_key, call.query.get("versionId"),
                                   call.method)
    if with_body and version.storage_class in MAY_BE_ARCHIVED and \
            version.archived(call.clock.now()):      # HEAD needs no restored copy
        raise not_readable(version)
    sse.check_read_key(call, version)
    return version


def _read(call: Call, *, with_body: bool) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    version = version_to_read(call, bucket, with_body=with_body)
    check_read_conditions(call.headers, version)
    part = part_read(call, version)        # ?partNumber: that part's span and headers
    span = part.span if part else byte_range(call.headers.get("range"), version.size)
    checksum_mode = call.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED"
    headers = object_headers(version, checksum_mode=checksum_mode and span is None and not part)
    if part:
        headers.update(part.headers)
    if version.storage_class in MAY_BE_ARCHIVED:
        if version.restore is not None:
            headers.update(restore_header(version, call.clock.now()))
        if not with_body:
            headers.update(archive_status(version))
        elif version.storage_class == "INTELLIGENT_TIERING":
            note_access(bucket, version, call.clock.now())
    lifecycle = bucket.settings.lifecycle
    if lifecycle is not None and bucket.find(version.key) is version:
        headers.update(expiration_header(lifecycle, version))
    for param, header in RESPONSE_OVERRIDES.items():
        if param in call.query:
            headers[header] = call.query[param]
    start, stop = span or (0, version.size)
    headers["Content-Length"] = str(stop - start)
    status = 200
    if span is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{version.size}"
    if with_body and version.storage_class in RETRIEVAL_CLASSES:     # billed per GB read
        bucket.meter.retrieved(bucket.name, version.storage_class, stop - start)
    body = version.blob.iter_range(start, stop) if with_body else None
    return Reply(status=status, headers=headers, body=body, length=stop - start)


@operation("GetObject", action="s3:GetObject", versioned_action="s3:GetObjectVersion",
           kind=OBJECT_READ, acl="READ", missing_key_needs_list=True)
def get_object(call: Call) -> Reply:
    return _read(call, with_body=True)


@operation("HeadObject", action="s3:GetObject", versioned_action="s3:GetObjectVersion",
           kind=OBJECT_READ, acl="READ", missing_key_needs_list=True)
def head_object(call: Call) -> Reply:
    return _read(call, with_body=False)


@operation("DeleteObject", action="s3:DeleteObject", versioned_action="s3:DeleteObjectVersion",
           kind=OBJECT_WRITE, acl="WRITE")
def delete_object(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    refuse_unimplemented("DeleteObject", call.headers)
    version_id = version_id_of(call.query)
    if version_id is not None:                  # exactly that version (none there: still 204)
        check_versioned_delete(call, bucket)
        removal = bucket.delete_version(
            call.object_key, version_id, now=call.clock.now(),
            bypass_governance=may_bypass_governance(call, bucket, call.object_key))
        if removal.locked:
            raise AccessDenied(LOCKED)
        headers = {"x-amz-version-id": version_id}
        removed = removal.version
        if removed is not None:
            object_event(call, bucket, "ObjectRemoved:Delete", removed)
            if removed.delete_marker:
                headers["x-amz-delete-marker"] = "true"
        return Reply(status=204, headers=headers)
    marker = bucket.delete(call.object_key, owner=call.user.account_id,
                           when=call.clock.now_seconds())
    if marker is not None and marker.delete_marker:   # a versioned bucket: a marker on top
        object_event(call, bucket, "ObjectRemoved:DeleteMarkerCreated", marker)
        return Reply(status=204, headers=marker_headers(marker))
    if watched(bucket.settings):
        publish(call, bucket, "ObjectRemoved:Delete", key=call.object_key)
    return Reply(status=204)
