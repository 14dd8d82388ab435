"""Presigned URLs with SigV4 (query authentication), used through requests: every operation
that works presigned, expiry against the emulator clock, and each error S3 gives."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import boto3
import pytest
import requests
from botocore.config import Config

V4 = Config(signature_version="s3v4")


def v4_client(region="us-east-1", key="testing", secret="testing"):
    return boto3.client("s3", region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, config=V4)


def error_of(response) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(response.content)}


def with_query(url: str, **changes: str | None) -> str:
    """``url`` with query parameters replaced (None removes one), order kept."""
    parts = urlsplit(url)
    pairs = [(k, changes.get(k, v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    pairs = [(k, v) for k, v in pairs if v is not None]
    pairs += [(k, v) for k, v in changes.items() if v is not None and k not in dict(pairs)]
    return urlunsplit(parts._replace(query=urlencode(pairs)))


@pytest.fixture
def v4(emu):
    return v4_client()


def test_get_put_head_delete_presigned(v4, bucket, emu):
    put = v4.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "a b/ü"})
    assert "X-Amz-Signature=" in put and "X-Amz-Expires=3600" in put
    assert requests.put(put, data=b"presigned").status_code == 200
    get = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a b/ü"})
    got = requests.get(get)
    assert (got.status_code, got.content) == (200, b"presigned")
    head = v4.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": "a b/ü"},
                                     HttpMethod="HEAD")
    assert requests.head(head).headers["Content-Length"] == "9"
    delete = v4.generate_presigned_url("delete_object",
                                       Params={"Bucket": bucket, "Key": "a b/ü"})
    assert requests.delete(delete).status_code == 204
    assert requests.get(get).status_code == 404
    assert {e.access_key for e in emu.journal if e.operation != "CreateBucket"} == {"testing"}


def test_upload_part_presigned(v4, s3, bucket, emu):
    emu.min_part_size = 1
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
    etags = []
    for number, data in ((1, b"first "), (2, b"second")):
        url = v4.generate_presigned_url("upload_part", Params={
            "Bucket": bucket, "Key": "parts", "UploadId": upload, "PartNumber": number})
        response = requests.put(url, data=data)
        assert response.status_code == 200, response.content
        etags.append(response.headers["ETag"])
    s3.complete_multipart_upload(Bucket=bucket, Key="parts", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    assert s3.get_object(Bucket=bucket, Key="parts")["Body"].read() == b"first second"


def test_response_overrides_are_signed(v4, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = v4.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "k", "ResponseContentType": "text/csv"})
    assert requests.get(url).headers["Content-Type"] == "text/csv"
    tampered = requests.get(with_query(url, **{"response-content-type": "text/html"}))
    assert (tampered.status_code, error_of(tampered)["Code"]) == (403, "SignatureDoesNotMatch")


def test_expired(v4, s3, bucket, emu):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=300)
    emu.clock.advance(seconds=300)
    assert requests.get(url).status_code == 200
    emu.clock.advance(seconds=1)
    got = requests.get(url)
    error = error_of(got)
    assert (got.status_code, error["Code"], error["Message"]) == (
        403, "AccessDenied", "Request has expired")
    assert (error["X-Amz-Expires"], error["Expires"], error["ServerTime"]) == (
        "300", "2025-01-01T00:05:00Z", "2025-01-01T00:05:01Z")


def test_longest_expiry_is_a_week(v4, s3, bucket, emu):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=604800)
    emu.clock.advance(days=6, hours=23)
    assert requests.get(url).status_code == 200


@pytest.mark.parametrize("expires, message", [
    ("604801", "X-Amz-Expires must be less than a week (in seconds); that is, the given "
               "X-Amz-Expires must be less than 604800 seconds"),
    ("0", "X-Amz-Expires must be non-negative"),
    ("-7", "X-Amz-Expires must be non-negative"),
    ("soon", "X-Amz-Expires should be a number"),
])
def test_expires_out_of_range(v4, bucket, expires, message):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(with_query(url, **{"X-Amz-Expires": expires}))
    error = error_of(got)
    assert (got.status_code, error["Code"]) == (400, "AuthorizationQueryParametersError")
    assert error["Message"] == message


def test_not_valid_yet(v4, bucket, emu):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    emu.clock.set("2024-12-31T23:40:00Z")
    got = requests.get(url)
    assert (got.status_code, error_of(got)["Message"]) == (403, "Request is not valid yet")


@pytest.mark.parametrize("name, value", [
    ("X-Amz-Date", "20250101T000001Z"), ("X-Amz-SignedHeaders", "host;range"),
    ("X-Amz-Signature", "0" * 64), ("extra", "param"), ("X-Amz-Expires", "3599"),
])
def test_tampered_query(v4, s3, bucket, name, value):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(with_query(url, **{name: value}), headers={"Range": "bytes=0-0"})
    error = error_of(got)
    assert (got.status_code, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["CanonicalRequest"].startswith(f"GET\n/{bucket}/k\n") or \
        error["CanonicalRequest"].startswith("GET\n/k\n")
    assert "\nUNSIGNED-PAYLOAD" in error["CanonicalRequest"]


def test_tampered_path(v4, bucket):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "mine"})
    got = requests.get(url.replace("/mine?", "/yours?"))
    assert (got.status_code, error_of(got)["Code"]) == (403, "SignatureDoesNotMatch")


def test_signed_content_type_is_enforced(v4, s3, bucket):
    url = v4.generate_presigned_url("put_object", Params={
        "Bucket": bucket, "Key": "typed", "ContentType": "text/plain"})
    assert "content-type" in dict(parse_qsl(urlsplit(url).query))["X-Amz-SignedHeaders"]
    wrong = requests.put(url, data=b"x", headers={"Content-Type": "image/png"})
    assert (wrong.status_code, error_of(wrong)["Code"]) == (403, "SignatureDoesNotMatch")
    right = requests.put(url, data=b"x", headers={"Content-Type": "text/plain"})
    assert right.status_code == 200
    assert s3.head_object(Bucket=bucket, Key="typed")["ContentType"] == "text/plain"


def test_unsigned_amz_header_is_refused(v4, bucket):
    url = v4.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.put(url, data=b"x", headers={"x-amz-acl": "public-read",
                                                "x-amz-meta-a": "1"})
    error = error_of(got)
    assert (got.status_code, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "There were headers present in the request which were not signed"
    assert error["HeadersNotSigned"] == "x-amz-acl, x-amz-meta-a"


def test_signed_amz_header_is_accepted(v4, s3, bucket):
    url = v4.generate_presigned_url("put_object", Params={
        "Bucket": bucket, "Key": "meta", "Metadata": {"colour": "red"}})
    assert requests.put(url, data=b"x", headers={"x-amz-meta-colour": "red"}).status_code == 200
    assert s3.head_object(Bucket=bucket, Key="meta")["Metadata"] == {"colour": "red"}


def test_wrong_secret(bucket, emu):
    url = v4_client(secret="wrong-secret-xyz").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(url)
    error = error_of(got)
    assert (got.status_code, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n20250101T000000Z\n")
    assert "X-Amz-Signature" not in error["CanonicalRequest"]
    assert error["AWSAccessKeyId"] == "testing" and "wrong-secret" not in got.text


def test_unknown_access_key(bucket, emu):
    url = v4_client(key="AKIAGHOST").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(url)
    assert (got.status_code, error_of(got)["Code"]) == (403, "InvalidAccessKeyId")
    assert error_of(got)["AWSAccessKeyId"] == "AKIAGHOST"


def test_wrong_region(bucket, emu):
    url = v4_client(region="us-west-2").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(url)
    error = error_of(got)
    assert (got.status_code, error["Code"], error["Region"]) == (
        400, "AuthorizationQueryParametersError", "us-east-1")
    assert "the region 'us-west-2' is wrong; expecting 'us-east-1'" in error["Message"]


@pytest.mark.parametrize("name, value, message", [
    ("X-Amz-Credential", None, "Query-string authentication version 4 requires"),
    ("X-Amz-Algorithm", "AWS4-HMAC-SHA1", 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'),
    ("X-Amz-Credential", "testing/20250101/us-east-1", "the Credential is mal-formed"),
    ("X-Amz-Date", "2025-01-01", "X-Amz-Date must be in the ISO8601 Long Format"),
])
def test_malformed_query_parameters(v4, bucket, name, value, message):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(with_query(url, **{name: value}))
    error = error_of(got)
    assert (got.status_code, error["Code"]) == (400, "AuthorizationQueryParametersError")
    assert message in error["Message"]


def test_presigned_over_the_server(server):
    s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing", config=V4)
    s3.create_bucket(Bucket="served")
    put = s3.generate_presigned_url("put_object", Params={"Bucket": "served", "Key": "x y"})
    assert requests.put(put, data=b"served").status_code == 200
    get = s3.generate_presigned_url("get_object", Params={"Bucket": "served", "Key": "x y"},
                                    ExpiresIn=30)
    assert requests.get(get).content == b"served"
    server.emulator.clock.advance(seconds=31)
    assert error_of(requests.get(get))["Message"] == "Request has expired"
