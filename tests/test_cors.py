"""CORS: PutBucketCors / GetBucketCors / DeleteBucketCors with S3's validation, the preflight
OPTIONS request and the CORS headers of actual requests; each test runs in-process and against
the standalone server over TLS. (The browser's side, a real Chromium, is tests_browser/.)"""
from __future__ import annotations

import base64
import hashlib
import json
import subprocess

import pytest
import requests
from botocore.exceptions import ClientError

from s3emu.model.cors import CorsConfiguration, CorsRule

from helpers import aws_cli, error_of
from signing import sign_v4

#: Each test runs in-process and against the standalone server over TLS (conftest.py).
pytestmark = pytest.mark.targets("in-process", "tls")

ORIGIN = "https://app.example.com"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-methods",
                "access-control-allow-headers", "access-control-expose-headers",
                "access-control-max-age", "access-control-allow-credentials", "vary")
NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
UNSUPPORTED = "Found unsupported HTTP method in CORS config. Unsupported method is "


def rule(**fields):
    return {"AllowedMethods": ["GET"], "AllowedOrigins": [ORIGIN], **fields}


def put_rules(s3, bucket, *rules):
    return s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": list(rules)})


def cors_of(response) -> dict[str, str]:
    return {name: response.headers[name] for name in CORS_HEADERS if name in response.headers}


def url_of(s3, bucket, key=None) -> str:
    return f"{s3.meta.endpoint_url}/{bucket}" + (f"/{key}" if key is not None else "")


@pytest.fixture
def options(s3, bucket, verify):
    """``options(key=None, origin=..., method=..., headers=..., bucket=...)``: a preflight."""
    def send(key=None, *, origin=ORIGIN, method="GET", headers=None, to=bucket, url=None):
        sent = {}
        if origin is not None:
            sent["Origin"] = origin
        if method is not None:
            sent["Access-Control-Request-Method"] = method
        if headers is not None:
            sent["Access-Control-Request-Headers"] = headers
        return requests.options(url or url_of(s3, to, key), headers=sent, verify=verify)
    return send


def error_parts(response) -> dict[str, str]:
    import xml.etree.ElementTree as ET
    root = ET.fromstring(response.content)
    return {child.tag: child.text or "" for child in root if child.tag not in
            ("RequestId", "HostId")}


