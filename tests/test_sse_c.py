"""SSE-C (customer-provided keys) through boto3: S3's rules, key by key, each test run twice,
served in-process and by the standalone server over TLS.

Buckets made since April 2026 block SSE-C writes; the ``bucket`` fixture here allows them the
way S3 users must (PutBucketEncryption with BlockedEncryptionTypes NONE).
"""
from __future__ import annotations

import base64
import hashlib

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

import s3emu
from s3emu.ops.support import sse

from helpers import error_of

#: Each test runs in-process and against the standalone server over TLS (conftest.py).
pytestmark = pytest.mark.targets("in-process", "tls")

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
KEY_MD5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
OTHER_MD5 = base64.b64encode(hashlib.md5(OTHER).digest()).decode()
SSEC = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
SSEC_OTHER = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": OTHER}
COPY_SSEC = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": KEY}
BODY = b"secret payload"


def allow_sse_c(s3, bucket: str) -> None:
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="ssec-bucket")
    allow_sse_c(s3, "ssec-bucket")
    return "ssec-bucket"


@pytest.fixture
def stored(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=BODY, **SSEC)
    return "obj"


def message_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


# -- writing and reading ------------------------------------------------------------------
def test_put_get_head_echo_algorithm_and_key_md5(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="obj", Body=BODY, **SSEC)
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in put
    got = s3.get_object(Bucket=bucket, Key="obj", **SSEC)
    assert got["Body"].read() == BODY
    assert (got["SSECustomerAlgorithm"], got["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in got
    head = s3.head_object(Bucket=bucket, Key="obj", **SSEC)
    assert (head["SSECustomerAlgorithm"], head["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert head["ContentLength"] == len(BODY) and head["ETag"] == put["ETag"]


def test_ranged_read_with_the_key(s3, bucket, stored):
    got = s3.get_object(Bucket=bucket, Key=stored, Range="bytes=0-5", **SSEC)
    assert got["Body"].read() == BODY[:6] and got["ContentRange"] == f"bytes 0-5/{len(BODY)}"


def test_etag_is_not_the_md5_but_is_deterministic(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="a", Body=BODY, **SSEC)["ETag"]
    again = s3.put_object(Bucket=bucket, Key="b", Body=BODY, **SSEC)["ETag"]
    other = s3.put_object(Bucket=bucket, Key="c", Body=BODY, **SSEC_OTHER)["ETag"]
    plain = s3.put_object(Bucket=bucket, Key="d", Body=BODY)["ETag"]
    assert plain == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert first == again and first != other and plain not in (first, other)
    assert len(first) == 34 and first.startswith('"')
    listed = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed["a"] == first


def test_read_without_the_key_is_400(s3, bucket, stored):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == ("The object was stored using a form of Server Side Encryption. "
                               "The correct parameters must be provided to retrieve the object.")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key=stored)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_read_with_another_key_is_403(s3, bucket, stored):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored, **SSEC_OTHER)
    assert error_of(exc) == (403, "AccessDenied")
    assert message_of(exc) == ("Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide the correct secret key.")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key=stored, **SSEC_OTHER)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_read_with_a_short_key_is_the_wrong_key(s3, bucket, stored):
    short = b"x" * 10
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored, SSECustomerAlgorithm="AES256",
                      SSECustomerKey=short)
    assert error_of(exc) == (403, "AccessDenied")


def test_key_for_an_object_without_sse_c_is_400(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    for call in (s3.get_object, s3.head_object):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Key="plain", **SSEC)
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="plain", **SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == "The encryption parameters are not applicable to this object."


def test_delete_needs_no_key(s3, bucket, stored):
    assert s3.delete_object(Bucket=bucket, Key=stored)["ResponseMetadata"][
        "HTTPStatusCode"] == 204


def test_overwrite_with_another_key_replaces_the_key(s3, bucket, stored):
    s3.put_object(Bucket=bucket, Key=stored, Body=b"v2", **SSEC_OTHER)
    assert s3.get_object(Bucket=bucket, Key=stored, **SSEC_OTHER)["Body"].read() == b"v2"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored, **SSEC)
    assert error_of(exc) == (403, "AccessDenied")


