"""PutBucketReplication, GetBucketReplication, DeleteBucketReplication (a row of
:mod:`.subresources`); the replication itself is :mod:`s3emu.replication`'s.

From S3's PutBucketReplication reference and "Replication configuration file elements":
``ReplicationConfiguration`` has a ``Role`` and 1 to 1,000 ``Rule`` with an optional ``ID``
(at most 255 characters, unique), ``Status`` Enabled / Disabled, the older rule-level
``Prefix`` or a ``Filter`` (``Prefix``, ``Tag``, or ``And`` of them), with a Filter a
``Priority`` (unique) and ``DeleteMarkerReplication``, and a ``Destination`` (``Bucket`` as an
ARN, ``Account``, ``StorageClass``, ``ReplicationTime``). Versioning must be Enabled on the
source and on the destination, which must exist. Content-MD5 or a flexible checksum is
required. What s3emu does not do is 501 naming it: ``ExistingObjectReplication`` Enabled,
``SourceSelectionCriteria`` (SSE-KMS replicas, replica modification sync),
``EncryptionConfiguration``, ``AccessControlTranslation`` and ``Metrics``.
"""
from __future__ import annotations

from typing import Any

from ..errors import InvalidArgument, InvalidRequest, MalformedXML, NotImplemented_, S3Error
from ..model.bucket import Bucket
from ..model.objects import STORAGE_CLASSES
from ..model.replication import ReplicationConfiguration, ReplicationRule
from ..protocol import numbers, xml
from .registry import Call, Reply

ROOT = "ReplicationConfiguration"
_RULE = frozenset({"ID", "Priority", "Prefix", "Filter", "Status", "SourceSelectionCriteria",
                   "ExistingObjectReplication", "Destination", "DeleteMarkerReplication"})
_DESTINATION = frozenset({"Bucket", "Account", "StorageClass", "AccessControlTranslation",
                          "EncryptionConfiguration", "ReplicationTime", "Metrics"})
_UNSUPPORTED = ("SourceSelectionCriteria", "AccessControlTranslation",
                "EncryptionConfiguration", "Metrics")


def _unsupported(name: str) -> S3Error:
    return NotImplemented_(f"s3emu does not implement replication with {name}.",
                           Operation="PutBucketReplication", Parameter=name)


def _status(element: Any) -> str:
    if not isinstance(element, dict) or set(element) - {"Status"}:
        raise MalformedXML()
    status = xml.text_of(element.get("Status", ""))
    if status not in ("Enabled", "Disabled"):
        raise MalformedXML()
    return status


def _tag(element: Any) -> tuple[str, str]:
    if not isinstance(element, dict) or set(element) != {"Key", "Value"}:
        raise MalformedXML()
    return xml.text_of(element["Key"]), xml.text_of(element["Value"])


def _filter(element: Any) -> tuple[str, tuple[tuple[str, str], ...], dict[str, Any]]:
    if element in (None, ""):
        return "", (), {}
    if not isinstance(element, dict) or len(element) > 1 or \
            not set(element) <= {"Prefix", "Tag", "And"}:
        raise MalformedXML()
    if "Prefix" in element:
        prefix = xml.text_of(element["Prefix"])
        return prefix, (), {"Prefix": prefix}
    if "Tag" in element:
        tag = _tag(element["Tag"])
        return "", (tag,), {"Tag": {"Key": tag[0], "Value": tag[1]}}
    both = element["And"]
    if not isinstance(both, dict) or not set(both) <= {"Prefix", "Tag"}:
        raise MalformedXML()
    tags = tuple(_tag(t) for t in xml.as_list(both.get("Tag")))
    prefix = xml.text_of(both.get("Prefix", ""))
    shown: dict[str, Any] = {}
    if "Prefix" in both:
        shown["Prefix"] = prefix
    if tags:
        shown["Tag"] = [{"Key": k, "Value": v} for k, v in tags]
    return prefix, tags, {"And": shown}


