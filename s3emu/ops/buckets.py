"""Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation."""
from __future__ import annotations

import base64
import binascii

from ..errors import (AccessDenied, IllegalLocationConstraintException, InvalidArgument,
                      InvalidLocationConstraint)
from ..model.settings import NEW_BUCKETS, LockConfiguration
from ..model.store import REGIONS
from ..protocol import numbers, xml
from .acl import bucket_settings
from .support.object_headers import refuse_unimplemented
from ..operations import ACCOUNT, BUCKET
from .registry import Call, Reply, operation


def _location_constraint(call: Call) -> str | None:
    if not call.body():                    # read within CreateBucket's body cap
        return None
    config = call.xml_body("CreateBucketConfiguration")
    return xml.text_of(config.get("LocationConstraint")) or None   # MalformedXML if not text


def _bucket_region(constraint: str | None, endpoint_region: str) -> str:
    """The region a new bucket goes to, by S3's rules for LocationConstraint."""
    if constraint is None:
        if endpoint_region != "us-east-1":
            raise IllegalLocationConstraintException()
        return "us-east-1"
    if constraint not in REGIONS:
        raise InvalidLocationConstraint(LocationConstraint=constraint)
    region = "eu-west-1" if constraint == "EU" else constraint
    if endpoint_region not in ("us-east-1", region):
        raise IllegalLocationConstraintException(
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")
    return region


@operation("CreateBucket", action="s3:CreateBucket", kind=BUCKET, authorizes_itself=True,
           refuses_anonymous=True, any_region=True)
def create_bucket(call: Call) -> Reply:
    if not call.user.access_key:
        raise AccessDenied()
    refuse_unimplemented("CreateBucket", call.headers)
    constraint = _location_constraint(call)
    region = _bucket_region(constraint, call.region)
    start = NEW_BUCKETS[call.settings.bucket_defaults]    # today's, or before 2023
    settings = start.but(location_constraint=constraint,
                         **bucket_settings(call, start))  # x-amz-object-ownership, ACL headers
    if call.headers.get("x-amz-bucket-object-lock-enabled", "").strip().lower() == "true":
        settings = settings.but(versioning="Enabled", object_lock=LockConfiguration())
    bucket, _ = call.store.create_bucket(call.bucket_name, region, call.user.account_id, settings)
    location = f"/{bucket.name}" if region == "us-east-1" else \
        f"http://{bucket.name}.s3.amazonaws.com/"
    return Reply(headers={"Location": location})


@operation("HeadBucket", action="s3:ListBucket", kind=BUCKET, acl="READ")
def head_bucket(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    return Reply(headers={"x-amz-bucket-region": bucket.region,
                          "x-amz-access-point-alias": "false"})


@operation("DeleteBucket", action="s3:DeleteBucket", kind=BUCKET)
def delete_bucket(call: Call) -> Reply:
    call.store.delete_bucket(call.bucket_name)
    return Reply(status=204)


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument("The continuation token provided is incorrect",
                              ArgumentName="continuation-token", ArgumentValue=token) from None


@operation("ListBuckets", action="s3:ListAllMyBuckets", kind=ACCOUNT, authorizes_itself=True,
           any_region=True)
def list_buckets(call: Call) -> Reply:
    if not call.user.access_key:
        raise AccessDenied()
    q = call.query
    paged = any(k in q for k in ("max-buckets", "prefix", "continuation-token", "bucket-region"))
    limit = 10000
    if "max-buckets" in q:
        text = q["max-buckets"]
        limit = numbers.count(text) or 0
        if not 1 <= limit <= 10000:
            raise InvalidArgument("Argument max-buckets must be an integer between 1 and 10000",
                                  ArgumentName="max-buckets", ArgumentValue=text)
    prefix = q.get("prefix", "")
    after = _decode_token(q["continuation-token"]) if q.get("continuation-token") else ""
    region = q.get("bucket-region")
    found = [b for b in call.store.list_buckets(call.user.account_id)
             if b.name.startswith(prefix) and b.name > after
             and (region is None or b.region == region)]
    page = found[:limit] if paged else found
    token = None
    if len(found) > len(page):
        token = base64.urlsafe_b64encode(page[-1].name.encode()).decode().rstrip("=")
    body = {
        "Owner": {"ID": call.user.canonical_id, "DisplayName": call.user.display_name},
        "Buckets": {"Bucket": [
            {"Name": b.name, "CreationDate": b.created,
             "BucketRegion": b.region if paged else None} for b in page]},
        "ContinuationToken": token,
        "Prefix": q.get("prefix"),
    }
    return Reply(xml=("ListAllMyBucketsResult", body))


@operation("GetBucketLocation", action="s3:GetBucketLocation", kind=BUCKET, any_region=True)
def get_bucket_location(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    return Reply(xml=("LocationConstraint", bucket.settings.location_constraint or ""))
