"""Fidelity fixes from issue 15: SSE-C keys kept out of SignatureDoesNotMatch, SigV4 over header
bytes as sent, ``Content-Encoding: gzip, aws-chunked`` on a plain body, ListObjectsV2 echoing
StartAfter, SigV2 dates S3 refuses, and keys that are not valid UTF-8 or not XML-safe."""
from __future__ import annotations

import base64
import hashlib
import http.client

import boto3
import pytest
import requests

from signing import error_xml, hex_bytes, send, sign_v2, sign_v4

URL = "https://s3.amazonaws.com"
KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()
KEY_MD5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()


# -- defect 8: the SSE-C key never shown ------------------------------------------------------
@pytest.mark.parametrize("prefix", ["x-amz-server-side-encryption-customer-",
                                    "x-amz-copy-source-server-side-encryption-customer-"])
def test_signature_mismatch_never_shows_the_sse_c_key(emu, bucket, prefix):
    headers = {prefix + "algorithm": "AES256", prefix + "key": KEY_B64,
               prefix + "key-MD5": KEY_MD5}
    if "copy-source" in prefix:
        headers["x-amz-copy-source"] = f"/{bucket}/src"
    signed = sign_v4("PUT", f"{URL}/{bucket}/k", b"data", headers, secret="wrong")
    status, _, body = send(emu, "PUT", f"{URL}/{bucket}/k", signed, b"data")
    assert status == 403
    error = error_xml(body)
    assert error["Code"] == "SignatureDoesNotMatch"
    text = body.decode()
    assert KEY_B64 not in text and hex_bytes(KEY_B64) not in text
    assert f"{prefix}key:REDACTED\n" in error["CanonicalRequest"]
    assert error["CanonicalRequestBytes"] == hex_bytes(error["CanonicalRequest"])
    assert f"{prefix}key-md5:{KEY_MD5}\n" in error["CanonicalRequest"]   # the MD5 is no secret


def test_sigv2_mismatch_never_shows_the_sse_c_key(emu, bucket):
    headers = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
               "x-amz-server-side-encryption-customer-key": KEY_B64,
               "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5}
    signed = sign_v2("PUT", f"{URL}/{bucket}/k", b"data", headers, secret="wrong")
    status, _, body = send(emu, "PUT", f"{URL}/{bucket}/k", signed, b"data")
    assert status == 403
    error = error_xml(body)
    assert error["Code"] == "SignatureDoesNotMatch"
    assert KEY_B64 not in body.decode() and hex_bytes(KEY_B64) not in body.decode()
    assert "x-amz-server-side-encryption-customer-key:REDACTED\n" in error["StringToSign"]
    assert error["StringToSignBytes"] == hex_bytes(error["StringToSign"])


# -- defect 11: SigV4 and SigV2 over header values as sent -----------------------------------
VALUE = "héllo ☃"


