"""Bucket policies over HTTP: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy,
GetBucketPolicyStatus.

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

from ..access.decide import POLICY, block
from ..access.policy import compile_policy
from ..errors import AccessDenied, MalformedPolicy, NoSuchBucketPolicy, PolicyTooLarge
from ..operations import BUCKET
from .registry import Call, Reply, operation


@operation("PutBucketPolicy", action="s3:PutBucketPolicy", kind=BUCKET,
           body_cap=(20 * 1024, PolicyTooLarge), owner_account_only=True)
def put_bucket_policy(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    try:
        text = call.verified_body().decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPolicy("This policy contains invalid Json") from None
    policy = compile_policy(text, bucket.name)
    if policy.is_public and block(bucket.config)["BlockPublicPolicy"]:
        raise AccessDenied()
    with bucket.lock:
        bucket.config[POLICY] = policy
    return Reply(status=204)


def _policy(call: Call):
    bucket = call.store.bucket(call.bucket)
    policy = bucket.config.get(POLICY)
    if policy is None:
        raise NoSuchBucketPolicy(BucketName=bucket.name)
    return policy


@operation("GetBucketPolicy", action="s3:GetBucketPolicy", kind=BUCKET, owner_account_only=True)
def get_bucket_policy(call: Call) -> Reply:
    policy = _policy(call)
    return Reply(headers={"Content-Type": "application/json"}, body=policy.text.encode())


@operation("DeleteBucketPolicy", action="s3:DeleteBucketPolicy", kind=BUCKET,
           owner_account_only=True)
def delete_bucket_policy(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket)
    with bucket.lock:
        bucket.config.pop(POLICY, None)
    return Reply(status=204)


@operation("GetBucketPolicyStatus", action="s3:GetBucketPolicyStatus", kind=BUCKET)
def get_bucket_policy_status(call: Call) -> Reply:
    policy = _policy(call)
    return Reply(xml=("PolicyStatus", {"IsPublic": policy.is_public}))
