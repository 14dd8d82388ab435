"""SSE-S3 and SSE-KMS through boto3: accepted, validated, stored and echoed as S3 does; each
test runs in-process and against the standalone server over TLS."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest
import requests
from botocore.exceptions import ClientError

from s3emu.ops.support import sse

from helpers import error_of

#: Each test runs in-process and against the standalone server over TLS (conftest.py).
pytestmark = pytest.mark.targets("in-process", "tls")

BODY = b"kms or not"
MD5_ETAG = f'"{hashlib.md5(BODY).hexdigest()}"'
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"
CONTEXT = base64.b64encode(json.dumps({"project": "s3emu"}).encode()).decode()


def message_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def test_every_object_reports_sse_s3(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    assert put["ServerSideEncryption"] == "AES256" and put["ETag"] == MD5_ETAG
    assert s3.get_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"


def test_explicit_sse_s3(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256" and put["ETag"] == MD5_ETAG
    assert "SSEKMSKeyId" not in s3.head_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("value", ["ROT13", "aes256", "", "aws:fsx"])
def test_unsupported_values_are_invalid_argument(make_client, bucket, value):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption=value)
    assert error_of(exc) == (400, "InvalidArgument")
    error = exc.value.response["Error"]
    assert error["Message"] == "The encryption method specified is not supported"
    assert (error["ArgumentName"], error.get("ArgumentValue") or "") == \
        ("x-amz-server-side-encryption", value)


def test_kms_with_a_key_id(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=KEY_ID)
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", KEY_ARN)
    assert put["ETag"] != MD5_ETAG and "BucketKeyEnabled" not in put
    for read in (s3.get_object(Bucket=bucket, Key="k"), s3.head_object(Bucket=bucket, Key="k")):
        assert (read["ServerSideEncryption"], read["SSEKMSKeyId"]) == ("aws:kms", KEY_ARN)
        assert read["ETag"] == put["ETag"]


def test_kms_with_a_key_arn_and_an_alias(s3, bucket):
    by_arn = s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="aws:kms",
                           SSEKMSKeyId=KEY_ARN)
    assert by_arn["SSEKMSKeyId"] == KEY_ARN
    alias = s3.put_object(Bucket=bucket, Key="b", Body=BODY, ServerSideEncryption="aws:kms",
                          SSEKMSKeyId="alias/my-key")
    again = s3.put_object(Bucket=bucket, Key="c", Body=BODY, ServerSideEncryption="aws:kms",
                          SSEKMSKeyId="alias/my-key")
    assert alias["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert alias["SSEKMSKeyId"] == again["SSEKMSKeyId"] != KEY_ARN
    alias_arn = s3.put_object(Bucket=bucket, Key="d", Body=BODY, ServerSideEncryption="aws:kms",
                              SSEKMSKeyId="arn:aws:kms:us-east-1:123456789012:alias/my-key")
    assert alias_arn["SSEKMSKeyId"] == alias["SSEKMSKeyId"]


def test_kms_without_a_key_id_uses_the_aws_managed_key(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="aws:kms")
    second = s3.put_object(Bucket=bucket, Key="b", Body=BODY, ServerSideEncryption="aws:kms")
    assert first["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert first["SSEKMSKeyId"] == second["SSEKMSKeyId"]


def test_dsse_kms(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms:dsse",
                        SSEKMSKeyId=KEY_ID, BucketKeyEnabled=True)
    assert put["ServerSideEncryption"] == "aws:kms:dsse" and put["SSEKMSKeyId"] == KEY_ARN
    assert "BucketKeyEnabled" not in put          # no bucket keys with DSSE-KMS


@pytest.mark.parametrize("key_id, message", [
    ("fake-key-id", "Invalid keyId 'fake-key-id'"),
    (f"arn:aws:kms:us-west-2:123456789012:key/{KEY_ID}", "Invalid arn us-west-2"),
])
def test_invalid_kms_keys(emu, s3, bucket, key_id, message):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key_id)
    assert error_of(exc) == (400, "KMS.NotFoundException")
    assert message_of(exc) == message
    assert "k" not in emu.store.bucket(bucket).objects


@pytest.mark.parametrize("kwargs", [
    {"SSEKMSKeyId": KEY_ID},
    {"ServerSideEncryption": "AES256", "SSEKMSKeyId": KEY_ID},
    {"SSEKMSEncryptionContext": CONTEXT},
], ids=["key-alone", "key-with-aes256", "context-alone"])
def test_kms_headers_need_aws_kms(s3, bucket, kwargs):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, **kwargs)
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == ("Server Side Encryption with AWS KMS managed key requires HTTP "
                               "header x-amz-server-side-encryption : aws:kms")


def test_encryption_context_is_echoed_on_writes_only(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms",
                        SSEKMSEncryptionContext=CONTEXT)
    assert put["SSEKMSEncryptionContext"] == CONTEXT
    assert "SSEKMSEncryptionContext" not in s3.get_object(Bucket=bucket, Key="k")
    assert "SSEKMSEncryptionContext" not in s3.head_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("context", ["not base64!", base64.b64encode(b"[1, 2]").decode(),
                                     base64.b64encode(b'{"n": 1}').decode()])
def test_invalid_encryption_context(s3, bucket, context):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms",
                      SSEKMSEncryptionContext=context)
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == sse.BAD_CONTEXT


def test_bucket_key_is_echoed_when_enabled(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="on", Body=BODY, ServerSideEncryption="aws:kms",
                        BucketKeyEnabled=True)
    assert put["BucketKeyEnabled"] is True
    assert s3.head_object(Bucket=bucket, Key="on")["BucketKeyEnabled"] is True
    assert s3.get_object(Bucket=bucket, Key="on")["BucketKeyEnabled"] is True
    off = s3.put_object(Bucket=bucket, Key="off", Body=BODY, ServerSideEncryption="aws:kms",
                        BucketKeyEnabled=False)
    assert "BucketKeyEnabled" not in off


def add_header(name: str, value: str):
    def handler(request, **kwargs):
        request.headers[name] = value
    return handler


@pytest.mark.parametrize("operation", ["GetObject", "HeadObject"])
def test_sse_header_on_a_read_is_400(make_client, bucket, operation):
    s3 = make_client()
    s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    s3.meta.events.register(f"before-sign.s3.{operation}",
                            add_header("x-amz-server-side-encryption", "AES256"))
    call = s3.get_object if operation == "GetObject" else s3.head_object
    with pytest.raises(ClientError) as exc:
        call(Bucket=bucket, Key="k")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if operation == "GetObject":
        assert error_of(exc) == (400, "InvalidArgument")
        assert message_of(exc) == sse.NOT_FOR_READS


def test_kms_needs_signature_version_4(make_client, bucket, verify):
    v4 = make_client()
    v4.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms")
    v2 = make_client(signature_version="s3")
    with pytest.raises(ClientError) as exc:
        v2.put_object(Bucket=bucket, Key="k2", Body=BODY, ServerSideEncryption="aws:kms")
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == sse.NEEDS_SIGV4
    assert exc.value.response["Error"]["ArgumentName"] == "Authorization"
    v2.put_object(Bucket=bucket, Key="plain", Body=BODY)          # SigV2 itself works
    url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert "AWSAccessKeyId=" in url
    response = requests.get(url, verify=verify)
    assert response.status_code == 400 and b"Signature Version 4" in response.content
    assert requests.get(v2.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "plain"}), verify=verify).content == BODY


def test_copy_sets_the_target_encryption(s3, bucket):
    s3.put_object(Bucket=bucket, Key="kms", Body=BODY, ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=KEY_ID)
    plain = s3.copy_object(Bucket=bucket, Key="plain", CopySource=f"{bucket}/kms")
    assert plain["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in plain
    assert plain["CopyObjectResult"]["ETag"] == MD5_ETAG
    again = s3.copy_object(Bucket=bucket, Key="kms2", CopySource=f"{bucket}/plain",
                           ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY_ID,
                           SSEKMSEncryptionContext=CONTEXT)
    assert (again["ServerSideEncryption"], again["SSEKMSKeyId"]) == ("aws:kms", KEY_ARN)
    assert again["SSEKMSEncryptionContext"] == CONTEXT
    assert again["CopyObjectResult"]["ETag"] != MD5_ETAG
    assert s3.head_object(Bucket=bucket, Key="kms2")["SSEKMSKeyId"] == KEY_ARN


def test_copy_in_place_changing_only_the_encryption(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    moved = s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k",
                           ServerSideEncryption="aws:kms")
    assert moved["ServerSideEncryption"] == "aws:kms"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "aws:kms"
