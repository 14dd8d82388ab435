"""CopyObject: a new object version over the source's bytes (shared, never copied).

The rules, from S3's CopyObject reference:

- ``x-amz-metadata-directive`` COPY (the default) keeps the source's user metadata and content
  headers and ignores the request's; REPLACE takes them from the request. The website redirect
  location is never copied: it comes from the request under either directive.
- ``x-amz-tagging-directive`` COPY keeps the source's tags; REPLACE takes ``x-amz-tagging``.
- Storage class and encryption are never copied: ``x-amz-storage-class`` (default STANDARD)
  and the SSE headers (default: the bucket's, SSE-S3) describe the new object.
- The source's checksum is kept unless ``x-amz-checksum-algorithm`` asks for another one; a
  multipart source becomes a single-part object (MD5 ETag, full-object checksum).
- An SSE-C source needs its key in ``x-amz-copy-source-server-side-encryption-customer-*``
  (rules of :mod:`.sse`); the ETag of an SSE-C or SSE-KMS copy is not the MD5 of the bytes.
- Copying an object onto itself must change something (REPLACE, a storage class, SSE headers
  or a website redirect location), else 400 InvalidRequest; a bucket with a configured default
  encryption allows it.
- Sources over 5 GiB are refused (UploadPartCopy is the way to copy them).
"""
from __future__ import annotations

from typing import Mapping

from ..errors import InvalidArgument, InvalidRequest
from ..model.naming import check_key
from ..model.objects import ObjectVersion
from ..protocol.checksums import checksum, md5_hex, requested_algorithm
from .support.preconditions import check_copy_source_conditions, check_write_conditions
from .support.events import object_event
from .support.copy_source import HEADER, check_source_owner, find_source, parse_copy_source
from .object_lock import lock_for_write
from .support.object_headers import (check_redirect_location, content_from, metadata_from,
                                     refuse_unimplemented,
                                     sse_headers,
                                     storage_class_from, tags_from)
from ..operations import OBJECT_WRITE
from .registry import Call, Reply, operation
from .acl import written_by
from ..access.enforce import require
from .support import sse

#: S3's limit on the source of a CopyObject: 5 GiB.
MAX_COPY_SIZE = 5 * 1024 ** 3

SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself "
             "without changing the object's metadata, storage class, website redirect location "
             "or encryption attributes.")

#: Request headers whose presence makes a copy onto itself legal (besides REPLACE).
_CHANGING_HEADERS = ("x-amz-storage-class", "x-amz-website-redirect-location",
                     "x-amz-server-side-encryption",
                     "x-amz-server-side-encryption-aws-kms-key-id",
                     "x-amz-server-side-encryption-customer-algorithm")


def _directive(headers: Mapping[str, str], kind: str) -> str:
    name = f"x-amz-{kind}-directive"
    value = headers.get(name, "COPY")
    if value not in ("COPY", "REPLACE"):
        raise InvalidArgument(f"Unknown {kind} directive.", ArgumentName=name,
                              ArgumentValue=value)
    return value


def _checksum_algorithm(headers: Mapping[str, str]) -> str | None:
    value = headers.get("x-amz-checksum-algorithm")
    return None if value is None else requested_algorithm({"x-amz-checksum-algorithm": value}, {})


def _requested(call: Call, metadata_directive: str, tagging_directive: str) -> dict:
    """What the request itself says about the new object (validated before any lookup)."""
    headers = call.headers
    sse.customer_key(call, sse.COPY_SOURCE_CUSTOMER, read=True)   # validated before lookups
    wanted: dict = {"storage_class": storage_class_from(headers), "sse": sse.from_request(call),
                    "algorithm": _checksum_algorithm(headers), "made": written_by(call)}
    if metadata_directive == "REPLACE":
        wanted["metadata"], wanted["content"] = metadata_from(headers), content_from(headers)
    if tagging_directive == "REPLACE":
        wanted["tags"] = tags_from(headers)
    return wanted