# -- validation -------------------------------------------------------------------------
def strip_md5(request, **kwargs):
    del request.headers["x-amz-server-side-encryption-customer-key-MD5"]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"SSECustomerAlgorithm": "AES128", "SSECustomerKey": KEY},
     "InvalidEncryptionAlgorithmError",
     "The Encryption request you specified is not valid. Supported value: AES256."),
    ({"SSECustomerKey": KEY}, "InvalidArgument", sse.NO_ALGORITHM),
    ({"SSECustomerAlgorithm": "AES256"}, "InvalidArgument", sse.NO_KEY),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b"k" * 16}, "InvalidArgument",
     "The secret key was invalid for the specified algorithm."),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(KEY).decode(),
      "SSECustomerKeyMD5": OTHER_MD5}, "InvalidArgument",
     "The calculated MD5 hash of the key did not match the hash that was provided."),
    ({"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "not base64!",
      "SSECustomerKeyMD5": KEY_MD5}, "InvalidArgument", sse.BAD_KEY),
    ({**SSEC, "ServerSideEncryption": "AES256"}, "InvalidArgument",
     "Server Side Encryption with Customer provided key is incompatible with the encryption "
     "method specified"),
], ids=["algorithm", "no-algorithm", "no-key", "short-key", "md5-mismatch", "not-base64",
        "with-sse-s3"])
def test_invalid_sse_c_writes(make_client, emu, bucket, kwargs, code, message):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="obj", Body=BODY, **kwargs)
    assert error_of(exc) == (400, code)
    error = exc.value.response["Error"]
    assert error["Message"] == message
    assert error["ArgumentName"] == "x-amz-server-side-encryption"
    assert "obj" not in emu.store.bucket(bucket).objects


def test_md5_is_checked_before_the_key_length(make_client, emu, bucket):
    s3 = make_client()
    short = base64.b64encode(b"k" * 24).decode()
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="obj", Body=BODY, SSECustomerAlgorithm="AES256",
                      SSECustomerKey=short, SSECustomerKeyMD5=KEY_MD5)
    assert message_of(exc) == sse.MD5_MISMATCH


def test_missing_key_md5_is_400(make_client, emu, bucket):
    s3 = make_client()
    s3.meta.events.register("before-sign.s3.PutObject", strip_md5)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="obj", Body=BODY, **SSEC)
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == sse.NO_KEY_MD5


def test_invalid_algorithm_on_read_is_400(make_client, emu, bucket, stored):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored, SSECustomerAlgorithm="AES512",
                      SSECustomerKey=KEY)
    assert error_of(exc) == (400, "InvalidEncryptionAlgorithmError")
    assert exc.value.response["Error"]["ArgumentValue"] == "AES512"


def test_the_key_is_never_stored_journaled_or_echoed(make_client, emu, s3, bucket, stored):
    secrets = [KEY.hex(), base64.b64encode(KEY).decode()]
    version = emu.store.bucket(bucket).objects[stored]
    assert not any(secret in repr(version) for secret in secrets)
    assert version.sse.key_digest != hashlib.sha256(KEY).hexdigest()
    s3v = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3v.put_object(Bucket=bucket, Key="x", Body=b"", SSECustomerAlgorithm="AES256",
                       SSECustomerKey=base64.b64encode(KEY).decode(),
                       SSECustomerKeyMD5=OTHER_MD5)
    assert not any(secret in repr(exc.value.response) for secret in secrets)
    assert not any(secret in repr(list(emu.journal)) + emu.journal.as_table()
                   for secret in secrets)


# -- where SSE-C is allowed -------------------------------------------------------------
def test_new_buckets_block_sse_c_writes(s3):
    s3.create_bucket(Bucket="fresh")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="fresh", Key="k", Body=BODY, **SSEC)
    assert error_of(exc) == (403, "AccessDenied")
    assert message_of(exc) == (
        'User: arn:aws:iam::123456789012:root is not authorized to perform: s3:PutObject on '
        'resource: "arn:aws:s3:::fresh/k" because this bucket has blocked upload requests that '
        'specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a '
        'different server-side encryption type')
    s3.put_object(Bucket="fresh", Key="k", Body=BODY)      # other encryption is fine
    allow_sse_c(s3, "fresh")
    assert s3.put_object(Bucket="fresh", Key="k", Body=BODY, **SSEC)["SSECustomerKeyMD5"] == \
        KEY_MD5


def test_blocking_keeps_existing_objects_readable(s3, bucket, stored):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]})
    assert s3.get_object(Bucket=bucket, Key=stored, **SSEC)["Body"].read() == BODY
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="new", Body=BODY, **SSEC)
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}",
                       **COPY_SSEC, **SSEC)
    assert error_of(exc) == (403, "AccessDenied")
    assert "s3:CopyObject" in message_of(exc)


def test_middle_east_buckets_allow_sse_c(make_client, emu):
    s3 = make_client("me-south-1")
    s3.create_bucket(Bucket="bahrain",
                     CreateBucketConfiguration={"LocationConstraint": "me-south-1"})
    assert s3.put_object(Bucket="bahrain", Key="k", Body=BODY, **SSEC)["SSECustomerKeyMD5"] \
        == KEY_MD5


