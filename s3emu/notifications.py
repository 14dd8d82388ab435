"""Event notifications: S3's event messages, delivered to the destinations a bucket's
notification configuration names (``emu.notifications``).

The emulator has no SQS queue, SNS topic or Lambda function; a destination is its ARN, and
what S3 would deliver there is kept, in order:

- :meth:`Notifications.messages` gives the messages delivered to an ARN (each as the JSON
  object S3 sends: an SQS message body, an SNS notification's ``Message``, a Lambda function's
  event), :meth:`Notifications.bodies` the same as JSON text;
- :meth:`Notifications.subscribe` calls a function with each new message for an ARN (run a
  Lambda handler on real S3 events), :meth:`Notifications.forward` POSTs each one as JSON to a
  URL (a process of your own, behind ``s3emu serve``).

Delivery is synchronous: when the request that caused an event has been answered, its
messages are there. The messages follow S3's "Event message structure" (``eventVersion``
2.5, S3's single version for every event type since 2.4): ``Records`` of one record with
``eventSource`` ``aws:s3``, ``eventName`` without the ``s3:`` prefix, the object key
URL-encoded as an HTML form encodes it (``red flower.jpg`` is ``red+flower.jpg``), ``size``
and ``eTag`` (not for removals), ``versionId`` (versioned buckets), a ``sequencer`` that grows
with every event, and the ``configurationId``. A configuration being set sends
``s3:TestEvent`` to each of its destinations. With EventBridge enabled, every event also goes
to the account's default event bus (``arn:aws:events:REGION:ACCOUNT:event-bus/default``) in
EventBridge's form. Every delivery is journaled (operation ``S3.NOTIFICATION``).

This module imports only the standard library and the model, events and journal.
"""
from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections import defaultdict
from datetime import datetime
from typing import Any, Callable
from urllib.parse import quote_plus

from .events import S3_PRINCIPAL, Event
from .journal import Journal
from .model.notification import NotificationConfiguration
from .model.store import Store

log = logging.getLogger("s3emu.notifications")

EVENT_VERSION = "2.5"
#: EventBridge's detail-type of each event family
_DETAIL_TYPES = {
    "ObjectCreated": "Object Created", "ObjectRemoved": "Object Deleted",
    "ObjectRestore:Post": "Object Restore Initiated",
    "ObjectRestore:Completed": "Object Restore Completed",
    "ObjectRestore:Delete": "Object Restore Expired",
    "ObjectTagging:Put": "Object Tags Added", "ObjectTagging:Delete": "Object Tags Deleted",
    "ObjectAcl:Put": "Object ACL Updated", "LifecycleExpiration": "Object Deleted",
    "LifecycleTransition": "Object Storage Class Changed",
    "IntelligentTiering": "Object Access Tier Changed",
}


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _principal(event: Event) -> str:
    if event.principal == S3_PRINCIPAL:
        return S3_PRINCIPAL
    return f"AWS:{event.principal}" if event.principal else "anonymous"


def sequencer(event: Event) -> str:
    return f"{event.sequence:018X}"


def _object(event: Event, key: str, names: tuple[str, str, str]) -> dict[str, Any]:
    """The object part of a message: ``key``, then size, ETag and version id (those the event
    has) under the ``names`` of the message's form, then the sequencer."""
    obj: dict[str, Any] = {"key": key}
    for name, value in zip(names, (event.size, event.etag, event.version_id)):
        if value is not None:
            obj[name] = value
    obj["sequencer"] = sequencer(event)
    return obj


def record(event: Event, configuration_id: str) -> dict[str, Any]:
    """S3's event message for one destination configuration."""
    obj = _object(event, quote_plus(event.key, safe="/"), ("size", "eTag", "versionId"))
    item: dict[str, Any] = {
        "eventVersion": EVENT_VERSION, "eventSource": "aws:s3", "awsRegion": event.region,
        "eventTime": _iso(event.time), "eventName": event.name,
        "userIdentity": {"principalId": _principal(event)},
        "requestParameters": {"sourceIPAddress": event.source_ip},
        "responseElements": {"x-amz-request-id": event.request_id,
                             "x-amz-id-2": event.host_id},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": event.bucket, "ownerIdentity": {"principalId": event.owner},
                          "arn": f"arn:aws:s3:::{event.bucket}"},
               "object": obj},
    }
    for name, value in event.more.items():      # glacierEventData, lifecycleEventData
        if name.endswith("EventData"):
            item[name] = value
    return {"Records": [item]}


def test_message(event: Event) -> dict[str, Any]:
    return {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": _iso(event.time),
            "Bucket": event.bucket, "RequestId": event.request_id, "HostId": event.host_id}


