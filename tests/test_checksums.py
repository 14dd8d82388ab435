"""aws-chunked request bodies and flexible checksums (x-amz-checksum-*), through boto3 and raw
in-process requests."""
from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client
from s3emu.intercept import call_app
from s3emu.model.blob import Blob
from s3emu.protocol import chunked, checksums


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def crc32_b64(data: bytes) -> str:
    return b64(zlib.crc32(data).to_bytes(4, "big"))


def test_boto3_default_put_is_aws_chunked_with_crc32(s3, bucket, emu):
    seen = {}
    s3.meta.events.register("before-send.s3.PutObject",
                            lambda request, **kw: seen.update(request.headers))
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello world")
    assert seen["X-Amz-Content-SHA256"] == b"STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"hello world"
    assert got["ChecksumCRC32"] == crc32_b64(b"hello world")
    assert got["ChecksumType"] == "FULL_OBJECT"
    version = emu.store.bucket(bucket).objects["k"]
    assert "ContentEncoding" not in version.content      # aws-chunked is not stored


def test_checksum_not_returned_without_checksum_mode(emu, bucket):
    s3 = make_client(response_checksum_validation="when_required")
    s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
    assert "ChecksumCRC32" not in s3.get_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("algorithm,member,value", [
    ("SHA1", "ChecksumSHA1", b64(hashlib.sha1(b"payload").digest())),
    ("SHA256", "ChecksumSHA256", b64(hashlib.sha256(b"payload").digest())),
    ("CRC32", "ChecksumCRC32", crc32_b64(b"payload")),
    ("CRC32C", "ChecksumCRC32C", checksums.checksum("CRC32C", [memoryview(b"payload")])),
    ("CRC64NVME", "ChecksumCRC64NVME",
     checksums.checksum("CRC64NVME", [memoryview(b"payload")])),
])
def test_explicit_checksum_values(s3, bucket, algorithm, member, value):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"payload", **{member: value})
    assert put[member] == value
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head[member] == value


def test_known_crc_vectors():
    data = [memoryview(b"123456789")]
    assert checksums.checksum("CRC32C", data) == b64((0xE3069283).to_bytes(4, "big"))
    assert checksums.checksum("CRC64NVME", data) == b64((0xAE8B14860A799888).to_bytes(8, "big"))
    assert checksums.checksum("CRC32", [memoryview(b"1234"), memoryview(b"56789")]) == \
        b64((0xCBF43926).to_bytes(4, "big"))


@pytest.mark.parametrize("algorithm", ["SHA1", "SHA256", "CRC32"])
def test_algorithm_requested_by_client(s3, bucket, algorithm):
    s3.put_object(Bucket=bucket, Key="k", Body=b"some bytes", ChecksumAlgorithm=algorithm)
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    expected = checksums.checksum(algorithm, [memoryview(b"some bytes")])
    assert head["Checksum" + algorithm] == expected


def test_wrong_checksum_is_bad_digest(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"new",
                      ChecksumSHA256=b64(hashlib.sha256(b"other").digest()))
    assert error_of(exc) == (400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"


def test_malformed_checksum_is_invalid_request(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ChecksumCRC32="not-a-crc")
    assert error_of(exc) == (400, "InvalidRequest")


# -- raw aws-chunked bodies -------------------------------------------------------------------
def framed(*chunks: bytes, trailers: str = "") -> bytes:
    out = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks)
    return out + b"0\r\n" + trailers.encode() + b"\r\n"


def chunked_put(emu, bucket, body: bytes, decoded: int,
                trailer: str | None = "x-amz-checksum-crc32"):
    emu.auth = "off"
    headers = {"Authorization": "AWS testing:x", "Content-Encoding": "aws-chunked",
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-decoded-content-length": str(decoded),
               "Content-Length": str(len(body))}
    if trailer:
        headers["x-amz-trailer"] = trailer
    return call_app(emu, "PUT", f"https://s3.amazonaws.com/{bucket}/raw", headers, body)


def test_raw_chunked_with_trailer(emu, bucket, s3):
    body = framed(b"hello ", b"world",
                  trailers=f"x-amz-checksum-crc32:{crc32_b64(b'hello world')}\r\n")
    response = chunked_put(emu, bucket, body, 11)
    assert response.status == 200, response.read()
    assert s3.get_object(Bucket=bucket, Key="raw")["Body"].read() == b"hello world"


def test_raw_chunked_bad_trailer_checksum(emu, bucket):
    body = framed(b"hello", trailers=f"x-amz-checksum-crc32:{crc32_b64(b'other')}\r\n")
    response = chunked_put(emu, bucket, body, 5)
    assert response.status == 400
    assert b"<Code>BadDigest</Code>" in response.read()


