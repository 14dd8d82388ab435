"""SigV2 (``signature_version="s3"``): the Authorization header and presigned query URLs, as
boto3 produces them, and every error S3 answers them with."""
from __future__ import annotations

import email.utils
import time
import xml.etree.ElementTree as ET

import boto3
import botocore.auth
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from helpers import error_of
from signing import sign_v2
from s3emu.intercept import call_app

URL = "https://s3.amazonaws.com"


def v2_client(secret="testing", key="testing", **config):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(signature_version="s3", **config))


def send(emu, method, url, headers, body=b""):
    response = call_app(emu, method, url, headers, body)
    root = ET.fromstring(response.read() or b"<empty/>")
    return response.status, {child.tag: child.text or "" for child in root}


@pytest.mark.parametrize("style", ["virtual", "path"])
def test_boto3_sigv2_round_trip(emu, style):
    s3 = v2_client(s3={"addressing_style": style})
    s3.create_bucket(Bucket=f"v2-{style}")
    s3.put_object(Bucket=f"v2-{style}", Key="dir/a b+c", Body=b"two", ContentType="text/x-v2",
                  Metadata={"Colour": "red"}, Tagging="a=1")
    got = s3.get_object(Bucket=f"v2-{style}", Key="dir/a b+c",
                        ResponseContentType="application/x-override")
    assert got["Body"].read() == b"two" and got["ContentType"] == "application/x-override"
    assert got["Metadata"] == {"colour": "red"}
    listed = s3.list_objects(Bucket=f"v2-{style}", Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["dir/a b+c"]
    s3.delete_object(Bucket=f"v2-{style}", Key="dir/a b+c")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [f"v2-{style}"]
    assert {e.status for e in emu.journal} == {200, 204}


def test_wrong_secret(emu, bucket):
    with pytest.raises(ClientError) as exc:
        v2_client(secret="nope").get_object(Bucket=bucket, Key="k")
    error = exc.value.response["Error"]
    assert error_of(exc) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"] == ("GET\n\n\nWed, 01 Jan 2025 00:00:00 GMT\n"
                                     f"x-amz-checksum-mode:ENABLED\n/{bucket}/k")
    assert error["StringToSignBytes"].startswith("47 45 54 0a 0a 0a 57 65 64")
    assert error["AWSAccessKeyId"] == "testing"
    assert "CanonicalRequest" not in error


def test_unknown_key(emu, bucket):
    with pytest.raises(ClientError) as exc:
        v2_client(key="AKIANOBODY").list_objects(Bucket=bucket)
    assert error_of(exc) == (403, "InvalidAccessKeyId")


def test_amz_headers_and_content_type_are_signed(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = sign_v2("PUT", url, b"x", {"Content-Type": "text/plain", "x-amz-meta-a": "1"})
    for name, value in (("Content-Type", "text/html"), ("x-amz-meta-a", "2")):
        status, error = send(emu, "PUT", url, headers | {name: value}, b"x")
        assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    status, _ = send(emu, "PUT", url, headers, b"x")
    assert status == 200


def test_subresources_are_signed(emu, bucket):
    url = f"{URL}/{bucket}/k?versionId=null"
    headers = sign_v2("GET", url)
    status, error = send(emu, "GET", f"{URL}/{bucket}/k?versionId=other", headers)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    status, error = send(emu, "GET", url, headers)
    assert (status, error["Code"]) == (404, "NoSuchKey")


def test_malformed_header(emu, bucket):
    status, error = send(emu, "GET", f"{URL}/{bucket}/k", {"Authorization": "AWS HAHAHA"})
    assert (status, error["Code"]) == (400, "InvalidArgument")
    assert error["Message"] == ("AWS authorization header is invalid.  Expected "
                                "AwsAccessKeyId:signature")


def test_missing_date(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = sign_v2("GET", url)
    del headers["Date"]
    status, error = send(emu, "GET", url, headers)
    assert (status, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "AWS authentication requires a valid Date or x-amz-date header"


def test_x_amz_date_replaces_date(emu, bucket):
    url = f"{URL}/{bucket}/k"
    stamp = email.utils.formatdate(emu.clock.timestamp(), usegmt=True)
    request = AWSRequest(method="GET", url=url, headers={"x-amz-date": stamp})
    auth = botocore.auth.HmacV1Auth(Credentials("testing", "testing"))
    headers = dict(request.headers.items())
    to_sign = f"GET\n\n\n\nx-amz-date:{stamp}\n/{bucket}/k"       # Date line left empty
    headers["Authorization"] = f"AWS testing:{auth.sign_string(to_sign)}"
    status, error = send(emu, "GET", url, headers)
    assert (status, error["Code"]) == (404, "NoSuchKey")


def test_skewed_date(emu, bucket, monkeypatch):
    monkeypatch.setattr(botocore.auth, "formatdate", lambda *a, **k: email.utils.formatdate(
        emu.clock.timestamp() - 3600, usegmt=True))
    with pytest.raises(ClientError) as exc:
        v2_client().get_object(Bucket=bucket, Key="k")
    error = exc.value.response["Error"]
    assert error_of(exc) == (403, "RequestTimeTooSkewed")
    assert (error["RequestTime"], error["ServerTime"]) == (
        "Tue, 31 Dec 2024 23:00:00 GMT", "2025-01-01T00:00:00Z")


# -- query authentication (presigned URLs, boto3's default presigner in us-east-1) ------------
def test_presigned_get_and_put(emu, s3, bucket):
    put_url = v2_client().generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "pre", "ContentType": "text/plain"})
    assert "AWSAccessKeyId=testing" in put_url and "Signature=" in put_url
    assert requests.put(put_url, data=b"v2 body",
                        headers={"Content-Type": "text/plain"}).status_code == 200
    get_url = s3.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "pre", "ResponseContentDisposition": "attachment"})
    got = requests.get(get_url)
    assert (got.status_code, got.content) == (200, b"v2 body")
    assert got.headers["Content-Disposition"] == "attachment"


