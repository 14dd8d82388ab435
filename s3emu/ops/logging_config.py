"""PutBucketLogging and GetBucketLogging (a row of :mod:`.subresources`; S3 has no Delete:
an empty ``BucketLoggingStatus`` turns logging off). The records themselves are written and
delivered by :mod:`s3emu.access_logs`.

From S3's PutBucketLogging reference and "Enabling Amazon S3 server access logging":
``BucketLoggingStatus`` holds an optional ``LoggingEnabled`` with ``TargetBucket``,
``TargetPrefix`` (both required), ``TargetObjectKeyFormat`` (``SimplePrefix`` or
``PartitionedPrefix`` with ``PartitionDateSource`` EventTime / DeliveryTime) and
``TargetGrants``; the target must exist (InvalidTargetBucketForLogging), be owned by the same
account and be in the same region. ``TargetGrants`` (ACLs on the log objects) is not
implemented: 501 naming it.
"""
from __future__ import annotations

from typing import Any

from ..errors import InvalidTargetBucketForLogging, MalformedXML, NotImplemented_
from ..model.bucket import Bucket
from ..model.server_logging import (DELIVERY_TIME, EVENT_TIME, PARTITIONED, SIMPLE,
                                    LoggingConfiguration)
from ..protocol import xml
from .registry import Call, Reply

ROOT = "BucketLoggingStatus"
_ENABLED = frozenset({"TargetBucket", "TargetPrefix", "TargetGrants", "TargetObjectKeyFormat"})


def parse_logging(body: bytes, bucket: Bucket) -> LoggingConfiguration | None:
    doc = xml.parse(body, ROOT) if body.strip() else {}
    doc = doc or {}
    if not isinstance(doc, dict) or not set(doc) <= {"LoggingEnabled"}:
        raise MalformedXML()
    enabled = doc.get("LoggingEnabled")
    if enabled is None:
        return None
    if not isinstance(enabled, dict) or not set(enabled) <= _ENABLED or \
            "TargetBucket" not in enabled or "TargetPrefix" not in enabled:
        raise MalformedXML()
    if "TargetGrants" in enabled:
        raise NotImplemented_("s3emu does not implement TargetGrants (ACLs on log objects).",
                              Operation="PutBucketLogging", Parameter="TargetGrants")
    key_format, source = None, EVENT_TIME
    shape = enabled.get("TargetObjectKeyFormat")
    if shape is not None:
        if not isinstance(shape, dict) or len(shape) != 1 or \
                not set(shape) <= {SIMPLE, PARTITIONED}:
            raise MalformedXML()
        key_format = next(iter(shape))
        if key_format == PARTITIONED:
            partitioned = shape[PARTITIONED] or {}
            if not isinstance(partitioned, dict) or not set(partitioned) <= {
                    "PartitionDateSource"}:
                raise MalformedXML()
            source = xml.text_of(partitioned.get("PartitionDateSource", EVENT_TIME))
            if source not in (EVENT_TIME, DELIVERY_TIME):
                raise MalformedXML()
        elif shape[SIMPLE] not in (None, "", {}):
            raise MalformedXML()
    return LoggingConfiguration(xml.text_of(enabled["TargetBucket"]),
                                xml.text_of(enabled["TargetPrefix"]), key_format, source)


def verify_logging(value: LoggingConfiguration | None, bucket: Bucket, call: Call) -> None:
    if value is None:
        return
    target = call.store.buckets.get(value.target_bucket)
    if target is None:
        raise InvalidTargetBucketForLogging("The target bucket for logging does not exist",
                                            TargetBucket=value.target_bucket)
    if target.owner != bucket.owner:
        raise InvalidTargetBucketForLogging(
            "The owner for the bucket to be logged and the target bucket must be the same.",
            TargetBucket=value.target_bucket)
    if target.region != bucket.region:
        raise InvalidTargetBucketForLogging("Cross S3 location logging not allowed. ",
                                            TargetBucket=value.target_bucket)


def show_logging(value: LoggingConfiguration | None, call: Call, bucket: Bucket) -> Reply:
    if value is None:
        return Reply(xml=(ROOT, {}))
    enabled: dict[str, Any] = {"TargetBucket": value.target_bucket,
                               "TargetPrefix": value.target_prefix}
    if value.key_format == SIMPLE:
        enabled["TargetObjectKeyFormat"] = {SIMPLE: ""}
    elif value.key_format == PARTITIONED:
        enabled["TargetObjectKeyFormat"] = {PARTITIONED: {
            "PartitionDateSource": value.date_source}}
    return Reply(xml=(ROOT, {"LoggingEnabled": enabled}))
