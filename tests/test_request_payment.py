"""Requester Pays: Put/GetBucketRequestPayment, and its rule on every request: another
account must agree to pay (``x-amz-request-payer: requester``) and is told it was charged;
anonymous requests are refused; the owner's account pays nothing."""
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
CHARGED = "x-amz-request-charged"


def client(key, secret, **kwargs):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, **kwargs)


@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER, name="olga")
    return client("other", "other-secret")


@pytest.fixture
def shared(s3, bucket):
    """The test bucket, Requester Pays, with an object the other account may read and list."""
    s3.put_object(Bucket=bucket, Key="data.csv", Body=b"a,b\n")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    return bucket


def headers_of(reply):
    return reply["ResponseMetadata"]["HTTPHeaders"]


def test_every_bucket_starts_as_bucket_owner_pays(s3, bucket):
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"


def test_put_then_get(s3, bucket):
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "BucketOwner"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"


@pytest.mark.parametrize("body", [
    b"<RequestPaymentConfiguration><Payer>Anyone</Payer></RequestPaymentConfiguration>",
    b"<RequestPaymentConfiguration><Payer>requester</Payer></RequestPaymentConfiguration>",
    b"<RequestPaymentConfiguration/>",
    b"<RequestPaymentConfiguration><Payer>Requester</Payer><X>1</X>"
    b"</RequestPaymentConfiguration>",
    b"<Payment><Payer>Requester</Payer></Payment>",
    b"<RequestPaymentConfiguration><Payer>",
])
def test_bad_documents_are_malformed_xml(s3, bucket, body):
    def raw(request, **_):
        request.data = body
        for name in [h for h in request.headers
                     if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutBucketRequestPayment", raw)
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_request_payment(Bucket=bucket,
                                      RequestPaymentConfiguration={"Payer": "Requester"})
    assert error_of(exc) == (400, "MalformedXML")
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"


def test_another_account_without_agreeing_is_denied(other, shared):
    for call in (lambda: other.get_object(Bucket=shared, Key="data.csv"),
                 lambda: other.head_object(Bucket=shared, Key="data.csv"),
                 lambda: other.list_objects_v2(Bucket=shared),
                 lambda: other.put_object(Bucket=shared, Key="new", Body=b"x")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc)[0] == 403
        assert error_of(exc)[1] in ("AccessDenied", "403")


def test_another_account_that_agrees_is_charged(s3, other, shared):
    reply = other.get_object(Bucket=shared, Key="data.csv", RequestPayer="requester")
    assert reply["Body"].read() == b"a,b\n"
    assert reply["RequestCharged"] == "requester"
    listing = other.list_objects_v2(Bucket=shared, RequestPayer="requester")
    assert [o["Key"] for o in listing["Contents"]] == ["data.csv"]
    assert headers_of(listing)[CHARGED] == "requester"
    put = other.put_object(Bucket=shared, Key="new", Body=b"x", RequestPayer="requester")
    assert put["RequestCharged"] == "requester"
    assert s3.get_object(Bucket=shared, Key="new")["Body"].read() == b"x"


def test_agreeing_does_not_grant_access(s3, other, shared):
    with pytest.raises(ClientError) as exc:
        other.delete_object(Bucket=shared, Key="data.csv", RequestPayer="requester")
    assert error_of(exc) == (403, "AccessDenied")
    assert CHARGED not in exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert s3.head_object(Bucket=shared, Key="data.csv")["ContentLength"] == 4


def test_presigned_url_carries_the_agreement(other, shared):
    url = other.generate_presigned_url(
        "get_object", Params={"Bucket": shared, "Key": "data.csv", "RequestPayer": "requester"})
    reply = requests.get(url, headers={"x-amz-request-payer": "requester"})
    assert reply.status_code == 200 and reply.headers[CHARGED] == "requester"
    plain = other.generate_presigned_url(
        "get_object", Params={"Bucket": shared, "Key": "data.csv"})
    assert requests.get(plain).status_code == 403


def test_anonymous_requests_are_refused(s3, bucket, emu):
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="public", Body=b"p")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    anonymous = boto3.client("s3", region_name="us-east-1",
                             config=Config(signature_version=UNSIGNED))
    assert anonymous.get_object(Bucket=bucket, Key="public")["Body"].read() == b"p"
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    for payer in ({}, {"RequestPayer": "requester"}):
        with pytest.raises(ClientError) as exc:
            anonymous.get_object(Bucket=bucket, Key="public", **payer)
        assert error_of(exc) == (403, "AccessDenied")


def test_the_owner_pays_nothing_and_gets_no_header(s3, shared):
    reply = s3.get_object(Bucket=shared, Key="data.csv")
    assert "RequestCharged" not in reply and CHARGED not in headers_of(reply)
    reply = s3.get_object(Bucket=shared, Key="data.csv", RequestPayer="requester")
    assert CHARGED not in headers_of(reply)


def test_another_user_of_the_owners_account_pays_nothing(emu, shared):
    emu.add_user("colleague", "colleague-secret")
    colleague = client("colleague", "colleague-secret")
    reply = colleague.get_object(Bucket=shared, Key="data.csv")
    assert CHARGED not in headers_of(reply)


def test_bucket_owner_pays_again_after_switching_back(s3, other, shared):
    s3.put_bucket_request_payment(Bucket=shared,
                                  RequestPaymentConfiguration={"Payer": "BucketOwner"})
    reply = other.get_object(Bucket=shared, Key="data.csv")
    assert CHARGED not in headers_of(reply)


def test_copy_from_a_requester_pays_bucket(s3, other, shared, emu):
    other.create_bucket(Bucket="others-bucket")
    source = {"Bucket": shared, "Key": "data.csv"}
    with pytest.raises(ClientError) as exc:
        other.copy_object(Bucket="others-bucket", Key="copy", CopySource=source)
    assert error_of(exc) == (403, "AccessDenied")
    reply = other.copy_object(Bucket="others-bucket", Key="copy", CopySource=source,
                              RequestPayer="requester")
    assert reply["RequestCharged"] == "requester"
    assert other.get_object(Bucket="others-bucket", Key="copy")["Body"].read() == b"a,b\n"
    upload = other.create_multipart_upload(Bucket="others-bucket", Key="parts")
    with pytest.raises(ClientError) as exc:
        other.upload_part_copy(Bucket="others-bucket", Key="parts", PartNumber=1,
                               UploadId=upload["UploadId"], CopySource=source)
    assert error_of(exc) == (403, "AccessDenied")
    other.upload_part_copy(Bucket="others-bucket", Key="parts", PartNumber=1,
                           UploadId=upload["UploadId"], CopySource=source,
                           RequestPayer="requester")


def test_post_form_of_the_owner_and_of_another_account(s3, other, shared):
    form = s3.generate_presigned_post(shared, "owner-upload")
    reply = requests.post(form["url"], data=form["fields"], files={"file": b"mine"})
    assert reply.status_code == 204
    form = other.generate_presigned_post(shared, "their-upload")
    reply = requests.post(form["url"], data=form["fields"], files={"file": b"theirs"})
    assert reply.status_code == 403 and b"<Code>AccessDenied</Code>" in reply.content
    form = other.generate_presigned_post(
        shared, "their-upload", Fields={"x-amz-request-payer": "requester"},
        Conditions=[{"x-amz-request-payer": "requester"}])
    reply = requests.post(form["url"], data=form["fields"], files={"file": b"theirs"})
    assert reply.status_code == 204
    assert s3.get_object(Bucket=shared, Key="their-upload")["Body"].read() == b"theirs"
