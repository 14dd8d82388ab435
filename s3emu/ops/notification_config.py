"""PutBucketNotificationConfiguration and GetBucketNotificationConfiguration.

The rules, from S3's PutBucketNotificationConfiguration reference, the user guide's "Amazon S3
Event Notifications" chapter ("Event notification types and destinations", "Configuring event
notifications using object key name filtering") and S3's answers as users report them:

- the document is ``NotificationConfiguration`` with any number of ``TopicConfiguration``
  (``Topic``: an SNS topic ARN), ``QueueConfiguration`` (``Queue``: an SQS queue ARN) and
  ``CloudFunctionConfiguration`` (``CloudFunction``: a Lambda function ARN), each with an
  optional ``Id`` (S3 makes one when absent), one or more ``Event`` and an optional
  ``Filter``/``S3Key`` of ``FilterRule`` (``Name`` prefix or suffix, either case; shown as
  ``Prefix`` / ``Suffix``), and an optional empty ``EventBridgeConfiguration``; an empty
  document removes the configuration (there is no Delete operation);
- an event S3 does not know is InvalidArgument "The event is not supported for
  notifications"; a rule named otherwise is InvalidArgument "filter rule name must be either
  prefix or suffix"; two prefix (suffix) rules are InvalidArgument "Cannot specify more than one
  prefix (suffix) rule in a filter."; two configurations that share an event type for keys
  both filters let through are InvalidArgument "Configurations overlap. Configurations on the
  same bucket cannot share a common event type."; an ARN that is not one of the destination's
  service is InvalidArgument "Unable to validate the following destination configurations"
  naming it (``ArgumentName1`` / ``ArgumentValue1``), and a destination in another region than
  the bucket InvalidArgument "The notification destination service region is not valid for the
  bucket location constraint";
- when a configuration is set, S3 sends ``s3:TestEvent`` to each of its destinations.

S3 also checks that each destination exists and lets S3 publish to it (unless
``x-amz-skip-destination-validation: true``); the emulator has no SQS, SNS or Lambda, so a
well-formed ARN is a destination: what S3 delivers there is kept by
:mod:`s3emu.notifications`.
"""
from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from ..errors import InvalidArgument, MalformedXML
from ..model.notification import (CONFIGURABLE, KINDS, NotificationConfiguration, Target,
                                  overlapping)
from ..operations import BUCKET
from ..protocol import xml
from .registry import Call, Reply, operation
from .support.events import publish

ROOT = "NotificationConfiguration"
_EVENTBRIDGE = "EventBridgeConfiguration"
_ELEMENTS = frozenset(kind for kind, _, _ in KINDS) | {_EVENTBRIDGE}
_ARN = re.compile(r"^arn:aws(?:-cn|-us-gov)?:(?P<service>sns|sqs|lambda):(?P<region>[a-z0-9-]+)"
                  r":(?P<account>\d{12}):(?P<rest>.+)$")
_UNVALIDATED = "Unable to validate the following destination configurations"


def _target(kind: str, field: str, service: str, element: Any, region: str,
            bucket: str, index: int) -> Target:
    if not isinstance(element, dict) or not set(element) <= {"Id", field, "Event", "Filter"}:
        raise MalformedXML()
    arn = xml.text_of(element.get(field, "")).strip()
    events = tuple(xml.text_of(e) for e in xml.as_list(element.get("Event")))
    if not arn or not events:
        raise MalformedXML()
    for event in events:
        if event not in CONFIGURABLE:
            raise InvalidArgument("The event is not supported for notifications",
                                  ArgumentName="Event", ArgumentValue=event)
    prefix, suffix = _filter(element.get("Filter"))
    match = _ARN.match(arn)
    if match is None or match.group("service") != service or (
            service == "lambda" and not match.group("rest").startswith("function:")):
        raise InvalidArgument(_UNVALIDATED, ArgumentName1=arn,
                              ArgumentValue1="The destination ARN is not valid")
    if match.group("region") != region:
        raise InvalidArgument("The notification destination service region is not valid for "
                              "the bucket location constraint", ArgumentName=arn,
                              ArgumentValue=region)
    given = xml.text_of(element["Id"]) if "Id" in element else ""
    return Target(kind=kind, id=given or _made_id(bucket, index, arn), arn=arn, events=events,
                  prefix=prefix, suffix=suffix)