def _rule(element: Any, number: int) -> tuple[ReplicationRule, dict[str, Any]]:
    if not isinstance(element, dict) or not set(element) <= _RULE or \
            "Status" not in element or "Destination" not in element:
        raise MalformedXML()
    for name in _UNSUPPORTED:
        if name in element:
            raise _unsupported(name)
    existing = element.get("ExistingObjectReplication")
    if existing is not None and _status(existing) == "Enabled":
        raise _unsupported("ExistingObjectReplication")
    status = xml.text_of(element["Status"])
    if status not in ("Enabled", "Disabled"):
        raise MalformedXML()
    rule_id = xml.text_of(element.get("ID", "")) or f"rule-{number + 1}"
    if len(rule_id) > 255:
        raise InvalidArgument("The ID is too long", ArgumentName="ID", ArgumentValue=rule_id)
    shown: dict[str, Any] = {"ID": rule_id}
    filtered = "Filter" in element
    if filtered and "Prefix" in element:
        raise MalformedXML()
    priority = 0
    if filtered:
        if "Priority" not in element or "DeleteMarkerReplication" not in element:
            raise InvalidRequest("Priority and DeleteMarkerReplication must be specified "
                                 "for a rule with a Filter")
        value = numbers.integer(xml.text_of(element["Priority"]))
        if value is None:
            raise MalformedXML()
        priority = value
        shown["Priority"] = priority
        prefix, tags, shown_filter = _filter(element["Filter"])
        shown["Filter"] = shown_filter
    else:
        prefix, tags = xml.text_of(element.get("Prefix", "")), ()
        shown["Prefix"] = prefix
    shown["Status"] = status
    destination = element["Destination"]
    if not isinstance(destination, dict) or not set(destination) <= _DESTINATION or \
            "Bucket" not in destination:
        raise MalformedXML()
    for name in _UNSUPPORTED:
        if name in destination:
            raise _unsupported(name)
    arn = xml.text_of(destination["Bucket"])
    if not arn.startswith("arn:aws:s3:::") or not arn[13:]:
        raise InvalidArgument("Invalid bucket ARN", ArgumentName="Bucket", ArgumentValue=arn)
    shown_destination: dict[str, Any] = {"Bucket": arn}
    if "Account" in destination:
        shown_destination["Account"] = xml.text_of(destination["Account"])
    storage_class = None
    if "StorageClass" in destination:
        storage_class = xml.text_of(destination["StorageClass"])
        if storage_class not in STORAGE_CLASSES:
            raise MalformedXML()
        shown_destination["StorageClass"] = storage_class
    if "ReplicationTime" in destination:       # replicas arrive well within its 15 minutes
        shown_destination["ReplicationTime"] = destination["ReplicationTime"]
    shown["Destination"] = shown_destination
    markers = False
    if "DeleteMarkerReplication" in element:
        markers = _status(element["DeleteMarkerReplication"]) == "Enabled"
        shown["DeleteMarkerReplication"] = {"Status": "Enabled" if markers else "Disabled"}
    rule = ReplicationRule(id=rule_id, enabled=status == "Enabled", destination=arn[13:],
                           priority=priority, prefix=prefix, tags=tags,
                           storage_class=storage_class, delete_markers=markers,
                           filtered=filtered)
    return rule, shown


def parse_replication(body: bytes, bucket: Bucket) -> ReplicationConfiguration:
    doc = xml.parse(body, ROOT)
    if not isinstance(doc, dict) or not set(doc) <= {"Role", "Rule"} or "Role" not in doc:
        raise MalformedXML()
    elements = xml.as_list(doc.get("Rule"))
    if not elements or len(elements) > 1000:
        raise MalformedXML()
    parsed = [_rule(element, number) for number, element in enumerate(elements)]
    rules = tuple(rule for rule, _ in parsed)
    if len({r.id for r in rules}) != len(rules):
        raise InvalidArgument("Rule Id must be unique", ArgumentName="ID")
    filtered = [r.priority for r in rules if r.filtered]
    if len(set(filtered)) != len(filtered):
        raise InvalidRequest("Found overlapping priorities. Priorities must be unique")
    shown = {"Role": xml.text_of(doc["Role"]), "Rule": [s for _, s in parsed]}
    return ReplicationConfiguration(xml.text_of(doc["Role"]), rules, shown)


def verify_replication(value: ReplicationConfiguration, bucket: Bucket, call: Call) -> None:
    if bucket.settings.versioning != "Enabled":
        raise InvalidRequest("Versioning must be 'Enabled' on the bucket to apply a "
                             "replication configuration")
    for rule in value.rules:
        target = call.store.buckets.get(rule.destination)
        if target is None:
            raise InvalidRequest("Destination bucket must exist.")
        if target.settings.versioning != "Enabled":
            raise InvalidRequest("Destination bucket must have versioning enabled.")


def show_replication(value: ReplicationConfiguration, call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=(ROOT, dict(value.shown)))
