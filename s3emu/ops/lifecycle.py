"""Bucket lifecycle: PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration,
DeleteBucketLifecycle, and the ``x-amz-expiration`` header of the objects a rule will expire.

The document is S3's ``LifecycleConfiguration`` (botocore's ``BucketLifecycleConfiguration``)
and is validated as S3 does ("Lifecycle configuration elements", PutBucketLifecycleConfiguration):

- 1 to 1,000 ``Rule`` elements; ``Status`` Enabled or Disabled; an ``ID`` of at most 255
  characters (InvalidArgument), unique (InvalidArgument), made up when left out;
- a rule has a ``Filter`` (at most one of Prefix, Tag, ObjectSizeGreaterThan,
  ObjectSizeLessThan, And; ``And`` holds two predicates or more) or the older rule-level
  ``Prefix``, not both (MalformedXML);
- at least one action (InvalidRequest); ``Expiration`` holds one of Days (a positive integer),
  Date (midnight UTC) or ExpiredObjectDeleteMarker, which goes with neither of the others;
- ``Transition`` names a storage class (STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING,
  GLACIER_IR, GLACIER, DEEP_ARCHIVE; at most one transition per class), after at least 30 days
  for STANDARD_IA and ONEZONE_IA; an Expiration's Days must be greater than every
  Transition's;
- ``NoncurrentVersionExpiration`` / ``NoncurrentVersionTransition``: NoncurrentDays positive
  (30 or more for the IA classes), NewerNoncurrentVersions 1 to 100;
- ``AbortIncompleteMultipartUpload``: DaysAfterInitiation positive, not with a tag or size
  filter (InvalidRequest);
- the request header ``x-amz-transition-default-minimum-object-size``
  (``all_storage_classes_128K``, the default, or ``varies_by_storage_class``) is stored and sent
  back on Put and Get;
- Put needs Content-MD5 or a flexible checksum; Get without a configuration is 404
  NoSuchLifecycleConfiguration; Delete is 204, also when there is none.

What the rules do happens on the emulator's clock (:mod:`s3emu.background.lifecycle`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from ..errors import InvalidArgument, InvalidRequest, MalformedXML, NoSuchLifecycleConfiguration
from ..model.lifecycle import (MIN_SIZE_128K, MIN_SIZE_BY_CLASS, TRANSITION_ORDER, Filter,
                               Lifecycle, Rule, Transition)
from ..model.objects import ObjectVersion
from ..operations import BUCKET
from ..protocol import numbers, xml
from ..protocol.dates import http_date, iso8601
from .registry import Call, Reply, operation

ROOT = "LifecycleConfiguration"
MAX_RULES = 1000
MAX_ID = 255
MIN_SIZE_HEADER = "x-amz-transition-default-minimum-object-size"
#: classes a transition may reach only after 30 days in STANDARD
_THIRTY_DAYS = frozenset({"STANDARD_IA", "ONEZONE_IA"})
_FILTER_PARTS = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
_ACTIONS = ("Expiration", "Transition", "NoncurrentVersionExpiration",
            "NoncurrentVersionTransition", "AbortIncompleteMultipartUpload")


# -- parsing ---------------------------------------------------------------------------------
def _one(element: Any) -> dict[str, Any]:
    if isinstance(element, list) or not isinstance(element, (dict, type(None))):
        raise MalformedXML()
    return element or {}


def _number(element: dict[str, Any], name: str) -> int | None:
    if name not in element:
        return None
    value = numbers.integer(xml.text_of(element[name]), signs="-")
    if value is None:
        raise MalformedXML()
    return value


def _positive(value: int | None, message: str) -> int | None:
    if value is not None and value <= 0:
        raise InvalidArgument(message)
    return value


def _date(element: dict[str, Any]) -> datetime | None:
    if "Date" not in element:
        return None
    text = xml.text_of(element["Date"]).strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidArgument("Invalid date specified") from None
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else \
        when.astimezone(timezone.utc)
    if (when.hour, when.minute, when.second, when.microsecond) != (0, 0, 0, 0):
        raise InvalidArgument("'Date' must be at midnight GMT")
    return when


def _tag(element: Any) -> tuple[str, str]:
    element = _one(element)
    if "Key" not in element:
        raise MalformedXML()
    return xml.text_of(element["Key"]), xml.text_of(element.get("Value"))


def _filter(rule: dict[str, Any]) -> Filter:
    if ("Filter" in rule) == ("Prefix" in rule):
        raise MalformedXML()
    if "Prefix" in rule:
        return Filter(prefix=xml.text_of(rule["Prefix"]), form="Prefix")
    element = _one(rule["Filter"])
    given = [name for name in _FILTER_PARTS if name in element]
    if len(given) > 1 or set(element) - set(_FILTER_PARTS):
        raise MalformedXML()
    if given == ["And"]:
        element = _one(element["And"])
        if set(element) - set(_FILTER_PARTS[:4]):
            raise MalformedXML()
    tags = tuple(_tag(t) for t in xml.as_list(element.get("Tag")))
    if len({k for k, _ in tags}) != len(tags):
        raise InvalidArgument("Duplicate Tag Keys are not allowed.")
    made = Filter(prefix=xml.text_of(element.get("Prefix")), tags=tags,
                  size_greater=_number(element, "ObjectSizeGreaterThan"),
                  size_less=_number(element, "ObjectSizeLessThan"))
    if given == ["And"] and made.predicates < 2:
        raise MalformedXML()
    if (made.size_greater or 0) < 0 or (made.size_less is not None and made.size_less <= 0):
        raise InvalidArgument("The size in an object size filter must be a positive number.")
    if made.size_greater is not None and made.size_less is not None and \
            made.size_greater >= made.size_less:
        raise InvalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan.")
    return made


def _storage_class(element: dict[str, Any]) -> str:
    name = xml.text_of(element.get("StorageClass"))
    if name not in TRANSITION_ORDER:
        raise MalformedXML()
    return name


def _transitions(rule: dict[str, Any], prefix: str) -> tuple[Transition, ...]:
    made = []
    for element in map(_one, xml.as_list(rule.get("Transition"))):
        storage_class = _storage_class(element)
        days, date = _number(element, "Days"), _date(element)
        if (days is None) == (date is None):
            raise MalformedXML()
        if days is not None and days < 0:
            raise InvalidArgument("'Days' in Transition action must be nonnegative")
        if days is not None and days < 30 and storage_class in _THIRTY_DAYS:
            raise InvalidArgument("'Days' in Transition action must be greater than or equal "
                                  f"to 30 for storageClass '{storage_class}'")
        made.append(Transition(storage_class, days=days, date=date))
    _distinct(made, "Transition", prefix)
    return tuple(made)


def _noncurrent_transitions(rule: dict[str, Any], prefix: str) -> tuple[Transition, ...]:
    made = []
    for element in map(_one, xml.as_list(rule.get("NoncurrentVersionTransition"))):
        storage_class = _storage_class(element)
        days = _number(element, "NoncurrentDays")
        if days is None:
            raise MalformedXML()
        if days < 0:
            raise InvalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action "
                                  "must be nonnegative")
        if days < 30 and storage_class in _THIRTY_DAYS:
            raise InvalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must "
                                  f"be greater than or equal to 30 for storageClass "
                                  f"'{storage_class}'")
        made.append(Transition(storage_class, days=days,
                               newer=_newer(element, "NoncurrentVersionTransition")))
    _distinct(made, "NoncurrentVersionTransition", prefix)
    return tuple(made)


def _distinct(transitions: list[Transition], action: str, prefix: str) -> None:
    classes = [t.storage_class for t in transitions]
    if len(set(classes)) != len(classes):
        raise InvalidRequest(f"'StorageClass' must be different for '{action}' actions in "
                             f"same 'Rule' with prefix '{prefix}'")


def _newer(element: dict[str, Any], action: str) -> int | None:
    newer = _number(element, "NewerNoncurrentVersions")
    if newer is not None and not 1 <= newer <= 100:
        raise InvalidArgument(f"'NewerNoncurrentVersions' in {action} action must be between "
                              "1 and 100")
    return newer


def _rule(element: Any, made_id: str) -> Rule:
    rule = _one(element)
    status = xml.text_of(rule.get("Status"))
    if status not in ("Enabled", "Disabled"):
        raise MalformedXML()
    rule_id = xml.text_of(rule["ID"]) if "ID" in rule else made_id
    if len(rule_id) > MAX_ID:
        raise InvalidArgument(f"ID length should not exceed allowed limit of {MAX_ID}")
    found = _filter(rule)
    if not any(name in rule for name in _ACTIONS):
        raise InvalidRequest("At least one action needs to be specified in a rule")
    expiration = _one(rule.get("Expiration")) if "Expiration" in rule else None
    days = date = marker = None
    if expiration is not None:
        days = _positive(_number(expiration, "Days"),
                         "'Days' for Expiration action must be a positive integer")
        date = _date(expiration)
        if "ExpiredObjectDeleteMarker" in expiration:
            flag = xml.text_of(expiration["ExpiredObjectDeleteMarker"]).strip().lower()
            if flag not in ("true", "false"):
                raise MalformedXML()
            marker = flag == "true"
        if days is not None and date is not None or (days, date, marker) == (None, None, None):
            raise MalformedXML()
        if marker is not None and (days is not None or date is not None):
            raise InvalidArgument("ExpiredObjectDeleteMarker cannot be specified with Days or "
                                  "Date in a Lifecycle Expiration Policy.")
    transitions = _transitions(rule, found.prefix)
    if days is not None and any(t.days is not None and t.days >= days for t in transitions):
        raise InvalidArgument(f"'Days' in the Expiration action for filter "
                              f"'(prefix={found.prefix})' must be greater than 'Days' in the "
                              "Transition action")
    noncurrent_days = noncurrent_newer = None
    if "NoncurrentVersionExpiration" in rule:
        element = _one(rule["NoncurrentVersionExpiration"])
        noncurrent_days = _positive(
            _number(element, "NoncurrentDays"),
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
        if noncurrent_days is None:
            raise MalformedXML()
        noncurrent_newer = _newer(element, "NoncurrentVersionExpiration")
    abort_days = None
    if "AbortIncompleteMultipartUpload" in rule:
        abort_days = _positive(
            _number(_one(rule["AbortIncompleteMultipartUpload"]), "DaysAfterInitiation"),
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a "
            "positive integer")
        if abort_days is None:
            raise MalformedXML()
        if found.tags or found.size_greater is not None or found.size_less is not None:
            raise InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with "
                                 "Tags." if found.tags else
                                 "AbortIncompleteMultipartUpload cannot be specified with "
                                 "object size filters.")
    return Rule(rule_id, status == "Enabled", found, expiration_days=days,
                expiration_date=date, expired_object_delete_marker=marker,
                transitions=transitions, noncurrent_days=noncurrent_days,
                noncurrent_newer=noncurrent_newer,
                noncurrent_transitions=_noncurrent_transitions(rule, found.prefix),
                abort_days=abort_days)


def parse_lifecycle(body: bytes, min_size: str, make_id: Any) -> Lifecycle:
    """The configuration of a PutBucketLifecycleConfiguration body (S3's errors otherwise);
    ``make_id()`` names a rule sent without an ID."""
    doc = xml.parse(body, ROOT)
    if set(doc) - {"Rule"}:
        raise MalformedXML()
    elements = xml.as_list(doc.get("Rule"))
    if not elements or len(elements) > MAX_RULES:
        raise MalformedXML()
    rules = tuple(_rule(element, make_id()) for element in elements)
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise InvalidArgument("Rule ID must be unique. Found same ID for more than one rule")
    return Lifecycle(rules, min_size)


# -- showing ---------------------------------------------------------------------------------
def _show_filter(found: Filter) -> dict[str, Any]:
    if found.form == "Prefix":
        return {"Prefix": found.prefix}
    parts: dict[str, Any] = {}
    if found.prefix:
        parts["Prefix"] = found.prefix
    if found.tags:
        parts["Tag"] = [{"Key": k, "Value": v} for k, v in found.tags]
    if found.size_greater is not None:
        parts["ObjectSizeGreaterThan"] = found.size_greater
    if found.size_less is not None:
        parts["ObjectSizeLessThan"] = found.size_less
    return {"Filter": {"And": parts} if found.predicates > 1 else parts}


def _show_rule(rule: Rule) -> dict[str, Any]:
    shown: dict[str, Any] = {"ID": rule.id, **_show_filter(rule.filter),
                             "Status": "Enabled" if rule.enabled else "Disabled"}
    if rule.expiration_days is not None:
        shown["Expiration"] = {"Days": rule.expiration_days}
    elif rule.expiration_date is not None:
        shown["Expiration"] = {"Date": iso8601(rule.expiration_date)}
    elif rule.expired_object_delete_marker is not None:
        shown["Expiration"] = {"ExpiredObjectDeleteMarker": rule.expired_object_delete_marker}
    if rule.transitions:
        shown["Transition"] = [
            {"Days": t.days} if t.date is None else {"Date": iso8601(t.date)}
            for t in rule.transitions]
        for shown_one, t in zip(shown["Transition"], rule.transitions):
            shown_one["StorageClass"] = t.storage_class
    if rule.noncurrent_transitions:
        shown["NoncurrentVersionTransition"] = [
            {"NoncurrentDays": t.days, "StorageClass": t.storage_class,
             "NewerNoncurrentVersions": t.newer} for t in rule.noncurrent_transitions]
    if rule.noncurrent_days is not None:
        shown["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": rule.noncurrent_days,
            "NewerNoncurrentVersions": rule.noncurrent_newer}
    if rule.abort_days is not None:
        shown["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": rule.abort_days}
    return shown


def expiration_header(config: Lifecycle | None, version: ObjectVersion) -> dict[str, str]:
    """``x-amz-expiration`` for the current ``version`` when a rule will expire it (S3 sends
    it on PUT, GET and HEAD; the rule id URL-encoded), else nothing."""
    if config is None:
        return {}
    found = config.expiration(version.key, version)
    if found is None:
        return {}
    when, rule_id = found
    return {"x-amz-expiration":
            f'expiry-date="{http_date(when)}", rule-id="{quote(rule_id, safe="")}"'}


# -- handlers --------------------------------------------------------------------------------
@operation("PutBucketLifecycleConfiguration", action="s3:PutLifecycleConfiguration",
           kind=BUCKET)
def put_bucket_lifecycle(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    min_size = call.headers.get(MIN_SIZE_HEADER, MIN_SIZE_128K)
    if min_size not in (MIN_SIZE_128K, MIN_SIZE_BY_CLASS):
        raise InvalidRequest(f"Invalid value for {MIN_SIZE_HEADER}: {min_size}")
    config = parse_lifecycle(call.verified_body(digest_required=True), min_size,
                             lambda: call.ids.upload_id()[:48])
    bucket.configure(lifecycle=config)
    return Reply(headers={MIN_SIZE_HEADER: min_size})


@operation("GetBucketLifecycleConfiguration", action="s3:GetLifecycleConfiguration",
           kind=BUCKET)
def get_bucket_lifecycle(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config = bucket.settings.lifecycle
    if config is None:
        raise NoSuchLifecycleConfiguration(BucketName=bucket.name)
    return Reply(headers={MIN_SIZE_HEADER: config.min_size},
                 xml=(ROOT, {"Rule": [_show_rule(rule) for rule in config.rules]}))


@operation("DeleteBucketLifecycle", action="s3:PutLifecycleConfiguration", kind=BUCKET)
def delete_bucket_lifecycle(call: Call) -> Reply:
    call.store.bucket(call.bucket_name).configure(lifecycle=None)
    return Reply(status=204)
