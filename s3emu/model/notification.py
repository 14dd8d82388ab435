"""A bucket's event notification configuration (PutBucketNotificationConfiguration), as one
frozen value: which events of which keys go to which destination.

A :class:`Target` is one Topic, Queue or LambdaFunction configuration: its Id, the
destination's ARN, the event types it asks for (``s3:ObjectCreated:*`` style, wildcards
allowed) and its key filter (one prefix and one suffix rule at most). :func:`overlapping`
finds two targets S3 refuses together: they share an event type and a key could match both
filters. This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass

#: the event types of S3's notifications, without the ``s3:`` of a configuration
EVENT_TYPES = (
    "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
    "ObjectCreated:CompleteMultipartUpload",
    "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated",
    "ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete",
    "ReducedRedundancyLostObject",
    "Replication:OperationFailedReplication", "Replication:OperationMissedThreshold",
    "Replication:OperationReplicatedAfterThreshold", "Replication:OperationNotTracked",
    "LifecycleExpiration:Delete", "LifecycleExpiration:DeleteMarkerCreated",
    "LifecycleTransition", "IntelligentTiering",
    "ObjectTagging:Put", "ObjectTagging:Delete", "ObjectAcl:Put",
)
#: the families a configuration may ask for with ``s3:<family>:*``
FAMILIES = tuple(sorted({name.split(":")[0] for name in EVENT_TYPES if ":" in name}))
#: every event name a configuration may hold
CONFIGURABLE = frozenset({f"s3:{name}" for name in EVENT_TYPES}
                         | {f"s3:{family}:*" for family in FAMILIES})
#: the three kinds of destination: (XML element, destination element, ARN service)
KINDS = (("TopicConfiguration", "Topic", "sns"), ("QueueConfiguration", "Queue", "sqs"),
         ("CloudFunctionConfiguration", "CloudFunction", "lambda"))


def expand(configured: str) -> frozenset[str]:
    """The event types a configuration's event name (``s3:ObjectCreated:*``) stands for."""
    name = configured[3:]
    if name.endswith(":*"):
        family = name[:-1]
        return frozenset(t for t in EVENT_TYPES if t.startswith(family))
    return frozenset({name})


@dataclass(frozen=True)
class Target:
    """One destination configuration."""

    #: ``TopicConfiguration``, ``QueueConfiguration`` or ``CloudFunctionConfiguration``
    kind: str
    id: str
    arn: str
    #: the event names as configured (``s3:ObjectCreated:*``)
    events: tuple[str, ...]
    prefix: str | None = None
    suffix: str | None = None

    @property
    def types(self) -> frozenset[str]:
        return frozenset().union(*(expand(e) for e in self.events))

    def matches(self, event: str, key: str) -> bool:
        """Whether an event of type ``event`` on ``key`` goes to this destination."""
        if self.prefix and not key.startswith(self.prefix):
            return False
        if self.suffix and not key.endswith(self.suffix):
            return False
        return event in self.types


def overlapping(one: Target, other: Target) -> bool:
    """S3's rule: two configurations may not share an event type for keys both filters let
    through (one prefix starts the other, one suffix ends the other; none is everything)."""
    if not one.types & other.types:
        return False
    first, second = one.prefix or "", other.prefix or ""
    if not (first.startswith(second) or second.startswith(first)):
        return False
    first, second = one.suffix or "", other.suffix or ""
    return first.endswith(second) or second.endswith(first)


@dataclass(frozen=True)
class NotificationConfiguration:
    targets: tuple[Target, ...] = ()
    #: EventBridgeConfiguration is set: every event also goes to the default event bus
    eventbridge: bool = False

    def targets_for(self, event: str, key: str) -> list[Target]:
        return [t for t in self.targets if t.matches(event, key)]
