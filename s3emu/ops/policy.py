"""Bucket policies over HTTP: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy (rows of
:mod:`.subresources`), GetBucketPolicyStatus.

The rules, from S3's API reference:

- PutBucketPolicy (204) validates the document (:mod:`s3emu.access.policy`: MalformedPolicy
  with S3's message) and, when the bucket blocks public policies (BlockPublicPolicy, on for
  new buckets), refuses a public one with 403 AccessDenied;
- GetBucketPolicy returns the document as it was put (``application/json``); without a policy
  it is 404 NoSuchBucketPolicy, and so is GetBucketPolicyStatus, which otherwise answers
  ``PolicyStatus`` / ``IsPublic``;
- DeleteBucketPolicy is 204, with or without a policy;
- the bucket owner's account may always get, put and delete the policy, even when the policy
  denies it (S3's root-user rule); every other request is evaluated against the policy.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..access.policy import Policy, compile_policy
from ..errors import AccessDenied, MalformedPolicy, NoSuchBucketPolicy
from ..operations import BUCKET
from .registry import Call, Reply, operation

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..model.settings import BucketSettings


def parse_policy(body: bytes, bucket: Bucket) -> Policy:
    """The compiled policy of a PutBucketPolicy body (MalformedPolicy if it is not one)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPolicy("This policy contains invalid Json") from None
    return compile_policy(text, bucket.name)


def check_policy(settings: BucketSettings, policy: Policy, bucket: Bucket) -> None:
    """BlockPublicPolicy refuses a public policy (403 AccessDenied)."""
    if policy.is_public and settings.block_flags["BlockPublicPolicy"]:
        raise AccessDenied()


def show_policy(policy: Policy, call: Call, bucket: Bucket) -> Reply:
    return Reply(headers={"Content-Type": "application/json"}, body=policy.text.encode())


@operation("GetBucketPolicyStatus", action="s3:GetBucketPolicyStatus", kind=BUCKET)
def get_bucket_policy_status(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    policy: Any = bucket.settings.policy
    if policy is None:
        raise NoSuchBucketPolicy(BucketName=bucket.name)
    return Reply(xml=("PolicyStatus", {"IsPublic": policy.is_public}))
