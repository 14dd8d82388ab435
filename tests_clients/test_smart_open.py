"""smart_open against a live s3emu, with no client configuration at all.

smart_open makes its own boto3 client, and botocore reads the endpoint from
``AWS_ENDPOINT_URL_S3``, which the ``s3emu_server`` fixture exports (as the tests export it for
``s3emu serve``): code that opens ``s3://`` URLs runs unchanged. smart_open writes in parts by
default (``multipart_upload=False`` makes one PutObject), reads with ranged GETs when it
seeks, and lists with ``iter_bucket`` (prefix only). It has no bucket, copy or delete calls:
boto3 does those. Being boto3, smart_open is also served in-process by ``mock_s3``.
"""
from __future__ import annotations

import gzip

import boto3
from smart_open import open as s3open
from smart_open.s3 import iter_bucket

import s3emu
from support import PART_SIZE, Endpoint, assert_multipart, bucket_exists


def test_smart_open(endpoint: Endpoint, big: bytes) -> None:
    s3 = boto3.client("s3")                     # endpoint, keys and region from the env
    bucket = endpoint.bucket("smart-open")
    s3.create_bucket(Bucket=bucket)
    url = f"s3://{bucket}"

    with s3open(f"{url}/dir/small.txt", "wb",
                transport_params={"multipart_upload": False}) as out:   # PutObject
        out.write(b"hello from smart_open")
    with s3open(f"{url}/dir/big.bin", "wb",
                transport_params={"min_part_size": PART_SIZE}) as out:  # multipart
        for start in range(0, len(big), 1 << 20):
            out.write(big[start:start + (1 << 20)])
    assert assert_multipart(endpoint, bucket, "dir/big.bin", len(big)) == 5
    with s3open(f"{url}/dir/sub/lines.txt.gz", "w") as out:            # gzip by extension
        out.write("first\nsecond\n")
    assert gzip.decompress(s3.get_object(Bucket=bucket, Key="dir/sub/lines.txt.gz")
                           ["Body"].read()) == b"first\nsecond\n"

    with s3open(f"{url}/dir/big.bin", "rb") as source:
        assert source.read() == big                                     # read back
        source.seek(12345)
        assert source.read(1000) == big[12345:13345]                   # ranged reads
        source.seek(-10, 2)
        assert source.read() == big[-10:]
    with s3open(f"{url}/dir/sub/lines.txt.gz") as source:
        assert source.read() == "first\nsecond\n"

    listed = dict(iter_bucket(bucket, prefix="dir/s", workers=2))       # prefix listing
    assert sorted(listed) == ["dir/small.txt", "dir/sub/lines.txt.gz"]
    assert listed["dir/small.txt"] == b"hello from smart_open"

    with s3open(f"{url}/dir/small.txt", "rb") as source, \
            s3open(f"{url}/copy.txt", "wb") as out:                     # a streamed copy
        out.write(source.read())
    s3.copy_object(Bucket=bucket, Key="copy2.txt", CopySource=f"{bucket}/copy.txt")
    with s3open(f"{url}/copy2.txt", "rb") as source:
        assert source.read() == b"hello from smart_open"

    for key in ["copy.txt", "copy2.txt", "dir/small.txt", "dir/big.bin",
                "dir/sub/lines.txt.gz"]:
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
    assert not bucket_exists(endpoint, bucket)


def test_smart_open_in_process() -> None:
    """smart_open goes through botocore, so ``mock_s3`` serves it without a socket."""
    with s3emu.mock_s3() as emu:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="in-process")
        with s3open("s3://in-process/a.txt", "w") as out:
            out.write("no server")
        with s3open("s3://in-process/a.txt") as source:
            assert source.read() == "no server"
        assert emu.journal.count(operation="CompleteMultipartUpload") == 1
