"""Object Ownership: PutBucketOwnershipControls, GetBucketOwnershipControls,
DeleteBucketOwnershipControls (rows of :mod:`.subresources`).

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

from typing import TYPE_CHECKING

from ..access.acl import private
from ..errors import InvalidBucketAclWithObjectOwnership, MalformedXML
from ..model.settings import ENFORCED, OWNERSHIPS
from ..protocol import xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..model.settings import BucketSettings

ROOT = "OwnershipControls"


def parse_controls(body: bytes, bucket: Bucket | None = None) -> str:
    """The ObjectOwnership of an ``OwnershipControls`` document."""
    doc = xml.parse(body, ROOT)
    rules = xml.as_list(doc.get("Rule"))
    if len(rules) != 1 or not isinstance(rules[0], dict) or len(rules[0]) != 1:
        raise MalformedXML()
    value = rules[0].get("ObjectOwnership")
    if value not in OWNERSHIPS:
        raise MalformedXML()
    return value


def check_controls(settings: BucketSettings, value: str, bucket: Bucket) -> None:
    """BucketOwnerEnforced is refused while the bucket ACL grants anyone but its owner."""
    acl = settings.acl
    if value == ENFORCED and acl is not None and \
            set(acl.grants) - set(private(bucket.owner).grants):
        raise InvalidBucketAclWithObjectOwnership()


def show_controls(value: str, call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=(ROOT, {"Rule": {"ObjectOwnership": value}}))
