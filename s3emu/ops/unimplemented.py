"""The records of the S3 operations s3emu routes but does not implement yet.

Each is routed, authenticated and authorized like an implemented one (its IAM action and kind
are S3's, from the Service Authorization Reference) and answered 501 NotImplemented naming it.
Implementing one moves its row to its handler (``@operation(...)`` with the same facts).
"""
from __future__ import annotations

from typing import Any

from ..operations import ACCOUNT, BUCKET, OBJECT_READ, OBJECT_WRITE, declare

#: name, IAM action, kind, IAM action with ?versionId, ACL permission that grants it
_ROWS = (
    ("CreateBucketMetadataConfiguration",
     "s3:CreateBucketMetadataTableConfiguration", BUCKET, None, None),
    ("CreateBucketMetadataTableConfiguration",
     "s3:CreateBucketMetadataTableConfiguration", BUCKET, None, None),
    ("CreateSession", "s3express:CreateSession", BUCKET, None, None),
    ("DeleteBucketMetadataConfiguration",
     "s3:DeleteBucketMetadataTableConfiguration", BUCKET, None, None),
    ("DeleteBucketMetadataTableConfiguration",
     "s3:DeleteBucketMetadataTableConfiguration", BUCKET, None, None),
    ("DeleteObjectAnnotation", "s3:DeleteObjectAnnotation", OBJECT_WRITE, None, None),
    ("GetBucketAbac", "s3:GetBucketAbac", BUCKET, None, None),
    ("GetBucketMetadataConfiguration",
     "s3:GetBucketMetadataTableConfiguration", BUCKET, None, None),
    ("GetBucketMetadataTableConfiguration",
     "s3:GetBucketMetadataTableConfiguration", BUCKET, None, None),
    ("GetObjectAnnotation", "s3:GetObjectAnnotation", OBJECT_READ, None, None),
    ("ListObjectAnnotations", "s3:ListObjectAnnotations", OBJECT_READ, None, None),
    ("PutBucketAbac", "s3:PutBucketAbac", BUCKET, None, None),
    ("PutObjectAnnotation", "s3:PutObjectAnnotation", OBJECT_WRITE, None, None),
    ("RenameObject", "s3:RenameObject", OBJECT_WRITE, None, None),
    ("UpdateBucketMetadataAnnotationTableConfiguration",
     "s3:UpdateBucketMetadataAnnotationTableConfiguration", BUCKET, None, None),
    ("UpdateBucketMetadataInventoryTableConfiguration",
     "s3:UpdateBucketMetadataInventoryTableConfiguration", BUCKET, None, None),
    ("UpdateBucketMetadataJournalTableConfiguration",
     "s3:UpdateBucketMetadataJournalTableConfiguration", BUCKET, None, None),
    ("UpdateObjectEncryption", "s3:UpdateObjectEncryption", OBJECT_WRITE, None, None),
    ("WriteGetObjectResponse", "s3-object-lambda:WriteGetObjectResponse", ACCOUNT, None, None),
)
#: the other facts of some of them
_MORE: dict[str, dict[str, Any]] = {
    "WriteGetObjectResponse": {"authorizes_itself": True},
}
for _name, _action, _kind, _versioned, _acl in _ROWS:
    declare(_name, action=_action, kind=_kind, versioned_action=_versioned, acl=_acl,
            **_MORE.get(_name, {}))