def put_raw(s3, bucket, verify, body: bytes, *, md5: bool = True, headers=None):
    """PutBucketCors with ``body`` as it is, signed by botocore (SigV4, Authorization header),
    with its Content-MD5 unless ``md5`` is false."""
    url = url_of(s3, bucket) + "?cors"
    sent = dict(headers or {})
    if md5 and "Content-MD5" not in sent:
        sent["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    return requests.put(url, data=body, headers=sign_v4("PUT", url, body, sent), verify=verify)


def document(*rules: str) -> bytes:
    return ("<CORSConfiguration>" + "".join(f"<CORSRule>{r}</CORSRule>" for r in rules) +
            "</CORSConfiguration>").encode()


GOOD_RULE = "<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"


# -- configuration ---------------------------------------------------------------------------

def test_put_get_round_trip_keeps_rules_as_written(s3, bucket):
    first = {"ID": "uploads", "AllowedHeaders": ["x-amz-*", "Content-Type"],
             "AllowedMethods": ["PUT", "POST", "DELETE"],
             "AllowedOrigins": ["http://*.example.com", "http://test.com:80"],
             "ExposeHeaders": ["ETag", "x-amz-request-id"], "MaxAgeSeconds": 3000}
    second = {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["*", ""]}
    assert put_rules(s3, bucket, first, second)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [first, second]


def test_get_without_configuration_is_no_such_cors_configuration(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchCORSConfiguration")
    assert exc.value.response["Error"]["Message"] == "The CORS configuration does not exist"
    assert exc.value.response["Error"]["BucketName"] == bucket


def test_put_replaces_and_delete_removes(s3, bucket):
    put_rules(s3, bucket, rule(ID="one"))
    put_rules(s3, bucket, rule(ID="two"), rule(ID="three"))
    assert [r["ID"] for r in s3.get_bucket_cors(Bucket=bucket)["CORSRules"]] == ["two", "three"]
    response = s3.delete_bucket_cors(Bucket=bucket)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchCORSConfiguration")
    assert s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_missing_bucket_is_no_such_bucket(s3):
    for call in (lambda: s3.get_bucket_cors(Bucket="no-such-bucket"),
                 lambda: put_rules(s3, "no-such-bucket", rule()),
                 lambda: s3.delete_bucket_cors(Bucket="no-such-bucket")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (404, "NoSuchBucket")


@pytest.mark.parametrize("method", ["OPTIONS", "PATCH", "get", "*"])
def test_unsupported_method_is_invalid_request(s3, bucket, method):
    with pytest.raises(ClientError) as exc:
        put_rules(s3, bucket, rule(AllowedMethods=["GET", method]))
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == UNSUPPORTED + method


def test_empty_method_is_invalid_request(s3, bucket, verify):
    response = put_raw(s3, bucket, verify, document(
        "<AllowedMethod></AllowedMethod><AllowedOrigin>*</AllowedOrigin>"))
    assert response.status_code == 400
    assert error_parts(response) == {"Code": "InvalidRequest", "Message": UNSUPPORTED}


@pytest.mark.parametrize("field,kind,value", [
    ("AllowedOrigins", "AllowedOrigin", "http://*.*.example.com"),
    ("AllowedOrigins", "AllowedOrigin", "**"),
    ("AllowedHeaders", "AllowedHeader", "x-*-*"),
])
def test_more_than_one_wildcard_is_invalid_request(s3, bucket, field, kind, value):
    with pytest.raises(ClientError) as exc:
        put_rules(s3, bucket, rule(**{field: ["ok", value]}))
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == \
        f'{kind} "{value}" can not have more than one wildcard.'


def test_at_most_100_rules(s3, bucket):
    put_rules(s3, bucket, *[rule(ID=str(n)) for n in range(100)])
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100
    with pytest.raises(ClientError) as exc:
        put_rules(s3, bucket, *[rule(ID=str(n)) for n in range(101)])
    assert error_of(exc) == (400, "MalformedXML")
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100   # unchanged


def test_id_at_most_255_characters(s3, bucket):
    put_rules(s3, bucket, rule(ID="i" * 255))
    with pytest.raises(ClientError) as exc:
        put_rules(s3, bucket, rule(ID="i" * 256))
    assert error_of(exc) == (400, "InvalidArgument")
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["ID"] == "i" * 255


@pytest.mark.parametrize("body", [
    document(),                                                         # no rule
    document("<AllowedOrigin>*</AllowedOrigin>"),                       # no method
    document("<AllowedMethod>GET</AllowedMethod>"),                     # no origin
    document(""),                                                       # an empty rule
    document(GOOD_RULE + "<ID>a</ID><ID>b</ID>"),
    document(GOOD_RULE + "<MaxAgeSeconds>10</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>"),
    document(GOOD_RULE + "<MaxAgeSeconds>ten</MaxAgeSeconds>"),
    document(GOOD_RULE + "<MaxAgeSeconds>99999999999</MaxAgeSeconds>"),
    document(GOOD_RULE + "<AllowedMethods>GET</AllowedMethods>"),       # unknown element
    document(GOOD_RULE + "<AllowedOrigin><a/></AllowedOrigin>"),
    b"<CORSConfiguration><CORSRule>" + GOOD_RULE.encode() + b"</CORSRule><Other/>"
    b"</CORSConfiguration>",
    b"<CORSConfig><CORSRule>" + GOOD_RULE.encode() + b"</CORSRule></CORSConfig>",
    b"<CORSConfiguration><CORSRule>",
    b"not xml",
], ids=lambda body: body.decode()[:60])
def test_malformed_documents(s3, bucket, verify, body):
    response = put_raw(s3, bucket, verify, body)
    assert response.status_code == 400
    assert error_parts(response)["Code"] == "MalformedXML"


def test_namespaced_document_is_read(s3, bucket, verify):
    body = (b'<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>' +
            GOOD_RULE.encode() + b"<MaxAgeSeconds>5</MaxAgeSeconds></CORSRule>"
            b"</CORSConfiguration>")
    assert put_raw(s3, bucket, verify, body).status_code == 200
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [
        {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 5}]


def test_document_over_64_kb_is_refused(s3, bucket, verify):
    origin = "<AllowedOrigin>http://" + "o" * 1000 + ".example.com</AllowedOrigin>"
    body = document(*["<AllowedMethod>GET</AllowedMethod>" + origin * 7] * 10)
    assert len(body) > 64 * 1024
    response = put_raw(s3, bucket, verify, body)
    assert response.status_code == 400
    assert error_parts(response)["Code"] == "MaxMessageLengthExceeded"
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchCORSConfiguration")


def test_put_needs_content_md5_or_a_checksum(s3, bucket, verify):
    body = document(GOOD_RULE)
    response = put_raw(s3, bucket, verify, body, md5=False)
    assert response.status_code == 400
    assert error_parts(response) == {
        "Code": "InvalidRequest", "Message": "Missing required header for this request: "
                                              "Content-MD5"}
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    response = put_raw(s3, bucket, verify, body, headers={"Content-MD5": wrong})
    assert (response.status_code, error_parts(response)["Code"]) == (400, "BadDigest")
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)
    assert put_raw(s3, bucket, verify, body).status_code == 200   # with Content-MD5


def test_a_refused_put_keeps_the_configuration(s3, bucket):
    put_rules(s3, bucket, rule(ID="kept"))
    with pytest.raises(ClientError):
        put_rules(s3, bucket, rule(AllowedMethods=["TRACE"]))
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [rule(ID="kept")]


def test_configuration_operations_are_authorized(s3, bucket, verify):
    put_rules(s3, bucket, rule())
    response = requests.get(url_of(s3, bucket) + "?cors", verify=verify)
    assert response.status_code == 403 and error_parts(response)["Code"] == "AccessDenied"


# -- preflight -------------------------------------------------------------------------------

def test_preflight_without_origin_is_bad_request(s3, bucket, options):
    for configured in (False, True):
        if configured:
            put_rules(s3, bucket, rule())
        response = options(origin=None)
        assert response.status_code == 400
        assert error_parts(response) == {
            "Code": "BadRequest",
            "Message": "Insufficient information. Origin request header needed."}
        assert not cors_of(response)


def test_preflight_to_a_missing_bucket(options):
    response = options("k", to="no-such-bucket", method="PUT")
    assert response.status_code == 403
    assert error_parts(response) == {"Code": "AccessForbidden",
                                     "Message": "CORSResponse: Bucket not found",
                                     "Method": "PUT", "ResourceType": "BUCKET"}


def test_preflight_naming_no_bucket(s3, verify):
    response = requests.options(s3.meta.endpoint_url + "/", verify=verify, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert response.status_code == 403
    assert error_parts(response)["Message"] == "CORSResponse: Bucket not found"


def test_preflight_without_configuration(options):
    response = options("key", method="PUT")
    assert response.status_code == 403
    assert error_parts(response) == {
        "Code": "AccessForbidden", "Message": "CORSResponse: CORS is not enabled for this bucket.",
        "Method": "PUT", "ResourceType": "BUCKET"}
    assert not cors_of(response)
    assert error_parts(options(method=None))["Method"] == "OPTIONS"


@pytest.mark.parametrize("method,shown", [(None, "null"), ("PATCH", "PATCH")])
def test_preflight_needs_a_valid_request_method(s3, bucket, options, method, shown):
    put_rules(s3, bucket, rule())
    response = options(method=method)
    assert response.status_code == 400
    assert error_parts(response) == {
        "Code": "BadRequest", "Message": f"Invalid Access-Control-Request-Method: {shown}"}


def test_preflight_match_answers_every_header(s3, emu, bucket, options):
    put_rules(s3, bucket, rule(AllowedMethods=["PUT", "GET"], AllowedHeaders=["x-amz-*",
                                                                            "Content-Type"],
                               ExposeHeaders=["ETag", "x-amz-version-id"], MaxAgeSeconds=600))
    response = options("photos/cat.jpg", method="PUT",
                       headers="X-Amz-Date, content-type,x-amz-content-sha256")
    assert response.status_code == 200
    assert response.content == b""
    assert cors_of(response) == {
        "access-control-allow-origin": ORIGIN,
        "access-control-allow-methods": "PUT, GET",
        "access-control-allow-headers": "x-amz-date, content-type, x-amz-content-sha256",
        "access-control-expose-headers": "ETag, x-amz-version-id",
        "access-control-max-age": "600",
        "access-control-allow-credentials": "true",
        "vary": VARY}
    assert emu.journal[-1].operation == "PreflightCORS"
    assert emu.journal[-1].status == 200


def test_preflight_with_wildcard_origin_answers_star_without_credentials(s3, bucket, options):
    put_rules(s3, bucket, {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]})
    response = options(origin="http://localhost:4566")
    assert response.status_code == 200
    assert cors_of(response) == {"access-control-allow-origin": "*",
                                 "access-control-allow-methods": "GET", "vary": VARY}


@pytest.mark.parametrize("pattern,origin,allowed", [
    ("http://*.example.com", "http://a.example.com", True),
    ("http://*.example.com", "http://a.b.example.com", True),
    ("http://*.example.com", "http://.example.com", True),        # * matches nothing too
    ("http://*.example.com", "https://a.example.com", False),     # the scheme
    ("http://*.example.com", "http://a.example.com:8080", False),  # the port
    ("http://*.example.com", "http://a.example.com/", False),     # anchored at the end
    ("http://*.example.com", "xhttp://a.example.com", False),     # and at the start
    ("*.suffix", "foo.suffix", True),
    ("start*end", "startend", True),
    ("start*end", "0start12end", False),
    ("prefix*", "prefix.suffix", True),
    ("http://www.example.com", "http://www.example.com:80", False),
    ("http://www.example.com", "http://www.example.com", True),
])
def test_preflight_origin_patterns(s3, bucket, options, pattern, origin, allowed):
    put_rules(s3, bucket, rule(AllowedOrigins=[pattern]))
    response = options("k", origin=origin)
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert response.headers["access-control-allow-origin"] == origin
    else:
        assert error_parts(response) == {"Code": "AccessForbidden", "Message": NOT_ALLOWED,
                                         "Method": "GET", "ResourceType": "OBJECT"}
        assert not cors_of(response)


def test_preflight_refused_names_the_bucket_resource_for_a_bucket_url(s3, bucket, options):
    put_rules(s3, bucket, rule())
    response = options(origin="http://elsewhere.example")
    assert error_parts(response)["ResourceType"] == "BUCKET"


def test_preflight_method_must_be_allowed(s3, bucket, options):
    put_rules(s3, bucket, rule(AllowedMethods=["GET", "HEAD"]))
    assert options("k", method="HEAD").status_code == 200
    response = options("k", method="PUT")
    assert response.status_code == 403
    assert error_parts(response)["Method"] == "PUT"


def test_preflight_headers_must_each_be_allowed_case_insensitively(s3, bucket, options):
    put_rules(s3, bucket, rule(AllowedHeaders=["x-AMZ-meta-*", "Authorization"]))
    response = options("k", headers="authorization,X-Amz-Meta-Color")
    assert response.status_code == 200
    assert response.headers["access-control-allow-headers"] == "authorization, x-amz-meta-color"
    assert options("k", headers="authorization,x-amz-date").status_code == 403


def test_preflight_rule_without_allowed_headers_allows_none(s3, bucket, options):
    put_rules(s3, bucket, rule(ExposeHeaders=["x-amz-meta-header1"]))
    assert options("k").status_code == 200
    response = options("k", headers="x-amz-meta-header2")
    assert response.status_code == 403 and not cors_of(response)


def test_preflight_first_matching_rule_wins(s3, bucket, options):
    put_rules(s3, bucket, rule(AllowedMethods=["PUT"], MaxAgeSeconds=1),
              rule(AllowedOrigins=["*"], MaxAgeSeconds=2),
              rule(MaxAgeSeconds=3))
    response = options("k")
    assert response.headers["access-control-max-age"] == "2"
    assert response.headers["access-control-allow-origin"] == "*"
    assert options("k", method="PUT").headers["access-control-max-age"] == "1"


def test_preflight_to_a_presigned_url_is_not_authenticated(s3, bucket, options):
    put_rules(s3, bucket, rule(AllowedMethods=["PUT"], AllowedHeaders=["content-type"]))
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})
    response = options(url=url, method="PUT", headers="content-type")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_preflight_ignores_an_authorization_header(s3, bucket, verify):
    put_rules(s3, bucket, rule())
    response = requests.options(url_of(s3, bucket, "k"), verify=verify, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Authorization": "AWS4-HMAC-SHA256 Credential=nobody/20250101/us-east-1/s3/aws4_"
                         "request, SignedHeaders=host, Signature=00"})
    assert response.status_code == 200