def _content_of(source: ObjectVersion, headers: Mapping[str, str]) -> dict[str, str]:
    """Content headers kept under COPY: the source's, but never its redirect location."""
    content = {f: v for f, v in source.content.items() if f != "WebsiteRedirectLocation"}
    if "x-amz-website-redirect-location" in headers:
        check_redirect_location(headers["x-amz-website-redirect-location"])
        content["WebsiteRedirectLocation"] = headers["x-amz-website-redirect-location"]
    return content


def _checksums(source: ObjectVersion, algorithm: str | None) -> tuple[dict[str, str], str | None]:
    if algorithm is None:
        if not source.checksums or source.checksum_type != "COMPOSITE":
            return dict(source.checksums), source.checksum_type
        algorithm = next(iter(source.checksums))     # a composite value cannot carry over
    return {algorithm: checksum(algorithm, source.blob.segments)}, "FULL_OBJECT"


def _copy_of(call: Call, source: ObjectVersion, wanted: dict) -> ObjectVersion:
    """The new version: the source's blob under the destination key, no bytes copied."""
    checksums, checksum_type = _checksums(source, wanted["algorithm"])
    etag = source.etag
    if source.parts is not None or not (sse.etag_is_md5(source.sse)
                                        and sse.etag_is_md5(wanted["sse"])):
        etag = sse.etag_for(wanted["sse"], md5_hex(source.blob.segments))  # a new single part
    return ObjectVersion(
        key=call.object_key, blob=source.blob, etag=etag,
        last_modified=call.clock.now_seconds(),
        metadata=wanted.get("metadata", source.metadata),
        content=wanted["content"] if "content" in wanted else _content_of(source, call.headers),
        storage_class=wanted["storage_class"], checksums=checksums, checksum_type=checksum_type,
        sse=wanted["sse"], tags=wanted.get("tags", source.tags),
        lock=lock_for_write(call, call.store.bucket(call.bucket_name), body=False),
        **wanted["made"])


def _reply(version: ObjectVersion, source: ObjectVersion) -> Reply:
    body: dict = {"LastModified": version.last_modified, "ETag": version.etag}
    for alg, value in version.checksums.items():
        body["Checksum" + alg] = value
    body["ChecksumType"] = version.checksum_type
    headers = sse_headers(version, context=True)
    if source.version_id is not None:
        headers["x-amz-copy-source-version-id"] = source.version_id
    if version.version_id is not None:
        headers["x-amz-version-id"] = version.version_id
    return Reply(headers=headers, xml=("CopyObjectResult", body))


@operation("CopyObject", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")
def copy_object(call: Call) -> Reply:
    headers = call.headers
    src_bucket, src_key, src_version = parse_copy_source(headers[HEADER])
    check_key(call.object_key)
    refuse_unimplemented("CopyObject", headers)
    metadata_directive = _directive(headers, "metadata")
    wanted = _requested(call, metadata_directive, _directive(headers, "tagging"))
    bucket = call.store.bucket(call.bucket_name)
    source_bucket = call.store.buckets.get(src_bucket)
    check_source_owner(headers, source_bucket)
    if source_bucket is not None:              # s3:GetObject on the source
        require(call, source_bucket, "GetObject", src_key,
                {"versionId": src_version} if src_version else {})
    found: list[ObjectVersion] = []

    def make(current: ObjectVersion | None) -> ObjectVersion:   # under the store's lock
        source = find_source(call.store, src_bucket, src_key, src_version)
        check_copy_source_conditions(headers, source)
        sse.check_copy_source_key(call, source)
        if source.size > MAX_COPY_SIZE:
            raise InvalidRequest("The specified copy source is larger than the maximum "
                                 f"allowable size for a copy source: {MAX_COPY_SIZE}")
        if (src_bucket, src_key) == (call.bucket, call.key) and metadata_directive == "COPY" \
                and not any(h in headers for h in _CHANGING_HEADERS) \
                and bucket.settings.encryption is None:
            raise InvalidRequest(SELF_COPY)
        check_write_conditions(headers, current, call.object_key)
        found.append(source)
        return _copy_of(call, source, wanted)
    version = bucket.write(call.object_key, make)
    object_event(call, bucket, "ObjectCreated:Copy", version)
    source = found[0]
    return _reply(version, source)
