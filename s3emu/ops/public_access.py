"""Block Public Access of a bucket: PutPublicAccessBlock, GetPublicAccessBlock,
DeletePublicAccessBlock (rows of :mod:`.subresources`).

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

from typing import TYPE_CHECKING, Mapping

from ..errors import MalformedXML
from ..model.settings import BLOCK_FLAGS
from ..protocol import xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket

ROOT = "PublicAccessBlockConfiguration"
_BOOLEANS = {"true": True, "false": False}


def parse_block(body: bytes, bucket: Bucket | None = None) -> dict[str, bool]:
    """The four flags of a ``PublicAccessBlockConfiguration`` document."""
    doc = xml.parse(body, ROOT)
    flags = {}
    for name in BLOCK_FLAGS:
        value = doc.get(name, "false")
        if not isinstance(value, str) or value.strip().lower() not in _BOOLEANS:
            raise MalformedXML()
        flags[name] = _BOOLEANS[value.strip().lower()]
    if any(name not in BLOCK_FLAGS for name in doc):
        raise MalformedXML()
    return flags


def show_block(flags: Mapping[str, bool], call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=(ROOT, dict(flags)))
