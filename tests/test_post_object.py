"""Browser-based uploads (PostObject): forms from boto3's generate_presigned_post and
hand-built policies, posted with requests; the policy is decoded and enforced as S3 does."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config

URL = "https://s3.amazonaws.com"
LATER = "2025-01-01T01:00:00Z"


def sign_form(fields: dict, conditions: list, *, expiration: str = LATER, v4: bool = False,
              secret: str = "testing", key: str = "testing", region: str = "us-east-1",
              raw_policy: str | None = None) -> dict:
    """``fields`` plus a policy over ``conditions`` signed with SigV2 (or SigV4)."""
    fields = dict(fields)
    if v4:
        credential = f"{key}/20250101/{region}/s3/aws4_request"
        fields.update({"x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": credential,
                       "x-amz-date": "20250101T000000Z"})
        conditions = [*conditions, {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                      {"x-amz-credential": credential}, {"x-amz-date": "20250101T000000Z"}]
    document = {"expiration": expiration, "conditions": conditions}
    policy = raw_policy or base64.b64encode(json.dumps(document).encode()).decode()
    fields["policy"] = policy
    if v4:
        signing = f"AWS4{secret}".encode()
        for part in ("20250101", region, "s3", "aws4_request"):
            signing = hmac.new(signing, part.encode(), hashlib.sha256).digest()
        fields["x-amz-signature"] = hmac.new(signing, policy.encode(),
                                             hashlib.sha256).hexdigest()
    else:
        fields["AWSAccessKeyId"] = key
        fields["signature"] = base64.b64encode(
            hmac.new(secret.encode(), policy.encode(), hashlib.sha1).digest()).decode()
    return fields


def post(bucket: str, fields: dict, data: bytes = b"bar", filename: str = "bar.txt",
         **kwargs):
    return requests.post(f"{URL}/{bucket}", data=fields, files={"file": (filename, data)},
                         allow_redirects=False, **kwargs)


def error_of(response) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(response.content)}


BASIC = [["starts-with", "$key", "up/"]]


def basic(bucket, **extra):
    return [{"bucket": bucket}, *BASIC, *extra.get("more", [])]


# -- boto3's presigned POST --------------------------------------------------------------------
def test_boto3_presigned_post_sigv2(s3, bucket, emu):
    form = s3.generate_presigned_post(bucket, "uploads/${filename}")
    assert "signature" in form["fields"]                 # boto3's default in us-east-1
    response = requests.post(form["url"], data=form["fields"],
                             files={"file": ("photo.jpg", b"jpeg bytes", "image/jpeg")})
    assert response.status_code == 204 and response.content == b""
    assert response.headers["ETag"] == f'"{hashlib.md5(b"jpeg bytes").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")
    assert got["Body"].read() == b"jpeg bytes"
    assert got["ContentType"] == "binary/octet-stream"
    assert emu.journal[-2].operation == "PostObject"
    assert emu.journal[-2].access_key is None              # credentials were in the form


def test_boto3_presigned_post_sigv4(emu, bucket):
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing", config=Config(signature_version="s3v4"))
    form = s3.generate_presigned_post(
        bucket, "v4.txt", Fields={"Content-Type": "text/plain", "x-amz-meta-tag": "t1"},
        Conditions=[{"Content-Type": "text/plain"}, ["starts-with", "$x-amz-meta-tag", "t"]])
    assert form["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    response = requests.post(form["url"], data=form["fields"], files={"file": b"four"})
    assert response.status_code == 204, response.content
    head = s3.head_object(Bucket=bucket, Key="v4.txt")
    assert (head["ContentType"], head["Metadata"]) == ("text/plain", {"tag": "t1"})


def test_policy_expired(s3, bucket, emu):
    form = s3.generate_presigned_post(bucket, "late", ExpiresIn=60)
    emu.clock.advance(seconds=61)
    response = requests.post(form["url"], data=form["fields"], files={"file": b"x"})
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "Invalid according to Policy: Policy expired."


# -- success_action_status / redirect -----------------------------------------------------------
@pytest.mark.parametrize("status", ["200", "201", "204", "404"])
def test_success_action_status(bucket, status):
    fields = sign_form({"key": "up/s", "success_action_status": status},
                       basic(bucket, more=[{"success_action_status": status}]))
    response = post(bucket, fields)
    expected = {"200": 200, "201": 201}.get(status, 204)
    assert response.status_code == expected
    assert response.headers["ETag"] == f'"{hashlib.md5(b"bar").hexdigest()}"'
    assert response.headers["Location"] == f"{URL}/{bucket}/up/s"
    if expected == 201:
        root = ET.fromstring(response.content)
        assert [c.tag for c in root] == ["Location", "Bucket", "Key", "ETag"]
        assert (root.findtext("Bucket"), root.findtext("Key"), root.findtext("ETag")) == (
            bucket, "up/s", response.headers["ETag"])
    else:
        assert response.content == b""


def test_success_action_redirect(s3, bucket):
    target = "https://example.com/done?from=s3"
    fields = sign_form({"key": "up/r r", "success_action_redirect": target},
                       basic(bucket, more=[["eq", "$success_action_redirect", target]]))
    response = post(bucket, fields)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    etag = s3.head_object(Bucket=bucket, Key="up/r r")["ETag"]
    assert location.netloc == "example.com"
    assert parse_qsl(location.query) == [("from", "s3"), ("bucket", bucket),
                                         ("key", "up/r r"), ("etag", etag)]
    assert "etag=%22" in response.headers["Location"]


# -- conditions ----------------------------------------------------------------------------------
def test_filename_substitution_and_case_insensitive_names(s3, bucket):
    fields = sign_form({"kEy": "up/${filename}", "Content-Type": "text/plain"},
                       [{"bUcKeT": bucket}, ["StArTs-WiTh", "$KeY", "up/"],
                        ["starts-with", "$content-type", "text/"]])
    fields["POLICY"] = fields.pop("policy")
    response = post(bucket, fields, filename="notes.txt")
    assert response.status_code == 204, response.content
    assert s3.get_object(Bucket=bucket, Key="up/notes.txt")["ContentType"] == "text/plain"


def test_metadata_storage_class_and_cache_control(s3, bucket):
    extra = {"x-amz-meta-owner": "alice", "Cache-Control": "max-age=60",
             "x-amz-storage-class": "STANDARD_IA"}
    fields = sign_form({"key": "up/m", **extra},
                       basic(bucket, more=[{name: v} for name, v in extra.items()]))
    assert post(bucket, fields).status_code == 204
    head = s3.head_object(Bucket=bucket, Key="up/m")
    assert (head["Metadata"], head["CacheControl"], head["StorageClass"]) == (
        {"owner": "alice"}, "max-age=60", "STANDARD_IA")


def test_ignored_fields_and_fields_after_the_file(s3, bucket):
    fields = sign_form({"key": "up/i", "x-ignore-submit": "Upload"}, basic(bucket))
    body = [(name, (None, value)) for name, value in fields.items()]
    body += [("file", ("f", b"data")), ("x-amz-meta-late", (None, "ignored"))]
    response = requests.post(f"{URL}/{bucket}", files=body)
    assert response.status_code == 204, response.content
    assert s3.head_object(Bucket=bucket, Key="up/i")["Metadata"] == {}


def test_condition_failed(bucket):
    fields = sign_form({"key": "down/x"}, basic(bucket))
    response = post(bucket, fields)
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == ('Invalid according to Policy: Policy Condition failed: '
                                '["starts-with", "$key", "up/"]')


def test_field_not_in_policy(bucket):
    fields = sign_form({"key": "up/x", "x-amz-meta-extra": "1"}, basic(bucket))
    response = post(bucket, fields)
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-extra"


def test_policy_without_bucket_condition(bucket):
    response = post(bucket, sign_form({"key": "up/x"}, BASIC))
    assert error_of(response)["Message"] == ("Invalid according to Policy: Extra input "
                                             "fields: bucket")


def test_policy_for_another_bucket(s3, bucket):
    s3.create_bucket(Bucket="other-bucket")
    response = post("other-bucket", sign_form({"key": "up/x"}, basic(bucket)))
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (403, "AccessDenied")
    assert '"$bucket"' in error["Message"]


def test_required_field_missing_from_form(bucket):
    fields = sign_form({"key": "up/x"}, basic(bucket, more=[
        ["starts-with", "$x-amz-meta-foo", "bar"]]))
    assert post(bucket, fields).status_code == 403


@pytest.mark.parametrize("low, high, size, code", [
    (0, 2, 3, "EntityTooLarge"), (10, 100, 3, "EntityTooSmall")])
def test_content_length_range(bucket, low, high, size, code):
    fields = sign_form({"key": "up/x"}, basic(bucket, more=[
        ["content-length-range", low, high]]))
    response = post(bucket, fields, data=b"x" * size)
    error = error_of(response)
    assert (response.status_code, error["Code"], error["ProposedSize"]) == (400, code, str(size))
    assert error.get("MaxSizeAllowed", error.get("MinSizeAllowed")) == str(
        high if code == "EntityTooLarge" else low)


def test_content_length_within_range(bucket):
    fields = sign_form({"key": "up/x"}, basic(bucket, more=[["content-length-range", 1, 3]]))
    assert post(bucket, fields, data=b"abc").status_code == 204


# -- signatures ----------------------------------------------------------------------------------
@pytest.mark.parametrize("v4", [False, True])
def test_bad_signature(bucket, v4):
    fields = sign_form({"key": "up/x"}, basic(bucket), v4=v4, secret="not-it")
    response = post(bucket, fields)
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"] == fields["policy"]
    assert "not-it" not in response.text


@pytest.mark.parametrize("v4", [False, True])
def test_unknown_access_key(bucket, v4):
    response = post(bucket, sign_form({"key": "up/x"}, basic(bucket), v4=v4, key="AKIANONE"))
    assert (response.status_code, error_of(response)["Code"]) == (403, "InvalidAccessKeyId")


def test_tampered_policy(bucket):
    fields = sign_form({"key": "up/x"}, basic(bucket))
    document = json.loads(base64.b64decode(fields["policy"]))
    document["conditions"].append(["starts-with", "$x-amz-meta-sneaky", ""])
    fields["policy"] = base64.b64encode(json.dumps(document).encode()).decode()
    fields["x-amz-meta-sneaky"] = "1"
    assert error_of(post(bucket, fields))["Code"] == "SignatureDoesNotMatch"


def test_v4_wrong_region(bucket):
    response = post(bucket, sign_form({"key": "up/x"}, basic(bucket), v4=True,
                                      region="eu-west-1"))
    error = error_of(response)
    assert (response.status_code, error["Code"], error["Region"]) == (
        400, "AuthorizationQueryParametersError", "us-east-1")


def test_missing_signature(bucket):
    fields = sign_form({"key": "up/x"}, basic(bucket))
    del fields["signature"]
    response = post(bucket, fields)
    error = error_of(response)
    assert (response.status_code, error["Code"], error["ArgumentName"]) == (
        400, "InvalidArgument", "Signature")


# -- malformed forms and policies --------------------------------------------------------------
def test_missing_key(bucket):
    response = post(bucket, sign_form({}, [{"bucket": bucket}]))
    error = error_of(response)
    assert (response.status_code, error["Code"], error["ArgumentName"]) == (
        400, "InvalidArgument", "key")
    assert error["Message"].startswith("Bucket POST must contain a field named 'key'.")


def test_missing_file(bucket):
    response = requests.post(f"{URL}/{bucket}", files={
        name: (None, value) for name, value in sign_form({"key": "up/x"}, basic(bucket)).items()})
    error = error_of(response)
    assert (response.status_code, error["Code"], error["ArgumentName"]) == (
        400, "InvalidArgument", "file")


def test_not_multipart(bucket):
    response = requests.post(f"{URL}/{bucket}", data={"key": "up/x"})
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (412, "PreconditionFailed")
    assert error["Condition"] == "Bucket POST must be of the enclosure-type multipart/form-data"


@pytest.mark.parametrize("document, message", [
    ({"conditions": []}, "Invalid Policy: Policy missing expiration."),
    ({"expiration": LATER, "CONDITIONS": []}, "Invalid Policy: Policy missing conditions."),
    ({"expiration": "tomorrow", "conditions": []}, "Invalid Policy: Invalid 'expiration' value"),
    ({"expiration": LATER, "conditions": [{}]}, "Invalid Simple-Condition"),
    ({"expiration": LATER, "conditions": [["content-length-range", 0]]},
     "Invalid content-length-range"),
    ({"expiration": LATER, "conditions": [["content-length-range", -1, 0]]},
     "Invalid content-length-range"),
    ({"expiration": LATER, "conditions": [["matches", "$key", "x"]]}, "unknown operation"),
    (None, "Invalid Policy: Invalid JSON."),
])
def test_invalid_policy_document(bucket, document, message):
    raw = base64.b64encode(json.dumps(document).encode() if document else b"{nope").decode()
    response = post(bucket, sign_form({"key": "up/x"}, [], raw_policy=raw))
    error = error_of(response)
    assert (response.status_code, error["Code"]) == (400, "InvalidPolicyDocument")
    assert message in error["Message"]


# -- anonymous -----------------------------------------------------------------------------------
def test_anonymous_post_is_denied(emu, bucket):
    response = post(bucket, {"key": "up/anon"})
    assert (response.status_code, error_of(response)["Code"]) == (403, "AccessDenied")
    assert "up/anon" not in emu.store.bucket(bucket).objects
    response = post("no-such-bucket", {"key": "up/anon"})
    assert (response.status_code, error_of(response)["Code"]) == (404, "NoSuchBucket")


def test_post_over_the_server(server):
    s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="posted")
    form = s3.generate_presigned_post("posted", "big/${filename}",
                                      Conditions=[["content-length-range", 0, 1 << 21]])
    data = bytes(range(256)) * 4096
    response = requests.post(form["url"], data=form["fields"], files={"file": ("blob", data)})
    assert response.status_code == 204, response.content
    assert s3.get_object(Bucket="posted", Key="big/blob")["Body"].read() == data


def test_auth_off_checks_conditions_but_not_signatures():
    import s3emu
    with s3emu.mock_s3(auth="off") as emu:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="lax")
        fields = sign_form({"key": "up/x"}, basic("lax"), secret="whatever", key="nobody",
                           expiration="2020-01-01T00:00:00Z")
        assert post("lax", fields).status_code == 204
        assert emu.store.bucket("lax").objects["up/x"].owner == emu.default_user.account_id
        fields = sign_form({"key": "down/x"}, basic("lax"), secret="whatever")
        assert error_of(post("lax", fields))["Message"].startswith(
            "Invalid according to Policy: Policy Condition failed")
