"""Large request bodies streamed by botocore (aws-chunked in 1 MiB chunks, CRC32 trailer), served
in-process as the list of botocore's framed chunks: S3's checks apply to them as to small ones
(the part's MD5 ETag, the client's CRC32 or BadDigest, the framing, the announced decoded
length or IncompleteBody), and ranges read back across chunk boundaries."""
from __future__ import annotations

import base64
import hashlib
import io
import zlib

import botocore.httpchecksum as httpchecksum
import pytest
from botocore.exceptions import ClientError

from helpers import error_of
from s3emu.intercept import call_app

MiB = 1 << 20
#: several of botocore's 1 MiB chunks, and a partial one
DATA = bytes(range(251)) * ((3 * MiB + 12345) // 251)


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def wrapper(data: bytes) -> httpchecksum.AwsChunkedWrapper:
    return httpchecksum.AwsChunkedWrapper(io.BytesIO(data), httpchecksum.Crc32Checksum,
                                          "x-amz-checksum-crc32")


def raw_put(emu, bucket: str, body, decoded: int):
    emu.auth = "off"
    headers = {"Authorization": "AWS testing:x", "Content-Encoding": "aws-chunked",
               "Transfer-Encoding": "chunked",
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-trailer": "x-amz-checksum-crc32",
               "x-amz-decoded-content-length": str(decoded)}
    return call_app(emu, "PUT", f"https://s3.amazonaws.com/{bucket}/raw", headers, body)


def test_large_part_round_trip_etag_and_ranges(s3, bucket, emu):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    sent = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1,
                          Body=io.BytesIO(DATA))
    assert sent["ETag"] == f'"{hashlib.md5(DATA).hexdigest()}"'
    assert sent["ChecksumCRC32"] == crc32_b64(DATA)
    s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": sent["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == DATA
    for first, last in ((0, 99), (len(DATA) - 300, len(DATA) - 1), (MiB - 5, 2 * MiB + 5),
                        (len(DATA) - MiB - 7, len(DATA) - 2)):
        got = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={first}-{last}")
        assert got["Body"].read() == DATA[first:last + 1]


def test_large_put_object_from_a_stream(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=io.BytesIO(DATA))
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == DATA
    assert got["ETag"] == f'"{hashlib.md5(DATA).hexdigest()}"'
    assert got["ChecksumCRC32"] == crc32_b64(DATA)


def test_large_part_with_a_wrong_crc32_trailer_is_bad_digest(s3, bucket, emu, monkeypatch):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    monkeypatch.setattr(httpchecksum.Crc32Checksum, "digest", lambda self: b"\0\0\0\0")
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1,
                       Body=io.BytesIO(DATA))
    assert error_of(exc) == (400, "BadDigest")
    monkeypatch.undo()
    assert s3.list_parts(Bucket=bucket, Key="big", UploadId=upload_id).get("Parts") is None


@pytest.mark.parametrize("announced", [len(DATA) - 1, len(DATA) + 1, MiB, 4 * len(DATA)])
def test_large_stream_of_another_length_than_announced(emu, bucket, announced):
    response = raw_put(emu, bucket, wrapper(DATA), announced)
    assert response.status == 400
    assert b"<Code>IncompleteBody</Code>" in response.read()
    assert "raw" not in emu.store.bucket(bucket).objects


def test_large_stream_as_announced(emu, bucket, s3):
    response = raw_put(emu, bucket, wrapper(DATA), len(DATA))
    assert response.status == 200, response.read()
    assert s3.get_object(Bucket=bucket, Key="raw")["Body"].read() == DATA


def test_large_stream_with_garbled_framing(emu, bucket):
    class Garbled(httpchecksum.AwsChunkedWrapper):     # one chunk's size is not hex
        def __iter__(self):
            for n, chunk in enumerate(super().__iter__()):
                yield b"zz" + chunk[chunk.index(b"\r\n"):] if n == 2 else chunk

    Garbled.__name__ = "AwsChunkedWrapper"
    body = Garbled(io.BytesIO(DATA), httpchecksum.Crc32Checksum, "x-amz-checksum-crc32")
    response = raw_put(emu, bucket, body, len(DATA))
    assert response.status == 400
    assert b"<Code>InvalidArgument</Code>" in response.read()
