"""S3's IAM actions and resources: what a policy may name, and the ARN a request acts on.

Every request is authorized as one IAM action on one resource ARN (``arn:aws:s3:::bucket`` or
``arn:aws:s3:::bucket/key``), as S3's "Actions, resources, and condition keys" reference maps
them; which action an operation is, its kind and the ACL permission that grants it are facts of
its record (:class:`s3emu.operations.Operation`, e.g. GetObject is ``s3:GetObject``,
``s3:GetObjectVersion`` with a ``versionId``; every object write is ``s3:PutObject``).

:data:`KNOWN` holds every S3 action a bucket policy may name (lower-case name -> (name,
resource kind)); a name outside it is "Policy has invalid action". Every operation's action is
one of them (``tests/test_operations.py``), or one of :data:`OTHER_SERVICES`.

This module imports only the standard library and :mod:`s3emu.operations`' kinds.
"""
from __future__ import annotations

from ..operations import ACCOUNT, BUCKET, OBJECT_READ, OBJECT_WRITE

__all__ = ["ACCOUNT", "BUCKET", "OBJECT", "OBJECT_READ", "OBJECT_WRITE", "KNOWN",
           "OTHER_SERVICES", "resource_arn"]

#: The resource kind of an action that acts on objects (``arn:aws:s3:::bucket/key``).
OBJECT = "object"

#: S3 actions on a bucket resource.
BUCKET_ACTIONS = (
    "CreateAccessPoint", "CreateBucket", "CreateBucketMetadataConfiguration",
    "CreateBucketMetadataTableConfiguration", "DeleteBucket",
    "DeleteBucketMetadataConfiguration", "DeleteBucketMetadataTableConfiguration",
    "DeleteBucketPolicy", "DeleteBucketWebsite", "GetAccelerateConfiguration",
    "GetAnalyticsConfiguration", "GetBucketAbac", "GetBucketAcl", "GetBucketCORS",
    "GetBucketLocation", "GetBucketLogging", "GetBucketMetadataConfiguration",
    "GetBucketMetadataTableConfiguration", "GetBucketNotification",
    "GetBucketObjectLockConfiguration", "GetBucketOwnershipControls", "GetBucketPolicy",
    "GetBucketPolicyStatus", "GetBucketPublicAccessBlock", "GetBucketRequestPayment",
    "GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite", "GetEncryptionConfiguration",
    "GetIntelligentTieringConfiguration", "GetInventoryConfiguration",
    "GetLifecycleConfiguration", "GetMetricsConfiguration", "GetReplicationConfiguration",
    "ListBucket", "ListBucketByTags", "ListBucketMultipartUploads", "ListBucketVersions",
    "PutAccelerateConfiguration", "PutAnalyticsConfiguration", "PutBucketAbac", "PutBucketAcl",
    "PutBucketCORS", "PutBucketLogging", "PutBucketNotification",
    "PutBucketObjectLockConfiguration", "PutBucketOwnershipControls", "PutBucketPolicy",
    "PutBucketPublicAccessBlock", "PutBucketRequestPayment", "PutBucketTagging",
    "PutBucketVersioning", "PutBucketWebsite", "PutEncryptionConfiguration",
    "PutIntelligentTieringConfiguration", "PutInventoryConfiguration",
    "PutLifecycleConfiguration", "PutMetricsConfiguration", "PutReplicationConfiguration",
    "UpdateBucketMetadataAnnotationTableConfiguration",
    "UpdateBucketMetadataInventoryTableConfiguration",
    "UpdateBucketMetadataJournalTableConfiguration",)
#: S3 actions on an object resource.
OBJECT_ACTIONS = (
    "AbortMultipartUpload", "BypassGovernanceRetention", "DeleteObject",
    "DeleteObjectAnnotation", "DeleteObjectTagging", "DeleteObjectVersion",
    "DeleteObjectVersionTagging", "GetObject", "GetObjectAcl", "GetObjectAnnotation",
    "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging",
    "GetObjectTorrent", "GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionAttributes",
    "GetObjectVersionForReplication", "GetObjectVersionTagging", "GetObjectVersionTorrent",
    "InitiateReplication", "ListMultipartUploadParts", "ListObjectAnnotations",
    "ObjectOwnerOverrideToBucketOwner", "PutObject", "PutObjectAcl", "PutObjectAnnotation",
    "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging", "PutObjectVersionAcl",
    "PutObjectVersionTagging", "RenameObject", "ReplicateDelete", "ReplicateObject",
    "ReplicateTags", "RestoreObject", "UpdateObjectEncryption",)
#: S3 actions on no bucket or object resource (the account's).
ACCOUNT_ACTIONS = (
    "CreateJob", "CreateSession", "GetAccountPublicAccessBlock", "ListAccessGrantsInstances",
    "ListAccessPoints", "ListAllMyBuckets", "ListDirectoryBuckets", "ListJobs",
    "ListMultiRegionAccessPoints", "ListStorageLensConfigurations",
    "PutAccountPublicAccessBlock", "PutStorageLensConfiguration",)
#: Actions of operations S3 authorizes under another service's prefix.
OTHER_SERVICES = frozenset({"s3express:CreateSession", "s3-object-lambda:WriteGetObjectResponse"})


def _known() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for names, resource in ((BUCKET_ACTIONS, BUCKET), (OBJECT_ACTIONS, OBJECT),
                            (ACCOUNT_ACTIONS, ACCOUNT)):
        for name in names:
            found[f"s3:{name}".lower()] = (f"s3:{name}", resource)
    return found


#: Every S3 action a policy may name: lower-case name -> (name, resource kind).
KNOWN: dict[str, tuple[str, str]] = _known()


def resource_arn(bucket: str, key: str | None = None) -> str:
    """``arn:aws:s3:::bucket`` or ``arn:aws:s3:::bucket/key``."""
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"
