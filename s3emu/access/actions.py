"""S3 operations as IAM actions and resources, and the ACL permission each one needs.

Every request is authorized as one IAM action on one resource ARN (``arn:aws:s3:::bucket`` or
``arn:aws:s3:::bucket/key``), as S3's "Actions, resources, and condition keys" reference maps
them: GetObject and HeadObject are ``s3:GetObject`` (``s3:GetObjectVersion`` with a
``versionId``), ListObjects/ListObjectsV2/HeadBucket are ``s3:ListBucket``, every write of an
object (PutObject, CopyObject's destination, the multipart steps, POST) is ``s3:PutObject``,
DeleteObjects is ``s3:DeleteObject`` per key, CopyObject's source is ``s3:GetObject``.

:data:`KNOWN` holds every S3 action a bucket policy may name (lower-case name -> (name,
resource kind)); a name outside it is "Policy has invalid action".

This module imports only the standard library.
"""
from __future__ import annotations

from typing import Mapping

BUCKET, OBJECT, ACCOUNT = "bucket", "object", "account"

#: How an operation is checked: a bucket operation (bucket ACL), an object read (the object's
#: ACL and owner), or an object write (the bucket ACL's WRITE).
BUCKET_OP, OBJECT_READ, OBJECT_WRITE = "bucket", "object-read", "object-write"

