"""Block Public Access of a bucket: PutPublicAccessBlock, GetPublicAccessBlock,
DeletePublicAccessBlock.

The rules, from S3's Block Public Access documentation:

- new buckets block everything: the four flags are true until PutPublicAccessBlock changes
  them or DeletePublicAccessBlock (204) removes the configuration, after which
  GetPublicAccessBlock is 404 NoSuchPublicAccessBlockConfiguration;
- the document is ``PublicAccessBlockConfiguration`` with ``BlockPublicAcls``,
  ``IgnorePublicAcls``, ``BlockPublicPolicy`` and ``RestrictPublicBuckets``, each optional
  (false when left out) and ``true`` / ``false``; anything else is MalformedXML;
- BlockPublicAcls refuses public ACLs (PutBucketAcl, PutObjectAcl, object writes) with 403;
  IgnorePublicAcls makes public grants count for nothing; BlockPublicPolicy refuses public
  bucket policies with 403; RestrictPublicBuckets limits a public policy's grants to the
  bucket owner's account (see :mod:`s3emu.access.decide`). Account-level settings
  (S3 Control) are not emulated.
"""
from __future__ import annotations

from ..access.decide import BLOCK_FLAGS, DEFAULT_BLOCK, PUBLIC_ACCESS_BLOCK
from ..errors import MalformedXML, NoSuchPublicAccessBlockConfiguration
from ..protocol import xml
from ..operations import BUCKET
from .registry import Call, Reply, operation

_BOOLEANS = {"true": True, "false": False}


def parse_block(body: bytes) -> dict[str, bool]:
    """The four flags of a ``PublicAccessBlockConfiguration`` document."""
    doc = xml.parse(body, PUBLIC_ACCESS_BLOCK)
    flags = {}
    for name in BLOCK_FLAGS:
        value = doc.get(name, "false")
        if not isinstance(value, str) or value.strip().lower() not in _BOOLEANS:
            raise MalformedXML()
        flags[name] = _BOOLEANS[value.strip().lower()]
    if any(name not in BLOCK_FLAGS for name in doc):
        raise MalformedXML()
    return flags


@operation("PutPublicAccessBlock", action="s3:PutBucketPublicAccessBlock", kind=BUCKET)
def put_public_access_block(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    flags = parse_block(call.verified_body())
    with bucket.lock:
        bucket.config[PUBLIC_ACCESS_BLOCK] = flags
    return Reply()


@operation("GetPublicAccessBlock", action="s3:GetBucketPublicAccessBlock", kind=BUCKET)
def get_public_access_block(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    flags = bucket.config.get(PUBLIC_ACCESS_BLOCK, DEFAULT_BLOCK)
    if flags is None:
        raise NoSuchPublicAccessBlockConfiguration(BucketName=bucket.name)
    return Reply(xml=(PUBLIC_ACCESS_BLOCK, dict(flags)))


@operation("DeletePublicAccessBlock", action="s3:PutBucketPublicAccessBlock", kind=BUCKET)
def delete_public_access_block(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    with bucket.lock:
        bucket.config[PUBLIC_ACCESS_BLOCK] = None
    return Reply(status=204)
