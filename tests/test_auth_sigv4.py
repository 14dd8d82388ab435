"""SigV4 in the Authorization header, streaming chunk signatures, users and accounts, and
anonymous requests: every error S3 gives, triggered through boto3 or through requests signed
by botocore's own signer (``botocore.auth``) and then tampered with."""
from __future__ import annotations

import email.utils
import hashlib
import hmac
import re
import signal
import subprocess
import sys
from datetime import timedelta

import boto3
import botocore.auth
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

import s3emu
from helpers import CHILD_CWD, child_env, error_of
from signing import URL, error_xml, hex_bytes, send, sign_v4
from s3emu.auth.users import parse_user, read_users_file


# -- boto3 with wrong credentials -----------------------------------------------------------
def test_wrong_secret_is_signature_does_not_match(emu, bucket):
    bad = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="not-the-secret")
    with pytest.raises(ClientError) as exc:
        bad.head_bucket(Bucket=bucket)
    assert error_of(exc)[0] == 403
    with pytest.raises(ClientError) as exc:
        bad.list_objects_v2(Bucket=bucket, Prefix="a b")
    error = exc.value.response["Error"]
    assert error_of(exc) == (403, "SignatureDoesNotMatch")
    assert error["AWSAccessKeyId"] == "testing"
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n20250101T000000Z\n"
                                            "20250101/us-east-1/s3/aws4_request\n")
    assert error["StringToSignBytes"] == hex_bytes(error["StringToSign"])
    assert error["CanonicalRequestBytes"] == hex_bytes(error["CanonicalRequest"])
    assert error["CanonicalRequest"].startswith(
        "GET\n/\nencoding-type=url&list-type=2&prefix=a%20b\nhost:test-bucket.s3.amazonaws.com\n")
    assert re.fullmatch(r"[0-9a-f]{64}", error["SignatureProvided"])
    # the string to sign hashes exactly the canonical request S3 reports
    digest = hashlib.sha256(error["CanonicalRequest"].encode()).hexdigest()
    assert error["StringToSign"].endswith(digest)
    assert emu.journal[-1].error_code == "SignatureDoesNotMatch"


def test_error_body_never_contains_the_secret(emu, bucket):
    status, _, body = send(emu, "GET", f"{URL}/{bucket}/k",
                           sign_v4("GET", f"{URL}/{bucket}/k", secret="hunter2-secret"))
    assert status == 403 and b"<AWSAccessKeyId>testing</AWSAccessKeyId>" in body
    assert b"hunter2" not in body
    assert all(b"hunter2" not in repr(entry).encode() for entry in emu.journal)


def test_unknown_access_key(emu, bucket):
    stranger = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIASTRANGER",
                            aws_secret_access_key="testing")
    with pytest.raises(ClientError) as exc:
        stranger.get_object(Bucket=bucket, Key="k")
    assert error_of(exc) == (403, "InvalidAccessKeyId")
    assert exc.value.response["Error"]["AWSAccessKeyId"] == "AKIASTRANGER"
    assert emu.journal[-1].access_key == "AKIASTRANGER"


def test_signed_header_tampered_after_signing(emu, s3, bucket):
    def tamper(request, **kwargs):
        request.headers["x-amz-meta-colour"] = "blue"
    s3.meta.events.register("before-send.s3.PutObject", tamper)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"colour": "red"})
    assert error_of(exc) == (403, "SignatureDoesNotMatch")
    assert "x-amz-meta-colour:blue\n" in exc.value.response["Error"]["CanonicalRequest"]
    assert "k" not in emu.store.bucket(bucket).objects


def test_tampered_query_string(emu, bucket):
    headers = sign_v4("GET", f"{URL}/{bucket}?list-type=2&prefix=a")
    status, _, body = send(emu, "GET", f"{URL}/{bucket}?list-type=2&prefix=b", headers)
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")
    status, _, _ = send(emu, "GET", f"{URL}/{bucket}?prefix=a&list-type=2", headers)
    assert status == 200                                # order does not matter


