"""Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
AbortMultipartUpload, ListParts, ListMultipartUploads, and GetObject/HeadObject ``?partNumber``.

The model (:mod:`s3emu.model.uploads`) holds the upload rules; this module reads and writes
HTTP. What it adds, from S3's references of these operations:

- part numbers are 1..10000, else InvalidArgument ``partNumber``; a part is at most 5 GiB;
- an upload created with ``x-amz-checksum-algorithm`` (and optionally ``x-amz-checksum-type``:
  CRC32/CRC32C COMPOSITE or FULL_OBJECT, CRC64NVME FULL_OBJECT only, SHA1/SHA256 COMPOSITE only)
  takes parts with that algorithm's checksum only (a COMPOSITE upload refuses a part without
  one; a FULL_OBJECT upload computes it). The object's checksum is, for COMPOSITE, the checksum
  of the concatenated raw part checksums followed by ``-N``; for FULL_OBJECT, the CRC of the
  whole object combined from the parts' CRCs;
- UploadPartCopy takes ``x-amz-copy-source-range: bytes=first-last`` inside the source, the
  ``x-amz-copy-source-if-*`` conditions, and shares the source's bytes;
- CompleteMultipartUpload honours If-None-Match / If-Match and ``x-amz-mp-object-size``; sent
  again with the same parts list after it succeeded (and while its object is still the current
  one) it answers the same result;
- the bytes of parts are hashed outside the bucket lock; uploads change under it.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import quote

from ..errors import (S3Error, BadDigest, EntityTooLarge, InvalidArgument, InvalidPartNumber,
                      InvalidRequest, MalformedXML, MaxMessageLengthExceeded)
from ..model.blob import Blob
from ..model.bucket import Bucket
from ..model.naming import check_key
from ..model.objects import ObjectVersion
from ..model.uploads import Assembled, Part, Requested, Upload
from ..protocol import checksums, numbers
from ..protocol.checksums import HEADER_OF, check_content_md5, verify_checksums
from ..protocol.xml import as_list, parse, text_of
from .support import sse
from .support.events import object_event
from .support.preconditions import check_copy_source_conditions, check_write_conditions
from .support.copy_source import HEADER as COPY_SOURCE
from .support.copy_source import check_source_owner, find_source, parse_copy_source
from .object_lock import lock_for_write
from .support.object_headers import (content_from, metadata_from, refuse_unimplemented,
                                     storage_class_from, tags_from)
from .listing import encoder_of, owner_of, owners
from ..operations import BUCKET, OBJECT_WRITE
from .registry import Call, Reply, operation
from .acl import written_by
from ..access.enforce import require

#: S3's largest part: 5 GiB.
MAX_PART_SIZE = 5 * 1024 ** 3
#: ListParts and ListMultipartUploads return at most this many entries.
MAX_LISTED = 1000
_INT32_MAX = 2 ** 31 - 1
_COPY_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]+)\Z", re.ASCII)
#: the checksum types each algorithm allows for a multipart upload; the first is the default
CHECKSUM_TYPES = {"CRC32": ("COMPOSITE", "FULL_OBJECT"), "CRC32C": ("COMPOSITE", "FULL_OBJECT"),
                  "CRC64NVME": ("FULL_OBJECT",), "SHA1": ("COMPOSITE",),
                  "SHA256": ("COMPOSITE",)}


# -- request values ----------------------------------------------------------------------------
def part_number_of(text: str | None) -> int:
    """A ``partNumber`` query value: 1..10000, else InvalidArgument."""
    number = numbers.count(text) or 0
    if not 1 <= number <= 10000:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              ArgumentName="partNumber", ArgumentValue=text)
    return number


def count_of(text: str | None, name: str, default: int) -> int:
    """A non-negative int32 list parameter (``max-parts``, ``max-uploads`` ...)."""
    if text is None or text == "":
        return default
    value = numbers.count(text)
    if value is None or value > _INT32_MAX:
        raise InvalidArgument(f"Argument {name} must be an integer between 0 and 2147483647",
                              ArgumentName=name, ArgumentValue=text)
    return value


def _checksum_choice(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The checksum algorithm and type CreateMultipartUpload asks for (validated)."""
    value, kind = headers.get("x-amz-checksum-algorithm"), headers.get("x-amz-checksum-type")
    if kind is not None and kind.upper() not in ("COMPOSITE", "FULL_OBJECT"):
        raise InvalidRequest("Value for x-amz-checksum-type header is invalid.")
    if value is None:
        if kind is not None:
            raise InvalidRequest("The x-amz-checksum-type header can only be used with the "
                                 "x-amz-checksum-algorithm header.")
        return None, None
    algorithm = value.upper()
    if algorithm not in CHECKSUM_TYPES:
        raise InvalidRequest("Checksum algorithm provided is unsupported. Please try again with "
                             "any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
    kind = (kind or CHECKSUM_TYPES[algorithm][0]).upper()
    if kind not in CHECKSUM_TYPES[algorithm]:
        raise InvalidRequest(f"The {kind} checksum type cannot be used with the "
                             f"{algorithm.lower()} checksum algorithm.")
    return algorithm, kind


def _mismatch(expected: str, actual: str) -> S3Error:
    return InvalidRequest(f"Checksum Type mismatch occurred, expected checksum Type: "
                          f"{expected.lower()}, actual checksum Type: {actual.lower()}")


def _upload(bucket: Bucket, call: Call) -> Upload:
    return bucket.upload(call.query.get("uploadId"), call.object_key)


# -- CreateMultipartUpload / AbortMultipartUpload ------------------------------------------------
@operation("CreateMultipartUpload", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")
def create_multipart_upload(call: Call) -> Reply:
    headers = call.headers
    bucket = call.store.bucket(call.bucket_name)
    check_key(call.object_key)
    refuse_unimplemented("CreateMultipartUpload", headers)
    lock = lock_for_write(call, bucket, body=False)
    algorithm, kind = _checksum_choice(headers)
    made = written_by(call)                    # x-amz-acl / grants, Object Ownership
    upload = Upload(call.ids.upload_id(), call.object_key, call.clock.now(),
                    owner=call.user.account_id, storage_class=storage_class_from(headers),
                    metadata=metadata_from(headers), content=content_from(headers),
                    tags=tags_from(headers), sse=sse.from_request(call),
                    checksum_algorithm=algorithm, checksum_type=kind,
                    object_owner=made["owner"], acl=made["acl"], lock=lock)
    bucket.start_upload(upload)
    out = sse.echo(upload.sse, context=True)
    if algorithm is not None and kind is not None:
        out.update({"x-amz-checksum-algorithm": algorithm, "x-amz-checksum-type": kind})
    return Reply(headers=out, xml=("InitiateMultipartUploadResult", {
        "Bucket": call.bucket, "Key": call.key, "UploadId": upload.upload_id}))


@operation("AbortMultipartUpload", action="s3:AbortMultipartUpload", kind=OBJECT_WRITE,
           acl="WRITE")
def abort_multipart_upload(call: Call) -> Reply:
    refuse_unimplemented("AbortMultipartUpload", call.headers)
    call.store.bucket(call.bucket_name).abort_upload(call.query.get("uploadId"), call.object_key)
    return Reply(status=204)


# -- UploadPart / UploadPartCopy -----------------------------------------------------------------
def _part_checksums(call: Call, upload: Upload, payload: Blob) -> dict[str, str]:
    """The part's checksums: the request's (verified), or the upload algorithm's (computed)."""
    given = verify_checksums(call.headers, call.trailers, payload.segments)
    algorithm = upload.checksum_algorithm
    if algorithm is None:
        return given
    other = next((alg for alg in given if alg != algorithm), None)
    if other is not None or (not given and upload.checksum_type == "COMPOSITE"):
        raise _mismatch(algorithm, other or "null")
    return given or {algorithm: checksums.checksum(algorithm, payload.segments)}


def _new_part(call: Call, upload: Upload, number: int, blob: Blob, md5hex: str,
              sums: dict[str, str]) -> Part:
    etag = sse.etag_for(upload.sse, md5hex)          # the MD5, but not for SSE-C / SSE-KMS
    return Part(number, blob, etag, call.clock.now(), sums)


def _store(bucket: Bucket, call: Call, part: Part) -> Upload:
    return bucket.put_part(call.query.get("uploadId"), call.object_key, part)


def _too_large(size: int | None) -> None:
    if size is not None and size > MAX_PART_SIZE:
        raise EntityTooLarge(ProposedSize=str(size), MaxSizeAllowed=str(MAX_PART_SIZE))


@operation("UploadPart", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")
def upload_part(call: Call) -> Reply:
    refuse_unimplemented("UploadPart", call.headers)
    bucket = call.store.bucket(call.bucket_name)
    number = part_number_of(call.query.get("partNumber"))
    upload = _upload(bucket, call)                   # NoSuchUpload before the body is read
    sse.check_part_key(call, upload.sse)
    decoded = call.headers.get("x-amz-decoded-content-length")
    _too_large(numbers.count(decoded) if decoded is not None else call.content_length)
    payload = call.payload(required_length=True)
    _too_large(payload.size)
    md5hex = checksums.md5_hex(payload.segments)
    check_content_md5(call.headers.get("content-md5"), md5hex)
    sums = _part_checksums(call, upload, payload)
    part = _new_part(call, upload, number, payload, md5hex, sums)
    _store(bucket, call, part)
    out = {"ETag": part.etag, **sse.echo(upload.sse)}
    out.update((HEADER_OF[alg], value) for alg, value in sums.items())
    return Reply(headers=out)


def _copy_range(header: str | None, size: int) -> tuple[int, int]:
    if header is None:
        return 0, size
    match = _COPY_RANGE.match(header.strip())
    if match is None:
        raise InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    first, last = numbers.count(match.group(1)) or 0, numbers.count(match.group(2)) or 0
    if first > last or last >= size:
        raise InvalidArgument(f"Range specified is not valid for source object of size: {size}",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    return first, last + 1


@operation("UploadPartCopy", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")
def upload_part_copy(call: Call) -> Reply:
    headers = call.headers
    bucket = call.store.bucket(call.bucket_name)
    number = part_number_of(call.query.get("partNumber"))
    src_bucket, src_key, src_version = parse_copy_source(headers[COPY_SOURCE])
    upload = _upload(bucket, call)
    sse.check_part_key(call, upload.sse)
    bad_version = InvalidArgument("Invalid version id specified", ArgumentName="versionId",
                                  ArgumentValue=src_version)
    source_bucket = call.store.buckets.get(src_bucket)
    check_source_owner(headers, source_bucket)
    if source_bucket is not None:              # s3:GetObject on the source
        require(call, source_bucket, "GetObject", src_key,
                {"versionId": src_version} if src_version else {})
    source = find_source(call.store, src_bucket, src_key, src_version,
                         malformed_version=bad_version)   # a frozen version: read as found
    sse.check_copy_source_key(call, source)
    check_copy_source_conditions(headers, source)
    start, stop = _copy_range(headers.get("x-amz-copy-source-range"), source.size)
    _too_large(stop - start)
    blob = source.blob.slice(start, stop)
    algorithm = upload.checksum_algorithm
    sums = {algorithm: checksums.checksum(algorithm, blob.segments)} if algorithm else {}
    part = _new_part(call, upload, number, blob, checksums.md5_hex(blob.segments), sums)
    _store(bucket, call, part)
    body: dict[str, Any] = {"ETag": part.etag, "LastModified": part.last_modified}
    body.update(("Checksum" + alg, value) for alg, value in sums.items())
    out = sse.echo(upload.sse)
    if source.version_id is not None:
        out["x-amz-copy-source-version-id"] = source.version_id
    return Reply(headers=out, xml=("CopyPartResult", body))


# -- CompleteMultipartUpload -----------------------------------------------------------------------
def requested_parts(body: bytes) -> list[Requested]:
    """The ``<Part>`` list of a CompleteMultipartUpload document; MalformedXML if it has none."""
    found = []
    for item in as_list(parse(body, "CompleteMultipartUpload").get("Part")):
        if not isinstance(item, dict) or "PartNumber" not in item or "ETag" not in item:
            raise MalformedXML()
        text = text_of(item["PartNumber"]).strip()
        number = numbers.integer(text, signs="-")
        if number is None or number > _INT32_MAX:
            raise MalformedXML()
        if number < 1:
            raise InvalidArgument("PartNumber must be >= 1", ArgumentName="PartNumber",
                                  ArgumentValue=text)
        sums = {name[8:]: text_of(value).strip() for name, value in item.items()
                if name.startswith("Checksum")}
        found.append(Requested(number, text_of(item["ETag"]), sums))
    if not found:
        raise MalformedXML()
    return found


def _object_checksums(headers: Mapping[str, str], upload: Upload,
                      assembled: Assembled) -> dict[str, str]:
    """The object's checksum from its parts', checked against the request's headers."""
    algorithm, kind = upload.checksum_algorithm, upload.checksum_type
    if algorithm is None:
        return {}
    asked = headers.get("x-amz-checksum-type")
    if asked is not None and asked.upper() != kind:
        raise BadDigest(f"The upload was created using the {kind} checksum mode. The complete "
                        "request must use the same checksum mode.")
    raws = [base64.b64decode(part.checksums[algorithm]) for part in assembled.parts]
    if kind == "COMPOSITE":
        joined = memoryview(b"".join(raws))
        value = f"{base64.b64encode(checksums.digest(algorithm, [joined])).decode()}-{len(raws)}"
    else:
        crc = raws[0]
        for part, raw in zip(assembled.parts[1:], raws[1:]):
            crc = checksums.combine(algorithm, crc, raw, part.size)
        value = base64.b64encode(crc).decode()
    for alg, name in HEADER_OF.items():
        given = headers.get(name)
        if given is not None and alg != algorithm:
            raise _mismatch(algorithm, alg)
        if given is not None and given.strip() not in (value, value.split("-")[0]):
            raise BadDigest(f"The {algorithm} you specified did not match the calculated "
                            "checksum.")
    return {algorithm: value}


def _check_object_size(headers: Mapping[str, str], size: int) -> None:
    given = headers.get("x-amz-mp-object-size")
    if given is not None and given.strip() != str(size):
        raise InvalidRequest("The provided 'x-amz-mp-object-size' header does not match what "
                             "was computed")


def _location(call: Call) -> str:
    path = "/" + quote(call.object_key.encode("utf-8", "surrogateescape"), safe="")
    if not call.virtual_host:
        path = f"/{call.bucket}{path}"
    host = call.headers.get("host") or "s3.amazonaws.com"
    return f"{'https' if call.secure else 'http'}://{host}{path}"


def _completed(call: Call, version: ObjectVersion) -> Reply:
    body: dict[str, Any] = {"Location": _location(call), "Bucket": call.bucket, "Key": call.key,
                            "ETag": version.etag}
    body.update(("Checksum" + alg, value) for alg, value in version.checksums.items())
    body["ChecksumType"] = version.checksum_type
    out = sse.echo(version.sse, customer=False)
    if version.version_id is not None:
        out["x-amz-version-id"] = version.version_id
    return Reply(headers=out, xml=("CompleteMultipartUploadResult", body))


@operation("CompleteMultipartUpload", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE",
           body_cap=(8 << 20, MaxMessageLengthExceeded))
def complete_multipart_upload(call: Call) -> Reply:
    refuse_unimplemented("CompleteMultipartUpload", call.headers)
    bucket = call.store.bucket(call.bucket_name)
    upload_id = call.query.get("uploadId") or ""
    bucket.upload(upload_id, call.object_key, completed=True)  # NoSuchUpload before the body
    requested = requested_parts(call.body())
    headers = call.headers

    def finish(upload: Upload, current: ObjectVersion | None) -> ObjectVersion:
        sse.check_part_key(call, upload.sse, checksum=upload.checksum_algorithm is not None)
        assembled = upload.assemble(requested, call.settings.min_part_size)
        sums = _object_checksums(headers, upload, assembled)
        _check_object_size(headers, assembled.blob.size)
        check_write_conditions(headers, current, call.object_key)
        return ObjectVersion(
            key=call.object_key, blob=assembled.blob, etag=assembled.etag,
            last_modified=upload.initiated.replace(microsecond=0), metadata=upload.metadata,
            content=upload.content, storage_class=upload.storage_class, checksums=sums,
            checksum_type=upload.checksum_type if sums else None, parts=assembled.infos,
            sse=upload.sse, tags=upload.tags, owner=upload.object_owner, acl=upload.acl,
            lock=upload.lock)
    version = bucket.complete_upload(upload_id, call.object_key, requested, finish)
    object_event(call, bucket, "ObjectCreated:CompleteMultipartUpload", version)
    return _completed(call, version)


# -- ListParts / ListMultipartUploads ------------------------------------------------------------
def _checksum_fields(sums: Mapping[str, str]) -> dict[str, str]:
    return {"Checksum" + alg: value for alg, value in sums.items()}


@operation("ListParts", action="s3:ListMultipartUploadParts", kind=OBJECT_WRITE, acl="WRITE")
def list_parts(call: Call) -> Reply:
    query = call.query
    max_parts = count_of(query.get("max-parts"), "max-parts", MAX_LISTED)
    marker = count_of(query.get("part-number-marker"), "part-number-marker", 0)
    bucket = call.store.bucket(call.bucket_name)
    upload, parts, truncated = bucket.list_parts(query.get("uploadId"), call.object_key, marker,
                                                 min(max_parts, MAX_LISTED))
    owner = owner_of(call, upload.owner)
    return Reply(xml=("ListPartsResult", {
        "Bucket": call.bucket, "Key": call.key, "UploadId": upload.upload_id,
        "Initiator": owner, "Owner": owner, "StorageClass": upload.storage_class,
        "PartNumberMarker": marker, "NextPartNumberMarker": parts[-1].number if parts else marker,
        "MaxParts": min(max_parts, MAX_LISTED), "IsTruncated": truncated,
        "Part": [{"PartNumber": p.number, "LastModified": p.last_modified, "ETag": p.etag,
                  "Size": p.size, **_checksum_fields(p.checksums)} for p in parts],
        "ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.checksum_type}))


@operation("ListMultipartUploads", action="s3:ListBucketMultipartUploads", kind=BUCKET, acl="READ",
           listing=True)
def list_multipart_uploads(call: Call) -> Reply:
    query = call.query
    encode = encoder_of(query)
    max_uploads = min(count_of(query.get("max-uploads"), "max-uploads", MAX_LISTED), MAX_LISTED)
    bucket = call.store.bucket(call.bucket_name)
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter") or None
    key_marker = query.get("key-marker", "")
    id_marker = query.get("upload-id-marker", "") if key_marker else ""
    page = bucket.list_uploads(prefix=prefix, delimiter=delimiter, key_marker=key_marker,
                               upload_id_marker=id_marker, max_uploads=max_uploads)
    owner_of_account = owners(call)
    entries = []
    for upload in page.uploads:
        owner = owner_of_account(upload.owner)
        entries.append({"Key": encode(upload.key), "UploadId": upload.upload_id,
                        "Initiator": owner, "Owner": owner,
                        "StorageClass": upload.storage_class, "Initiated": upload.initiated,
                        "ChecksumAlgorithm": upload.checksum_algorithm,
                        "ChecksumType": upload.checksum_type})
    return Reply(xml=("ListMultipartUploadsResult", {
        "Bucket": call.bucket, "KeyMarker": encode(key_marker), "UploadIdMarker": id_marker,
        "NextKeyMarker": encode(page.next_key), "NextUploadIdMarker": page.next_upload_id,
        "Delimiter": encode(delimiter), "Prefix": encode(prefix), "MaxUploads": max_uploads,
        "EncodingType": query.get("encoding-type"), "IsTruncated": page.truncated,
        "Upload": entries, "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes]}))


# -- GetObject / HeadObject ?partNumber ------------------------------------------------------------
@dataclass(frozen=True)
class PartRead:
    """What ``?partNumber=N`` reads: a byte span (None: the whole object) and extra headers."""

    span: tuple[int, int] | None
    headers: dict[str, str]


def part_read(call: Call, version: ObjectVersion) -> PartRead | None:
    """The part a GetObject/HeadObject asks for with ``partNumber``, or None without one.

    A single-PUT object has one part, itself. Range and partNumber together are
    InvalidRequest; a part the object does not have is 416 InvalidPartNumber.
    """
    text = call.query.get("partNumber")
    if text is None:
        return None
    number = part_number_of(text)
    if "range" in call.headers:
        raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
    parts = version.parts or ()
    found = next((p for p in parts if p.number == number), None)
    if (parts and found is None) or (not parts and number != 1):
        raise InvalidPartNumber(PartNumberRequested=str(number),
                                ActualPartCount=str(len(parts) or 1))
    headers: dict[str, str] = {}
    sums: Mapping[str, str] = {}
    if parts:
        headers["x-amz-mp-parts-count"] = str(len(parts))
    if version.checksums and call.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED":
        if found is not None and version.checksum_type == "COMPOSITE":
            sums = found.checksums
        elif len(parts) <= 1:
            sums = version.checksums
        headers.update((HEADER_OF[alg], value) for alg, value in sums.items() if alg in HEADER_OF)
        if sums:
            headers["x-amz-checksum-type"] = version.checksum_type or "FULL_OBJECT"
    if found is None:
        return PartRead((0, version.size) if version.size else None, headers)
    return PartRead((found.offset, found.offset + found.size), headers)
