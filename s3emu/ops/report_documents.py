"""The documents of the four per-Id bucket configurations (analytics, inventory, metrics,
S3 Intelligent-Tiering archive): each parsed with S3's validation into the document S3 shows
back (plain dicts, in S3's element order), for :mod:`.bucket_reports`.

The rules, from S3's API reference (Put/Get/Delete/ListBucket*Configuration(s), the
``AnalyticsConfiguration``, ``InventoryConfiguration``, ``MetricsConfiguration`` and
``IntelligentTieringConfiguration`` data types) and the user guide pages on storage class
analysis, S3 Inventory, CloudWatch request metrics and S3 Intelligent-Tiering:

- an element the schema does not have, a required element missing, a value outside its
  enumeration (formats, schedules, optional fields, statuses, tiers, schema versions) or a
  document of another root is MalformedXML; so is a body whose ``Id`` is not the ``id``
  query parameter;
- an Id is 1 to 64 characters of letters, digits, ``.``, ``-`` and ``_`` (InvalidArgument);
- a filter holds exactly one predicate: a ``Prefix``, a ``Tag`` (Key and Value), an
  ``AccessPointArn`` (metrics only) or an ``And`` of at least two of them (one Prefix, one
  AccessPointArn, any Tags, keys unique); an inventory filter is a Prefix only;
- export destinations name their bucket by ARN (``arn:aws:s3:::name``), else InvalidArgument;
  an inventory destination's Encryption holds exactly one of ``SSE-S3`` / ``SSE-KMS``
  (with its KeyId);
- an Intelligent-Tiering configuration has 1 or 2 Tierings, one per access tier:
  ``ARCHIVE_ACCESS`` 90 to 730 days, ``DEEP_ARCHIVE_ACCESS`` 180 to 730 days
  (InvalidArgument otherwise).

This module imports errors and the protocol's XML and number parsers only.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import InvalidArgument, MalformedXML, NotImplemented_
from ..protocol import numbers, xml

Document = dict[str, Any]

_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_BUCKET_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
INVENTORY_FORMATS = ("CSV", "ORC", "Parquet")
INVENTORY_FREQUENCIES = ("Daily", "Weekly")
INVENTORY_VERSIONS = ("All", "Current")
INVENTORY_FIELDS = (
    "Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
    "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode",
    "ObjectLockLegalHoldStatus", "ObjectLockEventHoldStatus", "ObjectLockEventHoldDuration",
    "IntelligentTieringAccessTier", "BucketKeyStatus", "ChecksumAlgorithm",
    "ObjectAccessControlList", "ObjectOwner", "LifecycleExpirationDate",
    "IntelligentTieringReferenceDate")
#: access tier -> (fewest, most) days without access before an object moves there
TIER_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


# -- small readers -------------------------------------------------------------------------------
def _fields(element: Any, allowed: tuple[str, ...], required: tuple[str, ...] = ()
            ) -> dict[str, Any]:
    """The children of a container element (an empty one: none), checked against the
    schema's names."""
    if element is None:
        element = {}
    if not isinstance(element, dict) or set(element) - set(allowed) or \
            any(name not in element for name in required):
        raise MalformedXML()
    return element


def _one(value: Any) -> Any:
    """An element that may appear once."""
    if isinstance(value, list):
        raise MalformedXML()
    return value


def _text(value: Any, *, empty: bool = False) -> str:
    text = xml.text_of(_one(value))
    if not text and not empty:
        raise MalformedXML()
    return text


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    text = _text(value)
    if text not in choices:
        raise MalformedXML()
    return text


def _boolean(value: Any) -> bool:
    return _choice(value, ("true", "false")) == "true"


def _bucket_arn(value: Any) -> str:
    arn = _text(value)
    if not _BUCKET_ARN.fullmatch(arn):
        raise InvalidArgument("Invalid destination bucket ARN", ArgumentName="Bucket",
                              ArgumentValue=arn)
    return arn


def check_id(config_id: str | None) -> str:
    """The ``id`` query parameter of a Put, Get or Delete."""
    if not config_id or not _ID.fullmatch(config_id):
        raise InvalidArgument("The configuration ID must be 1 to 64 letters, digits, '.', "
                              "'-' or '_'", ArgumentName="id", ArgumentValue=config_id or "")
    return config_id