def test_method_and_path_are_signed(emu, bucket):
    headers = sign_v4("GET", f"{URL}/{bucket}/a")
    status, _, body = send(emu, "GET", f"{URL}/{bucket}/b", headers)
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")
    status, _, body = send(emu, "DELETE", f"{URL}/{bucket}/a", headers)
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")
    assert error_xml(body)["CanonicalRequest"].startswith("DELETE\n")


def test_keys_with_special_characters_are_accepted(s3, bucket):
    keys = ["a b/c~d!e(f)*'", "ümlaut/ß", "percent%20literal", "plus+sign", "//double//",
            "semi;colon=eq&amp", "trailing/"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()


def test_percent_encoded_slash_is_accepted_as_sent(emu, bucket):
    url = f"{URL}/{bucket}/dir%2Fname"
    status, _, _ = send(emu, "PUT", url, sign_v4("PUT", url, b"v"), b"v")
    assert status == 200
    assert "dir/name" in emu.store.bucket(bucket).objects


# -- scope, region, date ----------------------------------------------------------------------
def test_wrong_region_names_the_bucket_region(emu, bucket):
    url = f"{URL}/{bucket}/k"
    status, headers, body = send(emu, "GET", url, sign_v4("GET", url, region="us-west-2"))
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "AuthorizationHeaderMalformed")
    assert error["Region"] == "us-east-1"
    assert error["Message"] == ("The authorization header is malformed; the region "
                                "'us-west-2' is wrong; expecting 'us-east-1'")
    assert headers["x-amz-bucket-region"] == "us-east-1"


def test_client_in_another_region_is_redirected_by_botocore(emu, s3):
    s3.create_bucket(Bucket="far-away", CreateBucketConfiguration={
        "LocationConstraint": "ap-south-1"})
    s3.put_object(Bucket="far-away", Key="k", Body=b"here")
    assert [e.status for e in emu.journal][-2:] == [400, 200]
    assert emu.journal[-2].error_code == "AuthorizationHeaderMalformed"
    assert s3.get_object(Bucket="far-away", Key="k")["Body"].read() == b"here"


def test_regional_endpoint_wants_its_region(emu):
    url = "https://s3.eu-west-1.amazonaws.com/nothing-here"
    status, _, body = send(emu, "PUT", url, sign_v4("PUT", url, region="eu-central-1"))
    assert (status, error_xml(body)["Region"]) == (400, "eu-west-1")


@pytest.mark.parametrize("credential, message", [
    ("testing/2025/us-east-1/s3/aws4_request", "the Credential is mal-formed"),
    ("testing/20250101/us-east-1/s4/aws4_request", 'incorrect service "s4"'),
    ("testing/20250101/us-east-1/s3/aws5_request", 'incorrect terminal "aws5_request"'),
    ("testing/20250102/us-east-1/s3/aws4_request", 'Invalid credential date "20250102"'),
])
def test_malformed_credential_scope(emu, bucket, credential, message):
    url = f"{URL}/{bucket}"
    headers = sign_v4("GET", url)
    headers["Authorization"] = re.sub(r"Credential=[^,]+", f"Credential={credential}",
                                      headers["Authorization"])
    status, _, body = send(emu, "GET", url, headers)
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "AuthorizationHeaderMalformed")
    assert message in error["Message"]


@pytest.mark.parametrize("value", [
    "AWS4-HMAC-SHA256 Credential=HAHAHA",
    "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/s3/aws4_request, Signature=ab",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature",
])
def test_malformed_authorization_header(emu, bucket, value):
    url = f"{URL}/{bucket}"
    headers = sign_v4("GET", url) | {"Authorization": value}
    status, _, body = send(emu, "GET", url, headers)
    assert (status, error_xml(body)["Code"]) == (400, "AuthorizationHeaderMalformed")


def test_unsupported_authorization_type(emu, bucket):
    status, _, body = send(emu, "GET", f"{URL}/{bucket}", {"Authorization": "Bearer abc"})
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "InvalidArgument")
    assert (error["Message"], error["ArgumentName"], error["ArgumentValue"]) == (
        "Unsupported Authorization Type", "Authorization", "Bearer abc")


