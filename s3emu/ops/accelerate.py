"""Transfer Acceleration: PutBucketAccelerateConfiguration, GetBucketAccelerateConfiguration
(a row of :mod:`.subresources`), and the accelerate endpoint's rule (:func:`check_endpoint`).

The rules, from S3's API reference (PutBucketAccelerateConfiguration,
GetBucketAccelerateConfiguration) and the user guide ("Configuring fast, secure file transfers
using Amazon S3 Transfer Acceleration"):

- the document is ``AccelerateConfiguration`` with ``Status`` ``Enabled`` or ``Suspended``
  (anything else, or none: MalformedXML);
- a bucket whose name holds a period cannot use Transfer Acceleration: its Put is 400
  InvalidRequest;
- GetBucketAccelerateConfiguration of a bucket that never set a state answers an empty
  ``AccelerateConfiguration`` (no Status); there is no Delete (Suspended turns it off);
- requests through ``BUCKET.s3-accelerate.amazonaws.com`` (also ``.s3-accelerate.dualstack.``)
  are 400 InvalidRequest "S3 Transfer Acceleration is not configured on this bucket" unless
  the bucket's state is Enabled; ListBuckets, CreateBucket and DeleteBucket are not supported
  through the accelerate endpoint (400 InvalidRequest), nor is a path-style request (the
  endpoint names the bucket in its host).

The bucket's settings hold the state (``accelerate``: None until set).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidRequest, MalformedXML
from ..protocol import xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..model.store import Store

ROOT = "AccelerateConfiguration"
STATES = ("Enabled", "Suspended")
#: S3's "Transfer Acceleration" page: all operations but these are supported through it.
NOT_THROUGH_ACCELERATE = frozenset({"ListBuckets", "CreateBucket", "DeleteBucket"})

NOT_CONFIGURED = "S3 Transfer Acceleration is not configured on this bucket"
NO_PERIODS = ("S3 Transfer Acceleration is not supported for buckets with periods (.) in "
              "their names")


def parse_configuration(body: bytes, bucket: Bucket) -> str:
    """The Status of an ``AccelerateConfiguration`` document (the bucket's name is checked
    first, as S3 refuses a dotted bucket whatever the document)."""
    if "." in bucket.name:
        raise InvalidRequest(NO_PERIODS)
    doc = xml.parse(body, ROOT)
    status = xml.text_of(doc.get("Status")).strip()
    if status not in STATES or set(doc) - {"Status"}:
        raise MalformedXML()
    return status


def show_configuration(value: str | None, call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=(ROOT, {"Status": value}))


def check_endpoint(op: str, bucket_name: str | None, virtual_host: bool, store: Store) -> None:
    """The accelerate endpoint's rule for a request sent to it (see the module docstring)."""
    if op in NOT_THROUGH_ACCELERATE or bucket_name is None or not virtual_host:
        raise InvalidRequest(f"{op} is not supported through the S3 Transfer Acceleration "
                             "endpoint")
    bucket = store.buckets.get(bucket_name)
    if bucket is not None and bucket.settings.accelerate != "Enabled":
        raise InvalidRequest(NOT_CONFIGURED)