def test_preflight_ignores_a_denying_bucket_policy(s3, bucket, options):
    put_rules(s3, bucket, rule())
    s3.put_bucket_policy(Bucket=bucket, Policy=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
        f'"Action":"s3:*","Resource":"arn:aws:s3:::{bucket}/*"}}]}}'))
    assert options("k").status_code == 200


def test_delete_bucket_cors_ends_preflights(s3, bucket, options):
    put_rules(s3, bucket, rule())
    assert options("k").status_code == 200
    s3.delete_bucket_cors(Bucket=bucket)
    assert error_parts(options("k"))["Message"] == \
        "CORSResponse: CORS is not enabled for this bucket."


# -- actual requests -------------------------------------------------------------------------

@pytest.fixture
def shared(s3, bucket):
    """A bucket with an object and a rule for GET/HEAD from ORIGIN."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    put_rules(s3, bucket, rule(AllowedMethods=["GET", "HEAD"], ExposeHeaders=["ETag"],
                               MaxAgeSeconds=60))
    return bucket


EXPECTED = {"access-control-allow-origin": ORIGIN, "access-control-allow-methods": "GET, HEAD",
            "access-control-expose-headers": "ETag", "access-control-max-age": "60",
            "access-control-allow-credentials": "true", "vary": VARY}


def presigned(s3, bucket, op="get_object", key="k"):
    return s3.generate_presigned_url(op, Params={"Bucket": bucket, "Key": key})


def test_actual_request_from_allowed_origin_gets_cors_headers(s3, shared, verify):
    response = requests.get(presigned(s3, shared), headers={"Origin": ORIGIN}, verify=verify)
    assert response.status_code == 200 and response.content == b"hello"
    assert cors_of(response) == EXPECTED
    response = requests.head(presigned(s3, shared, "head_object"), headers={"Origin": ORIGIN},
                             verify=verify)
    assert response.status_code == 200 and cors_of(response) == EXPECTED


def test_actual_request_without_origin_gets_none(s3, shared, verify):
    response = requests.get(presigned(s3, shared), verify=verify)
    assert response.status_code == 200 and not cors_of(response)


def test_actual_request_from_another_origin_gets_none(s3, shared, verify):
    response = requests.get(presigned(s3, shared), headers={"Origin": "https://evil.example"},
                            verify=verify)
    assert response.status_code == 200 and response.content == b"hello"
    assert not cors_of(response)


def test_actual_request_with_a_method_not_allowed_is_served_without_cors(s3, shared, verify):
    url = presigned(s3, shared, "put_object", "new")
    response = requests.put(url, data=b"data", headers={"Origin": ORIGIN}, verify=verify)
    assert response.status_code == 200 and not cors_of(response)
    assert s3.get_object(Bucket=shared, Key="new")["Body"].read() == b"data"


def test_actual_request_method_header_decides(s3, shared, verify):
    response = requests.get(presigned(s3, shared), verify=verify, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert response.status_code == 200 and not cors_of(response)


def test_actual_request_headers_are_not_checked(s3, shared, verify):
    response = requests.get(presigned(s3, shared), verify=verify, headers={
        "Origin": ORIGIN, "Access-Control-Request-Headers": "x-amz-request-payer"})
    assert cors_of(response) == EXPECTED


def test_error_responses_carry_cors_headers(s3, shared, verify):
    response = requests.get(presigned(s3, shared, key="missing"), headers={"Origin": ORIGIN},
                            verify=verify)
    assert response.status_code == 404 and error_parts(response)["Code"] == "NoSuchKey"
    assert cors_of(response) == EXPECTED
    response = requests.get(url_of(s3, shared, "k"), headers={"Origin": ORIGIN}, verify=verify)
    assert response.status_code == 403 and error_parts(response)["Code"] == "AccessDenied"
    assert cors_of(response) == EXPECTED


def test_bucket_without_configuration_adds_nothing(s3, bucket, verify):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = requests.get(presigned(s3, bucket), headers={"Origin": ORIGIN}, verify=verify)
    assert response.status_code == 200 and not cors_of(response)
    response = requests.get(url_of(s3, "no-such-bucket", "k"), headers={"Origin": ORIGIN},
                            verify=verify)
    assert response.status_code == 404 and not cors_of(response)


def test_boto3_requests_with_origin_get_the_headers(s3, shared):
    s3.meta.events.register("before-sign.s3.GetObject",
                            lambda request, **_: request.headers.__setitem__("Origin", ORIGIN))
    headers = s3.get_object(Bucket=shared, Key="k")["ResponseMetadata"]["HTTPHeaders"]
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["vary"] == VARY


# -- the AWS CLI ----------------------------------------------------------------------------

def aws(server, *args: str) -> subprocess.CompletedProcess:
    return aws_cli(server, "s3api", *args)



def test_aws_cli_put_get_delete_bucket_cors(server):
    assert aws(server, "create-bucket", "--bucket", "cli-cors").returncode == 0
    config = {"CORSRules": [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["PUT", "GET"],
                             "AllowedHeaders": ["*"], "MaxAgeSeconds": 30}]}
    done = aws(server, "put-bucket-cors", "--bucket", "cli-cors",
               "--cors-configuration", json.dumps(config))
    assert done.returncode == 0, done.stderr
    done = aws(server, "get-bucket-cors", "--bucket", "cli-cors")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == config
    response = requests.options(f"{server.endpoint_url}/cli-cors/k", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert aws(server, "delete-bucket-cors", "--bucket", "cli-cors").returncode == 0
    done = aws(server, "get-bucket-cors", "--bucket", "cli-cors")
    assert done.returncode == 255 and "NoSuchCORSConfiguration" in done.stderr
    done = aws(server, "put-bucket-cors", "--bucket", "cli-cors", "--cors-configuration",
               json.dumps({"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GOT"]}]}))
    assert done.returncode == 255 and "Unsupported method is GOT" in done.stderr


# -- the compiled rules ----------------------------------------------------------------------

def test_match_is_first_rule_of_origin_method_and_headers():
    config = CorsConfiguration((
        CorsRule(("PUT",), ("http://a",), ("x-amz-*",)),
        CorsRule(("GET", "PUT"), ("*",), ("*",)),
    ))
    assert config.match("http://a", "PUT", ("x-amz-date",)).rule is config.rules[0]
    assert config.match("http://a", "PUT", ("content-type",)).rule is config.rules[1]
    assert config.match("http://a", "PUT").allow_origin == "http://a"
    assert config.match("http://b", "GET").allow_origin == "*"
    assert config.match("http://b", "DELETE") is None