def test_sigv4a_is_not_implemented(emu, bucket):
    status, _, body = send(emu, "GET", f"{URL}/{bucket}", {
        "Authorization": "AWS4-ECDSA-P256-SHA256 Credential=testing/20250101/s3/aws4_request, "
                         "SignedHeaders=host, Signature=00"})
    assert (status, error_xml(body)["Code"]) == (501, "NotImplemented")


def test_header_and_query_auth_together(emu, bucket):
    url = f"{URL}/{bucket}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    status, _, body = send(emu, "GET", url, sign_v4("GET", url))
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "InvalidArgument")
    assert error["Message"].startswith("Only one auth mechanism allowed")


def test_request_time_too_skewed(emu, s3, bucket, monkeypatch):
    skewed = emu.clock.now() - timedelta(minutes=16)
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda remove_tzinfo=True: skewed.replace(tzinfo=None))
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="k")
    assert error_of(exc)[0] == 403
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k")
    error = exc.value.response["Error"]
    assert error_of(exc) == (403, "RequestTimeTooSkewed")
    assert (error["RequestTime"], error["ServerTime"], error["MaxAllowedSkewMilliseconds"]) \
        == ("20241231T234400Z", "2025-01-01T00:00:00Z", "900000")


def test_skew_within_fifteen_minutes_is_accepted(emu, s3, bucket, monkeypatch):
    for minutes in (-14, 14):
        when = emu.clock.now() + timedelta(minutes=minutes)
        monkeypatch.setattr(botocore.auth, "get_current_datetime",
                            lambda remove_tzinfo=True, when=when: when.replace(tzinfo=None))
        s3.put_object(Bucket=bucket, Key="k", Body=b"on time")


def test_clock_moving_on_makes_old_signatures_skewed(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("GET", url)
    emu.clock.advance(minutes=20)
    status, _, body = send(emu, "GET", url, headers)
    assert (status, error_xml(body)["Code"]) == (403, "RequestTimeTooSkewed")


@pytest.mark.parametrize("change", [{"X-Amz-Date": None}, {"X-Amz-Date": "Bad Date"},
                                    {"X-Amz-Date": ""}])
def test_missing_or_invalid_date_is_access_denied(emu, bucket, change):
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("GET", url)
    for name, value in change.items():
        headers.pop(name)
        if value is not None:
            headers[name] = value
    status, _, body = send(emu, "GET", url, headers)
    error = error_xml(body)
    assert (status, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "AWS authentication requires a valid Date or x-amz-date header"


def test_date_header_instead_of_x_amz_date(emu, bucket):
    url = f"{URL}/{bucket}/k"
    date = email.utils.formatdate(emu.clock.timestamp(), usegmt=True)
    headers = sign_v4("PUT", url, b"dated", {"Date": date})
    assert "X-Amz-Date" not in headers and "date" in headers["Authorization"]
    status, _, _ = send(emu, "PUT", url, headers, b"dated")
    assert status == 200


# -- x-amz-content-sha256 ---------------------------------------------------------------------
def http_client():
    """A client of plain-http S3: botocore then signs the SHA-256 of every payload."""
    return boto3.client("s3", region_name="us-east-1", endpoint_url="http://s3.amazonaws.com",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_payload_hash_mismatch(emu, s3, bucket):
    http = http_client()

    def tamper(request, **kwargs):
        request.body = b"tampered"
        request.headers["Content-Length"] = "8"
    http.meta.events.register("before-send.s3.PutObject", tamper)
    with pytest.raises(ClientError) as exc:
        http.put_object(Bucket=bucket, Key="k", Body=b"original")
    error = exc.value.response["Error"]
    assert error_of(exc) == (400, "XAmzContentSHA256Mismatch")
    assert error["ClientComputedContentSHA256"] == hashlib.sha256(b"original").hexdigest()
    assert error["S3ComputedContentSHA256"] == hashlib.sha256(b"tampered").hexdigest()
    assert "k" not in emu.store.bucket(bucket).objects


def test_hashed_payload_is_accepted(emu, bucket):
    http = http_client()
    http.put_object(Bucket=bucket, Key="hashed", Body=b"payload")
    assert http.get_object(Bucket=bucket, Key="hashed")["Body"].read() == b"payload"


def test_unsigned_payload_is_accepted(emu, bucket):
    url = f"{URL}/{bucket}/free"
    headers = sign_v4("PUT", url, b"signed", content_hash="UNSIGNED-PAYLOAD")
    status, _, _ = send(emu, "PUT", url, headers, b"anything at all")
    assert status == 200
    assert emu.store.bucket(bucket).objects["free"]


def test_missing_content_sha256(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("GET", url)
    del headers["X-Amz-Content-SHA256"]
    status, _, body = send(emu, "GET", url, headers)
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "InvalidRequest")
    assert error["Message"] == "Missing required header for this request: x-amz-content-sha256"


def test_invalid_content_sha256(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("GET", url, content_hash="not-a-hash")
    status, _, body = send(emu, "GET", url, headers)
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "InvalidArgument")
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("x-amz-content-sha256",
                                                                "not-a-hash")


# -- streaming SigV4 (aws-chunked with chunk signatures) -------------------------------------
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
EXAMPLE_SIGNATURES = [          # AWS's published example ("Example: PUT Object", chunked upload)
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",   # seed
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]


def example_request(body_chunks, signatures):
    body = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), s.encode(), c)
                    for c, s in zip(body_chunks, signatures[1:]))
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/"
                         "s3/aws4_request,SignedHeaders=content-encoding;content-length;host;"
                         "x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                         f"x-amz-storage-class,Signature={signatures[0]}",
        "Content-Encoding": "aws-chunked", "Content-Length": str(len(body)),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": "20130524T000000Z", "x-amz-decoded-content-length": "66560",
        "x-amz-storage-class": "REDUCED_REDUNDANCY"}
    return headers, body


