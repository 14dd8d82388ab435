"""The records of the S3 operations s3emu routes but does not implement yet.

Each is routed, authenticated and authorized like an implemented one (its IAM action and kind
are S3's, from the Service Authorization Reference) and answered 501 NotImplemented naming it.
Implementing one moves its record to its handler (``@operation(...)`` with the same facts).
"""
from __future__ import annotations

from ..operations import BUCKET, OBJECT_READ, OBJECT_WRITE, ACCOUNT, declare

declare("CreateBucketMetadataConfiguration", action="s3:CreateBucketMetadataTableConfiguration",
        kind=BUCKET)
declare("CreateBucketMetadataTableConfiguration",
        action="s3:CreateBucketMetadataTableConfiguration", kind=BUCKET)
declare("CreateSession", action="s3express:CreateSession", kind=BUCKET)
declare("DeleteBucketAnalyticsConfiguration", action="s3:PutAnalyticsConfiguration", kind=BUCKET)
declare("DeleteBucketCors", action="s3:PutBucketCORS", kind=BUCKET)
declare("DeleteBucketIntelligentTieringConfiguration",
        action="s3:PutIntelligentTieringConfiguration", kind=BUCKET)
declare("DeleteBucketInventoryConfiguration", action="s3:PutInventoryConfiguration", kind=BUCKET)
declare("DeleteBucketLifecycle", action="s3:PutLifecycleConfiguration", kind=BUCKET)
declare("DeleteBucketMetadataConfiguration", action="s3:DeleteBucketMetadataTableConfiguration",
        kind=BUCKET)
declare("DeleteBucketMetadataTableConfiguration",
        action="s3:DeleteBucketMetadataTableConfiguration", kind=BUCKET)
declare("DeleteBucketMetricsConfiguration", action="s3:PutMetricsConfiguration", kind=BUCKET)
declare("DeleteBucketReplication", action="s3:PutReplicationConfiguration", kind=BUCKET)
declare("DeleteBucketTagging", action="s3:PutBucketTagging", kind=BUCKET)
declare("DeleteBucketWebsite", action="s3:DeleteBucketWebsite", kind=BUCKET)
declare("DeleteObjectAnnotation", action="s3:DeleteObjectAnnotation", kind=OBJECT_WRITE)
declare("DeleteObjectTagging", action="s3:DeleteObjectTagging",
        versioned_action="s3:DeleteObjectVersionTagging", kind=OBJECT_READ)
declare("GetBucketAbac", action="s3:GetBucketAbac", kind=BUCKET)
declare("GetBucketAccelerateConfiguration", action="s3:GetAccelerateConfiguration", kind=BUCKET)
declare("GetBucketAnalyticsConfiguration", action="s3:GetAnalyticsConfiguration", kind=BUCKET)
declare("GetBucketCors", action="s3:GetBucketCORS", kind=BUCKET)
declare("GetBucketIntelligentTieringConfiguration", action="s3:GetIntelligentTieringConfiguration",
        kind=BUCKET)
declare("GetBucketInventoryConfiguration", action="s3:GetInventoryConfiguration", kind=BUCKET)
declare("GetBucketLifecycleConfiguration", action="s3:GetLifecycleConfiguration", kind=BUCKET)
declare("GetBucketLogging", action="s3:GetBucketLogging", kind=BUCKET)
declare("GetBucketMetadataConfiguration", action="s3:GetBucketMetadataTableConfiguration",
        kind=BUCKET)
declare("GetBucketMetadataTableConfiguration", action="s3:GetBucketMetadataTableConfiguration",
        kind=BUCKET)
declare("GetBucketMetricsConfiguration", action="s3:GetMetricsConfiguration", kind=BUCKET)
declare("GetBucketNotificationConfiguration", action="s3:GetBucketNotification", kind=BUCKET)
declare("GetBucketReplication", action="s3:GetReplicationConfiguration", kind=BUCKET)
declare("GetBucketRequestPayment", action="s3:GetBucketRequestPayment", kind=BUCKET)
declare("GetBucketTagging", action="s3:GetBucketTagging", kind=BUCKET)
declare("GetBucketWebsite", action="s3:GetBucketWebsite", kind=BUCKET)
declare("GetObjectAnnotation", action="s3:GetObjectAnnotation", kind=OBJECT_READ)
declare("GetObjectLegalHold", action="s3:GetObjectLegalHold", kind=OBJECT_READ)
declare("GetObjectLockConfiguration", action="s3:GetBucketObjectLockConfiguration", kind=BUCKET)
declare("GetObjectRetention", action="s3:GetObjectRetention", kind=OBJECT_READ)
declare("GetObjectTagging", action="s3:GetObjectTagging",
        versioned_action="s3:GetObjectVersionTagging", kind=OBJECT_READ)
