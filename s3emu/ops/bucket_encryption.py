"""Bucket default encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption.

The rules, from S3's API reference and S3's recorded answers:

- every bucket has a default encryption: SSE-S3 (``AES256``, Bucket Key off) until
  PutBucketEncryption sets another; GetBucketEncryption on a never-configured bucket returns
  that default (no ServerSideEncryptionConfigurationNotFoundError since 2023), and
  DeleteBucketEncryption (204, also when repeated) resets it to SSE-S3;
- the document is ``ServerSideEncryptionConfiguration`` with exactly one ``Rule`` (none or two:
  MalformedXML) holding ``ApplyServerSideEncryptionByDefault`` (``SSEAlgorithm``
  AES256 | aws:kms | aws:kms:dsse, optional ``KMSMasterKeyID``, which S3 does not validate),
  ``BucketKeyEnabled`` and ``BlockedEncryptionTypes`` (``EncryptionType`` NONE | SSE-C);
  a KMSMasterKeyID with AES256 is InvalidArgument;
- since April 2026 new buckets block SSE-C writes (403 AccessDenied), except in me-south-1 and
  me-central-1: ``BlockedEncryptionTypes`` ``NONE`` lifts the block, ``SSE-C`` sets it, and a
  PutBucketEncryption that leaves the element out keeps the bucket's current setting.
  ``Emulator(block_sse_c=False)`` stands for an account whose buckets kept SSE-C enabled.

The bucket's settings live in ``bucket.config`` under :data:`CONFIG` (the default rule, absent
until configured) and :data:`BLOCKED` (the blocked types, absent until set).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgument, MalformedXML
from ..protocol import xml
from ..operations import BUCKET
from .registry import Call, Reply, operation

if TYPE_CHECKING:
    from ..settings import Settings
    from ..model.bucket import Bucket

#: ``bucket.config`` key of the default-encryption rule.
CONFIG = "ServerSideEncryptionConfiguration"
#: ``bucket.config`` key of the blocked encryption types.
BLOCKED = "BlockedEncryptionTypes"
#: What a bucket without PutBucketEncryption encrypts new objects with.
DEFAULT_RULE = {"SSEAlgorithm": "AES256", "KMSMasterKeyID": None, "BucketKeyEnabled": False}
#: Default-encryption algorithms a general purpose bucket accepts.
ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
#: Regions whose new buckets still allow SSE-C (S3's April 2026 change left them out).
SSE_C_REGIONS = frozenset({"me-south-1", "me-central-1"})

KMS_ID_NOT_APPLICABLE = ("a KMSMasterKeyID is not applicable if the default sse algorithm is "
                         "not aws:kms or aws:kms:dsse")
_BOOLEANS = {"true": True, "false": False}


def default_rule(bucket: Bucket) -> dict[str, Any]:
    """The bucket's default-encryption rule (SSE-S3 unless configured)."""
    return bucket.config.get(CONFIG) or DEFAULT_RULE


def is_configured(bucket: Bucket) -> bool:
    """Whether PutBucketEncryption set a default (and no DeleteBucketEncryption undid it)."""
    return CONFIG in bucket.config


def blocked_types(settings: Settings, bucket: Bucket) -> list[str]:
    """The bucket's ``BlockedEncryptionTypes``: as set, else S3's default for new buckets."""
    types = bucket.config.get(BLOCKED)
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


def parse_configuration(body: bytes) -> tuple[dict[str, Any], list[str] | None]:
    """``(rule, blocked types or None)`` from a ServerSideEncryptionConfiguration document."""
    doc = xml.parse(body, CONFIG)
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
    blocked = _blocked(rule[BLOCKED]) if BLOCKED in rule else None
    return {"SSEAlgorithm": algorithm, "KMSMasterKeyID": key_id,
            "BucketKeyEnabled": bucket_key}, blocked


@operation("PutBucketEncryption", action="s3:PutEncryptionConfiguration", kind=BUCKET)
def put_bucket_encryption(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    rule, blocked = parse_configuration(call.verified_body())
    with bucket.lock:
        bucket.config[CONFIG] = rule
        if blocked is not None:
            bucket.config[BLOCKED] = blocked
    return Reply()


@operation("GetBucketEncryption", action="s3:GetEncryptionConfiguration", kind=BUCKET)
def get_bucket_encryption(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    rule = default_rule(bucket)
    by_default = {"SSEAlgorithm": rule["SSEAlgorithm"], "KMSMasterKeyID": rule["KMSMasterKeyID"]}
    body = {"Rule": {"ApplyServerSideEncryptionByDefault": by_default,
                     "BucketKeyEnabled": rule["BucketKeyEnabled"],
                     BLOCKED: {"EncryptionType": blocked_types(call.settings, bucket)}}}
    return Reply(xml=(CONFIG, body))


@operation("DeleteBucketEncryption", action="s3:PutEncryptionConfiguration", kind=BUCKET)
def delete_bucket_encryption(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    with bucket.lock:
        bucket.config.pop(CONFIG, None)
    return Reply(status=204)