def test_emulator_option_for_accounts_that_kept_sse_c(emu, s3):
    emu.block_sse_c = False
    try:
        s3.create_bucket(Bucket="legacy")
        assert s3.put_object(Bucket="legacy", Key="k", Body=BODY, **SSEC)[
            "SSECustomerAlgorithm"] == "AES256"
    finally:
        emu.block_sse_c = True


def test_in_process_mock_counts_as_https_even_for_an_http_endpoint():
    with s3emu.mock_s3():
        s3 = boto3.client("s3", endpoint_url="http://localhost:4566", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="plain-http")
        allow_sse_c(s3, "plain-http")
        s3.put_object(Bucket="plain-http", Key="k", Body=BODY, **SSEC)
        assert s3.get_object(Bucket="plain-http", Key="k", **SSEC)["Body"].read() == BODY


def test_presigned_get_with_the_key_headers(s3, bucket, stored, verify):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": stored,
                                                          **SSEC})
    headers = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
               "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
               "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5}
    assert requests.get(url, headers=headers, verify=verify).content == BODY
    assert requests.get(url, verify=verify).status_code in (400, 403)


# -- copies -------------------------------------------------------------------------------
def test_copy_of_an_sse_c_source_needs_its_key(emu, s3, bucket, stored):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}")
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.NEEDS_KEY
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}",
                       CopySourceSSECustomerAlgorithm="AES256",
                       CopySourceSSECustomerKey=OTHER)
    assert error_of(exc) == (403, "AccessDenied")
    assert "copy" not in emu.store.bucket(bucket).objects


def test_copy_to_a_plain_object_uses_the_bucket_default(s3, bucket, stored):
    result = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}",
                            **COPY_SSEC)
    assert result["ServerSideEncryption"] == "AES256"
    assert "SSECustomerAlgorithm" not in result
    assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == BODY


def test_copy_rotates_the_key(s3, bucket, stored):
    result = s3.copy_object(Bucket=bucket, Key=stored, CopySource=f"{bucket}/{stored}",
                            **COPY_SSEC, **SSEC_OTHER)
    assert (result["SSECustomerAlgorithm"], result["SSECustomerKeyMD5"]) == \
        ("AES256", OTHER_MD5)
    assert s3.get_object(Bucket=bucket, Key=stored, **SSEC_OTHER)["Body"].read() == BODY
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=stored, **SSEC)
    assert error_of(exc) == (403, "AccessDenied")


def test_copy_of_a_plain_source_into_sse_c(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    result = s3.copy_object(Bucket=bucket, Key="enc", CopySource=f"{bucket}/plain", **SSEC)
    assert result["SSECustomerKeyMD5"] == KEY_MD5
    assert result["CopyObjectResult"]["ETag"] != f'"{hashlib.md5(BODY).hexdigest()}"'
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="enc2", CopySource=f"{bucket}/plain", **COPY_SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.NOT_APPLICABLE


def test_copy_source_key_is_validated(make_client, emu, bucket, stored):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}",
                       CopySourceSSECustomerAlgorithm="AES128", CopySourceSSECustomerKey=KEY)
    assert error_of(exc) == (400, "InvalidEncryptionAlgorithmError")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{stored}",
                       CopySourceSSECustomerAlgorithm="AES256",
                       CopySourceSSECustomerKey=base64.b64encode(KEY).decode(),
                       CopySourceSSECustomerKeyMD5=OTHER_MD5)
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == sse.MD5_MISMATCH


# -- multipart uploads ------------------------------------------------------------------
MIB = 1024 * 1024
PART1 = b"a" * (5 * MIB)
PART2 = b"tail"


def test_multipart_upload_carries_the_key_on_every_part(emu, s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="mp", **SSEC)
    assert (created["SSECustomerAlgorithm"], created["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    upload = created["UploadId"]
    one = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=PART1,
                         **SSEC)
    assert (one["SSECustomerAlgorithm"], one["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert one["ETag"] != f'"{hashlib.md5(PART1).hexdigest()}"'
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=PART2)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == ("The multipart upload initiate requested encryption. Subsequent "
                               "part requests must include the appropriate encryption "
                               "parameters.")
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=PART2,
                       **SSEC_OTHER)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == ("The provided encryption parameters did not match the ones "
                               "used originally.")
    two = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=PART2,
                         **SSEC)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                        MultipartUpload={"Parts": [
                                            {"PartNumber": 1, "ETag": one["ETag"]},
                                            {"PartNumber": 2, "ETag": two["ETag"]}]})
    assert done["ETag"].endswith('-2"') and "SSECustomerAlgorithm" not in done
    assert s3.get_object(Bucket=bucket, Key="mp", **SSEC)["Body"].read() == PART1 + PART2
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=2, **SSEC)
    assert head["ContentLength"] == len(PART2) and head["SSECustomerKeyMD5"] == KEY_MD5
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="mp")
    assert error_of(exc) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="mp", **SSEC_OTHER)
    assert error_of(exc) == (403, "AccessDenied")