@pytest.fixture
def example_emu():
    emu = s3emu.Emulator(credentials={"AKIAIOSFODNN7EXAMPLE": EXAMPLE_SECRET},
                         clock=s3emu.Clock("2013-05-24T00:00:00Z"))
    emu.store.create_bucket("examplebucket", "us-east-1", emu.default_user.account_id)
    return emu


def test_aws_streaming_example_is_accepted(example_emu):
    chunks = [b"a" * 65536, b"a" * 1024, b""]
    headers, body = example_request(chunks, EXAMPLE_SIGNATURES)
    assert len(body) == 66824                       # the example's Content-Length
    status, _, reply = send(example_emu, "PUT",
                            "https://s3.amazonaws.com/examplebucket/chunkObject.txt", headers,
                            body)
    assert status == 200, reply
    stored = example_emu.store.bucket("examplebucket").objects["chunkObject.txt"]
    assert stored is not None


@pytest.mark.parametrize("change", ["data", "signature", "order", "missing"])
def test_tampered_chunk_is_rejected(example_emu, change):
    chunks = [b"a" * 65536, b"a" * 1024, b""]
    signatures = list(EXAMPLE_SIGNATURES)
    if change == "data":
        chunks[1] = b"a" * 1023 + b"b"
    elif change == "signature":
        signatures[2] = signatures[2][:-1] + "0"
    elif change == "order":
        signatures[1], signatures[2] = signatures[2], signatures[1]
    headers, body = example_request(chunks, signatures)
    if change == "missing":
        # same length (Content-Length is signed), but no chunk-signature on the last chunk
        body = body.replace(b";chunk-signature=" + signatures[3].encode(),
                            b";chunk-signaturX=" + signatures[3].encode())
    status, _, reply = send(example_emu, "PUT",
                            "https://s3.amazonaws.com/examplebucket/chunkObject.txt", headers,
                            body)
    error = error_xml(reply)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n")
    assert not example_emu.store.bucket("examplebucket").objects


