"""Reading multipart objects through boto3: GetObjectAttributes (each attribute, parts in pages,
checksums, errors), GetObject / HeadObject ``partNumber``, and ranged reads across parts."""
from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client

MIN = 1024
ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


#: Parts of at least MIN bytes (not 5 MiB) are enough in these tests.
pytestmark = pytest.mark.s3emu(min_part_size=MIN)


def crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def attributes(s3, bucket, key="obj", names=ALL, **kw) -> dict:
    found = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=names, **kw)
    found.pop("ResponseMetadata")
    return found


def multipart(s3, bucket, bodies, key="obj", **create) -> str:
    """Upload ``bodies`` as parts 1..N and complete; botocore sends CRC32s unless told not to."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    parts = []
    for n, body in enumerate(bodies, 1):
        got = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=body)
        parts.append({"PartNumber": n, "ETag": got["ETag"],
                      **({"ChecksumCRC32": got["ChecksumCRC32"]} if create else {})})
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    return done["ETag"]


def test_single_put_object(s3, bucket, emu):
    emu.clock.advance(30)
    s3.put_object(Bucket=bucket, Key="obj", Body=b"hello", StorageClass="STANDARD_IA")
    found = attributes(s3, bucket)
    assert found == {
        "LastModified": START + timedelta(seconds=30),
        "ETag": hashlib.md5(b"hello").hexdigest(),                 # without quotes
        "Checksum": {"ChecksumCRC32": crc32(b"hello"), "ChecksumType": "FULL_OBJECT"},
        "StorageClass": "STANDARD_IA", "ObjectSize": 5}            # no ObjectParts


def test_only_the_named_attributes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"hello")
    assert attributes(s3, bucket, names=["ObjectSize"]) == {
        "LastModified": START, "ObjectSize": 5}
    assert attributes(s3, bucket, names=["StorageClass", "ETag"]) == {
        "LastModified": START, "StorageClass": "STANDARD",
        "ETag": hashlib.md5(b"hello").hexdigest()}


def test_multipart_without_checksum_has_parts_count_only(emu, bucket):
    s3 = make_client(request_checksum_calculation="when_required")
    etag = multipart(s3, bucket, [b"a" * MIN, b"b" * MIN, b"c"])
    found = attributes(s3, bucket)
    assert found["ETag"] == etag.strip('"') and found["ObjectSize"] == 2 * MIN + 1
    assert found["ObjectParts"] == {"TotalPartsCount": 3}
    assert "Checksum" not in found


def test_multipart_composite_parts_in_pages(s3, bucket):
    bodies = [bytes([n]) * MIN for n in range(5)] + [b"end"]
    multipart(s3, bucket, bodies, ChecksumAlgorithm="CRC32")
    raws = b"".join(base64.b64decode(crc32(b)) for b in bodies)
    found = attributes(s3, bucket, names=["Checksum", "ObjectParts"], MaxParts=2)
    assert found["Checksum"] == {"ChecksumCRC32": crc32(raws), "ChecksumType": "COMPOSITE"}
    assert found["ObjectParts"] == {
        "TotalPartsCount": 6, "PartNumberMarker": 0, "NextPartNumberMarker": 2, "MaxParts": 2,
        "IsTruncated": True, "Parts": [
            {"PartNumber": 1, "Size": MIN, "ChecksumCRC32": crc32(bodies[0])},
            {"PartNumber": 2, "Size": MIN, "ChecksumCRC32": crc32(bodies[1])}]}
    last = attributes(s3, bucket, names=["ObjectParts"], PartNumberMarker=4)["ObjectParts"]
    assert [p["PartNumber"] for p in last["Parts"]] == [5, 6] and last["IsTruncated"] is False
    assert (last["PartNumberMarker"], last["NextPartNumberMarker"], last["MaxParts"]) == (
        4, 6, 1000)
    head = s3.head_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == crc32(raws) + "-6"           # GET/HEAD keep the suffix


def test_full_object_checksum(s3, bucket):
    bodies = [b"x" * MIN, b"y"]
    multipart(s3, bucket, bodies, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    found = attributes(s3, bucket, names=["Checksum", "ObjectParts"])
    assert found["Checksum"] == {"ChecksumCRC32": crc32(b"".join(bodies)),
                                 "ChecksumType": "FULL_OBJECT"}
    assert [p["ChecksumCRC32"] for p in found["ObjectParts"]["Parts"]] == [
        crc32(b) for b in bodies]


def test_versions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"hello")
    assert attributes(s3, bucket, names=["ObjectSize"], VersionId="null")["ObjectSize"] == 5
    with pytest.raises(ClientError) as exc:
        attributes(s3, bucket, VersionId="0" * 32)
    assert error_of(exc) == (404, "NoSuchVersion")
    with pytest.raises(ClientError) as exc:
        attributes(s3, bucket, VersionId="bad")
    assert error_of(exc) == (400, "InvalidArgument")


def test_errors(emu, s3, bucket):
    with pytest.raises(ClientError) as exc:
        attributes(s3, bucket, key="missing")
    assert error_of(exc) == (404, "NoSuchKey")
    with pytest.raises(ClientError) as exc:
        attributes(s3, "no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
    s3.put_object(Bucket=bucket, Key="obj", Body=b"hello")
    loose = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        attributes(loose, bucket, names=["ETag", "Colour"])
    assert error_of(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["ArgumentValue"] == "Colour"

    def empty(request, **kwargs):
        request.headers.replace_header("x-amz-object-attributes", " , ")
    loose.meta.events.register("before-sign.s3.GetObjectAttributes", empty)
    with pytest.raises(ClientError) as exc:
        attributes(loose, bucket, names=["ETag"])
    assert error_of(exc) == (400, "InvalidRequest")
    assert "either missing or empty" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        attributes(make_client(parameter_validation=False), bucket, names=["ObjectParts"],
                   MaxParts=-1)
    assert error_of(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-max-parts"


# -- GetObject / HeadObject partNumber, ranges ---------------------------------------------------
def error_fields(excinfo) -> dict:
    return {k: v for k, v in excinfo.value.response["Error"].items() if k not in ("Code",
                                                                                   "Message")}


def test_get_and_head_part(s3, bucket):
    A, B, C = b"a" * MIN, b"b" * MIN, b"tail"
    etag = multipart(s3, bucket, [A, B, C])
    size = 2 * MIN + 4
    got = s3.get_object(Bucket=bucket, Key="obj", PartNumber=2)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206 and got["Body"].read() == B
    assert (got["ContentRange"], got["ContentLength"], got["PartsCount"], got["ETag"]) == (
        f"bytes {MIN}-{2 * MIN - 1}/{size}", MIN, 3, etag)
    head = s3.head_object(Bucket=bucket, Key="obj", PartNumber=3)
    assert (head["ContentRange"], head["ContentLength"], head["PartsCount"]) == (
        f"bytes {2 * MIN}-{size - 1}/{size}", 4, 3)
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="obj")
    across = s3.get_object(Bucket=bucket, Key="obj", Range=f"bytes={MIN - 2}-{MIN + 1}")
    assert across["Body"].read() == b"aabb"
    for call, codes in ((s3.get_object, ("InvalidPartNumber", "InvalidRequest")),
                        (s3.head_object, ("416", "400"))):      # HEAD: no body, no code
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Key="obj", PartNumber=4)
        assert error_of(exc) == (416, codes[0])
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Key="obj", PartNumber=1, Range="bytes=0-1")
        assert error_of(exc) == (400, codes[1])
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="obj", PartNumber=4)
    assert exc.value.response["Error"]["Message"] == "The requested partnumber is not satisfiable"
    assert error_fields(exc) == {"PartNumberRequested": "4", "ActualPartCount": "3"}


def test_part_number_of_a_single_put_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="single", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="single", PartNumber=1)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206 and got["Body"].read() == b"0123456789"
    assert got["ContentRange"] == "bytes 0-9/10" and "PartsCount" not in got
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="single", PartNumber=2)
    assert error_of(exc) == (416, "InvalidPartNumber")
    assert error_fields(exc) == {"PartNumberRequested": "2", "ActualPartCount": "1"}


def test_ranged_reads_touch_only_their_range(emu, s3, bucket):
    bodies = [bytes([n]) * MIN for n in range(20)]
    multipart(s3, bucket, bodies)
    blob = emu.store.bucket(bucket).get("obj").blob
    pieces = list(blob.iter_range(5 * MIN + 10, 6 * MIN + 10))
    assert [bytes(p) for p in pieces] == [bodies[5][10:], bodies[6][:10]]
    assert {p.obj for p in pieces} <= {s.obj for s in blob.segments[5:7]}
