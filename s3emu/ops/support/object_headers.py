"""Object headers in and out: user metadata, content attributes, storage class, checksums.

Request side: :func:`metadata_from` (``x-amz-meta-*`` with S3's 2 KB limit),
:func:`content_from` (Content-Type and friends). Response side: :func:`object_headers` for
GET/HEAD. Header names on the request side are lower-case.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import parse_qsl

from ...errors import (InvalidArgument, InvalidRedirectLocation, InvalidStorageClass,
                       MetadataTooLarge, NotImplemented_)
from ...model.objects import STORAGE_CLASSES, ObjectLock, ObjectVersion
from ...model.tags import check_tag_set
from ...protocol.checksums import HEADER_OF
from ...protocol.dates import http_date, iso8601
from .header_names import CONTENT_HEADERS, HeaderNames, names_of
from .sse import echo

LOCK_MODE, LOCK_UNTIL, LOCK_HOLD = ("x-amz-object-lock-mode",
                                    "x-amz-object-lock-retain-until-date",
                                    "x-amz-object-lock-legal-hold")

#: S3's limit on user-defined metadata: sum of UTF-8 bytes of names and values.
MAX_METADATA_BYTES = 2048

#: model content field -> response header
RESPONSE_HEADER_OF = {
    "ContentType": "Content-Type",
    "ContentEncoding": "Content-Encoding",
    "ContentDisposition": "Content-Disposition",
    "ContentLanguage": "Content-Language",
    "CacheControl": "Cache-Control",
    "Expires": "Expires",
    "WebsiteRedirectLocation": "x-amz-website-redirect-location",
}
DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def metadata_from(headers: Mapping[str, str],
                  names: HeaderNames | None = None) -> dict[str, str]:
    """User metadata from ``x-amz-meta-*`` headers; MetadataTooLarge past 2 KB. ``names``:
    the headers' :class:`HeaderNames` when known."""
    meta = {}
    for name in (names or names_of(headers)).metadata:
        meta[name[11:]] = headers[name]
    if meta:
        size = sum(len(k.encode()) + len(v.encode("latin-1", "replace"))
                   for k, v in meta.items())
        if size > MAX_METADATA_BYTES:
            raise MetadataTooLarge(Size=str(size), MaxSizeAllowed=str(MAX_METADATA_BYTES))
    return meta


def content_from(headers: Mapping[str, str],
                 names: HeaderNames | None = None) -> dict[str, str]:
    """Content attributes to store with an object; aws-chunked is not stored as an encoding.
    ``names``: the headers' :class:`HeaderNames` when known."""
    content = {}
    for name in (names or names_of(headers)).content:
        content[CONTENT_HEADERS[name]] = headers[name]
    encoding = content.get("ContentEncoding")
    if encoding == "aws-chunked":                # botocore's framing alone: nothing to keep
        del content["ContentEncoding"]
    elif encoding is not None:
        kept = [e.strip() for e in encoding.split(",") if e.strip() and e.strip() != "aws-chunked"]
        if kept:
            content["ContentEncoding"] = ", ".join(kept)
        else:
            del content["ContentEncoding"]
    content.setdefault("ContentType", DEFAULT_CONTENT_TYPE)
    if "WebsiteRedirectLocation" in content:
        check_redirect_location(content["WebsiteRedirectLocation"])
    return content


def check_redirect_location(location: str) -> None:
    """``x-amz-website-redirect-location`` must be a path (``/...``) or an http(s) URL: the
    website endpoint answers 301 to it (:mod:`s3emu.website`)."""
    if not location.startswith(("/", "http://", "https://")):
        raise InvalidRedirectLocation()


def storage_class_from(headers: Mapping[str, str]) -> str:
    value = headers.get("x-amz-storage-class", "STANDARD")
    if value not in STORAGE_CLASSES:
        raise InvalidStorageClass(StorageClassRequested=value)
    return value


def tags_from(headers: Mapping[str, str]) -> dict[str, str]:
    """Object tags from an ``x-amz-tagging`` header (URL query encoded), checked as every
    tag set is (:func:`~s3emu.model.tags.check_tag_set`)."""
    text = headers.get("x-amz-tagging")
    if not text:
        return {}
    pairs = parse_qsl(text, keep_blank_values=True)
    if len({key for key, _ in pairs}) != len(pairs):
        raise InvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then "
                              "URLEncoded URL query parameters without tag name duplicates.")
    return check_tag_set(pairs)


