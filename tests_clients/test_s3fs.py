"""s3fs (fsspec over aiobotocore) against a live s3emu.

Here over HTTP, against a live server (the ``s3emu_server`` fixture or ``s3emu serve``);
``test_aio_inprocess.py`` has the same clients served in-process by ``mock_s3``. The region
comes from ``AWS_DEFAULT_REGION`` (exported by the fixture): s3fs's ``mkdir`` sends the region of
``client_kwargs`` as a LocationConstraint, and S3 refuses ``us-east-1`` there
(InvalidLocationConstraint), so the tests, like users in us-east-1, leave it out.
"""
from __future__ import annotations

import asyncio

import s3fs

from support import PART_SIZE, Endpoint, assert_multipart, bucket_exists


def filesystem(endpoint: Endpoint) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(key=endpoint.access_key, secret=endpoint.secret,
                             endpoint_url=endpoint.url, skip_instance_cache=True)


def test_s3fs(endpoint: Endpoint, big: bytes) -> None:
    fs = filesystem(endpoint)
    bucket = endpoint.bucket("s3fs")
    fs.mkdir(bucket)                                                    # CreateBucket
    assert bucket_exists(endpoint, bucket)

    fs.pipe(f"{bucket}/dir/small.txt", b"hello from aiobotocore")       # PutObject
    with fs.open(f"{bucket}/dir/big.bin", "wb", block_size=PART_SIZE) as out:
        for start in range(0, len(big), 1 << 20):
            out.write(big[start:start + (1 << 20)])
    assert assert_multipart(endpoint, bucket, "dir/big.bin", len(big)) == 5
    fs.pipe(f"{bucket}/dir/sub/deeper.txt", b"x")

    assert fs.ls(f"{bucket}/dir", detail=False) == [                   # prefix + delimiter
        f"{bucket}/dir/big.bin", f"{bucket}/dir/small.txt", f"{bucket}/dir/sub"]
    assert fs.find(bucket) == [f"{bucket}/dir/big.bin", f"{bucket}/dir/small.txt",
                               f"{bucket}/dir/sub/deeper.txt"]

    assert fs.cat(f"{bucket}/dir/big.bin") == big                        # read back
    assert fs.cat_file(f"{bucket}/dir/big.bin", start=12345, end=13345) == big[12345:13345]
    with fs.open(f"{bucket}/dir/big.bin", "rb", block_size=1 << 16) as source:
        source.seek(len(big) - 10)
        assert source.read() == big[-10:]                                # ranged reads

    fs.copy(f"{bucket}/dir/small.txt", f"{bucket}/copy.txt")            # CopyObject
    assert fs.cat(f"{bucket}/copy.txt") == b"hello from aiobotocore"
    fs.rm(f"{bucket}/copy.txt")                                         # DeleteObject
    assert not fs.exists(f"{bucket}/copy.txt")

    fs.rm(bucket, recursive=True)              # DeleteObjects, then DeleteBucket
    assert not bucket_exists(endpoint, bucket)


def test_aiobotocore_directly(endpoint: Endpoint) -> None:
    """The async client itself, as in the README's example."""
    from aiobotocore.session import get_session

    async def roundtrip() -> bytes:
        session = get_session()
        async with session.create_client(
                "s3", endpoint_url=endpoint.url, region_name=endpoint.region,
                aws_access_key_id=endpoint.access_key,
                aws_secret_access_key=endpoint.secret) as client:
            bucket = endpoint.bucket("aiobotocore")
            await client.create_bucket(Bucket=bucket)
            await client.put_object(Bucket=bucket, Key="a b.txt", Body=b"async")
            response = await client.get_object(Bucket=bucket, Key="a b.txt", Range="bytes=1-")
            async with response["Body"] as body:
                data = await body.read()
            await client.delete_object(Bucket=bucket, Key="a b.txt")
            await client.delete_bucket(Bucket=bucket)
            return data

    assert asyncio.run(roundtrip()) == b"sync"