def _raw_put(port, path, headers, body):
    """PUT over http.client with header values given as bytes sent as they are."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _utf8_signed(url, body, sign=sign_v4):
    """Headers of a PUT signed over the UTF-8 bytes of a metadata value, that value as bytes."""
    headers = sign("PUT", url, body, {"x-amz-meta-name": VALUE})
    headers.setdefault("Host", url.split("/")[2])
    headers["Content-Length"] = str(len(body))
    headers["x-amz-meta-name"] = VALUE.encode("utf-8")
    return headers


@pytest.mark.parametrize("sign", ["v4", "v2"])
def test_utf8_metadata_signed_over_its_bytes_live(server, sign):
    signer = sign_v4 if sign == "v4" else sign_v2
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint_url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket="served")
    url = f"{server.endpoint_url}/served/k"
    headers = _utf8_signed(url, b"data", signer)
    status, _, body = _raw_put(server.port, "/served/k", headers, b"data")
    assert status == 200, body
    # S3 keeps the bytes it was sent; s3emu answers them as they were sent
    got = requests.head(url.replace("/served/k", "/served/k"), headers=sign_v4("HEAD", url))
    assert got.status_code == 200
    assert got.raw.headers["x-amz-meta-name"].encode("latin-1") == VALUE.encode("utf-8")


def test_utf8_metadata_signed_over_its_bytes_in_process(emu, bucket):
    url = f"{URL}/{bucket}/k"
    status, _, body = send(emu, "PUT", url, _utf8_signed(url, b"data"), b"data")
    assert status == 200, body


def test_metadata_bytes_that_differ_from_the_signed_ones_are_refused(emu, bucket):
    url = f"{URL}/{bucket}/k"
    headers = _utf8_signed(url, b"data")
    headers["x-amz-meta-name"] = VALUE.replace("é", "e").encode("utf-8")
    status, _, body = send(emu, "PUT", url, headers, b"data")
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")


def test_boto3_non_ascii_metadata_in_process(emu, s3, bucket):
    # botocore refuses non-ASCII metadata itself; with its check switched off it signs the UTF-8
    # bytes of the value, which a value outside Latin-1 is handed over as in-process
    from botocore.handlers import validate_ascii_metadata
    s3.meta.events.unregister("before-parameter-build.s3.PutObject", validate_ascii_metadata)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"name": "☃ snow"})
    # answered as the bytes were sent (an HTTP client reads them as Latin-1 text)
    got = s3.head_object(Bucket=bucket, Key="k")["Metadata"]["name"]
    assert got.encode("latin-1") == "☃ snow".encode()


# -- defect 11: SigV2 dates S3 refuses ---------------------------------------------------------
@pytest.mark.parametrize("header, value", [
    ("x-amz-date", ""),                                   # empty: not replaced by Date
    ("x-amz-date", "Tue, 07 Jul 1950 21:53:04 GMT"),      # before 1970
    ("Date", "Tue, 07 Jul 1950 21:53:04 GMT"),
])
def test_sigv2_date_s3_refuses_is_access_denied(emu, bucket, header, value):
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = f"{URL}/{bucket}/k"
    request = AWSRequest(method="PUT", url=url, data=b"data")
    botocore.auth.HmacV1Auth(Credentials("testing", "testing")).add_auth(request)
    headers = dict(request.headers.items())
    headers[header] = value
    if header == "x-amz-date":    # signed as S3 would read it: the Date line empty
        auth = botocore.auth.HmacV1Auth(Credentials("testing", "testing"))
        to_sign = f"PUT\n\n\n\nx-amz-date:{value}\n/{bucket}/k"
        headers["Authorization"] = f"AWS testing:{auth.sign_string(to_sign)}"
    status, _, body = send(emu, "PUT", url, headers, b"data")
    error = error_xml(body)
    assert (status, error["Code"]) == (403, "AccessDenied")
    assert error["Message"] == "AWS authentication requires a valid Date or x-amz-date header"


def test_str_header_values_are_their_latin1_bytes_in_process(emu, bucket):
    # an HTTP client sends a str value as its Latin-1 bytes; botocore signs its UTF-8 bytes, so
    # S3 refuses such a request (the reason botocore refuses non-ASCII metadata): in-process too
    url = f"{URL}/{bucket}/k"
    headers = sign_v4("PUT", url, b"data", {"x-amz-meta-name": "café"})
    status, _, body = send(emu, "PUT", url, headers, b"data")
    assert (status, error_xml(body)["Code"]) == (403, "SignatureDoesNotMatch")
    headers["x-amz-meta-name"] = "café".encode()
    assert send(emu, "PUT", url, headers, b"data")[0] == 200


# -- defect 10: keys that are not UTF-8, and keys XML text cannot hold ------------------------
@pytest.mark.parametrize("path", ["/test-bucket/bad%FFkey", "/test-bucket/%C3",
                                  "/test-bucket/a%ED%A0%80"])     # a surrogate's UTF-8
def test_invalid_utf8_in_the_uri_is_invalid_uri(emu, s3, bucket, path):
    url = f"{URL}{path}"
    headers = sign_v4("PUT", url, b"data")
    status, _, body = send(emu, "PUT", url, headers, b"data")
    error = error_xml(body)
    assert (status, error["Code"]) == (400, "InvalidURI")
    assert error["Message"] == "Couldn't parse the specified URI."
    assert error["URI"] == path
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_invalid_utf8_sent_unescaped_is_invalid_uri_live(server):
    import socket
    from rawhttp import read_head
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"GET /bucket/bad\xffkey HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Connection: close\r\n\r\n")
        head = read_head(sock)
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
    assert head.startswith(b"HTTP/1.1 400"), head
    error = error_xml(rest)
    assert (error["Code"], error["URI"]) == ("InvalidURI", "/bucket/bad%FFkey")