# op -> (action, action with ?versionId or None, kind, ACL permission that grants it or None)
_OPS: dict[str, tuple[str, str | None, str, str | None]] = {
    "ListBuckets": ("ListAllMyBuckets", None, ACCOUNT, None),
    "CreateBucket": ("CreateBucket", None, BUCKET_OP, None),
    "DeleteBucket": ("DeleteBucket", None, BUCKET_OP, None),
    "HeadBucket": ("ListBucket", None, BUCKET_OP, "READ"),
    "GetBucketLocation": ("GetBucketLocation", None, BUCKET_OP, None),
    "ListObjects": ("ListBucket", None, BUCKET_OP, "READ"),
    "ListObjectsV2": ("ListBucket", None, BUCKET_OP, "READ"),
    "ListObjectVersions": ("ListBucketVersions", None, BUCKET_OP, "READ"),
    "ListMultipartUploads": ("ListBucketMultipartUploads", None, BUCKET_OP, "READ"),
    "GetBucketAcl": ("GetBucketAcl", None, BUCKET_OP, "READ_ACP"),
    "PutBucketAcl": ("PutBucketAcl", None, BUCKET_OP, "WRITE_ACP"),
    "GetBucketPolicy": ("GetBucketPolicy", None, BUCKET_OP, None),
    "PutBucketPolicy": ("PutBucketPolicy", None, BUCKET_OP, None),
    "DeleteBucketPolicy": ("DeleteBucketPolicy", None, BUCKET_OP, None),
    "GetBucketPolicyStatus": ("GetBucketPolicyStatus", None, BUCKET_OP, None),
    "GetBucketOwnershipControls": ("GetBucketOwnershipControls", None, BUCKET_OP, None),
    "PutBucketOwnershipControls": ("PutBucketOwnershipControls", None, BUCKET_OP, None),
    "DeleteBucketOwnershipControls": ("PutBucketOwnershipControls", None, BUCKET_OP, None),
    "GetPublicAccessBlock": ("GetBucketPublicAccessBlock", None, BUCKET_OP, None),
    "PutPublicAccessBlock": ("PutBucketPublicAccessBlock", None, BUCKET_OP, None),
    "DeletePublicAccessBlock": ("PutBucketPublicAccessBlock", None, BUCKET_OP, None),
    "GetBucketEncryption": ("GetEncryptionConfiguration", None, BUCKET_OP, None),
    "PutBucketEncryption": ("PutEncryptionConfiguration", None, BUCKET_OP, None),
    "DeleteBucketEncryption": ("PutEncryptionConfiguration", None, BUCKET_OP, None),
    "GetBucketVersioning": ("GetBucketVersioning", None, BUCKET_OP, None),
    "PutBucketVersioning": ("PutBucketVersioning", None, BUCKET_OP, None),
    "GetBucketTagging": ("GetBucketTagging", None, BUCKET_OP, None),
    "PutBucketTagging": ("PutBucketTagging", None, BUCKET_OP, None),
    "DeleteBucketTagging": ("PutBucketTagging", None, BUCKET_OP, None),
    "GetBucketCors": ("GetBucketCORS", None, BUCKET_OP, None),
    "PutBucketCors": ("PutBucketCORS", None, BUCKET_OP, None),
    "DeleteBucketCors": ("PutBucketCORS", None, BUCKET_OP, None),
    "GetBucketWebsite": ("GetBucketWebsite", None, BUCKET_OP, None),
    "PutBucketWebsite": ("PutBucketWebsite", None, BUCKET_OP, None),
    "DeleteBucketWebsite": ("DeleteBucketWebsite", None, BUCKET_OP, None),
    "GetBucketLifecycleConfiguration": ("GetLifecycleConfiguration", None, BUCKET_OP, None),
    "PutBucketLifecycleConfiguration": ("PutLifecycleConfiguration", None, BUCKET_OP, None),
    "DeleteBucketLifecycle": ("PutLifecycleConfiguration", None, BUCKET_OP, None),
    "GetBucketLogging": ("GetBucketLogging", None, BUCKET_OP, None),
    "PutBucketLogging": ("PutBucketLogging", None, BUCKET_OP, None),
    "GetBucketNotificationConfiguration": ("GetBucketNotification", None, BUCKET_OP, None),
    "PutBucketNotificationConfiguration": ("PutBucketNotification", None, BUCKET_OP, None),
    "GetBucketReplication": ("GetReplicationConfiguration", None, BUCKET_OP, None),
    "PutBucketReplication": ("PutReplicationConfiguration", None, BUCKET_OP, None),
    "DeleteBucketReplication": ("PutReplicationConfiguration", None, BUCKET_OP, None),
    "GetBucketRequestPayment": ("GetBucketRequestPayment", None, BUCKET_OP, None),
    "PutBucketRequestPayment": ("PutBucketRequestPayment", None, BUCKET_OP, None),
    "GetBucketAccelerateConfiguration": ("GetAccelerateConfiguration", None, BUCKET_OP, None),
    "PutBucketAccelerateConfiguration": ("PutAccelerateConfiguration", None, BUCKET_OP, None),
    "GetObjectLockConfiguration": ("GetBucketObjectLockConfiguration", None, BUCKET_OP, None),
    "PutObjectLockConfiguration": ("PutBucketObjectLockConfiguration", None, BUCKET_OP, None),
    "GetObject": ("GetObject", "GetObjectVersion", OBJECT_READ, "READ"),
    "HeadObject": ("GetObject", "GetObjectVersion", OBJECT_READ, "READ"),
    "GetObjectAttributes": ("GetObjectAttributes", "GetObjectVersionAttributes", OBJECT_READ,
                            "READ"),
    "GetObjectTorrent": ("GetObjectTorrent", "GetObjectVersionTorrent", OBJECT_READ, "READ"),
    "SelectObjectContent": ("GetObject", None, OBJECT_READ, "READ"),
    "GetObjectAcl": ("GetObjectAcl", "GetObjectVersionAcl", OBJECT_READ, "READ_ACP"),
    "PutObjectAcl": ("PutObjectAcl", "PutObjectVersionAcl", OBJECT_READ, "WRITE_ACP"),
    "GetObjectTagging": ("GetObjectTagging", "GetObjectVersionTagging", OBJECT_READ, None),
    "PutObjectTagging": ("PutObjectTagging", "PutObjectVersionTagging", OBJECT_READ, None),
    "DeleteObjectTagging": ("DeleteObjectTagging", "DeleteObjectVersionTagging", OBJECT_READ,
                            None),
    "GetObjectRetention": ("GetObjectRetention", None, OBJECT_READ, None),
    "PutObjectRetention": ("PutObjectRetention", None, OBJECT_READ, None),
    "GetObjectLegalHold": ("GetObjectLegalHold", None, OBJECT_READ, None),
    "PutObjectLegalHold": ("PutObjectLegalHold", None, OBJECT_READ, None),
    "RestoreObject": ("RestoreObject", None, OBJECT_READ, None),
    "PutObject": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "PostObject": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "CopyObject": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "CreateMultipartUpload": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "UploadPart": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "UploadPartCopy": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "CompleteMultipartUpload": ("PutObject", None, OBJECT_WRITE, "WRITE"),
    "AbortMultipartUpload": ("AbortMultipartUpload", None, OBJECT_WRITE, "WRITE"),
    "ListParts": ("ListMultipartUploadParts", None, OBJECT_WRITE, "WRITE"),
    "DeleteObject": ("DeleteObject", "DeleteObjectVersion", OBJECT_WRITE, "WRITE"),
}
for _kind in ("Analytics", "Inventory", "Metrics", "IntelligentTiering"):
    for _verb, _action in (("Get", "Get"), ("Put", "Put"), ("Delete", "Put"), ("List", "Get")):
        _name = f"{_kind}Configuration{'s' if _verb == 'List' else ''}"
        _OPS[f"{_verb}Bucket{_name}"] = (f"{_action}{_kind}Configuration", None, BUCKET_OP,
                                         None)