def _body_id(doc: Document, config_id: str) -> str:
    if _text(doc.get("Id")) != config_id:
        raise MalformedXML()
    return config_id


# -- filters ---------------------------------------------------------------------------------------
def _tag(element: Any) -> Document:
    tag = _fields(_one(element), ("Key", "Value"), ("Key", "Value"))
    return {"Key": _text(tag["Key"]), "Value": _text(tag["Value"], empty=True)}


def _filter(element: Any, *, access_points: bool) -> Document | None:
    """A Filter of exactly one predicate (see the module docstring); None when absent."""
    if element is None:
        return None
    names = ("Prefix", "Tag", "And") + (("AccessPointArn",) if access_points else ())
    found = _fields(_one(element), names)
    if len(found) != 1:
        raise MalformedXML()
    (name, value), = found.items()
    if name == "Tag":
        return {"Tag": _tag(value)}
    if name != "And":
        return {name: _text(value, empty=name == "Prefix")}
    parts = _fields(_one(value), ("Prefix", "Tag") +
                    (("AccessPointArn",) if access_points else ()))
    conjunction: Document = {}
    if "Prefix" in parts:
        conjunction["Prefix"] = _text(parts["Prefix"], empty=True)
    tags = [_tag(t) for t in xml.as_list(parts.get("Tag"))]
    if tags:
        if len({t["Key"] for t in tags}) != len(tags):
            raise InvalidArgument("Duplicate Tag Keys are not allowed.",
                                  ArgumentName="Filter")
        conjunction["Tag"] = tags
    if "AccessPointArn" in parts:
        conjunction["AccessPointArn"] = _text(parts["AccessPointArn"])
    if len(tags) + ("Prefix" in parts) + ("AccessPointArn" in parts) < 2:
        raise MalformedXML()
    return {"And": conjunction}


# -- the four documents -----------------------------------------------------------------------
def parse_analytics(body: bytes, config_id: str) -> Document:
    doc = _fields(xml.parse(body, "AnalyticsConfiguration"),
                  ("Id", "Filter", "StorageClassAnalysis"), ("Id", "StorageClassAnalysis"))
    shown: Document = {"Id": _body_id(doc, config_id)}
    found = _filter(doc.get("Filter"), access_points=False)
    if found is not None:
        shown["Filter"] = found
    analysis = _fields(_one(doc["StorageClassAnalysis"]), ("DataExport",))
    shown["StorageClassAnalysis"] = {}
    if "DataExport" in analysis:
        export = _fields(_one(analysis["DataExport"]), ("OutputSchemaVersion", "Destination"),
                         ("OutputSchemaVersion", "Destination"))
        destination = _fields(_one(export["Destination"]), ("S3BucketDestination",),
                              ("S3BucketDestination",))
        where = _fields(_one(destination["S3BucketDestination"]),
                        ("Format", "BucketAccountId", "Bucket", "Prefix"), ("Format", "Bucket"))
        target: Document = {"Format": _choice(where["Format"], ("CSV",))}
        if "BucketAccountId" in where:
            target["BucketAccountId"] = _text(where["BucketAccountId"])
        target["Bucket"] = _bucket_arn(where["Bucket"])
        if "Prefix" in where:
            target["Prefix"] = _text(where["Prefix"], empty=True)
        shown["StorageClassAnalysis"] = {"DataExport": {
            "OutputSchemaVersion": _choice(export["OutputSchemaVersion"], ("V_1",)),
            "Destination": {"S3BucketDestination": target}}}
    return shown


def _inventory_encryption(element: Any) -> Document:
    found = _fields(_one(element), ("SSE-S3", "SSE-KMS"))
    if len(found) != 1:
        raise MalformedXML()
    if "SSE-S3" in found:
        _fields(_one(found["SSE-S3"]), ())
        return {"SSE-S3": {}}
    kms = _fields(_one(found["SSE-KMS"]), ("KeyId",), ("KeyId",))
    return {"SSE-KMS": {"KeyId": _text(kms["KeyId"])}}


