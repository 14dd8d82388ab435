"""Object Ownership: Put/Get/DeleteBucketOwnershipControls and what each setting does to
object owners and ACLs."""
from __future__ import annotations

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from s3emu.access.acl import canonical_id

from helpers import error_of

OTHER = "210987654321"
OWNER_ID = canonical_id("123456789012")
OTHER_ID = canonical_id(OTHER)


def controls(s3, bucket):
    return s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]


def set_controls(s3, bucket, value):
    return s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": value}]})


@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER)
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                        aws_secret_access_key="other-secret")


def test_new_bucket_is_bucket_owner_enforced(s3, bucket):
    assert controls(s3, bucket) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


@pytest.mark.parametrize("value", ["BucketOwnerPreferred", "ObjectWriter",
                                   "BucketOwnerEnforced"])
def test_put_and_get(s3, bucket, value):
    assert set_controls(s3, bucket, value)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert controls(s3, bucket) == [{"ObjectOwnership": value}]


def test_create_bucket_with_ownership(s3):
    s3.create_bucket(Bucket="writer", ObjectOwnership="ObjectWriter")
    assert controls(s3, "writer") == [{"ObjectOwnership": "ObjectWriter"}]


def test_delete(s3, bucket):
    deleted = s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error_of(exc) == (404, "OwnershipControlsNotFoundError")
    assert exc.value.response["Error"]["BucketName"] == bucket
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")       # ACLs work: ObjectWriter


@pytest.mark.parametrize("body", [
    b"<OwnershipControls><Rule><ObjectOwnership>Whoever</ObjectOwnership></Rule>"
    b"</OwnershipControls>",
    b"<OwnershipControls></OwnershipControls>",
    b"<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule>"
    b"<ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>",
    b"<OwnershipControls><Rule>",
])
def test_malformed_controls(emu, s3, bucket, body):
    url = s3.generate_presigned_url("put_bucket_ownership_controls", Params={
        "Bucket": bucket, "OwnershipControls": {"Rules": []}})
    response = requests.put(url, data=body)
    assert response.status_code == 400 and "<Code>MalformedXML</Code>" in response.text
    assert controls(s3, bucket) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_enforced_refused_while_the_bucket_acl_grants_others(s3, bucket):
    set_controls(s3, bucket, "ObjectWriter")
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'id="{OTHER_ID}"')
    with pytest.raises(ClientError) as exc:
        set_controls(s3, bucket, "BucketOwnerEnforced")
    assert error_of(exc) == (400, "InvalidBucketAclWithObjectOwnership")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    set_controls(s3, bucket, "BucketOwnerEnforced")


def test_enforcing_takes_over_objects_and_ignores_their_acls(emu, s3, bucket, other):
    set_controls(s3, bucket, "ObjectWriter")
    s3.put_bucket_acl(Bucket=bucket, GrantWrite=f'id="{OTHER_ID}"')
    other.put_object(Bucket=bucket, Key="theirs", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="theirs")
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:            # nor its ACL (no READ_ACP grant)
        s3.get_object_acl(Bucket=bucket, Key="theirs")
    assert error_of(exc) == (403, "AccessDenied")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    set_controls(s3, bucket, "BucketOwnerEnforced")
    assert s3.get_object(Bucket=bucket, Key="theirs")["Body"].read() == b"x"
    acl = s3.get_object_acl(Bucket=bucket, Key="theirs")
    assert acl["Owner"]["ID"] == OWNER_ID
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    with pytest.raises(ClientError) as exc:            # the writer lost its object
        other.get_object(Bucket=bucket, Key="theirs")
    assert error_of(exc) == (403, "AccessDenied")


def test_ownership_of_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
