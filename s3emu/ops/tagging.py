"""Object and bucket tagging: Put/Get/DeleteObjectTagging, and the parse and show functions of
the bucket's ``tags`` row in :mod:`.subresources` (Put/Get/DeleteBucketTagging).

The rules, from S3's PutObjectTagging / GetObjectTagging / DeleteObjectTagging /
PutBucketTagging / GetBucketTagging references and "Categorizing your storage using tags":

- an object's tags belong to one version: ``versionId`` names it (the current version
  without it; the errors of a missing key, version or delete marker are those of any read,
  :func:`.support.versions.readable_version`); changing them changes that version in place
  (no new version, no copy of its bytes) and answers its ``x-amz-version-id``; Object Lock
  does not protect tags;
- PutObjectTagging replaces the whole tag set (an empty TagSet removes every tag);
  DeleteObjectTagging answers 204;
- a Tagging document of another shape is MalformedXML; the tags obey
  :func:`~s3emu.model.tags.check_tag_set` (10 per object, 50 per bucket);
- GetBucketTagging of a bucket without tags is 404 NoSuchTagSet; PutBucketTagging with an
  empty TagSet leaves the bucket without tags.
"""
from __future__ import annotations

from typing import Mapping

from ..model.bucket import Bucket
from ..model.objects import ObjectVersion
from ..model.tags import check_tag_set
from ..operations import OBJECT_READ
from ..protocol.tagging import parse_tagging, tagging_body
from .support.events import object_event
from .registry import Call, Reply, operation
from .support.versions import readable_version


def _version(call: Call) -> tuple[Bucket, ObjectVersion]:
    bucket = call.store.bucket(call.bucket_name)
    return bucket, readable_version(bucket, call.object_key, call.query.get("versionId"),
                                    call.method)


def _version_header(version: ObjectVersion) -> dict[str, str]:
    return {} if version.version_id is None else {"x-amz-version-id": version.version_id}


def _retag(call: Call, tags: Mapping[str, str], status: int) -> Reply:
    bucket, version = _version(call)
    changed = version.evolve(tags=tags)
    bucket.replace_version(version, changed)
    object_event(call, bucket, "ObjectTagging:Put" if status == 200 else "ObjectTagging:Delete",
                 changed)
    return Reply(status=status, headers=_version_header(version))


@operation("GetObjectTagging", action="s3:GetObjectTagging",
           versioned_action="s3:GetObjectVersionTagging", kind=OBJECT_READ)
def get_object_tagging(call: Call) -> Reply:
    _, version = _version(call)
    return Reply(headers=_version_header(version),
                 xml=("Tagging", tagging_body(version.tags)))


@operation("PutObjectTagging", action="s3:PutObjectTagging",
           versioned_action="s3:PutObjectVersionTagging", kind=OBJECT_READ)
def put_object_tagging(call: Call) -> Reply:
    tags = check_tag_set(parse_tagging(call.verified_body()))
    return _retag(call, tags, 200)


@operation("DeleteObjectTagging", action="s3:DeleteObjectTagging",
           versioned_action="s3:DeleteObjectVersionTagging", kind=OBJECT_READ)
def delete_object_tagging(call: Call) -> Reply:
    return _retag(call, {}, 204)


def parse_bucket_tags(body: bytes, bucket: Bucket) -> Mapping[str, str] | None:
    """A PutBucketTagging body as the bucket's tags (None: an empty TagSet)."""
    return check_tag_set(parse_tagging(body), bucket=True) or None


def show_bucket_tags(tags: Mapping[str, str], call: Call, bucket: Bucket) -> Reply:
    return Reply(xml=("Tagging", tagging_body(tags)))