def test_complete_with_the_wrong_key_is_400(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **SSEC)["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=PART2,
                          **SSEC)
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                     MultipartUpload=parts, **SSEC_OTHER)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.PART_WRONG_KEY
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                        MultipartUpload=parts, **SSEC)
    assert "SSECustomerKeyMD5" not in done


def test_checksummed_upload_needs_the_key_on_complete(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256",
                                        **SSEC)["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=PART2,
                          ChecksumAlgorithm="SHA256", **SSEC)
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"],
                        "ChecksumSHA256": part["ChecksumSHA256"]}]}
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                     MultipartUpload=parts)
    assert error_of(exc) == (400, "InvalidArgument")
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                 MultipartUpload=parts, **SSEC)
    assert s3.get_object(Bucket=bucket, Key="mp", **SSEC)["Body"].read() == PART2


def test_key_on_a_part_of_an_upload_without_sse_c_is_400(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=PART2,
                       **SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.PART_NEEDS_KEY


def test_multipart_on_a_blocking_bucket_is_403(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **SSEC)["UploadId"]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]})
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="mp2", **SSEC)
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=PART2,
                       **SSEC)
    assert error_of(exc) == (403, "AccessDenied")
    s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload)


def test_upload_part_copy_needs_both_keys(s3, bucket, stored):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **SSEC_OTHER)["UploadId"]
    with pytest.raises(ClientError) as exc:       # the source's key is missing
        s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                            CopySource=f"{bucket}/{stored}", **SSEC_OTHER)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.NEEDS_KEY
    with pytest.raises(ClientError) as exc:       # the upload's key is missing
        s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                            CopySource=f"{bucket}/{stored}", **COPY_SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == sse.PART_NEEDS_KEY
    with pytest.raises(ClientError) as exc:       # the wrong source key
        s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                            CopySource=f"{bucket}/{stored}", **SSEC_OTHER,
                            CopySourceSSECustomerAlgorithm="AES256",
                            CopySourceSSECustomerKey=OTHER)
    assert error_of(exc) == (403, "AccessDenied")
    copied = s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                                 CopySource=f"{bucket}/{stored}", **COPY_SSEC, **SSEC_OTHER)
    assert copied["SSECustomerKeyMD5"] == OTHER_MD5
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="mp", **SSEC_OTHER)["Body"].read() == BODY


def test_s3transfer_multipart_upload_download_and_copy_with_sse_c(emu, s3, bucket):
    import io

    from boto3.s3.transfer import TransferConfig
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB,
                            max_concurrency=4)
    data = bytes(range(256)) * (11 * MIB // 256)
    s3.upload_fileobj(io.BytesIO(data), bucket, "big", ExtraArgs=SSEC, Config=config)
    assert emu.journal.count(operation="UploadPart") == 3
    assert s3.head_object(Bucket=bucket, Key="big", **SSEC)["ETag"].endswith('-3"')
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big", out, ExtraArgs=SSEC, Config=config)
    assert out.getvalue() == data
    with pytest.raises(ClientError) as exc:
        s3.download_fileobj(bucket, "big", io.BytesIO(), Config=config)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    s3.copy({"Bucket": bucket, "Key": "big"}, bucket, "big-copy",
            ExtraArgs={**COPY_SSEC, **SSEC_OTHER}, Config=config)
    assert emu.journal.count(operation="UploadPartCopy") == 3
    copied = s3.get_object(Bucket=bucket, Key="big-copy", **SSEC_OTHER)
    assert copied["Body"].read() == data and copied["SSECustomerKeyMD5"] == OTHER_MD5


def test_presigned_post_with_sse_c_fields(s3, bucket, verify):
    fields = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
              "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
              "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5}
    post = s3.generate_presigned_post(bucket, "posted", Fields=fields,
                                      Conditions=[{k: v} for k, v in fields.items()])
    response = requests.post(post["url"], data=post["fields"], files={"file": ("a", BODY)},
                             verify=verify)
    assert response.status_code == 204
    assert response.headers["x-amz-server-side-encryption-customer-key-MD5"] == KEY_MD5
    assert s3.get_object(Bucket=bucket, Key="posted", **SSEC)["Body"].read() == BODY
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="posted")
    assert error_of(exc) == (400, "InvalidRequest")
