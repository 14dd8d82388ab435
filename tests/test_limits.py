"""Request limits: every number a request carries is read as S3 reads it (ASCII digits, a sign
only where S3 takes one, any length without a 500), and configuration bodies are capped.

Numbers go through boto3 (a ``before-sign`` hook puts the value under test into the signed
request), or, where boto3 cannot send it, through the in-process WSGI app.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
from botocore.exceptions import ClientError

import s3emu
from s3emu.intercept import call_app, inbound_for

HUGE = "9" * 4301                    # past int()'s 4,300-digit limit
#: values that are not ASCII decimal numbers, or not in any range S3 takes
NOT_NUMBERS = ["²", "٣", "５", " 5", "5 ", "5_000", "0x10", "1e3", "5\n", "五", HUGE]
URL = "https://s3.amazonaws.com"


# -- helpers ------------------------------------------------------------------------------------
def set_query(s3, event: str, name: str, value: str) -> None:
    """Send ``name=value`` in the query of every ``event`` request (before it is signed)."""
    def hook(request, **_):
        parts = urlsplit(request.url)
        pairs = [p for p in parse_qsl(parts.query, keep_blank_values=True) if p[0] != name]
        pairs.append((name, value))
        request.url = urlunsplit(parts._replace(query=urlencode(pairs, quote_via=quote)))
    s3.meta.events.register(f"before-sign.s3.{event}", hook)


def set_header(s3, event: str, name: str, value: str) -> None:
    def hook(request, **_):
        if name in request.headers:     # botocore's headers keep repeats: replace, not add
            del request.headers[name]
        request.headers[name] = value
    s3.meta.events.register(f"before-sign.s3.{event}", hook)


def failure(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    response = excinfo.value.response
    return {"status": response["ResponseMetadata"]["HTTPStatusCode"], **response["Error"]}


def xml_error(payload: bytes) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(payload)}


def unsigned_emulator() -> s3emu.Emulator:
    """An emulator with authentication off, a bucket ``bkt`` and an object ``key``."""
    emu = s3emu.Emulator(auth="off", min_part_size=1)
    call_app(emu, "PUT", URL + "/bkt", {}, b"").read()
    call_app(emu, "PUT", URL + "/bkt/key", {}, b"0123456789").read()
    return emu


def upload_id(emu: s3emu.Emulator) -> str:
    out = call_app(emu, "POST", URL + "/bkt/key?uploads", {}, b"").read()
    return ET.fromstring(out).find("{*}UploadId").text


# -- query parameters -----------------------------------------------------------------------------
MAX_KEYS = "Provided max-keys not an integer or within integer range"


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "2147483648", "-2147483649", "+-5", "--5"])
@pytest.mark.parametrize("event,call", [("ListObjectsV2", "list_objects_v2"),
                                        ("ListObjects", "list_objects")])
def test_max_keys_not_an_integer(s3, bucket, event, call, value):
    set_query(s3, event, "max-keys", value)
    error = failure(getattr(s3, call), Bucket=bucket)
    assert (error["status"], error["Code"], error["Message"], error["ArgumentName"]) == \
        (400, "InvalidArgument", MAX_KEYS, "max-keys")
    assert error["ArgumentValue"].strip() == value.strip()


@pytest.mark.parametrize("value,expected", [("+5", 5), ("0005", 5), ("0", 0),
                                            ("2147483647", 2147483647), ("0" * 5000 + "7", 7)])
def test_max_keys_integers_s3_reads(s3, bucket, value, expected):
    set_query(s3, "ListObjectsV2", "max-keys", value)
    assert s3.list_objects_v2(Bucket=bucket)["MaxKeys"] == expected


def test_max_keys_negative(s3, bucket):
    set_query(s3, "ListObjectsV2", "max-keys", "-1")
    error = failure(s3.list_objects_v2, Bucket=bucket)
    assert (error["status"], error["Code"], error["ArgumentName"], error["ArgumentValue"]) == \
        (400, "InvalidArgument", "maxKeys", "-1")


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "+5", "-1", "0", "10001"])
def test_max_buckets(s3, bucket, value):
    set_query(s3, "ListBuckets", "max-buckets", value)
    error = failure(s3.list_buckets)
    assert (error["status"], error["Code"], error["Message"], error["ArgumentName"]) == \
        (400, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000",
         "max-buckets")
    assert error["ArgumentValue"].strip() == value.strip()


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "+5", "-1", "2147483648"])
@pytest.mark.parametrize("event,name", [("ListParts", "max-parts"),
                                        ("ListParts", "part-number-marker"),
                                        ("ListMultipartUploads", "max-uploads")])
def test_list_counts(s3, bucket, event, name, value):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    set_query(s3, event, name, value)
    if event == "ListParts":
        error = failure(s3.list_parts, Bucket=bucket, Key="k", UploadId=upload)
    else:
        error = failure(s3.list_multipart_uploads, Bucket=bucket)
    assert (error["status"], error["Code"], error["Message"], error["ArgumentName"]) == \
        (400, "InvalidArgument", f"Argument {name} must be an integer between 0 and 2147483647",
         name)
    assert error["ArgumentValue"].strip() == value.strip()


PART_NUMBER = "Part number must be an integer between 1 and 10000, inclusive"


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "+5", "-1", "0", "10001"])
def test_upload_part_number(s3, bucket, value):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    set_query(s3, "UploadPart", "partNumber", value)
    error = failure(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                    Body=b"x")
    assert (error["status"], error["Code"], error["Message"], error["ArgumentName"]) == \
        (400, "InvalidArgument", PART_NUMBER, "partNumber")
    assert error["ArgumentValue"].strip() == value.strip()


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "+1", "-1", "0"])
def test_get_object_part_number(s3, bucket, value):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    set_query(s3, "GetObject", "partNumber", value)
    error = failure(s3.get_object, Bucket=bucket, Key="k", PartNumber=1)
    assert (error["status"], error["Code"], error["ArgumentName"]) == \
        (400, "InvalidArgument", "partNumber")


def test_get_object_part_number_with_leading_zeros(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    set_query(s3, "GetObject", "partNumber", "0001")
    assert s3.get_object(Bucket=bucket, Key="k", PartNumber=1)["Body"].read() == b"data"


# -- headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("header,status,body", [
    ("bytes=²-3", 200, b"0123456789"),              # not S3's syntax: ignored, the whole object
    ("bytes=0-٣", 200, b"0123456789"),
    ("bytes=-²", 200, b"0123456789"),
    ("bytes=-５", 200, b"0123456789"),
    ("bytes=1_0-", 200, b"0123456789"),
    ("bytes=+1-2", 200, b"0123456789"),
    ("bytes=1-2", 206, b"12"),
    ("bytes=0-" + HUGE, 206, b"0123456789"),        # past the end: up to the end
    ("bytes=-" + HUGE, 206, b"0123456789"),         # a suffix longer than the object
    ("bytes=0003-0004", 206, b"34"),
])
def test_range_numbers(s3, bucket, header, status, body):
    if not header.isascii():        # botocore signs non-ASCII header values its own way
        response = call_app(unsigned_emulator(), "GET", URL + "/bkt/key", {"Range": header}, b"")
        assert (response.status, response.read()) == (status, body)
        return
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    set_header(s3, "GetObject", "Range", header)
    out = s3.get_object(Bucket=bucket, Key="k", Range="bytes=0-0")
    assert (out["ResponseMetadata"]["HTTPStatusCode"], out["Body"].read()) == (status, body)


def test_range_starting_past_any_size(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    set_header(s3, "GetObject", "Range", f"bytes={HUGE}-")
    error = failure(s3.get_object, Bucket=bucket, Key="k", Range="bytes=0-0")
    assert (error["status"], error["Code"], error["ActualObjectSize"]) == \
        (416, "InvalidRange", "10")


COPY_RANGE_FORM = ("The x-amz-copy-source-range value must be of the form bytes=first-last "
                   "where first and last are the zero-based offsets of the first and last "
                   "bytes to copy")


@pytest.mark.parametrize("header,message", [
    ("bytes=²-3", COPY_RANGE_FORM), ("bytes=0-٣", COPY_RANGE_FORM),
    ("bytes=0-1_0", COPY_RANGE_FORM), ("bytes=+0-3", COPY_RANGE_FORM),
    ("bytes=-3", COPY_RANGE_FORM), ("bytes= 0-3", COPY_RANGE_FORM),
    ("bytes=0-" + HUGE, "Range specified is not valid for source object of size: 10"),
    (f"bytes={HUGE}-{HUGE}", "Range specified is not valid for source object of size: 10"),
])
def test_copy_source_range(s3, bucket, header, message):
    if not header.isascii():
        emu = unsigned_emulator()
        path = f"/bkt/key?partNumber=1&uploadId={upload_id(emu)}"
        response = call_app(emu, "PUT", URL + path, {"x-amz-copy-source": "bkt/key",
                                                     "x-amz-copy-source-range": header}, b"")
        error = xml_error(response.read())
        assert (response.status, error["Code"], error["Message"], error["ArgumentName"],
                error["ArgumentValue"]) == (400, "InvalidArgument", message,
                                            "x-amz-copy-source-range", header)
        return
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    set_header(s3, "UploadPartCopy", "x-amz-copy-source-range", header)
    error = failure(s3.upload_part_copy, Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                    CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=0-1")
    assert (error["status"], error["Code"], error["Message"], error["ArgumentName"],
            error["ArgumentValue"]) == (400, "InvalidArgument", message,
                                        "x-amz-copy-source-range", header)


@pytest.mark.parametrize("value", ["5_000", "abc", "-1", "0x1", HUGE])
def test_mp_object_size_not_a_number(s3, bucket, value):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                          Body=b"x")["ETag"]
    set_header(s3, "CompleteMultipartUpload", "x-amz-mp-object-size", value)
    error = failure(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert (error["status"], error["Code"]) == (400, "InvalidRequest")
    assert "x-amz-mp-object-size" in error["Message"]


def _aws_chunked(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)


@pytest.mark.parametrize("path", ["/bkt/new", "UploadPart"])
@pytest.mark.parametrize("value,status,code", [
    ("²", 200, None), ("٣", 200, None), ("5_000", 200, None),   # not a length: not compared
    (HUGE, 400, "EntityTooLarge"), ("5", 200, None), ("6", 400, "IncompleteBody"),
])
def test_decoded_content_length(path, value, status, code):
    emu = unsigned_emulator()
    if path == "UploadPart":
        path = f"/bkt/key?partNumber=1&uploadId={upload_id(emu)}"
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": value,
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}
    response = call_app(emu, "PUT", URL + path, headers, _aws_chunked(b"hello"))
    payload = response.read()
    assert response.status == status, payload
    if code:
        assert xml_error(payload)["Code"] == code


def _serve(emu, environ) -> tuple[int, bytes]:
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = int(status[:3])
    body = b"".join(emu(environ, start_response))
    return started["status"], body


@pytest.mark.parametrize("value", ["²", "٣", " 5", "5_000", "-1", "abc", ""])
def test_app_content_length_not_a_number(value):
    """A WSGI server passing a malformed CONTENT_LENGTH through: the length is unknown (411
    where S3 needs one), never a 500."""
    emu = unsigned_emulator()
    environ = inbound_for("PUT", URL + "/bkt/k", {}, b"").environ  # as WSGI: from wsgi.input
    environ["CONTENT_LENGTH"] = value
    status, body = _serve(emu, environ)
    assert (status, xml_error(body)["Code"]) == (411, "MissingContentLength")


def test_app_content_length_of_4301_digits():
    emu = unsigned_emulator()
    environ = inbound_for("PUT", URL + "/bkt/k", {}, b"").environ  # as WSGI: from wsgi.input
    environ["CONTENT_LENGTH"] = HUGE
    status, body = _serve(emu, environ)
    assert (status, xml_error(body)["Code"]) == (400, "EntityTooLarge")


# -- SigV2 and SigV4 presigned expiry ----------------------------------------------------------
def _sigv2_url(expires: str) -> str:
    text = f"GET\n\n\n{expires}\n/bkt/key"
    signature = base64.b64encode(hmac.new(b"testing", text.encode(), hashlib.sha1).digest())
    query = urlencode({"AWSAccessKeyId": "testing", "Expires": expires,
                       "Signature": signature.decode()}, quote_via=quote)
    return f"{URL}/bkt/key?{query}"


@pytest.fixture
def signed_emu():
    emu = s3emu.Emulator()
    with s3emu.mock_s3(emulator=emu):
        import boto3
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="key", Body=b"0123456789")
    return emu


@pytest.mark.parametrize("value", ["253402300800", "99999999999999", HUGE, "0" + HUGE])
def test_sigv2_expires_past_year_9999_never_expires(signed_emu, value):
    response = call_app(signed_emu, "GET", _sigv2_url(value), {}, b"")
    assert (response.status, response.read()) == (200, b"0123456789")


@pytest.mark.parametrize("value", ["²", "٣", " 5", "+5", "5_000", "-5", "1e3"])
def test_sigv2_expires_not_a_number(signed_emu, value):
    response = call_app(signed_emu, "GET", _sigv2_url(value), {}, b"")
    error = xml_error(response.read())
    assert (response.status, error["Code"], error["Message"]) == \
        (403, "AccessDenied", f"Invalid date (should be seconds since epoch): {value}")


@pytest.mark.parametrize("value,message", [
    ("²", "X-Amz-Expires should be a number"), ("٣", "X-Amz-Expires should be a number"),
    (" 5", "X-Amz-Expires should be a number"), ("5_0", "X-Amz-Expires should be a number"),
    ("+5", "X-Amz-Expires should be a number"),
    (HUGE, "X-Amz-Expires must be less than a week (in seconds); that is, the given "
           "X-Amz-Expires must be less than 604800 seconds"),
    ("-" + HUGE, "X-Amz-Expires must be non-negative"),
])
def test_sigv4_presigned_expires(signed_emu, value, message):
    with s3emu.mock_s3(emulator=signed_emu):
        import boto3
        from botocore.config import Config
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing",
                          config=Config(signature_version="s3v4"))
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "key"})
    parts = urlsplit(url)
    pairs = [(k, value if k == "X-Amz-Expires" else v) for k, v in parse_qsl(parts.query)]
    url = urlunsplit(parts._replace(query=urlencode(pairs, quote_via=quote)))
    response = call_app(signed_emu, "GET", url, {}, b"")
    error = xml_error(response.read())
    assert (response.status, error["Code"], error["Message"]) == \
        (400, "AuthorizationQueryParametersError", message)


# -- body caps ------------------------------------------------------------------------------------
class CountingInput:
    """A ``wsgi.input`` of ``head`` then ``size`` spaces (made on demand) that counts what the
    app reads from it."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        self.head, self.left, self.taken = head, size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.left + len(self.head) if n is None or n < 0 else n
        out, self.head = self.head[:n], self.head[n:]
        spaces = min(n - len(out), self.left)
        self.left -= spaces
        self.taken += len(out) + spaces
        return out + b" " * spaces