#: Bucket-level IAM actions of S3 (besides those the operations above name).
_BUCKET_ACTIONS = (
    "DeleteBucketPolicy", "DeleteBucketWebsite", "GetBucketAbac", "PutBucketAbac",
    "GetBucketMetadataTableConfiguration", "CreateBucketMetadataTableConfiguration",
    "DeleteBucketMetadataTableConfiguration", "GetBucketPolicyStatus", "PutBucketAcl",
    "ListBucketByTags", "GetBucketOwnershipControls", "PutBucketOwnershipControls",
    "CreateBucketMetadataConfiguration", "GetBucketMetadataConfiguration",
    "DeleteBucketMetadataConfiguration", "UpdateBucketMetadataInventoryTableConfiguration",
    "UpdateBucketMetadataJournalTableConfiguration", "CreateAccessPoint",
    "GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration")
#: Object-level IAM actions of S3 (besides those the operations above name).
_OBJECT_ACTIONS = (
    "BypassGovernanceRetention", "DeleteObjectVersion", "DeleteObjectVersionTagging",
    "GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionAttributes",
    "GetObjectVersionForReplication", "GetObjectVersionTagging", "GetObjectVersionTorrent",
    "InitiateReplication", "ObjectOwnerOverrideToBucketOwner", "PutObjectVersionAcl",
    "PutObjectVersionTagging", "ReplicateDelete", "ReplicateObject", "ReplicateTags",
    "RenameObject", "UpdateObjectEncryption")
#: Account-level IAM actions of S3 (they apply to no bucket or object resource).
_ACCOUNT_ACTIONS = (
    "ListAllMyBuckets", "GetAccountPublicAccessBlock", "PutAccountPublicAccessBlock",
    "ListAccessPoints", "ListJobs", "CreateJob", "ListStorageLensConfigurations",
    "ListAccessGrantsInstances", "ListMultiRegionAccessPoints", "PutStorageLensConfiguration",
    "ListDirectoryBuckets", "CreateSession")


def _known() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for action, versioned, kind, _ in _OPS.values():
        resource = ACCOUNT if kind == ACCOUNT else OBJECT if kind != BUCKET_OP else BUCKET
        for name in (action, versioned):
            if name:
                found[f"s3:{name}".lower()] = (f"s3:{name}", resource)
    for names, resource in ((_BUCKET_ACTIONS, BUCKET), (_OBJECT_ACTIONS, OBJECT),
                            (_ACCOUNT_ACTIONS, ACCOUNT)):
        for name in names:
            found[f"s3:{name}".lower()] = (f"s3:{name}", resource)
    return found


#: Every S3 action a policy may name: lower-case name -> (name, resource kind).
KNOWN: dict[str, tuple[str, str]] = _known()


def action_of(op: str, query: Mapping[str, str] | None = None) -> str:
    """The IAM action an operation is authorized as (``s3:...``)."""
    found = _OPS.get(op)
    if found is None:
        return f"s3:{op}"
    action, versioned, _, _ = found
    if versioned and query and query.get("versionId"):
        return f"s3:{versioned}"
    return f"s3:{action}"


def kind_of(op: str) -> str:
    """BUCKET_OP, OBJECT_READ or OBJECT_WRITE (ACCOUNT for ListBuckets)."""
    found = _OPS.get(op)
    return found[2] if found else BUCKET_OP


def acl_permission(op: str) -> str | None:
    """The ACL permission that grants ``op`` (None: only the owner, or a policy, can)."""
    found = _OPS.get(op)
    return found[3] if found else None


def resource_arn(bucket: str, key: str | None = None) -> str:
    """``arn:aws:s3:::bucket`` or ``arn:aws:s3:::bucket/key``."""
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"