def test_raw_chunked_truncated(emu, bucket):
    body = framed(b"hello world")[:8]
    response = chunked_put(emu, bucket, body, 11, trailer=None)
    assert response.status == 400
    assert b"<Code>IncompleteBody</Code>" in response.read()
    assert "raw" not in emu.store.bucket(bucket).objects


def test_raw_chunked_garbled_size(emu, bucket):
    response = chunked_put(emu, bucket, b"zz\r\nhello\r\n0\r\n\r\n", 5, trailer=None)
    assert response.status == 400
    assert b"<Code>InvalidArgument</Code>" in response.read()


def test_raw_chunked_decoded_length_mismatch(emu, bucket):
    response = chunked_put(emu, bucket, framed(b"hello"), 9, trailer=None)
    assert response.status == 400
    assert b"<Code>IncompleteBody</Code>" in response.read()


def test_chunk_decoder_small_body_in_pieces():
    raw_bytes = framed(b"abc", b"defg", trailers="x-amz-checksum-crc32:AAAAAA==\r\n")
    raw = Blob([raw_bytes[:5], raw_bytes[5:]])            # a chunk straddles two segments
    decoded = chunked.decode(raw)
    assert decoded.payload.tobytes() == b"abcdefg"
    assert decoded.trailers == {"x-amz-checksum-crc32": "AAAAAA=="}
    assert [sig for sig, _ in decoded.chunks] == [None, None, None]


def test_chunk_decoder_shares_bytes_of_large_bodies():
    first, second = b"a" * 50_000, b"b" * 40_000
    raw_bytes = framed(first, second)
    cut = 30_000                                          # the first chunk straddles segments
    raw = Blob([raw_bytes[:cut], raw_bytes[cut:]])
    decoded = chunked.decode(raw)
    assert decoded.payload.tobytes() == first + second
    assert all(seg.obj in (raw.segments[0].obj, raw.segments[1].obj)
               for seg in decoded.payload.segments)


def test_chunk_signatures_are_collected():
    body = b"5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\n\r\n"
    decoded = chunked.decode(Blob([body]))
    assert [sig for sig, _ in decoded.chunks] == ["abc", "def"]
    assert decoded.payload.tobytes() == b"hello"


@pytest.mark.parametrize("body", [
    framed(b"hello", trailers="x-amz-checksum-crc32:NhCmhg==\r\n"),
    framed(b"hello"),
    framed(b"x" * 70000, trailers="x-amz-checksum-sha256:abc=\r\n"),
])
def test_one_chunk_bodies_decode_in_one_step_as_in_the_general_reader(body):
    quick = chunked.decode_one_chunk(body)
    assert quick is not None
    general = chunked.decode(Blob([body[:3], body[3:]]))      # in pieces: the general reader
    assert quick.payload.tobytes() == general.payload.tobytes()
    assert quick.trailers == general.trailers
    assert [(sig, data.tobytes()) for sig, data in quick.chunks] == \
        [(sig, data.tobytes()) for sig, data in general.chunks]
    assert quick.trailer_signature is general.trailer_signature is None


@pytest.mark.parametrize("body", [
    b"0\r\n\r\n",                                                  # no data chunk
    framed(b"ab", b"cd"),                                          # two data chunks
    b"5;chunk-signature=" + b"a" * 64 + b"\r\nhello\r\n0;chunk-signature=" + b"b" * 64 +
    b"\r\n\r\n",                                                   # signed chunks
    framed(b"hello", trailers="x-amz-trailer-signature:" + "c" * 64 + "\r\n"),  # signed
    framed(b"hello") + b"extra",                                   # something after the end
    framed(b"hello")[:-2],                                         # no closing line
    b"9\r\nhello\r\n0\r\n\r\n",                                    # shorter than it says
])
def test_other_bodies_are_left_to_the_general_reader(body):
    assert chunked.decode_one_chunk(body) is None


# -- Content-Encoding names aws-chunked, the payload hash says the body is plain --------------
@pytest.mark.parametrize("body", [b"", b"\x1f\x8b plain gzip bytes"])
def test_aws_chunked_encoding_with_a_plain_payload_hash_is_stored_as_sent(emu, s3, bucket, body):
    """S3 reads the body as the payload when x-amz-content-sha256 is a plain hash, and stores
    the other encodings (``gzip``) without ``aws-chunked``."""
    s3 = make_client(request_checksum_calculation="when_required")   # a plain payload hash
    def plain(request, **_):
        request.headers["Content-Encoding"] = "gzip, aws-chunked"
    s3.meta.events.register_first("before-sign.s3.PutObject", plain)
    s3.put_object(Bucket=bucket, Key="gz", Body=body)
    head = s3.head_object(Bucket=bucket, Key="gz")
    assert (head["ContentLength"], head["ContentEncoding"]) == (len(body), "gzip")
    assert s3.get_object(Bucket=bucket, Key="gz")["Body"].read() == body
