"""Server access logs: a record per request to a bucket with logging on, delivered as log
objects into the target bucket on the emulator clock.

Each record is a line in S3's server access log format ("Amazon S3 server access log
format"), fields separated by spaces, ``-`` for an empty one: bucket owner (canonical id),
bucket, ``[time]``, remote IP, requester (canonical id, or ``-`` for anonymous), request id,
operation (``REST.PUT.OBJECT``, ``REST.GET.BUCKET``, ``REST.GET.VERSIONING``, ...), key
(URL-encoded), ``"Request-URI"``, HTTP status, error code, bytes sent, object size, total time
and turn-around time (ms, on the emulator clock: 0 with a frozen clock), ``"referer"``,
``"user agent"``, version id, host id, signature version (SigV2 / SigV4), cipher suite, auth
type (AuthHeader / QueryString), Host header, TLS version, access point ARN, ACL required.

Delivery (:class:`AccessLogs`): a bucket's records are gathered in a batch that is delivered
:data:`DELIVERY_DELAY` after its first record, as one object in the target bucket, named as
S3 names them (``[prefix]YYYY-mm-DD-HH-MM-SS-UNIQUE``, or the partitioned form
``[prefix]ACCOUNT/REGION/BUCKET/YYYY/MM/DD/YYYY-mm-DD-HH-MM-SS-UNIQUE``). The delivery writes
as S3's logging service (``logging.s3.amazonaws.com``): the target's bucket policy must allow
it ``s3:PutObject``, or nothing is written (a failed delivery, journaled with status 403);
the log object belongs to the target's owner. Writing a log object is no request, so it is
never logged again (a bucket may log to itself). Every delivery is journaled
(``S3.LOG.DELIVERY``).

This module imports only the standard library and s3emu's parts below the app.
"""
from __future__ import annotations

from functools import partial
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from .access.acl import canonical_id
from .background.delivery import put_delivered, service_may_write
from .journal import Journal
from .messages import Inbound, Outcome
from .model.bucket import Bucket
from .model.server_logging import DELIVERY_TIME, PARTITIONED
from .model.store import Store
from .scheduler import Scheduler

#: how long after its first record a batch of records is delivered
DELIVERY_DELAY = timedelta(minutes=5)
LOGGING_SERVICE = "logging.s3.amazonaws.com"
#: operations whose log name is not ``REST.<METHOD>.<OBJECT|BUCKET|SUBRESOURCE>``
_NAMES = {
    "DeleteObjects": "REST.POST.MULTI_OBJECT_DELETE", "CopyObject": "REST.COPY.OBJECT",
    "UploadPartCopy": "REST.COPY.PART", "CreateMultipartUpload": "REST.POST.UPLOADS",
    "UploadPart": "REST.PUT.PART", "CompleteMultipartUpload": "REST.POST.UPLOAD",
    "AbortMultipartUpload": "REST.DELETE.UPLOAD", "ListParts": "REST.GET.UPLOAD",
    "ListMultipartUploads": "REST.GET.UPLOADS", "PostObject": "REST.POST.OBJECT",
    "RestoreObject": "REST.POST.RESTORE", "ListObjectVersions": "REST.GET.BUCKETVERSIONS",
    "PutObjectTagging": "REST.PUT.OBJECT_TAGGING", "GetObjectTagging": "REST.GET.OBJECT_TAGGING",
    "DeleteObjectTagging": "REST.DELETE.OBJECT_TAGGING", "PreflightCORS": "REST.OPTIONS.PREFLIGHT",
}


def operation_name(method: str, op: str | None, key: str | None, query: str) -> str:
    """The log's operation: ``REST.<METHOD>.<resource>``."""
    if op in _NAMES:
        return _NAMES[op]
    subresource = query.partition("&")[0].partition("=")[0]
    if subresource and subresource not in ("prefix", "delimiter", "list-type", "marker",
                                           "max-keys", "encoding-type", "versionId",
                                           "partNumber", "continuation-token", "start-after",
                                           "fetch-owner", "X-Amz-Algorithm",
                                           "AWSAccessKeyId") and not subresource.startswith(
                                               "response-"):
        return f"REST.{method}.{subresource.upper().replace('-', '_')}"
    return f"REST.{method}.{'OBJECT' if key is not None else 'BUCKET'}"


def _quoted(text: str | None) -> str:
    return f'"{text}"' if text else '"-"'


def _auth(inbound: Inbound) -> tuple[str, str]:
    """(signature version, authentication type) of a request."""
    authorization = inbound.headers.get("authorization", "")
    query = inbound.environ.get("QUERY_STRING", "")
    if authorization.startswith("AWS4-"):
        return "SigV4", "AuthHeader"
    if authorization.startswith("AWS "):
        return "SigV2", "AuthHeader"
    if "X-Amz-Signature=" in query:
        return "SigV4", "QueryString"
    if "Signature=" in query:
        return "SigV2", "QueryString"
    return "-", "-"