def _filter(element: Any) -> tuple[str | None, str | None]:
    """The prefix and suffix of a ``Filter`` element (None: no rule)."""
    if element is None:
        return None, None
    if not isinstance(element, dict) or not set(element) <= {"S3Key"}:
        raise MalformedXML()
    key = element.get("S3Key") or {}
    if not isinstance(key, dict) or not set(key) <= {"FilterRule"}:
        raise MalformedXML()
    found: dict[str, str] = {}
    for rule in xml.as_list(key.get("FilterRule")):
        if not isinstance(rule, dict) or not set(rule) <= {"Name", "Value"}:
            raise MalformedXML()
        name = xml.text_of(rule.get("Name", "")).lower()
        if name not in ("prefix", "suffix"):
            raise InvalidArgument("filter rule name must be either prefix or suffix",
                                  ArgumentName="FilterRule.Name",
                                  ArgumentValue=xml.text_of(rule.get("Name", "")))
        if name in found:
            raise InvalidArgument(f"Cannot specify more than one {name} rule in a filter.",
                                  ArgumentName="FilterRule.Name", ArgumentValue=name)
        found[name] = xml.text_of(rule.get("Value", ""))
    return found.get("prefix"), found.get("suffix")


def _made_id(bucket: str, index: int, arn: str) -> str:
    """The Id S3 gives a configuration sent without one (deterministic here)."""
    digest = hashlib.sha256(f"{bucket}\n{index}\n{arn}".encode()).hexdigest()
    uuid = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    return base64.b64encode(uuid.encode()).decode()


def parse_configuration(body: bytes, bucket: str, region: str) -> NotificationConfiguration:
    """A ``NotificationConfiguration`` document, with S3's validation."""
    doc = xml.parse(body, ROOT) if body.strip() else {}
    if doc is None:
        doc = {}
    if not isinstance(doc, dict) or not set(doc) <= _ELEMENTS:
        raise MalformedXML()
    targets: list[Target] = []
    for kind, field, service in KINDS:
        for element in xml.as_list(doc.get(kind)):
            targets.append(_target(kind, field, service, element, region, bucket,
                                   len(targets)))
    for number, one in enumerate(targets):
        for other in targets[number + 1:]:
            if overlapping(one, other):
                raise InvalidArgument("Configurations overlap. Configurations on the same "
                                      "bucket cannot share a common event type.",
                                      ArgumentName="Event", ArgumentValue=one.events[0])
    eventbridge = _EVENTBRIDGE in doc
    if eventbridge and doc[_EVENTBRIDGE] not in (None, "", {}):
        raise MalformedXML()
    return NotificationConfiguration(tuple(targets), eventbridge)


def show_configuration(config: NotificationConfiguration | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if config is None:
        return body
    for kind, field, _ in KINDS:
        shown = []
        for target in config.targets:
            if target.kind != kind:
                continue
            rules = [{"Name": name, "Value": value}
                     for name, value in (("Prefix", target.prefix), ("Suffix", target.suffix))
                     if value is not None]
            item: dict[str, Any] = {"Id": target.id, field: target.arn,
                                    "Event": list(target.events)}
            if rules:
                item["Filter"] = {"S3Key": {"FilterRule": rules}}
            shown.append(item)
        if shown:
            body[kind] = shown
    if config.eventbridge:
        body[_EVENTBRIDGE] = ""
    return body


@operation("PutBucketNotificationConfiguration", action="s3:PutBucketNotification",
           kind=BUCKET)
def put_notification_configuration(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config = parse_configuration(call.verified_body(), bucket.name, bucket.region)
    empty = not config.targets and not config.eventbridge
    bucket.configure(notification=None if empty else config)
    if config.targets:
        publish(call, bucket, "TestEvent", key="",
                more={"arns": tuple(dict.fromkeys(t.arn for t in config.targets))})
    return Reply()


@operation("GetBucketNotificationConfiguration", action="s3:GetBucketNotification",
           kind=BUCKET)
def get_notification_configuration(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    return Reply(xml=(ROOT, show_configuration(bucket.settings.notification)))
