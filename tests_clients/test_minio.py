"""minio-py against a live s3emu.

minio signs with its own SigV4 code (not botocore's), parses responses with its own XML
reader, and lists with ``encoding-type=url`` by default, decoding Keys and CommonPrefixes
itself; ``use_api_v1=True`` lists with ListObjects (v1).
"""
from __future__ import annotations

import io
import urllib.request
from datetime import timedelta

from minio import Minio
from minio.commonconfig import CopySource
from minio.deleteobjects import DeleteObject

from support import PART_SIZE, Endpoint, assert_multipart

#: Keys that url encoding must carry intact (space, plus, percent, unicode, a tilde).
ODD_KEYS = ["dir/odd/a b+c%d.txt", "dir/odd/ü~é.txt", "dir/odd x/y.txt"]


def client(endpoint: Endpoint) -> Minio:
    return Minio(endpoint.host_port, access_key=endpoint.access_key,
                 secret_key=endpoint.secret, region=endpoint.region, secure=False)


def names(objects) -> list[str]:
    return sorted(item.object_name for item in objects)


def test_minio(endpoint: Endpoint, big: bytes) -> None:
    mc = client(endpoint)
    bucket = endpoint.bucket("minio")
    mc.make_bucket(bucket)                                              # CreateBucket
    assert mc.bucket_exists(bucket)
    assert bucket in [b.name for b in mc.list_buckets()]

    mc.put_object(bucket, "dir/small.txt", io.BytesIO(b"hello from minio"), 16)
    mc.put_object(bucket, "dir/big.bin", io.BytesIO(big), len(big), part_size=PART_SIZE)
    assert assert_multipart(endpoint, bucket, "dir/big.bin", len(big)) == 5
    for key in ODD_KEYS:
        mc.put_object(bucket, key, io.BytesIO(key.encode()), len(key.encode()))

    expected = ["dir/big.bin", "dir/odd x/", "dir/odd/", "dir/small.txt"]
    assert names(mc.list_objects(bucket, prefix="dir/")) == expected   # v2, delimiter "/"
    assert names(mc.list_objects(bucket, prefix="dir/", use_api_v1=True)) == expected
    assert names(mc.list_objects(bucket, prefix="dir/odd", use_api_v1=True)) == [
        "dir/odd x/", "dir/odd/"]                         # CommonPrefixes decoded, v1
    assert names(mc.list_objects(bucket, prefix="dir/odd/", use_api_v1=True)) == sorted(
        key for key in ODD_KEYS if key.startswith("dir/odd/"))      # Keys decoded, v1
    assert names(mc.list_objects(bucket, recursive=True)) == sorted(
        ["dir/big.bin", "dir/small.txt", *ODD_KEYS])

    response = mc.get_object(bucket, "dir/big.bin")                     # read back
    try:
        assert response.read() == big
    finally:
        response.close()
        response.release_conn()
    response = mc.get_object(bucket, "dir/big.bin", offset=12345, length=1000)
    try:
        assert response.read() == big[12345:13345]                    # ranged read
    finally:
        response.close()
        response.release_conn()
    for key in ODD_KEYS:
        response = mc.get_object(bucket, key)
        assert response.read() == key.encode()
        response.close()
        response.release_conn()

    mc.copy_object(bucket, "copy.txt", CopySource(bucket, "dir/small.txt"))  # CopyObject
    assert mc.stat_object(bucket, "copy.txt").size == 16
    mc.remove_object(bucket, "copy.txt")                                # DeleteObject
    assert names(mc.list_objects(bucket, prefix="copy")) == []

    url = mc.presigned_put_object(bucket, "presigned.bin", expires=timedelta(minutes=5))
    body = b"a=1&b=2 is not a form"
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT")) as done:
        assert done.status == 200            # urllib sent application/x-www-form-urlencoded
    stat = mc.stat_object(bucket, "presigned.bin")
    assert stat.content_type == "application/x-www-form-urlencoded"
    response = mc.get_object(bucket, "presigned.bin")
    assert response.read() == body
    response.close()
    response.release_conn()

    everything = [DeleteObject(item.object_name)
                  for item in mc.list_objects(bucket, recursive=True)]
    assert list(mc.remove_objects(bucket, everything)) == []            # DeleteObjects
    mc.remove_bucket(bucket)                                            # DeleteBucket
    assert not mc.bucket_exists(bucket)
