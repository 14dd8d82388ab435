"""The per-Id bucket configurations: analytics (storage class analysis), inventory, metrics
(CloudWatch request metrics) and S3 Intelligent-Tiering archive configurations, each with
Put, Get, Delete and List (sixteen operations, one :class:`Kind` per configuration).

They do not fit the :mod:`.subresources` table (one value per bucket): each kind is a frozen
mapping Id -> document in a :class:`~s3emu.model.settings.BucketSettings` field, changed
atomically under the bucket's lock. The documents and their validation are in
:mod:`.report_documents`; the rules common to the four, from S3's API reference:

- the ``id`` query parameter names the configuration (InvalidArgument when it is not a valid
  Id); Put stores the whole document, replacing one of the same Id (200); a bucket holds up to
  1,000 of each kind: a new Id beyond them is 400 TooManyConfigurations;
- Get and Delete of an Id the bucket does not have are 404 NoSuchConfiguration; Delete answers
  204;
- List returns the configurations in Id order, at most 100 a page: ``IsTruncated``, and
  ``NextContinuationToken`` to pass as ``continuation-token`` for the next page (a token s3emu
  did not make is InvalidArgument); the request's token is echoed as ``ContinuationToken``.

The configurations are stored and shown; the reports they describe (analytics exports,
inventory lists, CloudWatch metrics) are not produced: inventory reports come with the
clock's background jobs.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import InvalidArgument, NoSuchConfiguration, TooManyConfigurations
from ..model.settings import BucketSettings
from ..operations import BUCKET, declare
from . import report_documents as documents
from .registry import Call, Reply

#: The most configurations of one kind a bucket holds, and a List page's size.
LIMIT, PAGE = 1000, 100


@dataclass(frozen=True)
class Kind:
    """One per-Id configuration: where it is stored, its document and its operations."""

    #: the BucketSettings field (a mapping Id -> document)
    field: str
    #: the word in its operation names (``PutBucket<topic>Configuration``)
    topic: str
    #: the document's root element, and the List response's
    root: str
    list_root: str
    parse: documents.Parser
    put_action: str
    get_action: str


KINDS = (
    Kind("analytics", "Analytics", "AnalyticsConfiguration",
         "ListBucketAnalyticsConfigurationResult", documents.parse_analytics,
         "s3:PutAnalyticsConfiguration", "s3:GetAnalyticsConfiguration"),
    Kind("inventory", "Inventory", "InventoryConfiguration",
         "ListInventoryConfigurationsResult", documents.parse_inventory,
         "s3:PutInventoryConfiguration", "s3:GetInventoryConfiguration"),
    Kind("metrics", "Metrics", "MetricsConfiguration", "ListMetricsConfigurationsResult",
         documents.parse_metrics, "s3:PutMetricsConfiguration", "s3:GetMetricsConfiguration"),
    Kind("intelligent_tiering", "IntelligentTiering", "IntelligentTieringConfiguration",
         "ListBucketIntelligentTieringConfigurationsOutput",
         documents.parse_intelligent_tiering, "s3:PutIntelligentTieringConfiguration",
         "s3:GetIntelligentTieringConfiguration"),
)


def _stored(kind: Kind, call: Call) -> Mapping[str, Any]:
    return getattr(call.store.bucket(call.bucket_name).settings, kind.field)


def put_configuration(kind: Kind, call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config_id = documents.check_id(call.query.get("id"))
    document = kind.parse(call.verified_body(), config_id)

    def change(settings: BucketSettings) -> BucketSettings:
        current = getattr(settings, kind.field)
        if config_id not in current and len(current) >= LIMIT:
            raise TooManyConfigurations()
        return settings.but(**{kind.field: MappingProxyType({**current, config_id: document})})
    bucket.configure(change)
    return Reply()


def get_configuration(kind: Kind, call: Call) -> Reply:
    found = _stored(kind, call).get(documents.check_id(call.query.get("id")))
    if found is None:
        raise NoSuchConfiguration()
    return Reply(xml=(kind.root, found))


def delete_configuration(kind: Kind, call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config_id = documents.check_id(call.query.get("id"))

    def change(settings: BucketSettings) -> BucketSettings:
        current = getattr(settings, kind.field)
        if config_id not in current:
            raise NoSuchConfiguration()
        return settings.but(**{kind.field: MappingProxyType(
            {k: v for k, v in current.items() if k != config_id})})
    bucket.configure(change)
    return Reply(status=204)


def _after(token: str | None) -> str:
    """The Id a continuation token continues after ('' without one)."""
    if token is None:
        return ""
    try:
        after = base64.urlsafe_b64decode(token.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        after = ""
    if not after.startswith("s3emu:"):
        raise InvalidArgument("The continuation token provided is incorrect",
                              ArgumentName="continuation-token", ArgumentValue=token)
    return after[len("s3emu:"):]


def list_configurations(kind: Kind, call: Call) -> Reply:
    stored = _stored(kind, call)
    token = call.query.get("continuation-token")
    after = _after(token)
    ids = sorted(i for i in stored if i > after)
    page = ids[:PAGE]
    truncated = len(ids) > len(page)
    body: dict[str, Any] = {
        "ContinuationToken": token,
        kind.root: [stored[i] for i in page],
        "IsTruncated": truncated,
        "NextContinuationToken": base64.urlsafe_b64encode(
            f"s3emu:{page[-1]}".encode()).decode().rstrip("=") if truncated else None,
    }
    return Reply(xml=(kind.list_root, body))


def _declare(kind: Kind) -> None:
    name = f"Bucket{kind.topic}Configuration"
    for op, action, serve in (
            (f"Put{name}", kind.put_action, put_configuration),
            (f"Get{name}", kind.get_action, get_configuration),
            (f"Delete{name}", kind.put_action, delete_configuration),
            (f"List{name}s", kind.get_action, list_configurations)):
        declare(op, action=action, kind=BUCKET, handler=_handler(serve, kind))


def _handler(serve: Any, kind: Kind) -> Any:
    def handler(call: Call) -> Reply:
        return serve(kind, call)
    handler.__wrapped__ = serve  # type: ignore[attr-defined]  # s3emu ops: the generic line
    handler.__name__ = handler.__qualname__ = f"{serve.__name__}[{kind.field}]"
    return handler


for _kind in KINDS:
    _declare(_kind)
