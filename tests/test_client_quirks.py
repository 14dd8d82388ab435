"""What S3 clients other than boto3 send, reproduced without them (the clients themselves run
in ``make test-clients``, see ``tests_clients/``).

- the AWS SDK for C++ (pyarrow) and object_store (polars) upload with
  ``Transfer-Encoding: chunked``, ``Content-Encoding: aws-chunked``,
  ``x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`` and a CRC64NVME trailer, after
  ``Expect: 100-continue``;
- a presigned PUT sent by urllib carries ``Content-Type: application/x-www-form-urlencoded``:
  the body is the object, never form data (SigV4 leaves Content-Type unsigned; SigV2 signs
  it, so there S3 answers SignatureDoesNotMatch, as s3emu does);
- s3fs reads GetBucketVersioning before emptying a bucket.
"""
from __future__ import annotations

import base64
import http.client
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from s3emu.protocol.checksums import checksum
from helpers import error_of, make_client
from rawhttp import read_head


@pytest.fixture
def s3srv(server):
    return make_client(endpoint_url=server.endpoint_url)


def cpp_sdk_headers(url: str, payload: bytes, framed: bytes) -> dict[str, str]:
    """The headers the AWS SDK for C++ sends with a streamed upload, signed as it signs them
    (the payload hash is the STREAMING-UNSIGNED-PAYLOAD-TRAILER token)."""
    headers = {"Content-Encoding": "aws-chunked", "Content-Type": "binary/octet-stream",
               "Expect": "100-continue", "Transfer-Encoding": "chunked",
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-decoded-content-length": str(len(payload)),
               "x-amz-trailer": "x-amz-checksum-crc64nvme"}
    request = AWSRequest(method="PUT", url=url, data=framed, headers=headers)
    SigV4Auth(Credentials("testing", "testing"), "s3", "us-east-1").add_auth(request)
    out = dict(request.headers.items())
    out["Host"] = urlsplit(url).netloc
    return out


def aws_chunked(payload: bytes, trailer: str, size: int = 65536) -> bytes:
    chunks = [payload[i:i + size] for i in range(0, len(payload), size)]
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks)
    return body + b"0\r\n" + trailer.encode() + b"\r\n\r\n"


def http_chunked(data: bytes, size: int = 100_000) -> bytes:
    """``data`` framed with HTTP/1.1 Transfer-Encoding: chunked."""
    pieces = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def cpp_sdk_put(server, key: str, payload: bytes, trailer_value: str) -> tuple[bytes, int, bytes]:
    """PUT ``payload`` the C++ SDK's way; (interim head, final status, final body)."""
    path = f"/quirks/{key}"
    framed = aws_chunked(payload, f"x-amz-checksum-crc64nvme:{trailer_value}")
    headers = cpp_sdk_headers(f"{server.endpoint_url}{path}", payload, framed)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall(f"PUT {path} HTTP/1.1\r\n{head}\r\n".encode())
        interim = read_head(sock)
        sock.sendall(http_chunked(framed))
        response = http.client.HTTPResponse(sock)
        response.begin()
        return interim, response.status, response.read()
    finally:
        sock.close()


def test_cpp_sdk_streamed_upload_with_crc64nvme_trailer(server, s3srv):
    s3srv.create_bucket(Bucket="quirks")
    payload = bytes(range(256)) * 1000
    crc = checksum("CRC64NVME", [memoryview(payload)])
    interim, status, body = cpp_sdk_put(server, "cpp.bin", payload, crc)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert (status, body) == (200, b"")
    got = s3srv.get_object(Bucket="quirks", Key="cpp.bin", ChecksumMode="ENABLED")
    assert got["Body"].read() == payload
    assert got["ChecksumCRC64NVME"] == crc
    assert got["ContentType"] == "binary/octet-stream"
    assert "ContentEncoding" not in got        # aws-chunked is framing, not stored


def test_cpp_sdk_streamed_upload_with_wrong_trailer(server, s3srv):
    s3srv.create_bucket(Bucket="quirks")
    wrong = base64.b64encode(b"\0" * 8).decode()
    interim, status, body = cpp_sdk_put(server, "bad.bin", b"payload", wrong)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    with pytest.raises(ClientError) as exc:
        s3srv.head_object(Bucket="quirks", Key="bad.bin")
    assert error_of(exc) == (404, "404")


def presigned_put(server, version: str) -> str:
    s3 = make_client(endpoint_url=server.endpoint_url, signature_version=version)
    return s3.generate_presigned_url("put_object", Params={"Bucket": "quirks", "Key": "f"})


def test_presigned_put_from_urllib_stores_the_body_as_sent(server, s3srv):
    s3srv.create_bucket(Bucket="quirks")
    url = presigned_put(server, "s3v4")       # SigV4 signs no Content-Type unless asked to
    body = b"name=value&other=1"              # looks like a form; it is the object
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT")) as done:
        assert done.status == 200
    got = s3srv.get_object(Bucket="quirks", Key="f")
    assert got["Body"].read() == body
    assert got["ContentType"] == "application/x-www-form-urlencoded"


def test_presigned_put_sigv2_signs_the_content_type_urllib_adds(server, s3srv):
    s3srv.create_bucket(Bucket="quirks")
    url = presigned_put(server, "s3")         # SigV2: Content-Type is in the StringToSign
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(urllib.request.Request(url, data=b"a=b", method="PUT"))
    body = exc.value.read()
    assert exc.value.code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    assert b"<StringToSign>PUT\n\napplication/x-www-form-urlencoded\n" in body
    request = urllib.request.Request(url, data=b"a=b", method="PUT",
                                     headers={"Content-Type": ""})
    with urllib.request.urlopen(request) as done:   # with the Content-Type it was signed with
        assert done.status == 200
    assert s3srv.get_object(Bucket="quirks", Key="f")["Body"].read() == b"a=b"


def test_bucket_never_versioned(s3, bucket):
    response = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in response and "MFADelete" not in response


def test_bucket_versioning_of_a_missing_bucket(s3, emu):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_versioning(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
