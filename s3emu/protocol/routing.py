"""The routing table: which method + target + query + headers selects which S3 operation.

This is the single place that maps requests to operation names (botocore's names, exactly).
Each row reads ``METHOD TARGET [conditions] OPERATION`` where TARGET is ``service`` (no bucket),
``bucket`` or ``object``; a condition ``?name`` needs that query parameter, ``?name=value`` needs
that value, and ``!header`` needs that request header. Within a (method, target) group the
first row whose conditions all hold wins, so rows are listed most specific first.
``tests/test_routes.py`` checks the table against botocore's service model (``PostObject`` and
the CORS preflight ``PreflightCORS``, an OPTIONS request, are S3's but not botocore's).

This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping

_TABLE = """
GET    service                                                  ListBuckets
POST   service !x-amz-request-route !x-amz-request-token        WriteGetObjectResponse
OPTIONS service                                                 PreflightCORS

GET    bucket  ?list-type=2                                     ListObjectsV2
GET    bucket  ?abac                                            GetBucketAbac
GET    bucket  ?accelerate                                      GetBucketAccelerateConfiguration
GET    bucket  ?acl                                             GetBucketAcl
GET    bucket  ?analytics ?id                                   GetBucketAnalyticsConfiguration
GET    bucket  ?analytics                                       ListBucketAnalyticsConfigurations
GET    bucket  ?cors                                            GetBucketCors
GET    bucket  ?encryption                                      GetBucketEncryption
GET    bucket  ?intelligent-tiering ?id                         GetBucketIntelligentTieringConfiguration
GET    bucket  ?intelligent-tiering                             ListBucketIntelligentTieringConfigurations
GET    bucket  ?inventory ?id                                   GetBucketInventoryConfiguration
GET    bucket  ?inventory                                       ListBucketInventoryConfigurations
GET    bucket  ?lifecycle                                       GetBucketLifecycleConfiguration
GET    bucket  ?location                                        GetBucketLocation
GET    bucket  ?logging                                         GetBucketLogging
GET    bucket  ?metadataConfiguration                           GetBucketMetadataConfiguration
GET    bucket  ?metadataTable                                   GetBucketMetadataTableConfiguration
GET    bucket  ?metrics ?id                                     GetBucketMetricsConfiguration
GET    bucket  ?metrics                                         ListBucketMetricsConfigurations
GET    bucket  ?notification                                    GetBucketNotificationConfiguration
GET    bucket  ?object-lock                                     GetObjectLockConfiguration
GET    bucket  ?ownershipControls                               GetBucketOwnershipControls
GET    bucket  ?policyStatus                                    GetBucketPolicyStatus
GET    bucket  ?policy                                          GetBucketPolicy
GET    bucket  ?publicAccessBlock                               GetPublicAccessBlock
GET    bucket  ?replication                                     GetBucketReplication
GET    bucket  ?requestPayment                                  GetBucketRequestPayment
GET    bucket  ?session                                         CreateSession
GET    bucket  ?tagging                                         GetBucketTagging
GET    bucket  ?uploads                                         ListMultipartUploads
GET    bucket  ?versioning                                      GetBucketVersioning
GET    bucket  ?versions                                        ListObjectVersions
GET    bucket  ?website                                         GetBucketWebsite
GET    bucket                                                   ListObjects
HEAD   bucket                                                   HeadBucket
PUT    bucket  ?abac                                            PutBucketAbac
PUT    bucket  ?accelerate                                      PutBucketAccelerateConfiguration
PUT    bucket  ?acl                                             PutBucketAcl
PUT    bucket  ?analytics ?id                                   PutBucketAnalyticsConfiguration
PUT    bucket  ?analytics                                       PutBucketAnalyticsConfiguration
PUT    bucket  ?cors                                            PutBucketCors
PUT    bucket  ?encryption                                      PutBucketEncryption
PUT    bucket  ?intelligent-tiering ?id                         PutBucketIntelligentTieringConfiguration
PUT    bucket  ?intelligent-tiering                             PutBucketIntelligentTieringConfiguration
PUT    bucket  ?inventory ?id                                   PutBucketInventoryConfiguration
PUT    bucket  ?inventory                                       PutBucketInventoryConfiguration
PUT    bucket  ?lifecycle                                       PutBucketLifecycleConfiguration
PUT    bucket  ?logging                                         PutBucketLogging
PUT    bucket  ?metadataAnnotationTable                         UpdateBucketMetadataAnnotationTableConfiguration
PUT    bucket  ?metadataInventoryTable                          UpdateBucketMetadataInventoryTableConfiguration
PUT    bucket  ?metadataJournalTable                            UpdateBucketMetadataJournalTableConfiguration
PUT    bucket  ?metrics ?id                                     PutBucketMetricsConfiguration
PUT    bucket  ?metrics                                         PutBucketMetricsConfiguration
PUT    bucket  ?notification                                    PutBucketNotificationConfiguration
PUT    bucket  ?object-lock                                     PutObjectLockConfiguration
PUT    bucket  ?ownershipControls                               PutBucketOwnershipControls
PUT    bucket  ?policy                                          PutBucketPolicy
PUT    bucket  ?publicAccessBlock                               PutPublicAccessBlock
PUT    bucket  ?replication                                     PutBucketReplication
PUT    bucket  ?requestPayment                                  PutBucketRequestPayment
PUT    bucket  ?tagging                                         PutBucketTagging
PUT    bucket  ?versioning                                      PutBucketVersioning
PUT    bucket  ?website                                         PutBucketWebsite
PUT    bucket                                                   CreateBucket
POST   bucket  ?delete                                          DeleteObjects
POST   bucket  ?metadataConfiguration                           CreateBucketMetadataConfiguration
POST   bucket  ?metadataTable                                   CreateBucketMetadataTableConfiguration
POST   bucket                                                   PostObject
DELETE bucket  ?analytics ?id                                   DeleteBucketAnalyticsConfiguration
DELETE bucket  ?analytics                                       DeleteBucketAnalyticsConfiguration
DELETE bucket  ?cors                                            DeleteBucketCors
DELETE bucket  ?encryption                                      DeleteBucketEncryption
DELETE bucket  ?intelligent-tiering ?id                         DeleteBucketIntelligentTieringConfiguration
DELETE bucket  ?intelligent-tiering                             DeleteBucketIntelligentTieringConfiguration
DELETE bucket  ?inventory ?id                                   DeleteBucketInventoryConfiguration
DELETE bucket  ?inventory                                       DeleteBucketInventoryConfiguration
DELETE bucket  ?lifecycle                                       DeleteBucketLifecycle
DELETE bucket  ?metadataConfiguration                           DeleteBucketMetadataConfiguration
DELETE bucket  ?metadataTable                                   DeleteBucketMetadataTableConfiguration
DELETE bucket  ?metrics ?id                                     DeleteBucketMetricsConfiguration
DELETE bucket  ?metrics                                         DeleteBucketMetricsConfiguration
DELETE bucket  ?ownershipControls                               DeleteBucketOwnershipControls
DELETE bucket  ?policy                                          DeleteBucketPolicy
DELETE bucket  ?publicAccessBlock                               DeletePublicAccessBlock
DELETE bucket  ?replication                                     DeleteBucketReplication
DELETE bucket  ?tagging                                         DeleteBucketTagging
DELETE bucket  ?website                                         DeleteBucketWebsite
DELETE bucket                                                   DeleteBucket
OPTIONS bucket                                                  PreflightCORS

