"""Bad input gets S3's error, never a traceback: random requests against the in-process app
(auth off, so they reach the handlers) never answer 500 InternalError, and always answer
either a success or S3's XML error document."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s3emu
from s3emu.intercept import call_app
from s3emu.protocol.routing import ROUTES

SUBRESOURCES = sorted({name for route in ROUTES for name, _ in route.query} | {"versionId"})
HEADERS = ["content-md5", "x-amz-copy-source", "x-amz-metadata-directive", "range",
           "if-match", "if-none-match", "if-modified-since", "x-amz-checksum-crc32",
           "x-amz-sdk-checksum-algorithm", "x-amz-tagging", "x-amz-acl", "x-amz-storage-class",
           "x-amz-server-side-encryption", "x-amz-object-attributes", "x-amz-decoded-content-length",
           "content-encoding", "x-amz-content-sha256", "x-amz-grant-read", "x-amz-meta-a",
           "x-amz-copy-source-range", "x-amz-server-side-encryption-customer-algorithm",
           "x-amz-server-side-encryption-customer-key", "x-amz-expected-bucket-owner"]
VALUES = st.one_of(st.sampled_from(["", "*", "AES256", "COPY", "REPLACE", "bytes=0-1", "1",
                                    "-1", "aws-chunked", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                    "bucket/key", "/b/k?versionId=x", "public-read", "%ZZ",
                                    "Wed, 01 Jan 2025 00:00:00 GMT", "AAAAAA==", "ETag"]),
                   st.text(string.printable, max_size=40))
BODIES = st.one_of(st.just(b""), st.binary(max_size=200),
                   st.sampled_from([b"<Delete><Object><Key>a</Key></Object></Delete>",
                                    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                                    b"</Part></CompleteMultipartUpload>",
                                    b"<Tagging><TagSet/></Tagging>", b"<a>", b"{}",
                                    b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\n"]))


def _emulator() -> s3emu.Emulator:
    emu = s3emu.Emulator(auth="off", min_part_size=1)
    with s3emu.mock_s3(emulator=emu):
        import boto3
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="key", Body=b"0123456789")
        s3.create_multipart_upload(Bucket="bkt", Key="key")
    return emu


EMU = _emulator()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
       path=st.sampled_from(["/", "/bkt", "/bkt/key", "/bkt/other", "/missing/key", "/bkt/a%20b"]),
       query=st.dictionaries(st.sampled_from(SUBRESOURCES), VALUES, max_size=3),
       headers=st.dictionaries(st.sampled_from(HEADERS), VALUES, max_size=4),
       body=BODIES)
def test_random_requests_never_fail_internally(method, path, query, headers, body):
    from urllib.parse import urlencode
    url = "https://s3.amazonaws.com" + path + ("?" + urlencode(query) if query else "")
    headers = {**headers, "Authorization": "AWS testing:x"}
    response = call_app(EMU, method, url, headers, body)
    payload = response.read()
    assert response.status != 500, payload
    if response.status >= 400 and method != "HEAD":
        assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>')
