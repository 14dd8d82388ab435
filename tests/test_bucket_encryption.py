"""PutBucketEncryption / GetBucketEncryption / DeleteBucketEncryption and default encryption;
each test runs in-process and against the standalone server over TLS."""
from __future__ import annotations

import hashlib

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

import s3emu

from helpers import error_of

#: Each test runs in-process and against the standalone server over TLS (conftest.py).
pytestmark = pytest.mark.targets("in-process", "tls")

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"
SSEC = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b"k" * 32}


def rule_of(s3, bucket: str) -> dict:
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert len(rules) == 1
    return rules[0]


def put_rule(s3, bucket: str, **rule) -> dict:
    return s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [rule]})


def test_a_new_bucket_has_sse_s3_and_blocks_sse_c(s3, bucket):
    assert rule_of(s3, bucket) == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": False, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}


def test_get_bucket_encryption_xml(s3, bucket, verify):
    url = s3.generate_presigned_url("get_bucket_encryption", Params={"Bucket": bucket})
    body = requests.get(url, verify=verify).content.decode()
    assert body.endswith(
        '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
        "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled>"
        "<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType>"
        "</BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>")


def test_middle_east_and_legacy_buckets_allow_sse_c(emu, make_client):
    s3 = make_client("me-central-1")
    s3.create_bucket(Bucket="uae", CreateBucketConfiguration={"LocationConstraint":
                                                              "me-central-1"})
    assert rule_of(s3, "uae")["BlockedEncryptionTypes"] == {"EncryptionType": ["NONE"]}
    legacy = make_client()
    legacy.create_bucket(Bucket="legacy")
    emu.block_sse_c = False
    try:
        assert rule_of(legacy, "legacy")["BlockedEncryptionTypes"] == {
            "EncryptionType": ["NONE"]}
    finally:
        emu.block_sse_c = True
    assert rule_of(legacy, "legacy")["BlockedEncryptionTypes"] == {"EncryptionType": ["SSE-C"]}


def test_mock_option_block_sse_c():
    with s3emu.mock_s3(block_sse_c=False) as emulator:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="legacy")
        assert emulator.block_sse_c is False
        assert rule_of(s3, "legacy")["BlockedEncryptionTypes"] == {"EncryptionType": ["NONE"]}


def test_kms_default_applies_to_new_objects(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ID}, BucketKeyEnabled=True)
    assert rule_of(s3, bucket) == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": KEY_ID},
        "BucketKeyEnabled": True, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]) == \
        ("aws:kms", KEY_ARN, True)
    assert put["ETag"] != f'"{hashlib.md5(b"data").hexdigest()}"'
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", KEY_ARN)
    explicit = s3.put_object(Bucket=bucket, Key="s3", Body=b"data", ServerSideEncryption="AES256")
    assert explicit["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in explicit
    inherits = s3.put_object(Bucket=bucket, Key="kms", Body=b"data",
                             ServerSideEncryption="aws:kms")
    assert inherits["BucketKeyEnabled"] is True         # the bucket's Bucket Key setting
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/s3")
    assert copied["ServerSideEncryption"] == "aws:kms"   # a copy gets the destination default


def test_kms_default_without_key_uses_the_managed_key(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "aws:kms"})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert put["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert "BucketKeyEnabled" not in put


def test_an_invalid_default_key_fails_the_put_not_the_configuration(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "aws/s3"})
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert error_of(exc) == (400, "KMS.NotFoundException")
    assert exc.value.response["Error"]["Message"] == "Invalid keyId aws/s3"


def test_sse_s3_default_with_bucket_key_reports_no_bucket_key(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "AES256"},
             BucketKeyEnabled=True)
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert put["ServerSideEncryption"] == "AES256" and "BucketKeyEnabled" not in put


