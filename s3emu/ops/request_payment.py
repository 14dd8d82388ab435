"""Requester Pays: PutBucketRequestPayment, GetBucketRequestPayment (a row of
:mod:`.subresources`). The rule itself is applied by the access decision
(:func:`s3emu.access.enforce.authorize`).

The rules, from S3's API reference and the user guide ("Using Requester Pays general purpose
buckets for storage transfers and usage"):

- the document is ``RequestPaymentConfiguration`` with ``Payer`` ``BucketOwner`` or
  ``Requester`` (anything else, or none: MalformedXML); every bucket starts as BucketOwner
  and GetBucketRequestPayment always answers a Payer; there is no Delete;
- on a Requester Pays bucket, a request from another account must carry
  ``x-amz-request-payer: requester`` (header, or query parameter of a presigned URL), else
  403 AccessDenied; with it, the bucket policy and ACLs decide as usual and the response
  says ``x-amz-request-charged: requester``; anonymous requests are refused; the bucket
  owner's account pays nothing and gets no such header. The source bucket of a CopyObject or
  UploadPartCopy follows the same rule ("if either the source or destination bucket has
  Requester Pays enabled, the requester pays").

The bucket's settings hold the payer (``request_payment``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import MalformedXML
from ..model.settings import PAYERS
from ..protocol import xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket

ROOT = "RequestPaymentConfiguration"


def parse_configuration(body: bytes, bucket: Bucket) -> str:
    """The Payer of a ``RequestPaymentConfiguration`` document."""
    doc = xml.parse(body, ROOT)
    payer = xml.text_of(doc.get("Payer")).strip()
    if payer not in PAYERS or set(doc) - {"Payer"}:
        raise MalformedXML()
    return payer


def show_configuration(value: str, call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=(ROOT, {"Payer": value}))
