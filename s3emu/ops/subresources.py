"""Bucket subresources as a table: one row per configuration gives its Get, Put and Delete.

A row names the :class:`~s3emu.model.settings.BucketSettings` field it stores, how a Put body
becomes the stored value (``parse``, with S3's validation), what else a Put must respect under
the bucket's lock (``check``), how the value is shown (``show``), the error of a Get when there
is nothing to show, and what a Delete leaves (None, or ``DELETED`` where S3 tells deleted from
never set). Each operation's record (IAM action, body cap, flags) is declared with its row.
Adding a configuration is adding a row; its parser and renderer live in the module of its
topic (:mod:`.policy`, :mod:`.ownership`, :mod:`.public_access`, :mod:`.bucket_encryption`,
:mod:`.tagging`, :mod:`.cors`, :mod:`.website_config`, :mod:`.accelerate`, ...).

The generic handlers:

- Put: the body (Content-MD5 and checksums verified, capped by the record's ``body_cap``; a
  row with ``missing_digest`` refuses a body with neither) is parsed, then ``check`` runs and
  the settings change atomically (``Bucket.configure``), so a refused Put changes nothing; it
  answers ``put_status``;
- Get: the field's value, or the row's ``missing`` error when it holds None or ``DELETED``
  (a row without ``missing`` always shows something, e.g. the default encryption);
- Delete: stores ``cleared``; 204, also when there was nothing to delete.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..errors import (InvalidRequest, MaxMessageLengthExceeded, NoSuchBucketPolicy,
                      NoSuchCORSConfiguration, NoSuchPublicAccessBlockConfiguration,
                      NoSuchTagSet, NoSuchWebsiteConfiguration, OwnershipControlsNotFoundError,
                      PolicyTooLarge, ReplicationConfigurationNotFoundError, S3Error)
from ..model.bucket import Bucket
from ..model.settings import DELETED, BucketSettings, Deleted
from ..operations import BUCKET, declare
from . import (accelerate, bucket_encryption, cors, logging_config, ownership, policy,
               public_access, replication_config, request_payment, tagging,
               website_config)
from .registry import Call, Reply


@dataclass(frozen=True)
class Op:
    """One operation of a row: its name and the facts of its record."""

    name: str
    action: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subresource:
    """One bucket configuration (see the module docstring)."""

    #: the BucketSettings field that holds it
    field: str
    get: Op
    put: Op
    #: the Delete operation (None: the configuration has none)
    delete: Op | None
    #: Put body -> the value to store (raises S3's error for a bad document)
    parse: Callable[[bytes, Bucket], Any]
    #: the stored value -> the Get reply
    show: Callable[[Any, Call, Bucket], Reply]
    #: what Get raises when nothing is set (None: Get always shows something)
    missing: type[S3Error] | None = None
    #: what Delete stores
    cleared: Any = None
    #: rules a Put must pass against the current settings (under the bucket's lock)
    check: Callable[[BucketSettings, Any, Bucket], None] | None = None
    #: rules a Put must pass against the rest of the store (another bucket it names)
    verify: Callable[[Any, Bucket, Call], None] | None = None
    #: the settings a parsed Put changes (default: ``{field: value}``)
    changes: Callable[[Any], dict[str, Any]] | None = None
    put_status: int = 200
    #: a Put needs Content-MD5 or a flexible checksum: InvalidRequest with this message
    #: without either (None: neither is required)
    missing_digest: str | None = None


SUBRESOURCES: tuple[Subresource, ...] = (
    Subresource(
        "policy",
        get=Op("GetBucketPolicy", "s3:GetBucketPolicy", {"owner_account_only": True}),
        put=Op("PutBucketPolicy", "s3:PutBucketPolicy",
               {"body_cap": (20 * 1024, PolicyTooLarge), "owner_account_only": True}),
        delete=Op("DeleteBucketPolicy", "s3:DeleteBucketPolicy", {"owner_account_only": True}),
        parse=policy.parse_policy, show=policy.show_policy, check=policy.check_policy,
        missing=NoSuchBucketPolicy, put_status=204),
    Subresource(
        "ownership",
        get=Op("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
        put=Op("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
        delete=Op("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
        parse=ownership.parse_controls, show=ownership.show_controls,
        check=ownership.check_controls, missing=OwnershipControlsNotFoundError,
        cleared=DELETED),
    Subresource(
        "public_access_block",
        get=Op("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
        put=Op("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        delete=Op("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        parse=public_access.parse_block, show=public_access.show_block,
        missing=NoSuchPublicAccessBlockConfiguration, cleared=DELETED),
    Subresource(
        "encryption",
        get=Op("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
        put=Op("PutBucketEncryption", "s3:PutEncryptionConfiguration"),
        delete=Op("DeleteBucketEncryption", "s3:PutEncryptionConfiguration"),
        parse=bucket_encryption.parse_configuration,
        show=bucket_encryption.show_configuration,
        changes=bucket_encryption.store_configuration),
    Subresource(
        "tags",
        get=Op("GetBucketTagging", "s3:GetBucketTagging"),
        put=Op("PutBucketTagging", "s3:PutBucketTagging"),
        delete=Op("DeleteBucketTagging", "s3:PutBucketTagging"),
        parse=tagging.parse_bucket_tags, show=tagging.show_bucket_tags,
        missing=NoSuchTagSet, put_status=204,
        missing_digest="Missing required header for this request: Content-MD5 OR "
                       "x-amz-checksum-*"),
    Subresource(
        "cors",
        get=Op("GetBucketCors", "s3:GetBucketCORS"),
        put=Op("PutBucketCors", "s3:PutBucketCORS",
               {"body_cap": (64 * 1024, MaxMessageLengthExceeded)}),
        delete=Op("DeleteBucketCors", "s3:PutBucketCORS"),
        parse=cors.parse_cors, show=cors.show_cors, missing=NoSuchCORSConfiguration,
        put_status=200,
        missing_digest="Missing required header for this request: Content-MD5"),
    Subresource(
        "website",
        get=Op("GetBucketWebsite", "s3:GetBucketWebsite"),
        put=Op("PutBucketWebsite", "s3:PutBucketWebsite"),
        delete=Op("DeleteBucketWebsite", "s3:DeleteBucketWebsite"),
        parse=website_config.parse_configuration, show=website_config.show_configuration,
        missing=NoSuchWebsiteConfiguration),
    Subresource(
        "accelerate",
        get=Op("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration"),
        put=Op("PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration"),
        delete=None,
        parse=accelerate.parse_configuration, show=accelerate.show_configuration),
    Subresource(
        "request_payment",
        get=Op("GetBucketRequestPayment", "s3:GetBucketRequestPayment"),
        put=Op("PutBucketRequestPayment", "s3:PutBucketRequestPayment"),
        delete=None,
        parse=request_payment.parse_configuration, show=request_payment.show_configuration),
    Subresource(
        "logging",
        get=Op("GetBucketLogging", "s3:GetBucketLogging"),
        put=Op("PutBucketLogging", "s3:PutBucketLogging"),
        delete=None,
        parse=logging_config.parse_logging, show=logging_config.show_logging,
        verify=logging_config.verify_logging),
    Subresource(
        "replication",
        get=Op("GetBucketReplication", "s3:GetReplicationConfiguration"),
        put=Op("PutBucketReplication", "s3:PutReplicationConfiguration"),
        delete=Op("DeleteBucketReplication", "s3:PutReplicationConfiguration"),
        parse=replication_config.parse_replication,
        show=replication_config.show_replication, verify=replication_config.verify_replication,
        missing=ReplicationConfigurationNotFoundError,
        missing_digest="Missing required header for this request: Content-MD5 OR "
                       "x-amz-checksum-*"),
)


def get_subresource(row: Subresource, call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    value = getattr(bucket.settings, row.field)
    if row.missing is not None and (value is None or isinstance(value, Deleted)):
        raise row.missing(BucketName=bucket.name)
    return row.show(value, call, bucket)


def put_subresource(row: Subresource, call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    body = call.verified_body()
    if row.missing_digest is not None and not call.has_digest:
        raise InvalidRequest(row.missing_digest)
    value = row.parse(body, bucket)
    if row.verify is not None:
        row.verify(value, bucket, call)
    changes = row.changes(value) if row.changes is not None else {row.field: value}

    def change(settings: BucketSettings) -> BucketSettings:
        if row.check is not None:
            row.check(settings, value, bucket)
        return settings.but(**changes)
    bucket.configure(change)
    return Reply(status=row.put_status)


def delete_subresource(row: Subresource, call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    bucket.configure(**{row.field: row.cleared})
    return Reply(status=204)


def _declare(row: Subresource) -> None:
    for op, serve in ((row.get, get_subresource), (row.put, put_subresource),
                      (row.delete, delete_subresource)):
        if op is None:
            continue
        declare(op.name, action=op.action, kind=BUCKET, handler=_handler(serve, row),
                **op.facts)


def _handler(serve: Callable[[Subresource, Call], Reply],
             row: Subresource) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        return serve(row, call)
    handler.__wrapped__ = serve  # type: ignore[attr-defined]  # s3emu ops: the generic line
    handler.__name__ = handler.__qualname__ = f"{serve.__name__}[{row.field}]"
    return handler


for _row in SUBRESOURCES:
    _declare(_row)