def test_blocked_types_are_kept_unless_given(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "AES256"})
    assert rule_of(s3, bucket)["BlockedEncryptionTypes"] == {"EncryptionType": ["SSE-C"]}
    put_rule(s3, bucket, BlockedEncryptionTypes={"EncryptionType": ["NONE"]})
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "aws:kms:dsse"})
    rule = rule_of(s3, bucket)
    assert rule["BlockedEncryptionTypes"] == {"EncryptionType": ["NONE"]}
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms:dsse"}
    assert s3.put_object(Bucket=bucket, Key="c", Body=b"x", **SSEC)["SSECustomerAlgorithm"] \
        == "AES256"
    put_rule(s3, bucket, BlockedEncryptionTypes={"EncryptionType": ["SSE-C"]})
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="c2", Body=b"x", **SSEC)
    assert error_of(exc) == (403, "AccessDenied")


def test_delete_resets_to_sse_s3(s3, bucket):
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ID},
             BlockedEncryptionTypes={"EncryptionType": ["NONE"]})
    for _ in range(2):
        deleted = s3.delete_bucket_encryption(Bucket=bucket)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert rule_of(s3, bucket) == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": False, "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"


@pytest.mark.parametrize("call", ["put", "get", "delete"])
def test_missing_bucket_is_404(s3, call):
    with pytest.raises(ClientError) as exc:
        if call == "put":
            put_rule(s3, "nope", ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "AES256"})
        elif call == "get":
            s3.get_bucket_encryption(Bucket="nope")
        else:
            s3.delete_bucket_encryption(Bucket="nope")
    assert error_of(exc) == (404, "NoSuchBucket")


@pytest.mark.parametrize("rules", [
    [],
    [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}] * 2,
    [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "ROT13"}}],
    [{"ApplyServerSideEncryptionByDefault": {}}],
    [{"BlockedEncryptionTypes": {"EncryptionType": ["SSE-KMS"]}}],
    [{"BlockedEncryptionTypes": {"EncryptionType": []}}],
], ids=["no-rule", "two-rules", "bad-algorithm", "no-algorithm", "bad-type", "no-type"])
def test_invalid_configurations_are_malformed_xml(emu, make_client, bucket, rules):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_encryption(Bucket=bucket,
                                 ServerSideEncryptionConfiguration={"Rules": rules})
    assert error_of(exc) == (400, "MalformedXML")
    assert emu.store.bucket(bucket).settings.encryption is None


def test_not_xml_is_malformed_xml(emu, s3, bucket):
    def garble(request, **kwargs):
        request.data = b"<ServerSideEncryptionConfiguration><Rule>"
        for name in [h for h in request.headers
                     if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutBucketEncryption", garble)
    with pytest.raises(ClientError) as exc:
        put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "AES256"})
    assert error_of(exc) == (400, "MalformedXML")


def test_kms_key_with_sse_s3_is_invalid_argument(s3, bucket):
    with pytest.raises(ClientError) as exc:
        put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={
            "SSEAlgorithm": "AES256", "KMSMasterKeyID": KEY_ID})
    assert error_of(exc) == (400, "InvalidArgument")
    error = exc.value.response["Error"]
    assert error["Message"] == ("a KMSMasterKeyID is not applicable if the default sse "
                                "algorithm is not aws:kms or aws:kms:dsse")
    assert error["ArgumentName"] == "ApplyServerSideEncryptionByDefault"


def test_copy_in_place_is_allowed_with_a_configured_default(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k")
    assert error_of(exc) == (400, "InvalidRequest")
    put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "aws:kms"})
    copied = s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k")
    assert copied["ServerSideEncryption"] == "aws:kms"


def test_body_checksum_is_verified(emu, s3, bucket):
    def tamper(request, **kwargs):
        request.data = request.body.replace(b"aws:kms", b"AES256")
    s3.meta.events.register("before-sign.s3.PutBucketEncryption", tamper)
    with pytest.raises(ClientError) as exc:
        put_rule(s3, bucket, ApplyServerSideEncryptionByDefault={"SSEAlgorithm": "aws:kms"})
    assert error_of(exc) == (400, "BadDigest")
    assert emu.store.bucket(bucket).settings.encryption is None
