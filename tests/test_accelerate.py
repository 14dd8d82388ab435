"""Transfer Acceleration: Put/GetBucketAccelerateConfiguration, and requests through the
accelerate endpoint (``BUCKET.s3-accelerate[.dualstack].amazonaws.com``) refused unless it is
Enabled."""
from __future__ import annotations

import pytest
import requests
from botocore.exceptions import ClientError

from helpers import error_of, make_client

NOT_CONFIGURED = "S3 Transfer Acceleration is not configured on this bucket"


@pytest.fixture
def fast(emu):
    """A client that sends every request through the accelerate endpoint."""
    return make_client(s3={"use_accelerate_endpoint": True})


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_accelerate_configuration(Bucket=bucket,
                                           AccelerateConfiguration={"Status": status})


def test_never_configured_answers_an_empty_configuration(s3, bucket):
    reply = s3.get_bucket_accelerate_configuration(Bucket=bucket)
    assert "Status" not in reply
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_put_then_get(s3, bucket):
    enable(s3, bucket)
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    enable(s3, bucket, "Suspended")
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Suspended"


@pytest.mark.parametrize("body", [
    b"<AccelerateConfiguration><Status>On</Status></AccelerateConfiguration>",
    b"<AccelerateConfiguration><Status>enabled</Status></AccelerateConfiguration>",
    b"<AccelerateConfiguration></AccelerateConfiguration>",
    b"<AccelerateConfiguration><Status>Enabled</Status><Mode>x</Mode>"
    b"</AccelerateConfiguration>",
    b"<Other><Status>Enabled</Status></Other>",
    b"<AccelerateConfiguration><Status>Enabled",
])
def test_bad_documents_are_malformed_xml(s3, bucket, body):
    def raw(request, **_):
        request.data = body
        for name in [h for h in request.headers
                     if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutBucketAccelerateConfiguration", raw)
    with pytest.raises(ClientError) as exc:
        enable(s3, bucket)
    assert error_of(exc) == (400, "MalformedXML")
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)


def test_bucket_names_with_periods_are_refused(s3):
    s3.create_bucket(Bucket="dotted.bucket")
    with pytest.raises(ClientError) as exc:
        enable(s3, "dotted.bucket")
    assert error_of(exc) == (400, "InvalidRequest")
    assert "periods" in exc.value.response["Error"]["Message"]
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket="dotted.bucket")


def test_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_accelerate_configuration(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_endpoint_refused_until_enabled(s3, bucket, fast):
    with pytest.raises(ClientError) as exc:
        fast.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == NOT_CONFIGURED
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0     # nothing written
    enable(s3, bucket)
    fast.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert fast.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    enable(s3, bucket, "Suspended")
    with pytest.raises(ClientError) as exc:
        fast.get_object(Bucket=bucket, Key="k")
    assert error_of(exc) == (400, "InvalidRequest")


def test_dualstack_endpoint(s3, bucket, emu):
    dual = make_client(s3={"use_accelerate_endpoint": True, "use_dualstack_endpoint": True})
    with pytest.raises(ClientError) as exc:
        dual.head_bucket(Bucket=bucket)
    assert error_of(exc)[0] == 400
    enable(s3, bucket)
    dual.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = dual.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert ".s3-accelerate.dualstack.amazonaws.com/" in url
    assert requests.get(url).content == b"x"


def test_bucket_operations_not_supported_through_the_endpoint(s3, bucket, fast):
    enable(s3, bucket)
    for call in (lambda: fast.create_bucket(Bucket="another-bucket"),
                 lambda: fast.delete_bucket(Bucket=bucket)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (400, "InvalidRequest")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]


def test_list_buckets_and_path_style_through_the_endpoint(s3, bucket, emu):
    enable(s3, bucket)
    url = s3.generate_presigned_url("list_buckets").replace(
        "s3.amazonaws.com", "s3-accelerate.amazonaws.com")
    reply = requests.get(url)
    assert reply.status_code == 400 and b"<Code>InvalidRequest</Code>" in reply.content
    path_style = make_client(s3={"addressing_style": "path"}).generate_presigned_url(
        "list_objects_v2", Params={"Bucket": bucket}).replace(
        "s3.amazonaws.com", "s3-accelerate.amazonaws.com")
    assert "/" + bucket in path_style
    assert requests.get(path_style).status_code == 400


def test_missing_bucket_through_the_endpoint(fast):
    with pytest.raises(ClientError) as exc:
        fast.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")
    assert error_of(exc) == (404, "NoSuchBucket")