def object_headers(version: ObjectVersion, *, checksum_mode: bool = False) -> dict[str, str]:
    """Response headers describing ``version`` (GET/HEAD), without Content-Length."""
    out = {"Last-Modified": http_date(version.last_modified), "ETag": version.etag,
           "Accept-Ranges": "bytes"}
    for field, value in version.content.items():
        out[RESPONSE_HEADER_OF[field]] = value
    for name, value in version.metadata.items():
        out["x-amz-meta-" + name] = value
    if version.storage_class != "STANDARD":
        out["x-amz-storage-class"] = version.storage_class
    if version.replication is not None:
        out["x-amz-replication-status"] = version.replication
    if version.version_id is not None:
        out["x-amz-version-id"] = version.version_id
    if version.tags:
        out["x-amz-tagging-count"] = str(len(version.tags))
    if version.lock is not None:
        out.update(lock_headers(version.lock))
    for name, value in sse_headers(version).items():
        out[name] = value
    if checksum_mode and version.checksums:
        for alg, value in version.checksums.items():
            out[HEADER_OF[alg]] = value
        if version.checksum_type:
            out["x-amz-checksum-type"] = version.checksum_type
    return out


def sse_headers(version: ObjectVersion, *, context: bool = False) -> dict[str, str]:
    """The server-side encryption headers S3 echoes for ``version`` (see :func:`.sse.echo`;
    the KMS encryption context only on write responses)."""
    return echo(version.sse, context=context)


def lock_headers(lock: ObjectLock | None) -> dict[str, str]:
    """The Object Lock headers of GET / HEAD."""
    if lock is None:
        return {}
    out = {}
    if lock.mode is not None and lock.retain_until is not None:
        out[LOCK_MODE] = lock.mode
        out[LOCK_UNTIL] = iso8601(lock.retain_until)
    if lock.legal_hold is not None:
        out[LOCK_HOLD] = "ON" if lock.legal_hold else "OFF"
    return out


#: Request headers S3 acts on and s3emu does not implement: answered 501 NotImplemented
#: naming the header, never accepted and dropped (see :func:`refuse_unimplemented`).
NEW_CHECKSUMS = tuple(f"x-amz-checksum-{alg}" for alg in
                      ("sha512", "md5", "xxhash64", "xxhash3", "xxhash128"))
EVENT_HOLD = ("x-amz-object-lock-event-hold", "x-amz-object-lock-event-hold-duration-days",
              "x-amz-object-lock-event-hold-duration-years")
NOT_IMPLEMENTED_ON = {
    "PutObject": NEW_CHECKSUMS + EVENT_HOLD + ("x-amz-write-offset-bytes",),
    "UploadPart": NEW_CHECKSUMS,
    "CompleteMultipartUpload": NEW_CHECKSUMS,
    "CopyObject": EVENT_HOLD + ("x-amz-object-annotation-directive",),
    "CreateMultipartUpload": EVENT_HOLD,
    "AbortMultipartUpload": ("x-amz-if-match-initiated-time",),
    "DeleteObject": ("x-amz-if-match-last-modified-time", "x-amz-if-match-size"),
    "CreateBucket": ("x-amz-bucket-namespace",),
}


#: the same names as sets, for the usual request, which carries none of them
_NOT_IMPLEMENTED_SETS = {op: frozenset(names) for op, names in NOT_IMPLEMENTED_ON.items()}


def refuse_unimplemented(op: str, headers: Mapping[str, str]) -> None:
    """501 NotImplemented for a header of ``op`` that S3 would act on and s3emu does not."""
    names = _NOT_IMPLEMENTED_SETS.get(op)
    if names is None or names.isdisjoint(headers):
        return
    for name in NOT_IMPLEMENTED_ON[op]:     # the first in the list's order
        if name in headers:
            raise NotImplemented_(f"s3emu does not implement the {name} header yet.",
                                  Header=name)