GET    object  ?acl                                             GetObjectAcl
GET    object  ?annotation ?annotationName                      GetObjectAnnotation
GET    object  ?annotation                                      ListObjectAnnotations
GET    object  ?attributes !x-amz-object-attributes             GetObjectAttributes
GET    object  ?legal-hold                                      GetObjectLegalHold
GET    object  ?retention                                       GetObjectRetention
GET    object  ?tagging                                         GetObjectTagging
GET    object  ?torrent                                         GetObjectTorrent
GET    object  ?uploadId                                        ListParts
GET    object                                                   GetObject
HEAD   object                                                   HeadObject
PUT    object  ?acl                                             PutObjectAcl
PUT    object  ?annotation ?annotationName                      PutObjectAnnotation
PUT    object  ?encryption                                      UpdateObjectEncryption
PUT    object  ?legal-hold                                      PutObjectLegalHold
PUT    object  ?renameObject !x-amz-rename-source               RenameObject
PUT    object  ?retention                                       PutObjectRetention
PUT    object  ?tagging                                         PutObjectTagging
PUT    object  ?partNumber ?uploadId !x-amz-copy-source         UploadPartCopy
PUT    object  ?partNumber ?uploadId                            UploadPart
PUT    object  !x-amz-copy-source                               CopyObject
PUT    object                                                   PutObject
POST   object  ?restore                                         RestoreObject
POST   object  ?select ?select-type=2                           SelectObjectContent
POST   object  ?uploads                                         CreateMultipartUpload
POST   object  ?uploadId                                        CompleteMultipartUpload
DELETE object  ?annotation ?annotationName                      DeleteObjectAnnotation
DELETE object  ?tagging                                         DeleteObjectTagging
DELETE object  ?uploadId                                        AbortMultipartUpload
DELETE object                                                   DeleteObject
OPTIONS object                                                  PreflightCORS
"""

#: Operations of botocore's model that no row selects, and why: a newer operation shares
#: their method and URI (S3 answers the newer one), or they exist only for directory buckets.
SHADOWED = {
    "ListDirectoryBuckets": "directory buckets only; GET / is ListBuckets",
    "GetBucketLifecycle": "deprecated; GET ?lifecycle is GetBucketLifecycleConfiguration",
    "PutBucketLifecycle": "deprecated; PUT ?lifecycle is PutBucketLifecycleConfiguration",
    "GetBucketNotification": "deprecated; GET ?notification is GetBucketNotificationConfiguration",
    "PutBucketNotification": "deprecated; PUT ?notification is PutBucketNotificationConfiguration",
}


@dataclass(frozen=True)
class Route:
    """One row of the table."""

    method: str
    target: str
    query: tuple[tuple[str, str | None], ...]
    headers: tuple[str, ...]
    op: str

    def matches(self, query: Mapping[str, str], headers: Mapping[str, str]) -> bool:
        for name, value in self.query:
            if name not in query or (value is not None and query[name] != value):
                return False
        for header in self.headers:  # noqa: SIM110 (a loop: no generator made per request)
            if header not in headers:
                return False
        return True

    def describe(self) -> str:
        conds = [f"?{n}" + (f"={v}" if v is not None else "") for n, v in self.query]
        conds += [f"!{h}" for h in self.headers]
        return " ".join([self.method, self.target, *conds, self.op])


def _parse(table: str) -> tuple[Route, ...]:
    routes = []
    for line in table.strip().splitlines():
        words = line.split()
        if not words:
            continue
        method, target, *conds, op = words
        query = tuple((c[1:].partition("=")[0], c.partition("=")[2] or None)
                      for c in conds if c.startswith("?"))
        headers = tuple(c[1:] for c in conds if c.startswith("!"))
        routes.append(Route(method, target, query, headers, op))
    return tuple(routes)


ROUTES: tuple[Route, ...] = _parse(_TABLE)
_BY_TARGET: dict[tuple[str, str], tuple[Route, ...]] = {}
for _route in ROUTES:
    _BY_TARGET[(_route.method, _route.target)] = (
        *_BY_TARGET.get((_route.method, _route.target), ()), _route)
#: the rows of each group that need no query parameter: all a request without a query can
#: match (a GetObject / PutObject checks 2 rows instead of 11: 1.4 us of a request)
_BY_TARGET_NO_QUERY: dict[tuple[str, str], tuple[Route, ...]] = {
    group: tuple(r for r in rows if not r.query) for group, rows in _BY_TARGET.items()}


def target_of(bucket: str | None, key: str | None) -> str:
    if not bucket:
        return "service"
    return "object" if key else "bucket"


def resolve(method: str, target: str, query: Mapping[str, str],
            headers: Mapping[str, str]) -> str | None:
    """The operation name for a request, or None if no row matches.

    ``headers`` must be keyed by lower-case header name.
    """
    for route in (_BY_TARGET if query else _BY_TARGET_NO_QUERY).get((method, target), ()):
        if route.matches(query, headers):
            return route.op
    return None


def near_misses(method: str, target: str) -> list[str]:
    """Rows that share the target but not the method, or the method but not the target."""
    return [r.describe() for r in ROUTES
            if (r.target == target) != (r.method == method)][:8]