def test_presigned_v2_expired(emu, s3, bucket):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=60)
    emu.clock.advance(seconds=61)
    got = requests.get(url)
    error = {child.tag: child.text for child in ET.fromstring(got.content)}
    assert (got.status_code, error["Code"], error["Message"]) == (
        403, "AccessDenied", "Request has expired")
    assert (error["Expires"], error["ServerTime"]) == ("2025-01-01T00:01:00Z",
                                                       "2025-01-01T00:01:01Z")


@pytest.mark.parametrize("change", [
    ("Signature=", "Signature=AA"), ("/k?", "/other?"), ("Expires=", "Expires=1"),
    ("?", "?response-content-type=text%2Fplain&"), ("?", "?versionId=null&")])
def test_presigned_v2_tampered(emu, s3, bucket, change):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    tampered = url.replace(*change, 1)
    got = requests.get(tampered)
    code = ET.fromstring(got.content).findtext("Code")
    assert (got.status_code, code) == (403, "SignatureDoesNotMatch")


def test_presigned_v2_ignores_parameters_it_does_not_sign(emu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert requests.get(url + "&x-id=GetObject").status_code == 200   # as SigV2 on S3


def test_presigned_v2_invalid_expires(emu, s3, bucket):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    stamp = url.split("Expires=")[1].split("&")[0]
    got = requests.get(url.replace(f"Expires={stamp}", "Expires=soon"))
    root = ET.fromstring(got.content)
    assert (got.status_code, root.findtext("Code")) == (403, "AccessDenied")
    assert root.findtext("Message") == "Invalid date (should be seconds since epoch): soon"
    got = requests.get(url.replace(f"Expires={stamp}&", "").replace(f"&Expires={stamp}", ""))
    assert ET.fromstring(got.content).findtext("Message").startswith(
        "Query-string authentication requires")


def test_presigned_v2_unknown_key(emu, bucket):
    url = v2_client(key="AKIAGHOST").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"})
    got = requests.get(url)
    assert (got.status_code, ET.fromstring(got.content).findtext("Code")) == (
        403, "InvalidAccessKeyId")


def test_presigned_v2_over_the_server(server):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint_url,
                      aws_access_key_id="testing", aws_secret_access_key="testing",
                      config=Config(signature_version="s3"))
    s3.create_bucket(Bucket="served")
    s3.put_object(Bucket="served", Key="a/b c", Body=b"over http")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "served", "Key": "a/b c"})
    got = requests.get(url)
    assert (got.status_code, got.content) == (200, b"over http")
    assert int(url.split("Expires=")[1].split("&")[0]) > time.time()
