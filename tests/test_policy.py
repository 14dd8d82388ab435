"""Bucket policies: Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus, MalformedPolicy, and
their evaluation on every request (principals, actions, resources, conditions, explicit deny)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import error_of

OTHER = "210987654321"
OWNER = "123456789012"


def client(key="testing", secret="testing", **kwargs):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, **kwargs)


@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER, name="olga")
    return client("other", "other-secret")


@pytest.fixture
def anonymous(emu):
    return boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


@pytest.fixture
def open_bucket(s3, bucket):
    """The test bucket without its public access block (so public policies may be put)."""
    s3.delete_public_access_block(Bucket=bucket)
    return bucket


def document(*statements, version="2012-10-17"):
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(principal, action, resource, **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": resource, **extra}


def deny(principal, action, resource, **extra):
    return {**allow(principal, action, resource, **extra), "Effect": "Deny"}


def denied(call) -> None:
    with pytest.raises(ClientError) as exc:
        call()
    assert error_of(exc)[0] == 403 and error_of(exc)[1] in ("AccessDenied", "403")


# -- the policy itself ----------------------------------------------------------------------------
def test_put_get_delete(s3, bucket):
    text = document(allow({"AWS": OTHER}, "s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    put = s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_policy(Bucket=bucket)
    assert got["Policy"] == text
    assert got["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/json"
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    for _ in range(2):
        deleted = s3.delete_bucket_policy(Bucket=bucket)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (s3.get_bucket_policy, s3.get_bucket_policy_status):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket)
        assert error_of(exc) == (404, "NoSuchBucketPolicy")
        assert exc.value.response["Error"]["BucketName"] == bucket


def test_policy_of_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_policy(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_public_policy_is_blocked_on_new_buckets(s3, bucket):
    public = document(allow("*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert error_of(exc) == (403, "AccessDenied")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}


@pytest.mark.parametrize("condition, public", [
    ({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),
    ({"StringEquals": {"aws:SourceAccount": OTHER}}, False),
    ({"StringLike": {"aws:SourceArn": "arn:aws:*"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
])
def test_policy_status_conditions(s3, open_bucket, condition, public):
    s3.put_bucket_policy(Bucket=open_bucket, Policy=document(allow(
        "*", "s3:GetObject", f"arn:aws:s3:::{open_bucket}/*", Condition=condition)))
    assert s3.get_bucket_policy_status(Bucket=open_bucket)["PolicyStatus"]["IsPublic"] is public


B = "arn:aws:s3:::test-bucket"


@pytest.mark.parametrize("text, message", [
    ("not json", "Policies must be valid JSON and the first byte must be '{'"),
    ("{not json", "This policy contains invalid Json"),
    (json.dumps({"Version": "2012-10-17"}), "Missing required field Statement"),
    (document(), "Could not parse the policy: Statement is empty!"),
    (json.dumps({"Version": "2012-10-17", "Statment": []}), "Unknown field Statment"),
    (document({"Principal": "*", "Action": "s3:GetObject", "Resource": B + "/*"}),
     "Missing required field Effect"),
    (document({**allow("*", "s3:GetObject", B + "/*"), "Effect": "Permit"}),
     "Invalid effect: Permit"),
    (document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": B + "/*"}),
     "Missing required field Principal"),
    (document(allow({"AWS": "arn:aws:iam::not-an-account:root"}, "s3:GetObject", B + "/*")),
     "Invalid principal in policy"),
    (document(allow({"Alien": "x"}, "s3:GetObject", B + "/*")), "Invalid principal in policy"),
    (document({"Effect": "Allow", "Principal": "*", "Resource": B + "/*"}),
     "Missing required field Action"),
    (document(allow("*", "s3:GetObjekt", B + "/*")), "Policy has invalid action"),
    (document(allow("*", "ec2:RunInstances", B + "/*")), "Policy has invalid action"),
    (document({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}),
     "Missing required field Resource"),
    (document(allow("*", "s3:GetObject", "arn:aws:s3:::another-bucket/*")),
     "Policy has invalid resource"),
    (document(allow("*", "s3:GetObject", "arn:aws:ec2:::thing")),
     "Policy has invalid resource"),
    (document(allow("*", "s3:GetObject", B)),
     "Action does not apply to any resource(s) in statement"),
    (document(allow("*", "s3:ListBucket", B + "/*")),
     "Action does not apply to any resource(s) in statement"),
    (document(allow("*", "s3:GetObject", B + "/*",
                    Condition={"StringEqualz": {"aws:SourceIp": "x"}})),
     "Invalid Condition type : StringEqualz"),
    (document(allow("*", "s3:GetObject", B + "/*",
                    Condition={"StringEquals": {"s3:no-such-key": "x"}})),
     "Policy has an invalid condition key"),
    (document(allow("*", "s3:GetObject", B + "/*", Sid="same"),
              allow("*", "s3:PutObject", B + "/*", Sid="same")),
     "Statement IDs (SID) in a single policy must be unique."),
])
def test_malformed_policy(s3, open_bucket, text, message):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_policy(Bucket=open_bucket, Policy=text)
    assert error_of(exc) == (400, "MalformedPolicy")
    assert exc.value.response["Error"]["Message"] == message


def test_valid_policy_forms(s3, open_bucket):
    s3.put_bucket_policy(Bucket=open_bucket, Policy=json.dumps({
        "Id": "forms", "Statement": {   # a single statement object, 2008 version by default
            "Sid": "all", "Effect": "Allow",
            "Principal": {"AWS": [OTHER, f"arn:aws:iam::{OTHER}:root",
                                  f"arn:aws:iam::{OTHER}:user/path/olga",
                                  f"arn:aws:iam::{OTHER}:role/reader"],
                          "Service": "cloudfront.amazonaws.com"},
            "Action": ["s3:Get*", "s3:List*"], "Resource": [B, B + "/*"]}}))


# -- evaluation -----------------------------------------------------------------------------------
def test_principal_account_and_user(s3, bucket, other, emu):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    denied(lambda: other.get_object(Bucket=bucket, Key="k"))
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": f"arn:aws:iam::{OTHER}:user/olga"}, "s3:GetObject", B + "/*")))
    assert other.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    emu.add_user("other2", "other2-secret", account_id=OTHER, name="oscar")
    oscar = client("other2", "other2-secret")
    denied(lambda: oscar.get_object(Bucket=bucket, Key="k"))
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/*")))
    assert oscar.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    denied(lambda: oscar.put_object(Bucket=bucket, Key="k", Body=b"y"))
    denied(lambda: oscar.list_objects_v2(Bucket=bucket))


def test_explicit_deny_beats_the_owner(s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret/a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="open/a", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        deny({"AWS": OWNER}, "s3:GetObject", B + "/secret/*")))
    denied(lambda: s3.get_object(Bucket=bucket, Key="secret/a"))
    assert s3.get_object(Bucket=bucket, Key="open/a")["Body"].read() == b"x"


def test_owner_may_always_manage_the_policy(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        deny({"AWS": OWNER}, "s3:*", [B, B + "/*"])))
    denied(lambda: s3.list_objects_v2(Bucket=bucket))
    denied(lambda: s3.get_bucket_acl(Bucket=bucket))
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    s3.list_objects_v2(Bucket=bucket)


def test_not_principal_not_action_not_resource(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="public/a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="private/a", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        {"Effect": "Allow", "Principal": {"AWS": OTHER}, "NotAction": "s3:DeleteObject",
         "NotResource": B + "/private/*"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": OTHER}, "Action": "s3:PutObject",
         "Resource": B + "/public/*"}))
    assert other.get_object(Bucket=bucket, Key="public/a")["Body"].read() == b"x"
    denied(lambda: other.get_object(Bucket=bucket, Key="private/a"))
    denied(lambda: other.delete_object(Bucket=bucket, Key="public/a"))
    other.put_object(Bucket=bucket, Key="public/b", Body=b"y")
    denied(lambda: s3.put_object(Bucket=bucket, Key="public/c", Body=b"y"))   # owner denied
    s3.put_object(Bucket=bucket, Key="private/c", Body=b"y")


def test_wildcards_in_actions_and_resources(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="logs/2025/a.txt", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, ["S3:get*", "s3:ListBucke?"], [B, B + "/logs/*/?.txt"])))
    assert other.get_object(Bucket=bucket, Key="logs/2025/a.txt")["Body"].read() == b"x"
    other.list_objects_v2(Bucket=bucket)
    denied(lambda: other.put_object(Bucket=bucket, Key="logs/2025/b.txt", Body=b"x"))


def test_missing_key_needs_list_permission(s3, bucket, other):
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/*")))
    with pytest.raises(ClientError) as exc:
        other.get_object(Bucket=bucket, Key="missing")
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        other.head_object(Bucket=bucket, Key="missing")
    assert error_of(exc)[0] == 403
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/*"),
        allow({"AWS": OTHER}, "s3:ListBucket", B)))
    with pytest.raises(ClientError) as exc:
        other.get_object(Bucket=bucket, Key="missing")
    assert error_of(exc) == (404, "NoSuchKey")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="missing")
    assert error_of(exc) == (404, "NoSuchKey")


def test_list_permission_alone_reveals_only_absence(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="there", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:ListBucket", B),
        deny({"AWS": OTHER}, "s3:GetObject", B + "/denied/*")))
    with pytest.raises(ClientError) as exc:
        other.get_object(Bucket=bucket, Key="missing")
    assert error_of(exc) == (404, "NoSuchKey")
    denied(lambda: other.get_object(Bucket=bucket, Key="there"))
    denied(lambda: other.get_object(Bucket=bucket, Key="denied/missing"))


def test_copy_needs_read_on_the_source(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    other.create_bucket(Bucket="their-bucket")
    denied(lambda: other.copy_object(Bucket="their-bucket", Key="dst",
                                     CopySource=f"{bucket}/src"))
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/src")))
    other.copy_object(Bucket="their-bucket", Key="dst", CopySource=f"{bucket}/src")
    assert other.get_object(Bucket="their-bucket", Key="dst")["Body"].read() == b"x"
    denied(lambda: other.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src"))
    denied(lambda: other.copy_object(Bucket="their-bucket", Key="dst",
                                     CopySource=f"{bucket}/missing"))


def test_delete_objects_reports_access_denied_per_key(s3, bucket, other):
    for key in ("tmp/a", "keep/b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:DeleteObject", B + "/tmp/*")))
    result = other.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "tmp/a"}, {"Key": "keep/b"}]})
    assert result["Deleted"] == [{"Key": "tmp/a"}]
    assert result["Errors"] == [{"Key": "keep/b", "Code": "AccessDenied",
                                 "Message": "Access Denied"}]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep/b"]


def test_expected_bucket_owner(s3, bucket):
    s3.list_objects_v2(Bucket=bucket, ExpectedBucketOwner=OWNER)
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket, ExpectedBucketOwner=OTHER)
    assert error_of(exc) == (403, "AccessDenied")


# -- conditions -----------------------------------------------------------------------------------
def test_source_ip(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:GetObject", B + "/*",
        Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]}})))
    assert other.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/*"),
        deny("*", "s3:GetObject", B + "/*",
             Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    denied(lambda: other.get_object(Bucket=bucket, Key="k"))
    denied(lambda: s3.get_object(Bucket=bucket, Key="k"))


def test_secure_transport(server):
    server.emulator.add_user("other", "other-secret", account_id=OTHER)
    owner = client(endpoint_url=server.endpoint_url)
    other = client("other", "other-secret", endpoint_url=server.endpoint_url)
    owner.create_bucket(Bucket="tls-only")
    owner.put_object(Bucket="tls-only", Key="k", Body=b"x")
    owner.put_bucket_policy(Bucket="tls-only", Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::tls-only/*"),
        deny("*", "s3:*", ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
             Condition={"Bool": {"aws:SecureTransport": "false"}})))
    denied(lambda: other.get_object(Bucket="tls-only", Key="k"))   # plain HTTP
    denied(lambda: owner.get_object(Bucket="tls-only", Key="k"))
    owner.delete_bucket_policy(Bucket="tls-only")


def test_secure_transport_in_process_counts_as_https(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:GetObject", B + "/*",
        Condition={"Bool": {"aws:SecureTransport": "true"}})))
    assert other.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_current_time_follows_the_emulator_clock(emu, s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:GetObject", B + "/*",
        Condition={"DateLessThan": {"aws:CurrentTime": "2025-06-01T00:00:00Z"},
                   "DateGreaterThanEquals": {"aws:EpochTime": "1735689600"}})))
    assert other.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    emu.clock.set(datetime(2025, 7, 1, tzinfo=timezone.utc))
    denied(lambda: other.get_object(Bucket=bucket, Key="k"))


def test_prefix_and_max_keys(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="home/olga/a", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:ListBucket", B,
        Condition={"StringLike": {"s3:prefix": ["", "home/*"]},
                   "NumericLessThanEquals": {"s3:max-keys": "10"}})))
    listed = other.list_objects_v2(Bucket=bucket, Prefix="home/", MaxKeys=5)
    assert [o["Key"] for o in listed["Contents"]] == ["home/olga/a"]
    denied(lambda: other.list_objects_v2(Bucket=bucket, Prefix="etc/", MaxKeys=5))
    denied(lambda: other.list_objects_v2(Bucket=bucket, Prefix="home/", MaxKeys=50))
    denied(lambda: other.list_objects(Bucket=bucket, Prefix="home/"))   # max-keys absent


def test_required_acl_header(s3, bucket, other):
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:PutObject", B + "/*",
        Condition={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}})))
    denied(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"x"))
    other.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")


def test_existing_object_tag(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="classification=public")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:GetObject", B + "/*",
        Condition={"StringEquals": {"s3:ExistingObjectTag/classification": "public"}})))
    assert other.get_object(Bucket=bucket, Key="tagged")["Body"].read() == b"x"
    denied(lambda: other.get_object(Bucket=bucket, Key="plain"))


def test_null_and_if_exists(s3, bucket, other):
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:PutObject", B + "/*", Condition={
            "StringEqualsIfExists": {"s3:x-amz-storage-class": "STANDARD"}}),
        deny("*", "s3:PutObject", B + "/*",
             Condition={"Null": {"s3:x-amz-server-side-encryption": "true"}})))
    denied(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"x"))
    other.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES256")
    denied(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"x",
                                    ServerSideEncryption="AES256", StorageClass="GLACIER"))
    other.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES256",
                     StorageClass="STANDARD")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:PutObject", B + "/*"),
        deny("*", "s3:PutObject", B + "/*", Condition={
            "StringNotEqualsIfExists": {"s3:x-amz-storage-class": "STANDARD"}})))
    denied(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"x"))   # absent: true
    other.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="STANDARD")


def test_policy_variables(emu, s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="home/olga/notes", Body=b"x")
    s3.put_object(Bucket=bucket, Key="home/oscar/notes", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:GetObject", B + "/home/${aws:username}/*")))
    assert other.get_object(Bucket=bucket, Key="home/olga/notes")["Body"].read() == b"x"
    denied(lambda: other.get_object(Bucket=bucket, Key="home/oscar/notes"))


def test_anonymous_principal_star(s3, open_bucket, anonymous, other):
    s3.put_object(Bucket=open_bucket, Key="pub/a", Body=b"x")
    s3.put_bucket_policy(Bucket=open_bucket, Policy=document(
        allow({"AWS": "*"}, "s3:GetObject", f"arn:aws:s3:::{open_bucket}/pub/*")))
    assert anonymous.get_object(Bucket=open_bucket, Key="pub/a")["Body"].read() == b"x"
    assert other.get_object(Bucket=open_bucket, Key="pub/a")["Body"].read() == b"x"
    denied(lambda: anonymous.list_objects_v2(Bucket=open_bucket))
    denied(lambda: anonymous.put_object(Bucket=open_bucket, Key="pub/b", Body=b"x"))


def test_upload_part_copy_needs_read_on_the_source(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x" * 10)
    other.create_bucket(Bucket="their-bucket")
    upload = other.create_multipart_upload(Bucket="their-bucket", Key="dst")["UploadId"]
    denied(lambda: other.upload_part_copy(Bucket="their-bucket", Key="dst", UploadId=upload,
                                          PartNumber=1, CopySource=f"{bucket}/src"))
    s3.put_bucket_policy(Bucket=bucket, Policy=document(
        allow({"AWS": OTHER}, "s3:GetObject", B + "/src")))
    other.upload_part_copy(Bucket="their-bucket", Key="dst", UploadId=upload, PartNumber=1,
                           CopySource=f"{bucket}/src")


def test_browser_upload_is_checked_as_its_signer(s3, bucket, other):
    import requests
    form = other.generate_presigned_post(bucket, "up/${filename}")
    response = requests.post(form["url"], data=form["fields"], files={"file": ("a.txt", b"x")})
    assert response.status_code == 403 and b"<Code>AccessDenied</Code>" in response.content
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, "s3:PutObject", B + "/up/*",
        Condition={"StringEquals": {"s3:authType": "POST"}})))
    response = requests.post(form["url"], data=form["fields"], files={"file": ("a.txt", b"x")})
    assert response.status_code == 204
    assert s3.get_object(Bucket=bucket, Key="up/a.txt")["Body"].read() == b"x"
    denied(lambda: other.put_object(Bucket=bucket, Key="up/b.txt", Body=b"x"))  # REST-HEADER


def test_policy_calls_from_another_account_are_method_not_allowed(s3, bucket, other):
    denied(lambda: other.get_bucket_policy(Bucket=bucket))
    s3.put_bucket_policy(Bucket=bucket, Policy=document(allow(
        {"AWS": OTHER}, ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                         "s3:GetBucketPolicyStatus"], B)))
    for call in (lambda: other.get_bucket_policy(Bucket=bucket),
                 lambda: other.delete_bucket_policy(Bucket=bucket)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (405, "MethodNotAllowed")
    assert other.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}


# -- the evaluator on its own (unit tests of the parser and the condition operators) ----------
def _evaluate(condition, context, *, action="s3:GetObject"):
    from s3emu.access.policy import Who, compile_policy
    policy = compile_policy(document(allow("*", "s3:GetObject", B + "/*",
                                           Condition=condition)), "test-bucket")
    lowered = {k.lower(): v for k, v in context.items()}
    return policy.evaluate(Who(OTHER), action, B + "/k", lowered)


@pytest.mark.parametrize("condition, context, verdict", [
    ({"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["a", "b"]}},
     {"s3:RequestObjectTagKeys": ["b", "z"]}, "Allow"),
    ({"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["a"]}}, {}, None),
    ({"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["a", "b"]}},
     {"s3:RequestObjectTagKeys": ["b", "z"]}, None),
    ({"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["a"]}}, {}, "Allow"),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/o*"}},
     {"aws:PrincipalArn": [f"arn:aws:iam::{OTHER}:user/olga"]}, "Allow"),
    ({"StringEqualsIgnoreCase": {"aws:UserAgent": "BOTO"}}, {"aws:UserAgent": ["boto"]},
     "Allow"),
    ({"DateGreaterThan": {"aws:CurrentTime": "1735689600"}},
     {"aws:CurrentTime": ["2025-01-02T00:00:00Z"]}, "Allow"),
    ({"NumericGreaterThan": {"s3:max-keys": 5}}, {"s3:max-keys": ["not a number"]}, None),
    ({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": ["\u0663"]}, None),  # ٣
    ({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": ["1_0"]}, None),
    ({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": [" 5"]}, None),
    ({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": ["5"]}, "Allow"),
    ({"DateGreaterThan": {"aws:CurrentTime": "1735689600"}},
     {"aws:CurrentTime": ["\u0661\u0667\u0663\u0665\u0666\u0668\u0669\u0666\u0660\u0661"]},
     None),
    ({"BinaryEquals": {"aws:userid": "YWJj"}}, {"aws:userid": ["YWJj"]}, "Allow"),
    ({"Null": {"aws:Referer": "false"}}, {"aws:Referer": ["x"]}, "Allow"),
    ({"NotIpAddress": {"aws:SourceIp": "2001:db8::/32"}}, {"aws:SourceIp": ["127.0.0.1"]},
     "Allow"),
    ({"StringNotLike": {"aws:Referer": ["*.evil.example"]}}, {}, "Allow"),
])
def test_condition_operators(condition, context, verdict):
    assert _evaluate(condition, context) == verdict


@pytest.mark.parametrize("condition", [
    {"ForSomeValues:StringEquals": {"aws:Referer": "x"}},
    {"NullIfExists": {"aws:Referer": "true"}},
    {"NumericLessThan": {"s3:max-keys": "ten"}},
    {"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}},
    {"StringEquals": {"aws:Referer": {"nested": "object"}}},
    {"StringEquals": []},
])
def test_malformed_conditions(condition):
    from s3emu.errors import MalformedPolicy
    with pytest.raises(MalformedPolicy):
        _evaluate(condition, {})
