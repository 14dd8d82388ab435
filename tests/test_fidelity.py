"""Fidelity fixes from issue 15: SSE-C keys kept out of SignatureDoesNotMatch, SigV4 over header
bytes as sent, ``Content-Encoding: gzip, aws-chunked`` on a plain body, ListObjectsV2 echoing
StartAfter, SigV2 dates S3 refuses, and keys that are not valid UTF-8 or not XML-safe."""
from __future__ import annotations

import base64
import hashlib

import pytest

from test_auth_sigv4 import error_xml, hex_bytes, send, sign_v4

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
    from test_auth_sigv2 import sign_v2
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