BIG = 50 << 20
#: (method, path, headers, cap, status, error code) of the operations with a capped body
CAPPED = [
    ("PUT", "/bkt?policy", {}, 20 * 1024, "PolicyTooLarge"),
    ("PUT", "/bkt?acl", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("PUT", "/bkt?encryption", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("PUT", "/bkt?publicAccessBlock", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("PUT", "/bkt?ownershipControls", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("PUT", "/bkt/key?acl", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("PUT", "/newbkt", {}, 1 << 20, "MaxMessageLengthExceeded"),
    ("POST", "/bkt?delete", {"Content-MD5": "1B2M2Y8AsgTpgAmY2PvPrw=="}, 8 << 20,
     "MaxMessageLengthExceeded"),
    ("POST", "/bkt/key?uploadId=UPLOAD", {}, 8 << 20, "MaxMessageLengthExceeded"),
]


def _capped_environ(emu, method, path, headers):
    if "UPLOAD" in path:
        path = path.replace("UPLOAD", upload_id(emu))
    environ = inbound_for(method, URL + path, headers, b"").environ  # as WSGI: from wsgi.input
    return environ


@pytest.mark.parametrize("method,path,headers,cap,code", CAPPED, ids=[c[1] for c in CAPPED])
def test_declared_length_over_the_cap_is_refused_before_reading(method, path, headers, cap,
                                                                code):
    emu = unsigned_emulator()
    environ = _capped_environ(emu, method, path, headers)
    environ["wsgi.input"] = body = CountingInput(BIG)
    environ["CONTENT_LENGTH"] = str(BIG)
    status, payload = _serve(emu, environ)
    assert (status, xml_error(payload)["Code"], body.taken) == (400, code, 0)


@pytest.mark.parametrize("method,path,headers,cap,code", CAPPED, ids=[c[1] for c in CAPPED])
def test_chunked_body_is_read_no_further_than_the_cap(method, path, headers, cap, code):
    """Transfer-Encoding: chunked (no declared length, as a server de-chunks it)."""
    emu = unsigned_emulator()
    environ = _capped_environ(emu, method, path, headers)
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    environ["wsgi.input"] = body = CountingInput(BIG)
    status, payload = _serve(emu, environ)
    assert (status, xml_error(payload)["Code"], body.taken) == (400, code, cap + 1)


def test_aws_chunked_decoded_length_over_the_cap_is_refused_before_reading():
    emu = unsigned_emulator()
    environ = _capped_environ(emu, "PUT", "/bkt?policy", {
        "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(BIG),
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"})
    environ["wsgi.input"] = body = CountingInput(BIG + 100)
    environ["CONTENT_LENGTH"] = str(BIG + 100)
    status, payload = _serve(emu, environ)
    assert (status, xml_error(payload)["Code"], body.taken) == (400, "PolicyTooLarge", 0)


def test_aws_chunked_body_without_lengths_stops_past_the_cap():
    emu = unsigned_emulator()
    environ = _capped_environ(emu, "PUT", "/bkt?acl", {
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"})
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    environ["wsgi.input"] = body = CountingInput(BIG, head=b"%x\r\n" % BIG)
    status, payload = _serve(emu, environ)
    raw_cap = 2 * (1 << 20) + (64 << 10)            # the payload's cap and room for framing
    assert (status, xml_error(payload)["Code"], body.taken) == \
        (400, "MaxMessageLengthExceeded", raw_cap + 1)


def test_policy_at_the_cap_is_read(s3, bucket):
    """20 KB is S3's policy limit: a policy of exactly 20,480 bytes is read (and judged)."""
    policy = '{"Version": "2012-10-17", "Statement": [' + " " * 20000
    policy += "]}".rjust(20480 - len(policy))
    error = failure(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
    assert (error["status"], error["Code"]) == (400, "MalformedPolicy")
    error = failure(s3.put_bucket_policy, Bucket=bucket, Policy=policy + " ")
    assert (error["status"], error["Code"], error["Message"]) == \
        (400, "PolicyTooLarge", "Policy exceeds the maximum allowed document size.")


def test_object_data_keeps_its_own_limits(s3, bucket):
    """PutObject and UploadPart are not configuration bodies: 2 MiB (past the 1 MiB cap of XML
    configurations) is stored."""
    data = b"x" * (2 << 20)
    s3.put_object(Bucket=bucket, Key="big", Body=data)
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == data
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=data)
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)["Parts"][0]["Size"] == 2 << 20


#: a header's value is read without its outer spaces (as on the wire): " 5" is 5 there
HEADER_NOT_NUMBERS = [v for v in NOT_NUMBERS if v.strip(" \t") == v]


@pytest.mark.parametrize("value", [*HEADER_NOT_NUMBERS, "+5", "-1", "2147483648"])
@pytest.mark.parametrize("name", ["x-amz-max-parts", "x-amz-part-number-marker"])
def test_object_attributes_part_counts(name, value):
    emu = unsigned_emulator()
    response = call_app(emu, "GET", URL + "/bkt/key?attributes", {
        "x-amz-object-attributes": "ObjectParts", name: value}, b"")
    error = xml_error(response.read())
    assert (response.status, error["Code"], error["Message"], error["ArgumentName"],
            error["ArgumentValue"]) == (
        400, "InvalidArgument", f"Argument {name} must be an integer between 0 and 2147483647",
        name, value)


@pytest.mark.parametrize("value", [" 5", "5 ", "\t5"])
def test_header_numbers_are_read_without_outer_spaces(value):
    """In-process as through a socket, x-amz-max-parts " 5" is 5: a number, not refused."""
    emu = unsigned_emulator()
    response = call_app(emu, "GET", URL + "/bkt/key?attributes", {
        "x-amz-object-attributes": "ETag", "x-amz-max-parts": value}, b"")
    assert response.status == 200, response.read()