declare("GetObjectTorrent", action="s3:GetObjectTorrent",
        versioned_action="s3:GetObjectVersionTorrent", kind=OBJECT_READ, acl="READ")
declare("ListBucketAnalyticsConfigurations", action="s3:GetAnalyticsConfiguration", kind=BUCKET)
declare("ListBucketIntelligentTieringConfigurations",
        action="s3:GetIntelligentTieringConfiguration", kind=BUCKET)
declare("ListBucketInventoryConfigurations", action="s3:GetInventoryConfiguration", kind=BUCKET)
declare("ListBucketMetricsConfigurations", action="s3:GetMetricsConfiguration", kind=BUCKET)
declare("ListObjectAnnotations", action="s3:ListObjectAnnotations", kind=OBJECT_READ)
declare("ListObjectVersions", action="s3:ListBucketVersions", kind=BUCKET, acl="READ",
        listing=True)
declare("PutBucketAbac", action="s3:PutBucketAbac", kind=BUCKET)
declare("PutBucketAccelerateConfiguration", action="s3:PutAccelerateConfiguration", kind=BUCKET)
declare("PutBucketAnalyticsConfiguration", action="s3:PutAnalyticsConfiguration", kind=BUCKET)
declare("PutBucketCors", action="s3:PutBucketCORS", kind=BUCKET)
declare("PutBucketIntelligentTieringConfiguration", action="s3:PutIntelligentTieringConfiguration",
        kind=BUCKET)
declare("PutBucketInventoryConfiguration", action="s3:PutInventoryConfiguration", kind=BUCKET)
declare("PutBucketLifecycleConfiguration", action="s3:PutLifecycleConfiguration", kind=BUCKET)
declare("PutBucketLogging", action="s3:PutBucketLogging", kind=BUCKET)
declare("PutBucketMetricsConfiguration", action="s3:PutMetricsConfiguration", kind=BUCKET)
declare("PutBucketNotificationConfiguration", action="s3:PutBucketNotification", kind=BUCKET)
declare("PutBucketReplication", action="s3:PutReplicationConfiguration", kind=BUCKET)
declare("PutBucketRequestPayment", action="s3:PutBucketRequestPayment", kind=BUCKET)
declare("PutBucketTagging", action="s3:PutBucketTagging", kind=BUCKET)
declare("PutBucketVersioning", action="s3:PutBucketVersioning", kind=BUCKET)
declare("PutBucketWebsite", action="s3:PutBucketWebsite", kind=BUCKET)
declare("PutObjectAnnotation", action="s3:PutObjectAnnotation", kind=OBJECT_WRITE)
declare("PutObjectLegalHold", action="s3:PutObjectLegalHold", kind=OBJECT_READ)
declare("PutObjectLockConfiguration", action="s3:PutBucketObjectLockConfiguration", kind=BUCKET)
declare("PutObjectRetention", action="s3:PutObjectRetention", kind=OBJECT_READ)
declare("PutObjectTagging", action="s3:PutObjectTagging",
        versioned_action="s3:PutObjectVersionTagging", kind=OBJECT_READ)
declare("RenameObject", action="s3:RenameObject", kind=OBJECT_WRITE)
declare("RestoreObject", action="s3:RestoreObject", kind=OBJECT_READ)
declare("SelectObjectContent", action="s3:GetObject", kind=OBJECT_READ, acl="READ")
declare("UpdateBucketMetadataAnnotationTableConfiguration",
        action="s3:UpdateBucketMetadataAnnotationTableConfiguration", kind=BUCKET)
declare("UpdateBucketMetadataInventoryTableConfiguration",
        action="s3:UpdateBucketMetadataInventoryTableConfiguration", kind=BUCKET)
declare("UpdateBucketMetadataJournalTableConfiguration",
        action="s3:UpdateBucketMetadataJournalTableConfiguration", kind=BUCKET)
declare("UpdateObjectEncryption", action="s3:UpdateObjectEncryption", kind=OBJECT_WRITE)
declare("WriteGetObjectResponse", action="s3-object-lambda:WriteGetObjectResponse", kind=ACCOUNT,
        authorizes_itself=True)