def _chunked_put(emu, bucket, chunks, *, trailer=None, tamper_trailer=False):
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] PUT, seed signed by botocore."""
    content_hash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    url = f"{URL}/{bucket}/streamed"
    extra = {"Content-Encoding": "aws-chunked",
             "x-amz-decoded-content-length": str(sum(map(len, chunks)))}
    if trailer:
        extra["x-amz-trailer"] = trailer[0]
    headers = sign_v4("PUT", url, headers=extra, content_hash=content_hash)
    timestamp = headers["X-Amz-Date"]
    scope = f"{timestamp[:8]}/us-east-1/s3/aws4_request"
    key = b"AWS4testing"
    for part in (timestamp[:8], "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    previous = re.search(r"Signature=(\w+)", headers["Authorization"]).group(1)
    body = b""
    for data in [*chunks, b""]:
        to_sign = (f"AWS4-HMAC-SHA256-PAYLOAD\n{timestamp}\n{scope}\n{previous}\n"
                   f"{hashlib.sha256(b'').hexdigest()}\n{hashlib.sha256(data).hexdigest()}")
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        body += b"%x;chunk-signature=%s\r\n%s" % (len(data), previous.encode(), data)
        body += b"\r\n" if data else b""
    if trailer:
        line = f"{trailer[0]}:{trailer[1]}\n"
        to_sign = (f"AWS4-HMAC-SHA256-TRAILER\n{timestamp}\n{scope}\n{previous}\n"
                   f"{hashlib.sha256(line.encode()).hexdigest()}")
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        value = "AAAAAA==" if tamper_trailer else trailer[1]
        body += f"{trailer[0]}:{value}\r\nx-amz-trailer-signature:{signature}\r\n".encode()
    body += b"\r\n"
    headers["Content-Length"] = str(len(body))
    return send(emu, "PUT", url, headers, body)


def test_streaming_chunks_signed_by_the_client(emu, bucket):
    status, _, reply = _chunked_put(emu, bucket, [b"hello ", b"chunked ", b"world"])
    assert status == 200, reply
    assert emu.store.bucket(bucket).objects["streamed"]


def test_streaming_with_signed_trailer(emu, s3, bucket):
    import base64
    import zlib
    crc = base64.b64encode(zlib.crc32(b"hello world").to_bytes(4, "big")).decode()
    status, _, reply = _chunked_put(emu, bucket, [b"hello ", b"world"],
                                    trailer=("x-amz-checksum-crc32", crc))
    assert status == 200, reply
    assert s3.get_object(Bucket=bucket, Key="streamed")["Body"].read() == b"hello world"
    status, _, reply = _chunked_put(emu, bucket, [b"hello ", b"world"],
                                    trailer=("x-amz-checksum-crc32", crc), tamper_trailer=True)
    error = error_xml(reply)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256-TRAILER\n")


# -- anonymous requests ---------------------------------------------------------------------
def test_anonymous_requests_are_denied(emu, bucket):
    anonymous = boto3.client("s3", region_name="us-east-1",
                             config=Config(signature_version=UNSIGNED))
    for call in (lambda: anonymous.get_object(Bucket=bucket, Key="k"), anonymous.list_buckets,
                 lambda: anonymous.put_object(Bucket=bucket, Key="k", Body=b"x"),
                 lambda: anonymous.list_objects_v2(Bucket=bucket),
                 lambda: anonymous.create_bucket(Bucket="anon-made")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (403, "AccessDenied")
    assert "anon-made" not in emu.store.buckets
    assert {e.access_key for e in emu.journal if e.status == 403} == {None}


def test_anonymous_request_to_missing_bucket_is_no_such_bucket(emu):
    anonymous = boto3.client("s3", region_name="us-east-1",
                             config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket="never-made", Key="k")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_empty_authorization_header_is_anonymous(emu, bucket):
    status, _, body = send(emu, "GET", f"{URL}/{bucket}/k", {"Authorization": ""})
    assert (status, error_xml(body)["Code"]) == (403, "AccessDenied")


# -- auth="off" -----------------------------------------------------------------------------
def test_auth_off_accepts_any_signature():
    with s3emu.mock_s3(auth="off") as emu:
        sloppy = boto3.client("s3", region_name="eu-west-3", aws_access_key_id="whoever",
                              aws_secret_access_key="whatever")
        sloppy.create_bucket(Bucket="lax", CreateBucketConfiguration={
            "LocationConstraint": "eu-west-3"})
        emu.clock.advance(hours=2)
        sloppy.put_object(Bucket="lax", Key="k", Body=b"ok")
        status, _, body = send(emu, "GET", f"{URL}/lax/k", {})
        assert (status, body) == (200, b"ok")
        assert emu.store.bucket("lax").owner == emu.default_user.account_id


# -- users and accounts ----------------------------------------------------------------------
def test_credentials_and_accounts():
    emu = s3emu.Emulator(credentials={"AKIAMAIN": "main-secret"})
    alt = emu.add_user("AKIAALT", "alt-secret", account_id="210987654321", name="alt")
    assert [u.access_key for u in emu.users] == ["AKIAMAIN", "AKIAALT"]
    assert (alt.account_id, alt.display_name) == ("210987654321", "alt")
    with s3emu.mock_s3(emulator=emu):
        main = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAMAIN",
                            aws_secret_access_key="main-secret")
        other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAALT",
                             aws_secret_access_key="alt-secret")
        main.create_bucket(Bucket="mains")
        other.create_bucket(Bucket="alts")
        assert [b["Name"] for b in other.list_buckets()["Buckets"]] == ["alts"]
        assert other.list_buckets()["Owner"]["DisplayName"] == "alt"
        default = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                               aws_secret_access_key="testing")
        with pytest.raises(ClientError) as exc:
            default.list_buckets()
        assert error_of(exc) == (403, "InvalidAccessKeyId")


def test_parse_user_specs():
    assert parse_user("AK:SK") == ("AK", "SK", "123456789012", None)
    assert parse_user("AK:SK:111122223333") == ("AK", "SK", "111122223333", None)
    assert parse_user("AK:SK:111122223333:Tenant: One") == ("AK", "SK", "111122223333",
                                                              "Tenant: One")
    for bad in ("AK", "AK:", ":SK", "AK:SK::name"):
        with pytest.raises(ValueError) as exc:
            parse_user(bad)
        assert "SK" not in str(exc.value).replace("SECRET", "")


def test_read_users_file_formats():
    text = "# main, alt, tenant\nmain:main-secret\n\nalt:alt-secret:222233334444:Alt User\n"
    assert read_users_file(text) == [("main", "main-secret", "123456789012", None),
                                     ("alt", "alt-secret", "222233334444", "Alt User")]
    json_text = ('{"users": [{"access_key": "t", "secret": "s", "account_id": "333344445555",'
                 ' "name": "tenant"}]}')
    assert read_users_file(json_text) == [("t", "s", "333344445555", "tenant")]
    assert read_users_file('[{"access_key": "a", "secret": "b"}]') == [
        ("a", "b", "123456789012", None)]
    with pytest.raises(ValueError, match="line 2"):
        read_users_file("ok:fine\nbroken-line-with-secret\n")
    with pytest.raises(ValueError, match="user 1"):
        read_users_file('[{"access_key": "a"}]')


def test_cli_users_for_compatibility_suites(tmp_path):
    users_file = tmp_path / "users.txt"
    users_file.write_text("alt:alt-secret:222233334444:alt\n"
                          "tenant:tenant-secret:333344445555:tenant\n")
    env = child_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "s3emu", "serve", "--port", "0", "--quiet",
         "--user", "main:main-secret:111122223333:main", "--users-file", str(users_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=CHILD_CWD, env=env)
    try:
        first = proc.stdout.readline()
        endpoint = re.search(r"http://127\.0\.0\.1:\d+", first).group(0)
        assert "'main', 'alt', 'tenant'" in first and "secret" not in first

        def client(key, secret):
            return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                aws_access_key_id=key, aws_secret_access_key=secret)
        client("main", "main-secret").create_bucket(Bucket="main-bucket")
        client("tenant", "tenant-secret").create_bucket(Bucket="tenant-bucket")
        assert [b["Name"] for b in client("alt", "alt-secret").list_buckets()["Buckets"]] == []
        with pytest.raises(ClientError) as exc:
            client("testing", "testing").list_buckets()
        assert error_of(exc) == (403, "InvalidAccessKeyId")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "secret" not in out + err


def test_cli_rejects_a_bad_user_without_echoing_it():
    env = child_env()
    done = subprocess.run([sys.executable, "-m", "s3emu", "serve", "--port", "0",
                           "--user", "only-a-key-and-hunter2"], capture_output=True, text=True,
                          cwd=CHILD_CWD, env=env, timeout=60)
    assert done.returncode == 2
    assert "--user #1" in done.stderr and "hunter2" not in done.stderr


# -- what a request reuses of the checks of the one before it --------------------------------
def test_a_changed_secret_is_checked_on_the_next_request(emu, bucket):
    old = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    old.head_bucket(Bucket=bucket)
    old.head_bucket(Bucket=bucket)          # same credential scope and date as the last one
    emu.add_user("testing", "rotated")
    with pytest.raises(ClientError) as exc:
        old.list_objects_v2(Bucket=bucket)
    assert error_of(exc) == (403, "SignatureDoesNotMatch")
    new = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="rotated")
    assert new.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_the_same_credential_is_checked_against_each_bucket_region(emu, s3, bucket):
    s3.create_bucket(Bucket="far-away", CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"})
    here, there = f"{URL}/{bucket}/k", f"{URL}/far-away/k"
    status, _, _ = send(emu, "PUT", here, sign_v4("PUT", here, b"v"), b"v")
    assert status == 200
    status, headers, body = send(emu, "PUT", there, sign_v4("PUT", there, b"v"), b"v")
    assert (status, error_xml(body)["Code"]) == (400, "AuthorizationHeaderMalformed")
    assert headers["x-amz-bucket-region"] == "eu-west-1"
    status, _, _ = send(emu, "PUT", here, sign_v4("PUT", here, b"w"), b"w")
    assert status == 200


def test_a_signature_is_checked_even_when_the_scope_was_checked_before(emu, bucket):
    url = f"{URL}/{bucket}/k"
    good = sign_v4("PUT", url, b"v")
    assert send(emu, "PUT", url, good, b"v")[0] == 200
    forged = dict(good, Authorization=good["Authorization"][:-4] + "0000")
    status, _, body = send(emu, "PUT", url, forged, b"v")
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("value", [
    "plain", "", "two words", "  outer spaces  ", "inner   run", "tab\there", "\tleading tab",
    "trailing tab\t", "mixed \t  whitespace", "caf\u00e9 au lait", "no-break\u00a0space",
])
def test_signed_header_values_are_trimmed_as_sigv4_says(emu, bucket, value):
    # botocore's signer trims each value (' '.join(value.split())) and sends it untrimmed; it
    # signs the UTF-8 bytes of a value, which a client must then send as such (as bytes)
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("PUT", url, b"data", {"x-amz-meta-note": value, "x-amz-meta-other": "x"})
    if not value.isascii():
        headers["x-amz-meta-note"] = value.encode("utf-8")
    status, _, body = send(emu, "PUT", url, headers, b"data")
    assert status == 200, body


@pytest.mark.parametrize("signed, sent, status", [
    ("a b", "a  b", 200),           # the same once trimmed
    ("a b", " a b\t", 200),
    ("a b", "ab", 403),
    ("ab", "a b", 403),
    ("a\tb", "a b", 200),
])
def test_only_the_trimmed_value_is_signed(emu, bucket, signed, sent, status):
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("PUT", url, b"data", {"x-amz-meta-note": signed})
    headers["x-amz-meta-note"] = sent
    got, _, body = send(emu, "PUT", url, headers, b"data")
    assert got == status
    if status == 403:
        assert error_xml(body)["Code"] == "SignatureDoesNotMatch"


@pytest.mark.parametrize("value", ["x ", " y", "a  b", "t\tu", "plain", "", " \t", "v\x0b",
                                   "w\x1f", "a \x0c b"])
def test_canonical_headers_trim_values_as_botocore_signs_them(value):
    """Outer whitespace, inner runs of it and other whitespace characters: the canonical
    header line is botocore's own (the in-process edge and the server strip outer spaces
    before it, so this is what each signed value is compared by)."""
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from s3emu.auth.signing import canonical_headers
    request = AWSRequest("PUT", "https://h.example/k", headers={"x-amz-meta-v": value})
    signer = botocore.auth.SigV4Auth(Credentials("k", "s"), "s3", "us-east-1")
    names = signer.headers_to_sign(request)
    expected = signer.canonical_headers(names) + "\n"
    assert canonical_headers(sorted(names), {"host": "h.example", "x-amz-meta-v": value}) \
        == expected