def record_line(bucket: Bucket, inbound: Inbound, outcome: Outcome, *, method: str,
                key: str | None, requester: str | None, host_id: str, started: datetime,
                ended: datetime) -> str:
    environ = inbound.environ
    query = str(environ.get("QUERY_STRING", ""))
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get(
        "PATH_INFO", "/"))
    status = outcome.status.partition(" ")[0]
    signature, auth_type = _auth(inbound)
    took = max(0, int((ended - started).total_seconds() * 1000))
    size = None                     # the object's whole size, for requests that touched it
    if key is not None and status < "300":
        found = bucket.find(key)
        if found is not None and not found.delete_marker:
            size = found.size
    fields = [
        canonical_id(bucket.owner), bucket.name,
        "[" + started.strftime("%d/%b/%Y:%H:%M:%S +0000") + "]",
        str(environ.get("REMOTE_ADDR") or "127.0.0.1"),
        canonical_id(requester) if requester else "-",
        outcome.request_id or "-",
        operation_name(method, outcome.operation, key, query),
        quote(key, safe="/") if key else "-",
        f'"{method} {raw} {environ.get("SERVER_PROTOCOL", "HTTP/1.1")}"',
        status, outcome.error_code or "-",
        str(outcome.bytes_out) if outcome.bytes_out else "-",
        str(size) if size is not None else "-",
        str(took), str(took),
        _quoted(inbound.headers.get("referer")), _quoted(inbound.headers.get("user-agent")),
        outcome.version_id or "-", host_id or "-", signature,
        "-" if not inbound.secure or inbound.in_process else "TLS_AES_128_GCM_SHA256",
        auth_type, inbound.headers.get("host") or "-",
        "-" if not inbound.secure or inbound.in_process else "TLSv1.3", "-", "-",
    ]
    return " ".join(fields)


@dataclass
class _Batch:
    first: datetime
    lines: list[str] = field(default_factory=list)


class AccessLogs:
    """The records waiting for delivery, per source bucket, and their delivery."""

    def __init__(self, store: Store, journal: Journal, scheduler: Scheduler,
                 unique: Any) -> None:
        self._store = store
        self._journal = journal
        self._scheduler = scheduler
        self._unique = unique          # () -> a fresh id (deterministic)
        self._lock = threading.Lock()
        self._batches: dict[str, _Batch] = {}
        #: how many records were made (read without a lock: the data directory's writer
        #: compares it around each request, see s3emu.server)
        self.recorded = 0

    def record(self, bucket: Bucket, line: str, at: datetime) -> None:
        with self._lock:
            self.recorded += 1
            batch = self._batches.get(bucket.name)
            if batch is not None:
                batch.lines.append(line)
                return
            self._batches[bucket.name] = _Batch(at, [line])
        name = bucket.name
        self._scheduler.at(at + DELIVERY_DELAY, partial(self.deliver, name),
                           f"access logs of {name}")

    def pending(self, bucket: str) -> list[str]:
        """The records of ``bucket`` not delivered yet."""
        with self._lock:
            batch = self._batches.get(bucket)
            return list(batch.lines) if batch else []

    def deliver(self, name: str, at: datetime) -> None:
        with self._lock:
            batch = self._batches.pop(name, None)
        source = self._store.buckets.get(name)
        if batch is None or source is None or source.settings.logging is None:
            return
        config = source.settings.logging
        target = self._store.buckets.get(config.target_bucket)
        key = self._key(source, config, batch.first, at)
        allowed = target is not None and service_may_write(LOGGING_SERVICE, target, source, key)
        status = 200 if allowed else 403
        if allowed and target is not None:
            put_delivered(target, key, ("\n".join(batch.lines) + "\n").encode(), "text/plain", at)
        self._journal.record_effect(at, "S3.LOG.DELIVERY", config.target_bucket, key,
                                    status=status,
                                    error_code=None if status == 200 else "AccessDenied")

    def _key(self, source: Bucket, config: Any, first: datetime, at: datetime) -> str:
        stamp = at.strftime("%Y-%m-%d-%H-%M-%S")
        unique = self._unique()
        if config.key_format == PARTITIONED:
            day = at if config.date_source == DELIVERY_TIME else first
            return (f"{config.target_prefix}{source.owner}/{source.region}/{source.name}/"
                    f"{day.strftime('%Y/%m/%d')}/{stamp}-{unique}")
        return f"{config.target_prefix}{stamp}-{unique}"