def parse_inventory(body: bytes, config_id: str) -> Document:
    doc = _fields(xml.parse(body, "InventoryConfiguration"),
                  ("Destination", "IsEnabled", "Filter", "Id", "IncludedObjectVersions",
                   "OptionalFields", "Schedule"),
                  ("Destination", "IsEnabled", "Id", "IncludedObjectVersions", "Schedule"))
    destination = _fields(_one(doc["Destination"]), ("S3BucketDestination",),
                          ("S3BucketDestination",))
    where = _fields(_one(destination["S3BucketDestination"]),
                    ("AccountId", "Bucket", "Format", "Prefix", "Encryption"),
                    ("Bucket", "Format"))
    target: Document = {}
    if "AccountId" in where:
        target["AccountId"] = _text(where["AccountId"])
    target["Bucket"] = _bucket_arn(where["Bucket"])
    target["Format"] = _choice(where["Format"], INVENTORY_FORMATS)
    if target["Format"] != "CSV":     # the reports are written as CSV only (background.inventory)
        raise NotImplemented_(f"s3emu writes inventory reports as CSV, not {target['Format']}.",
                              Parameter="Format")
    if "Prefix" in where:
        target["Prefix"] = _text(where["Prefix"], empty=True)
    if "Encryption" in where:
        target["Encryption"] = _inventory_encryption(where["Encryption"])
    shown: Document = {"Destination": {"S3BucketDestination": target},
                       "IsEnabled": _boolean(doc["IsEnabled"])}
    if doc.get("Filter") is not None:
        prefix = _fields(_one(doc["Filter"]), ("Prefix",), ("Prefix",))["Prefix"]
        shown["Filter"] = {"Prefix": _text(prefix, empty=True)}
    shown["Id"] = _body_id(doc, config_id)
    shown["IncludedObjectVersions"] = _choice(doc["IncludedObjectVersions"],
                                              INVENTORY_VERSIONS)
    if "OptionalFields" in doc:
        listed = _fields(_one(doc["OptionalFields"]), ("Field",))
        names = [_choice(f, INVENTORY_FIELDS) for f in xml.as_list(listed.get("Field"))]
        if len(set(names)) != len(names):
            raise InvalidArgument("Duplicate optional fields are not allowed.",
                                  ArgumentName="OptionalFields")
        shown["OptionalFields"] = {"Field": names}
    schedule = _fields(_one(doc["Schedule"]), ("Frequency",), ("Frequency",))
    shown["Schedule"] = {"Frequency": _choice(schedule["Frequency"], INVENTORY_FREQUENCIES)}
    return shown


def parse_metrics(body: bytes, config_id: str) -> Document:
    doc = _fields(xml.parse(body, "MetricsConfiguration"), ("Id", "Filter"), ("Id",))
    shown: Document = {"Id": _body_id(doc, config_id)}
    found = _filter(doc.get("Filter"), access_points=True)
    if found is not None:
        shown["Filter"] = found
    return shown


def _tiering(element: Any) -> Document:
    tiering = _fields(element, ("Days", "AccessTier"), ("Days", "AccessTier"))
    tier = _choice(tiering["AccessTier"], tuple(TIER_DAYS))
    text = _text(tiering["Days"])
    days = numbers.count(text)
    if days is None:
        raise MalformedXML()
    fewest, most = TIER_DAYS[tier]
    if not fewest <= days <= most:
        raise InvalidArgument(f"{tier} days must be at least {fewest} and at most {most}",
                              ArgumentName="Days", ArgumentValue=text)
    return {"Days": days, "AccessTier": tier}


def parse_intelligent_tiering(body: bytes, config_id: str) -> Document:
    doc = _fields(xml.parse(body, "IntelligentTieringConfiguration"),
                  ("Id", "Filter", "Status", "Tiering"), ("Id", "Status", "Tiering"))
    shown: Document = {"Id": _body_id(doc, config_id)}
    found = _filter(doc.get("Filter"), access_points=False)
    if found is not None:
        shown["Filter"] = found
    shown["Status"] = _choice(doc["Status"], ("Enabled", "Disabled"))
    tierings = [_tiering(t) for t in xml.as_list(doc["Tiering"])]
    if len({t["AccessTier"] for t in tierings}) != len(tierings):
        raise InvalidArgument("Each access tier may appear only once", ArgumentName="Tiering")
    shown["Tiering"] = tierings
    return shown


Parser = Callable[[bytes, str], Document]
