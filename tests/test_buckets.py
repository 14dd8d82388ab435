"""Bucket operations through boto3: CreateBucket, HeadBucket, DeleteBucket, ListBuckets,
GetBucketLocation, with S3's naming and location-constraint rules."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client


@pytest.mark.parametrize("name", [
    "ab", "a" * 64, "Upper", "under_score", "-leading", "trailing-", "two..dots",
    "192.168.5.4", "xn--punycode", "sthree-bucket", "sthree-configurator", "amzn-s3-demo-x",
    "bucket-s3alias", "bucket--ol-s3", "bucket.mrap", "bucket--table-s3", "ends.", ".starts",
])
def test_invalid_bucket_names(emu, name):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name)
    assert error_of(exc) == (400, "InvalidBucketName")
    assert exc.value.response["Error"]["BucketName"] == name


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "a-b-c", "1bucket", "b1.2-3"])
def test_valid_bucket_names(s3, name):
    s3.create_bucket(Bucket=name)
    s3.head_bucket(Bucket=name)


def test_create_head_delete(s3, emu):
    response = s3.create_bucket(Bucket="fresh")
    assert response["Location"] == "/fresh"
    head = s3.head_bucket(Bucket="fresh")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert head["BucketRegion"] == "us-east-1"
    deleted = s3.delete_bucket(Bucket="fresh")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket="fresh")
    assert error_of(exc) == (404, "404")          # HEAD errors carry no body


def test_recreate_own_bucket_us_east_1_is_ok(s3):
    s3.create_bucket(Bucket="again")
    assert s3.create_bucket(Bucket="again")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_recreate_own_bucket_elsewhere_conflicts(emu):
    s3 = make_client("eu-west-1")
    s3.create_bucket(Bucket="again", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="again",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_of(exc) == (409, "BucketAlreadyOwnedByYou")
    assert exc.value.response["Error"]["BucketName"] == "again"


def test_bucket_owned_by_another_account(emu, s3):
    emu.add_user("other", "othersecret", account_id="210987654321")
    other = __import__("boto3").client("s3", region_name="us-east-1",
                                       aws_access_key_id="other",
                                       aws_secret_access_key="othersecret")
    s3.create_bucket(Bucket="taken")
    with pytest.raises(ClientError) as exc:
        other.create_bucket(Bucket="taken")
    assert error_of(exc) == (409, "BucketAlreadyExists")


def test_location_constraint_on_regional_endpoint(emu):
    s3 = make_client("eu-west-1")
    s3.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="euro")["LocationConstraint"] == "eu-west-1"
    head = s3.head_bucket(Bucket="euro")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"


def test_unspecified_constraint_on_regional_endpoint(emu):
    s3 = make_client("eu-west-1")
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="nowhere")
    assert error_of(exc) == (400, "IllegalLocationConstraintException")
    assert "unspecified location constraint" in exc.value.response["Error"]["Message"]


def test_mismatched_constraint_on_regional_endpoint(emu):
    s3 = make_client("eu-west-1")
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="elsewhere",
                         CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert error_of(exc) == (400, "IllegalLocationConstraintException")
    assert "us-west-2 location constraint" in exc.value.response["Error"]["Message"]


def test_any_constraint_allowed_from_us_east_1(s3):
    s3.create_bucket(Bucket="faraway",
                     CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    assert s3.get_bucket_location(Bucket="faraway")["LocationConstraint"] == "ap-south-1"
    assert s3.head_bucket(Bucket="faraway")["BucketRegion"] == "ap-south-1"


def test_explicit_us_east_1_constraint_is_invalid(s3):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="virginia",
                         CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error_of(exc) == (400, "InvalidLocationConstraint")


def test_unknown_constraint_is_invalid(s3):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="mars", CreateBucketConfiguration={"LocationConstraint": "mars-1"})
    assert error_of(exc) == (400, "InvalidLocationConstraint")


def test_eu_constraint_means_eu_west_1(s3):
    s3.create_bucket(Bucket="old-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert s3.head_bucket(Bucket="old-eu")["BucketRegion"] == "eu-west-1"
    assert s3.get_bucket_location(Bucket="old-eu")["LocationConstraint"] == "EU"


def test_location_of_us_east_1_bucket_is_empty(s3, bucket):
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_malformed_create_bucket_configuration(s3, emu):
    def garble(request, **kwargs):
        request.data = b"<CreateBucketConfiguration><LocationConstraint>"
        request.headers["Content-Length"] = str(len(request.data))
    s3.meta.events.register("before-sign.s3.CreateBucket", garble)
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="broken", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert error_of(exc) == (400, "MalformedXML")
    assert "broken" not in emu.store.buckets


def test_delete_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket="missing")
    assert error_of(exc) == (404, "NoSuchBucket")
    assert exc.value.response["Error"]["BucketName"] == "missing"


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=bucket)
    assert error_of(exc) == (409, "BucketNotEmpty")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_list_buckets_sorted_with_owner(s3, emu):
    for name in ("zeta", "alpha", "mid-one"):
        s3.create_bucket(Bucket=name)
    emu.clock.advance(60)
    s3.create_bucket(Bucket="later")
    listed = s3.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == ["alpha", "later", "mid-one", "zeta"]
    created = {b["Name"]: b["CreationDate"] for b in listed["Buckets"]}
    assert (created["later"] - created["alpha"]).total_seconds() == 60
    assert listed["Owner"]["ID"] == emu.default_user.canonical_id
    assert listed["Owner"]["DisplayName"]
    assert "ContinuationToken" not in listed


def test_list_buckets_only_own_account(s3, emu):
    import boto3
    emu.add_user("other", "othersecret", account_id="210987654321")
    other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                         aws_secret_access_key="othersecret")
    s3.create_bucket(Bucket="mine")
    other.create_bucket(Bucket="theirs")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["mine"]
    assert [b["Name"] for b in other.list_buckets()["Buckets"]] == ["theirs"]


def test_list_buckets_paginated(s3):
    names = [f"bucket-{i:02d}" for i in range(7)]
    for name in names:
        s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket="other-1")
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxBuckets": 3, "Prefix": "bucket-"}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_buckets(**kwargs)
        pages += 1
        assert page["Prefix"] == "bucket-"
        assert all(b["BucketRegion"] == "us-east-1" for b in page["Buckets"])
        seen += [b["Name"] for b in page["Buckets"]]
        token = page.get("ContinuationToken")
        if not token:
            break
    assert seen == names and pages == 3
    paginated = s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 2})
    assert [b["Name"] for p in paginated for b in p["Buckets"]] == sorted(names + ["other-1"])


@pytest.mark.parametrize("value", [0, 10001])
def test_list_buckets_bad_max_buckets(emu, value):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.list_buckets(MaxBuckets=value)
    assert error_of(exc) == (400, "InvalidArgument")


def test_list_buckets_by_region(s3):
    s3.create_bucket(Bucket="east")
    s3.create_bucket(Bucket="west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    page = s3.list_buckets(BucketRegion="us-west-2")
    assert [b["Name"] for b in page["Buckets"]] == ["west"]


def test_bad_continuation_token(s3):
    with pytest.raises(ClientError) as exc:
        s3.list_buckets(ContinuationToken="%%%not-base64")
    assert error_of(exc) == (400, "InvalidArgument")


def test_location_of_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_location(Bucket="missing")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_virtual_hosted_addressing(emu):
    s3 = make_client(s3={"addressing_style": "virtual"})
    s3.create_bucket(Bucket="virtual-one")
    s3.put_object(Bucket="virtual-one", Key="a/b.txt", Body=b"v")
    assert s3.get_object(Bucket="virtual-one", Key="a/b.txt")["Body"].read() == b"v"
    assert emu.journal[-1].bucket == "virtual-one" and emu.journal[-1].key == "a/b.txt"


def test_regional_virtual_hosted_addressing(emu):
    s3 = make_client("eu-central-1", s3={"addressing_style": "virtual"})
    s3.create_bucket(Bucket="regional-one",
                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert s3.head_bucket(Bucket="regional-one")["BucketRegion"] == "eu-central-1"


def test_accelerate_endpoint_addressing(emu):
    s3 = make_client(s3={"use_accelerate_endpoint": True})
    make_client().create_bucket(Bucket="fast-bucket")
    make_client().put_bucket_accelerate_configuration(
        Bucket="fast-bucket", AccelerateConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="fast-bucket", Key="k", Body=b"quick")
    assert s3.get_object(Bucket="fast-bucket", Key="k")["Body"].read() == b"quick"
    assert emu.journal[-1].bucket == "fast-bucket" and emu.journal[-1].key == "k"