def eventbridge_message(event: Event) -> dict[str, Any] | None:
    detail_type = _DETAIL_TYPES.get(event.name) or _DETAIL_TYPES.get(event.name.split(":")[0])
    if detail_type is None:
        return None
    obj = _object(event, event.key, ("size", "etag", "version-id"))
    detail: dict[str, Any] = {"version": "0", "bucket": {"name": event.bucket}, "object": obj,
                              "request-id": event.request_id,
                              "requester": event.principal or "anonymous",
                              "source-ip-address": event.source_ip, "reason": event.reason}
    if event.name.startswith("ObjectRemoved"):
        detail["deletion-type"] = ("Delete Marker Created" if event.name.endswith("Created")
                                   else "Permanently Deleted")
    return {"version": "0", "id": f"{event.sequence:08x}-0000-4000-8000-{event.sequence:012x}",
            "detail-type": detail_type, "source": "aws.s3", "account": event.owner,
            "time": event.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": event.region,
            "resources": [f"arn:aws:s3:::{event.bucket}"], "detail": detail}


class Notifications:
    """The messages S3 delivered, per destination ARN (``emu.notifications``)."""

    def __init__(self, store: Store, journal: Journal) -> None:
        self._store = store
        self._journal = journal
        self._lock = threading.Lock()
        self._delivered: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._subscribers: dict[str, list[Callable[[dict[str, Any]], Any]]] = defaultdict(list)
        self._forwards: dict[str, str] = {}

    # -- what tests read ---------------------------------------------------------------------
    def messages(self, arn: str) -> list[dict[str, Any]]:
        """The messages delivered to ``arn`` so far, oldest first."""
        with self._lock:
            return list(self._delivered.get(arn, ()))

    def bodies(self, arn: str) -> list[str]:
        """The same messages as the JSON text a queue would hold."""
        return [json.dumps(message) for message in self.messages(arn)]

    def destinations(self) -> list[str]:
        """Every ARN something was delivered to."""
        with self._lock:
            return sorted(self._delivered)

    def subscribe(self, arn: str, callback: Callable[[dict[str, Any]], Any]) -> Callable[[], None]:
        """Call ``callback(message)`` with each message delivered to ``arn`` from now on
        (in the thread of the request that caused it; an exception it raises is logged).
        Returns a function that ends the subscription."""
        with self._lock:
            self._subscribers[arn].append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers.get(arn, ()):
                    self._subscribers[arn].remove(callback)
        return unsubscribe

    def forward(self, arn: str, url: str | None) -> None:
        """POST each message for ``arn`` as JSON to ``url`` (None: stop)."""
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError(f"forward needs an http:// or https:// URL, not {url!r}")
        with self._lock:
            if url is None:
                self._forwards.pop(arn, None)
            else:
                self._forwards[arn] = url

    def clear(self) -> None:
        """Forget the delivered messages (subscriptions and forwards stay)."""
        with self._lock:
            self._delivered.clear()

    # -- delivery ------------------------------------------------------------------------------
    def __call__(self, event: Event) -> None:
        """The events consumer: deliver ``event`` where its bucket's configuration says."""
        bucket = self._store.buckets.get(event.bucket)
        config: NotificationConfiguration | None = (
            bucket.settings.notification if bucket is not None else None)
        if config is None:
            return
        if event.name == "TestEvent":
            for arn in event.more.get("arns", ()):
                self._deliver(arn, test_message(event), event)
            return
        for target in config.targets_for(event.name, event.key):
            self._deliver(target.arn, record(event, target.id), event)
        if config.eventbridge:
            message = eventbridge_message(event)
            if message is not None:
                bus = f"arn:aws:events:{event.region}:{event.owner}:event-bus/default"
                self._deliver(bus, message, event)

    def _deliver(self, arn: str, message: dict[str, Any], event: Event) -> None:
        with self._lock:
            self._delivered[arn].append(message)
            callbacks = list(self._subscribers.get(arn, ()))
            url = self._forwards.get(arn)
        status = 200
        for callback in callbacks:
            try:
                callback(message)
            except Exception:
                log.exception("a subscriber of %s failed", arn)
        if url is not None:
            status = _post(url, arn, message)
        self._journal.record_effect(event.time, "S3.NOTIFICATION", event.bucket,
                                    event.key or None, status=status,
                                    request_id=event.request_id, version_id=event.version_id)


def _post(url: str, arn: str, message: dict[str, Any]) -> int:
    """POST one message; its HTTP status (0: no answer)."""
    request = urllib.request.Request(
        url, data=json.dumps(message).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-S3emu-Destination": arn})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        log.warning("forwarding to %s: HTTP %s", url, error.code)
        return int(error.code)
    except (OSError, ValueError) as error:
        log.warning("forwarding to %s failed: %s", url, error)
        return 0
