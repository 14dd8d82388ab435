"""Object Ownership: PutBucketOwnershipControls, GetBucketOwnershipControls,
DeleteBucketOwnershipControls.

The rules, from S3's Object Ownership documentation:

- new buckets are ``BucketOwnerEnforced`` (ACLs disabled; CreateBucket's
  ``x-amz-object-ownership`` can choose another setting);
- the document is ``OwnershipControls`` with exactly one ``Rule`` holding ``ObjectOwnership``
  ``BucketOwnerEnforced``, ``BucketOwnerPreferred`` or ``ObjectWriter``; anything else is
  MalformedXML;
- ``BucketOwnerEnforced`` is refused (InvalidBucketAclWithObjectOwnership) while the bucket's
  ACL grants anything to anyone but the bucket owner; once enforced, the bucket owner owns
  every object and ACLs no longer count;
- after DeleteBucketOwnershipControls (204) GetBucketOwnershipControls is 404
  OwnershipControlsNotFoundError and the bucket behaves as ``ObjectWriter``.
"""
from __future__ import annotations

from ..access.acl import private
from ..access.decide import BUCKET_ACL, ENFORCED, OWNERSHIP, OWNERSHIPS
from ..errors import InvalidBucketAclWithObjectOwnership, MalformedXML, \
    OwnershipControlsNotFoundError
from ..protocol import xml
from ..operations import BUCKET
from .registry import Call, Reply, operation


def parse_controls(body: bytes) -> str:
    """The ObjectOwnership of an ``OwnershipControls`` document."""
    doc = xml.parse(body, "OwnershipControls")
    rules = xml.as_list(doc.get("Rule"))
    if len(rules) != 1 or not isinstance(rules[0], dict) or len(rules[0]) != 1:
        raise MalformedXML()
    value = rules[0].get("ObjectOwnership")
    if value not in OWNERSHIPS:
        raise MalformedXML()
    return value


@operation("PutBucketOwnershipControls", action="s3:PutBucketOwnershipControls", kind=BUCKET)
def put_bucket_ownership_controls(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    value = parse_controls(call.verified_body())
    with bucket.lock:
        acl = bucket.config.get(BUCKET_ACL)
        if value == ENFORCED and acl is not None and \
                set(acl.grants) - set(private(bucket.owner).grants):
            raise InvalidBucketAclWithObjectOwnership()
        bucket.config[OWNERSHIP] = value
    return Reply()


@operation("GetBucketOwnershipControls", action="s3:GetBucketOwnershipControls", kind=BUCKET)
def get_bucket_ownership_controls(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    value = bucket.config.get(OWNERSHIP, ENFORCED)
    if value is None:
        raise OwnershipControlsNotFoundError(BucketName=bucket.name)
    return Reply(xml=("OwnershipControls", {"Rule": {"ObjectOwnership": value}}))


@operation("DeleteBucketOwnershipControls", action="s3:PutBucketOwnershipControls", kind=BUCKET)
def delete_bucket_ownership_controls(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    with bucket.lock:
        bucket.config[OWNERSHIP] = None
    return Reply(status=204)
