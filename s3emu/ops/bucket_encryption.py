"""Bucket default encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption
(rows of :mod:`.subresources`).

The rules, from S3's API reference and S3's recorded answers:

- every bucket has a default encryption: SSE-S3 (``AES256``, Bucket Key off) until
  PutBucketEncryption sets another; GetBucketEncryption on a never-configured bucket returns
  that default (no ServerSideEncryptionConfigurationNotFoundError since 2023), and
  DeleteBucketEncryption (204, also when repeated) resets it to SSE-S3; a bucket of the era
  before default encryption (``bucket_defaults="legacy"``) has none until PutBucketEncryption
  sets one, and none again after DeleteBucketEncryption (GetBucketEncryption: 404
  ServerSideEncryptionConfigurationNotFoundError);
- the document is ``ServerSideEncryptionConfiguration`` with exactly one ``Rule`` (none or two:
  MalformedXML) holding ``ApplyServerSideEncryptionByDefault`` (``SSEAlgorithm``
  AES256 | aws:kms | aws:kms:dsse, optional ``KMSMasterKeyID``, which S3 does not validate),
  ``BucketKeyEnabled`` and ``BlockedEncryptionTypes`` (``EncryptionType`` NONE | SSE-C);
  a KMSMasterKeyID with AES256 is InvalidArgument;
- since April 2026 new buckets block SSE-C writes (403 AccessDenied), except in me-south-1 and
  me-central-1: ``BlockedEncryptionTypes`` ``NONE`` lifts the block, ``SSE-C`` sets it, and a
  PutBucketEncryption that leaves the element out keeps the bucket's current setting.
  ``Emulator(block_sse_c=False)`` stands for an account whose buckets kept SSE-C enabled.

The bucket's settings hold the rule (``encryption``: a
:class:`~s3emu.model.settings.DefaultEncryption`, None until configured or once deleted) and
the blocked types (``blocked_encryption_types``, None until set).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import (InvalidArgument, MalformedXML,
                      ServerSideEncryptionConfigurationNotFoundError)
from ..model.settings import DefaultEncryption
from ..protocol import xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..settings import Settings

#: The XML root of the configuration.
ROOT = "ServerSideEncryptionConfiguration"
BLOCKED = "BlockedEncryptionTypes"
#: Default-encryption algorithms a general purpose bucket accepts.
ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
#: Regions whose new buckets still allow SSE-C (S3's April 2026 change left them out).
SSE_C_REGIONS = frozenset({"me-south-1", "me-central-1"})

KMS_ID_NOT_APPLICABLE = ("a KMSMasterKeyID is not applicable if the default sse algorithm is "
                         "not aws:kms or aws:kms:dsse")
_BOOLEANS = {"true": True, "false": False}


def blocked_types(settings: Settings, bucket: Bucket) -> list[str]:
    """The bucket's ``BlockedEncryptionTypes``: as set, else S3's default for new buckets."""
    types = bucket.settings.blocked_encryption_types
    if types is not None:
        return list(types)
    if settings.block_sse_c and bucket.region not in SSE_C_REGIONS:
        return ["SSE-C"]
    return ["NONE"]


def sse_c_blocked(settings: Settings, bucket: Bucket) -> bool:
    """Whether the bucket refuses writes that specify SSE-C."""
    return "SSE-C" in blocked_types(settings, bucket)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedXML()
    return value.strip()


def _by_default(element: Any) -> tuple[str, str | None]:
    if not isinstance(element, dict):
        raise MalformedXML()
    algorithm = _text(element.get("SSEAlgorithm"))
    if algorithm not in ALGORITHMS:
        raise MalformedXML()
    key_id = element.get("KMSMasterKeyID")
    if key_id is not None:
        key_id = _text(key_id)
        if not algorithm.startswith("aws:kms"):
            raise InvalidArgument(KMS_ID_NOT_APPLICABLE,
                                  ArgumentName="ApplyServerSideEncryptionByDefault")
    return algorithm, key_id


def _blocked(element: Any) -> list[str]:
    if not isinstance(element, dict):
        raise MalformedXML()
    types = [_text(t) for t in xml.as_list(element.get("EncryptionType"))]
    if not types or any(t not in ("NONE", "SSE-C") for t in types) or len(set(types)) > 1:
        raise MalformedXML()
    return types[:1]


def parse_configuration(body: bytes, bucket: Bucket | None = None
                        ) -> tuple[DefaultEncryption, tuple[str, ...] | None]:
    """``(rule, blocked types or None)`` from a ServerSideEncryptionConfiguration document."""
    doc = xml.parse(body, ROOT)
    rules = xml.as_list(doc.get("Rule"))
    if len(rules) != 1 or not isinstance(rules[0], dict):
        raise MalformedXML()
    rule = rules[0]
    algorithm, key_id = "AES256", None
    if "ApplyServerSideEncryptionByDefault" in rule:
        algorithm, key_id = _by_default(rule["ApplyServerSideEncryptionByDefault"])
    bucket_key = False
    if "BucketKeyEnabled" in rule:
        flag = _text(rule["BucketKeyEnabled"]).lower()
        if flag not in _BOOLEANS:
            raise MalformedXML()
        bucket_key = _BOOLEANS[flag]
    blocked = tuple(_blocked(rule[BLOCKED])) if BLOCKED in rule else None
    return DefaultEncryption(algorithm, key_id, bucket_key), blocked


def store_configuration(parsed: tuple[DefaultEncryption, tuple[str, ...] | None]
                        ) -> dict[str, Any]:
    """The settings a PutBucketEncryption changes: the rule, and the blocked types if given
    (left out, the bucket keeps its current setting)."""
    rule, blocked = parsed
    changes: dict[str, Any] = {"encryption": rule}
    if blocked is not None:
        changes["blocked_encryption_types"] = blocked
    return changes


def show_configuration(rule: DefaultEncryption | None, call: Call, bucket: Bucket) -> Reply:
    """GetBucketEncryption: the rule in effect (SSE-S3 when none was set) and the blocked
    types."""
    rule = rule or bucket.settings.default_encryption
    if rule is None:                # a bucket of the era before default encryption
        raise ServerSideEncryptionConfigurationNotFoundError(BucketName=bucket.name)
    by_default = {"SSEAlgorithm": rule.algorithm, "KMSMasterKeyID": rule.kms_key_id}
    body = {"Rule": {"ApplyServerSideEncryptionByDefault": by_default,
                     "BucketKeyEnabled": rule.bucket_key,
                     BLOCKED: {"EncryptionType": blocked_types(call.settings, bucket)}}}
    return Reply(xml=(ROOT, body))
