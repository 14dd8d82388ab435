"""Block Public Access on buckets: Put/Get/DeletePublicAccessBlock and the documented effect of
each flag on public ACLs and public policies."""
from __future__ import annotations

import json

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import error_of

OTHER = "210987654321"
FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def configure(s3, bucket, **flags):
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        name: flags.get(name, False) for name in FLAGS})


def public_policy(bucket, *, account=None):
    principal = {"AWS": account} if account else "*"
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})


@pytest.fixture
def anonymous(emu):
    return boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER)
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                        aws_secret_access_key="other-secret")


@pytest.fixture
def acl_bucket(s3):
    s3.create_bucket(Bucket="acl-bucket", ObjectOwnership="ObjectWriter")
    return "acl-bucket"


def test_new_bucket_blocks_everything(s3, bucket):
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == dict.fromkeys(FLAGS, True)


def test_put_get_delete(s3, bucket):
    response = s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                      "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    for _ in range(2):
        deleted = s3.delete_public_access_block(Bucket=bucket)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchPublicAccessBlockConfiguration")
    assert exc.value.response["Error"]["BucketName"] == bucket


@pytest.mark.parametrize("body", [
    b"<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls>"
    b"</PublicAccessBlockConfiguration>",
    b"<PublicAccessBlockConfiguration><BlockEverything>true</BlockEverything>"
    b"</PublicAccessBlockConfiguration>",
    b"<PublicAccessBlockConfiguration>",
    b"<Other/>",
])
def test_malformed(emu, s3, bucket, body):
    url = s3.generate_presigned_url("put_public_access_block", Params={
        "Bucket": bucket, "PublicAccessBlockConfiguration": {}})
    response = requests.put(url, data=body)
    assert response.status_code == 400 and "<Code>MalformedXML</Code>" in response.text


def test_block_public_acls(s3, acl_bucket):
    configure(s3, acl_bucket, BlockPublicAcls=True)
    for call in (lambda: s3.put_bucket_acl(Bucket=acl_bucket, ACL="public-read"),
                 lambda: s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x",
                                       ACL="public-read"),
                 lambda: s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x",
                                       GrantRead='uri="http://acs.amazonaws.com/groups/'
                                                 'global/AuthenticatedUsers"'),
                 lambda: s3.create_multipart_upload(Bucket=acl_bucket, Key="k",
                                                    ACL="public-read-write")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (403, "AccessDenied")
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="private")
    with pytest.raises(ClientError) as exc:
        s3.put_object_acl(Bucket=acl_bucket, Key="k", ACL="public-read")
    assert error_of(exc) == (403, "AccessDenied")
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="private")


def test_ignore_public_acls(s3, acl_bucket, anonymous, other):
    configure(s3, acl_bucket)
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="public-read")
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="authenticated-read")
    assert anonymous.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"x"
    other.list_objects_v2(Bucket=acl_bucket)
    configure(s3, acl_bucket, IgnorePublicAcls=True)
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=acl_bucket, Key="k")
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        other.list_objects_v2(Bucket=acl_bucket)
    assert error_of(exc) == (403, "AccessDenied")
    acl = s3.get_object_acl(Bucket=acl_bucket, Key="k")        # kept, only ignored
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])
    s3.put_object_acl(Bucket=acl_bucket, Key="k", ACL="public-read")   # still settable


def test_block_public_policy(s3, bucket, other):
    configure(s3, bucket, BlockPublicPolicy=True)
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=public_policy(bucket))
    assert error_of(exc) == (403, "AccessDenied")
    s3.put_bucket_policy(Bucket=bucket, Policy=public_policy(bucket, account=OTHER))
    configure(s3, bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_policy(bucket))
    configure(s3, bucket, BlockPublicPolicy=True)          # an existing policy stays
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True


def test_restrict_public_buckets(s3, bucket, anonymous, other):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    configure(s3, bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"},
            {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:ListBucket",
             "Resource": f"arn:aws:s3:::{bucket}"}]}))
    assert anonymous.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    other.list_objects_v2(Bucket=bucket)
    configure(s3, bucket, RestrictPublicBuckets=True)
    for call in (lambda: anonymous.get_object(Bucket=bucket, Key="k"),
                 lambda: other.get_object(Bucket=bucket, Key="k"),
                 lambda: other.list_objects_v2(Bucket=bucket)):   # even the non-public grant
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (403, "AccessDenied")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    s3.put_bucket_policy(Bucket=bucket, Policy=public_policy(bucket, account=OTHER))
    assert other.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"   # not public


def test_public_access_block_of_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
