"""Multipart uploads through boto3 and s3transfer: create, parts, copies, complete, abort, the
listings, GetObject/HeadObject ``partNumber``, checksums, concurrency and byte sharing."""
from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

import s3emu
from helpers import error_of, make_client
from multipart_helpers import (MIN, MiB, START, A, B, C, b64, complete, crc32, create, fields_of,
                               md5, message_of, multipart_etag, raw, upload)
from s3emu.protocol import checksums

#: Parts of at least MIN bytes (not 5 MiB) are enough in these tests.
pytestmark = pytest.mark.s3emu(min_part_size=MIN)


# -- CreateMultipartUpload ---------------------------------------------------------------------
def test_create_answers_upload_id_and_encryption(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="dir/obj")
    assert created["Bucket"] == bucket and created["Key"] == "dir/obj"
    assert created["UploadId"] and created["ServerSideEncryption"] == "AES256"
    assert "ChecksumAlgorithm" not in created
    assert create(s3, bucket, "dir/obj") != created["UploadId"]


@pytest.mark.parametrize("algorithm, kind, expected", [
    ("CRC32", None, "COMPOSITE"), ("CRC32", "FULL_OBJECT", "FULL_OBJECT"),
    ("CRC32C", None, "COMPOSITE"), ("CRC64NVME", None, "FULL_OBJECT"),
    ("SHA1", None, "COMPOSITE"), ("SHA256", "COMPOSITE", "COMPOSITE")])
def test_create_checksum_algorithm_and_type(s3, bucket, algorithm, kind, expected):
    extra = {"ChecksumType": kind} if kind else {}
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm,
                                         **extra)
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == (algorithm, expected)


@pytest.mark.parametrize("algorithm, kind, message", [
    ("SHA256", "FULL_OBJECT", "The FULL_OBJECT checksum type cannot be used with the sha256 "
                              "checksum algorithm."),
    ("CRC64NVME", "COMPOSITE", "The COMPOSITE checksum type cannot be used with the crc64nvme "
                               "checksum algorithm."),
    (None, "COMPOSITE", "The x-amz-checksum-type header can only be used with the "
                        "x-amz-checksum-algorithm header."),
    ("CRC32", "PARTS", "Value for x-amz-checksum-type header is invalid."),
    ("MD5", None, "Checksum algorithm provided is unsupported. Please try again with any of the "
                  "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")])
def test_create_refuses_checksum_choices(emu, bucket, algorithm, kind, message):
    s3 = make_client(parameter_validation=False)
    extra = {k: v for k, v in (("ChecksumAlgorithm", algorithm), ("ChecksumType", kind)) if v}
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="k", **extra)
    assert error_of(exc) == (400, "InvalidRequest") and message_of(exc) == message
    assert not emu.store.bucket(bucket).uploads


def test_create_errors(emu, s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket="no-such-bucket", Key="k")
    assert error_of(exc) == (404, "NoSuchBucket")
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="k" * 1025)
    assert error_of(exc) == (400, "KeyTooLongError")
    with pytest.raises(ClientError) as exc:
        make_client(parameter_validation=False).create_multipart_upload(
            Bucket=bucket, Key="k", StorageClass="COLD")
    assert error_of(exc) == (400, "InvalidStorageClass")


def test_object_carries_what_create_said(emu, s3, bucket):
    expires = datetime(2030, 1, 2, tzinfo=timezone.utc)
    upload_id = create(s3, bucket, ContentType="text/plain", ContentEncoding="identity",
                       ContentDisposition="inline", ContentLanguage="en", CacheControl="no-cache",
                       Expires=expires, Metadata={"Color": "blue"}, StorageClass="STANDARD_IA",
                       Tagging="a=1&b=2", ServerSideEncryption="AES256")
    emu.clock.advance(3600)
    parts = upload(s3, bucket, "obj", upload_id, A, C)
    emu.clock.advance(60)
    done = complete(s3, bucket, "obj", upload_id, parts)
    assert done["ETag"] == multipart_etag(A, C) and done["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="obj")
    assert got["Body"].read() == A + C
    assert (got["ContentType"], got["ContentEncoding"], got["ContentDisposition"],
            got["ContentLanguage"], got["CacheControl"], got["Expires"]) == (
        "text/plain", "identity", "inline", "en", "no-cache", expires)
    assert got["Metadata"] == {"color": "blue"} and got["StorageClass"] == "STANDARD_IA"
    assert got["TagCount"] == 2 and got["ETag"] == done["ETag"]
    assert got["LastModified"] == START                  # the time the upload was initiated


# -- UploadPart ------------------------------------------------------------------------------------
def test_upload_part_etag_and_replacement(s3, bucket):
    upload_id = create(s3, bucket)
    first = s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=B)
    assert first["ETag"] == f'"{md5(B)}"' and first["ServerSideEncryption"] == "AES256"
    assert first["ChecksumCRC32"] == b64(crc32(B))      # botocore sends CRC32 by default
    again = upload(s3, bucket, "obj", upload_id, A)      # the same number replaces the part
    listed = s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [(1, f'"{md5(A)}"', MIN)]
    complete(s3, bucket, "obj", upload_id, again)
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == A


@pytest.mark.parametrize("number", [0, 10001, -1, "abc", "1.5"])
def test_part_number_range(emu, bucket, number):
    s3 = make_client(parameter_validation=False)
    upload_id = create(s3, bucket)
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    calls = [lambda: s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id,
                                    PartNumber=number, Body=b"x"),
             lambda: s3.upload_part_copy(Bucket=bucket, Key="obj", UploadId=upload_id,
                                         PartNumber=number, CopySource=f"{bucket}/src"),
             lambda: s3.get_object(Bucket=bucket, Key="src", PartNumber=number)]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (400, "InvalidArgument")
        assert message_of(exc) == "Part number must be an integer between 1 and 10000, inclusive"
        assert fields_of(exc) == {"ArgumentName": "partNumber", "ArgumentValue": str(number)}


def test_upload_part_no_such_upload(s3, bucket):
    other = create(s3, bucket, "other")
    aborted = create(s3, bucket)
    s3.abort_multipart_upload(Bucket=bucket, Key="obj", UploadId=aborted)
    completed = create(s3, bucket)
    complete(s3, bucket, "obj", completed, upload(s3, bucket, "obj", completed, C))
    for upload_id in ("nope", other, aborted, completed):
        with pytest.raises(ClientError) as exc:
            s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=b"x")
        assert error_of(exc) == (404, "NoSuchUpload") and fields_of(exc) == {"UploadId": upload_id}
        assert message_of(exc).startswith("The specified upload does not exist.")


def test_upload_part_content_md5(s3, bucket):
    upload_id = create(s3, bucket)
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=A,
                       ContentMD5=b64(hashlib.md5(B).digest()))
    assert error_of(exc) == (400, "BadDigest")
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=A,
                       ContentMD5="not-base64!")
    assert error_of(exc) == (400, "InvalidDigest")
    ok = s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=A,
                        ContentMD5=b64(hashlib.md5(A).digest()))
    assert ok["ETag"] == f'"{md5(A)}"'


def test_upload_part_checksum_rules(emu, s3, bucket):
    upload_id = create(s3, bucket, ChecksumAlgorithm="SHA256")
    sha = b64(hashlib.sha256(A).digest())
    ok = s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1, Body=A,
                        ChecksumSHA256=sha)
    assert ok["ChecksumSHA256"] == sha
    with pytest.raises(ClientError) as exc:                # the wrong value
        s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=2, Body=B,
                       ChecksumSHA256=sha)
    assert error_of(exc) == (400, "BadDigest")
    with pytest.raises(ClientError) as exc:                # another algorithm (botocore's CRC32)
        s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=2, Body=B)
    assert error_of(exc) == (400, "InvalidRequest") and message_of(exc) == (
        "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum "
        "Type: crc32")
    bare = make_client(request_checksum_calculation="when_required")
    with pytest.raises(ClientError) as exc:                # none at all, on a COMPOSITE upload
        bare.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=2, Body=B)
    assert message_of(exc).endswith("expected checksum Type: sha256, actual checksum Type: null")
    full = create(s3, bucket, ChecksumAlgorithm="CRC32C", ChecksumType="FULL_OBJECT")
    computed = bare.upload_part(Bucket=bucket, Key="obj", UploadId=full, PartNumber=1, Body=B)
    assert computed["ChecksumCRC32C"] == checksums.checksum("CRC32C", [memoryview(B)])


# -- UploadPartCopy --------------------------------------------------------------------------------
def test_upload_part_copy_whole_range_and_other_bucket(emu, s3, bucket):
    s3.create_bucket(Bucket="source-bucket")
    source = bytes(range(256)) * 8
    s3.put_object(Bucket="source-bucket", Key="src key", Body=source)
    upload_id = create(s3, bucket, ChecksumAlgorithm="CRC32")
    emu.clock.advance(5)
    whole = s3.upload_part_copy(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1,
                                CopySource={"Bucket": "source-bucket", "Key": "src key"})
    part = whole["CopyPartResult"]
    assert part["ETag"] == f'"{md5(source)}"' and part["LastModified"] == START + timedelta(0, 5)
    assert part["ChecksumCRC32"] == b64(crc32(source))
    assert whole["ServerSideEncryption"] == "AES256" and "CopySourceVersionId" not in whole
    ranged = s3.upload_part_copy(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=2,
                                 CopySource="source-bucket/src key",
                                 CopySourceRange="bytes=10-19")
    assert ranged["CopyPartResult"]["ETag"] == f'"{md5(source[10:20])}"'
    parts = [{"PartNumber": n, "ETag": r["CopyPartResult"]["ETag"],
              "ChecksumCRC32": r["CopyPartResult"]["ChecksumCRC32"]}
             for n, r in ((1, whole), (2, ranged))]
    complete(s3, bucket, "obj", upload_id, parts)
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == source + source[10:20]
    stored = emu.store.bucket(bucket).get("obj").blob.segments
    kept = emu.store.bucket("source-bucket").get("src key").blob.segments[0]
    assert all(seg.obj is kept.obj for seg in stored)      # the copy shares the source's bytes


@pytest.mark.parametrize("value, message", [
    ("bytes=0-", "must be of the form"), ("0-2", "must be of the form"),
    ("bytes=-2", "must be of the form"), ("bytes=0-2,4-5", "must be of the form"),
    ("bytes=0-10", "not valid for source object of size: 10"),
    ("bytes=5-2", "not valid for source object of size: 10")])
def test_upload_part_copy_bad_range(s3, bucket, value, message):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = create(s3, bucket)
    with pytest.raises(ClientError) as exc:
        s3.upload_part_copy(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1,
                            CopySource=f"{bucket}/src", CopySourceRange=value)
    assert error_of(exc) == (400, "InvalidArgument") and message in message_of(exc)
    assert fields_of(exc) == {"ArgumentName": "x-amz-copy-source-range", "ArgumentValue": value}


def test_upload_part_copy_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = create(s3, bucket)

    def copy(source, upload_id=upload_id, **kw):
        with pytest.raises(ClientError) as exc:
            s3.upload_part_copy(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=1,
                                CopySource=source, **kw)
        return error_of(exc), fields_of(exc)

    assert copy(f"{bucket}/missing") == ((404, "NoSuchKey"), {"Key": "missing"})
    assert copy("no-such-bucket/src")[0] == (404, "NoSuchBucket")
    assert copy(f"{bucket}/src", upload_id="nope")[0] == (404, "NoSuchUpload")
    assert copy(f"{bucket}/src?versionId=" + "0" * 32)[0] == (404, "NoSuchVersion")
    assert copy(f"{bucket}/src", CopySourceIfMatch='"abc"') == (
        (412, "PreconditionFailed"), {"Condition": "x-amz-copy-source-If-Match"})
    later = START + timedelta(days=1)
    assert copy(f"{bucket}/src", CopySourceIfModifiedSince=later)[0] == (
        412, "PreconditionFailed")
    assert not s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id).get("Parts")


# -- CompleteMultipartUpload -------------------------------------------------------------------
def test_complete_result_and_location(s3, bucket):
    key = "dir/a key+é.bin"
    upload_id = create(s3, bucket, key)
    parts = upload(s3, bucket, key, upload_id, A, B, C)
    parts[0]["ETag"] = parts[0]["ETag"].strip('"')           # S3 takes ETags without quotes too
    done = complete(s3, bucket, key, upload_id, parts)
    assert done["Location"] == (f"https://{bucket}.s3.amazonaws.com/"
                                "dir%2Fa%20key%2B%C3%A9.bin")
    assert (done["Bucket"], done["Key"], done["ETag"]) == (bucket, key, multipart_etag(A, B, C))
    assert "ChecksumType" not in done and "VersionId" not in done
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == A + B + C and got["ContentLength"] == 2 * MIN + 4
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)
    assert error_of(exc) == (404, "NoSuchUpload")


def test_complete_uses_only_listed_parts(s3, bucket):
    upload_id = create(s3, bucket)
    parts = upload(s3, bucket, "obj", upload_id, A, b"unused", B, C)
    complete(s3, bucket, "obj", upload_id, [parts[0], parts[2], parts[3]])
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == A + B + C


def test_complete_part_errors(s3, bucket):
    upload_id = create(s3, bucket)
    one, two, three = upload(s3, bucket, "obj", upload_id, b"one", A, B)

    def refused(parts):
        with pytest.raises(ClientError) as exc:
            complete(s3, bucket, "obj", upload_id, parts)
        return error_of(exc), fields_of(exc)

    missing = {"PartNumber": 4, "ETag": one["ETag"]}
    assert refused([missing]) == ((400, "InvalidPart"), {
        "UploadId": upload_id, "PartNumber": "4", "ETag": one["ETag"].strip('"')})
    wrong = {"PartNumber": 2, "ETag": f'"{md5(b"nope")}"'}
    assert refused([one, wrong])[1]["PartNumber"] == "2"
    assert refused([{"PartNumber": 10001, "ETag": one["ETag"]}])[0] == (400, "InvalidPart")
    # parts out of order, or named twice; the lowest failing part is reported first
    assert refused([two, one]) == ((400, "InvalidPartOrder"), {"UploadId": upload_id})
    assert refused([two, two]) == ((400, "InvalidPartOrder"), {"UploadId": upload_id})
    assert refused([three, missing, one])[1]["PartNumber"] == "4"
    assert refused([one, two]) == ((400, "EntityTooSmall"), {
        "ProposedSize": "3", "MinSizeAllowed": str(MIN), "PartNumber": "1",
        "ETag": md5(b"one")})
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(Bucket=bucket, Key="obj", UploadId=upload_id,
                                     MultipartUpload={"Parts": [{"PartNumber": 0,
                                                                 "ETag": one["ETag"]}]})
    assert error_of(exc) == (400, "InvalidArgument")
    assert fields_of(exc) == {"ArgumentName": "PartNumber", "ArgumentValue": "0"}
    assert len(s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id)["Parts"]) == 3
    complete(s3, bucket, "obj", upload_id, [two, three])     # still in progress: completes


@pytest.mark.parametrize("document", [
    None, b"", b"<CompleteMultipartUpload/>", b"not xml",
    b"<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>",
    b"<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
    b"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part>"
    b"</CompleteMultipartUpload>"])
def test_complete_malformed_documents(emu, s3, bucket, document):
    upload_id = create(s3, bucket)
    upload(s3, bucket, "obj", upload_id, C)
    status, body, _ = raw(emu, "POST", f"/{bucket}/obj?uploadId={upload_id}", document)
    assert status == 400 and b"<Code>MalformedXML</Code>" in body


def test_complete_empty_part_list_through_boto3(s3, bucket):
    upload_id = create(s3, bucket)
    for extra in ({"MultipartUpload": {"Parts": []}}, {}):
        with pytest.raises(ClientError) as exc:
            s3.complete_multipart_upload(Bucket=bucket, Key="obj", UploadId=upload_id, **extra)
        assert error_of(exc) == (400, "MalformedXML")


def test_default_minimum_part_size_is_5_mib(bucket):
    with s3emu.mock_s3() as emu:
        s3 = make_client()
        s3.create_bucket(Bucket=bucket)
        assert emu.min_part_size == 5 * MiB
        upload_id = create(s3, bucket)
        parts = upload(s3, bucket, "obj", upload_id, b"x" * (5 * MiB - 1), C)
        with pytest.raises(ClientError) as exc:
            complete(s3, bucket, "obj", upload_id, parts)
        assert error_of(exc) == (400, "EntityTooSmall")
        assert message_of(exc) == "Your proposed upload is smaller than the minimum allowed size"
        assert fields_of(exc)["MinSizeAllowed"] == str(5 * MiB)


def test_complete_conditions_and_size(s3, bucket):
    upload_id = create(s3, bucket)
    parts = upload(s3, bucket, "obj", upload_id, C)
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, parts, IfMatch='"abc"')
    assert error_of(exc) == (404, "NoSuchKey")
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, parts, MpuObjectSize=5)
    assert error_of(exc) == (400, "InvalidRequest")
    s3.put_object(Bucket=bucket, Key="obj", Body=b"existing")
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, parts, IfNoneMatch="*")
    assert error_of(exc) == (412, "PreconditionFailed") and fields_of(exc) == {
        "Condition": "If-None-Match"}
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, parts, IfMatch='"abc"')
    assert error_of(exc) == (412, "PreconditionFailed")
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == b"existing"
    done = complete(s3, bucket, "obj", upload_id, parts, IfMatch=f'"{md5(b"existing")}"',
                    MpuObjectSize=4)
    assert done["ETag"] == multipart_etag(C)


def test_complete_retry_answers_the_same(s3, bucket):
    upload_id = create(s3, bucket)
    parts = upload(s3, bucket, "obj", upload_id, A, C)
    first = complete(s3, bucket, "obj", upload_id, parts)
    unquoted = [{**p, "ETag": p["ETag"].strip('"')} for p in parts]
    again = complete(s3, bucket, "obj", upload_id, unquoted, IfNoneMatch="*")
    strip = ("ResponseMetadata",)
    assert {k: v for k, v in again.items() if k not in strip} == \
           {k: v for k, v in first.items() if k not in strip}
    with pytest.raises(ClientError) as exc:                 # another list of parts
        complete(s3, bucket, "obj", upload_id, parts[:1])
    assert error_of(exc) == (404, "NoSuchUpload")
    with pytest.raises(ClientError) as exc:
        s3.abort_multipart_upload(Bucket=bucket, Key="obj", UploadId=upload_id)
    assert error_of(exc) == (404, "NoSuchUpload")
    s3.put_object(Bucket=bucket, Key="obj", Body=b"newer")   # the object is gone: no retry
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, parts)
    assert error_of(exc) == (404, "NoSuchUpload")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads") is None


def test_completed_object_shares_the_parts_bytes(emu, s3, bucket):
    upload_id = create(s3, bucket)
    parts = upload(s3, bucket, "obj", upload_id, A, B, C)
    held = [p.blob for p in emu.store.bucket(bucket).uploads[upload_id].parts.values()]
    complete(s3, bucket, "obj", upload_id, parts)
    stored = emu.store.bucket(bucket).get("obj").blob.segments
    assert [s.obj for s in stored] == [s.obj for blob in held for s in blob.segments]


# -- checksums of the object -----------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_composite_checksum(emu, s3, bucket, algorithm):
    upload_id = create(s3, bucket, ChecksumAlgorithm=algorithm)
    bodies = (A, B, C)
    parts = []
    for n, body in enumerate(bodies, 1):                 # botocore needs awscrt for CRC32C
        value = checksums.checksum(algorithm, [memoryview(body)])
        got = s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=n,
                             Body=body, **{f"Checksum{algorithm}": value})
        parts.append({"PartNumber": n, "ETag": got["ETag"],
                      f"Checksum{algorithm}": got[f"Checksum{algorithm}"]})
    raws = b"".join(checksums.digest(algorithm, [memoryview(b)]) for b in bodies)
    expected = b64(checksums.digest(algorithm, [memoryview(raws)])) + "-3"
    done = complete(s3, bucket, "obj", upload_id, parts)
    assert done[f"Checksum{algorithm}"] == expected and done["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected and head["ChecksumType"] == "COMPOSITE"
    part = s3.head_object(Bucket=bucket, Key="obj", PartNumber=2, ChecksumMode="ENABLED")
    assert part[f"Checksum{algorithm}"] == parts[1][f"Checksum{algorithm}"]


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_checksum(s3, bucket, algorithm):
    upload_id = create(s3, bucket, ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT")
    parts = [upload(s3, bucket, "obj", upload_id, body, first=n, **{
        f"Checksum{algorithm}": checksums.checksum(algorithm, [memoryview(body)])})[0]
        for n, body in enumerate((A, B, C), 1)]
    whole = checksums.checksum(algorithm, [memoryview(A + B + C)])
    header = {f"Checksum{algorithm}": whole, "ChecksumType": "FULL_OBJECT"}
    done = complete(s3, bucket, "obj", upload_id, parts, **header)
    assert done[f"Checksum{algorithm}"] == whole and done["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == whole and got["Body"].read() == A + B + C
    assert s3.get_object(Bucket=bucket, Key="obj", ChecksumMode="ENABLED",
                         PartNumber=2).get(f"Checksum{algorithm}") is None


def test_complete_checksum_errors(s3, bucket):
    upload_id = create(s3, bucket, ChecksumAlgorithm="CRC32")
    bodies = (A, B)
    parts = [dict(p, ChecksumCRC32=b64(crc32(b)))
             for p, b in zip(upload(s3, bucket, "obj", upload_id, *bodies), bodies)]

    def refused(parts, **kw):
        with pytest.raises(ClientError) as exc:
            complete(s3, bucket, "obj", upload_id, parts, **kw)
        return error_of(exc), message_of(exc)

    bare = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
    assert refused(bare) == ((400, "InvalidRequest"), (
        "The upload was created using a crc32 checksum. The complete request must include the "
        "checksum for each part. It was missing for part 1 in the request."))
    swapped = [dict(parts[0], ChecksumCRC32=parts[1]["ChecksumCRC32"]), parts[1]]
    assert refused(swapped)[0] == (400, "InvalidPart")
    other = [dict(bare[0], ChecksumSHA1=b64(hashlib.sha1(A).digest())), parts[1]]
    assert refused(other)[0] == (400, "InvalidPart")
    assert refused([parts[1]])[0] == (400, "InvalidPartOrder")     # numbers must start at 1
    assert refused(parts, ChecksumCRC32="AAAAAA==-2")[0] == (400, "BadDigest")
    assert refused(parts, ChecksumType="FULL_OBJECT") == ((400, "BadDigest"), (
        "The upload was created using the COMPOSITE checksum mode. The complete request must "
        "use the same checksum mode."))
    assert refused(parts, ChecksumSHA256=b64(hashlib.sha256(b"").digest())) == (
        (400, "InvalidRequest"),
        "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum "
        "Type: sha256")
    raws = crc32(A) + crc32(B)
    done = complete(s3, bucket, "obj", upload_id, parts, ChecksumCRC32=b64(crc32(raws)) + "-2",
                    ChecksumType="COMPOSITE")
    assert done["ChecksumCRC32"] == b64(crc32(raws)) + "-2"


# -- concurrency, s3transfer, bytes ----------------------------------------------------------------
def test_parts_from_many_threads(emu, s3, bucket):
    upload_id = create(s3, bucket)
    bodies = {n: bytes([n % 256]) * (MIN + n) for n in range(1, 61)}

    def send(n):
        return {"PartNumber": n, "ETag": s3.upload_part(
            Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=n, Body=bodies[n])["ETag"]}

    with ThreadPoolExecutor(10) as pool:
        parts = list(pool.map(send, sorted(bodies)))
    listed = s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id)["Parts"]
    assert [p["PartNumber"] for p in listed] == sorted(bodies)
    complete(s3, bucket, "obj", upload_id, parts)
    whole = b"".join(bodies[n] for n in sorted(bodies))
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == whole


def test_s3transfer_round_trip(emu, s3, bucket):
    data = bytes(range(256)) * (12 * MiB // 256 + 5)            # 3 parts of 5 MiB
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
                            max_concurrency=10)
    s3.upload_fileobj(io.BytesIO(data), bucket, "big", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big", ChecksumMode="ENABLED")
    assert head["ETag"].endswith('-3"') and head["ChecksumType"] == "COMPOSITE"
    assert head["ContentLength"] == len(data) and head["ChecksumCRC32"].endswith("-3")
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big", out, Config=config)
    assert out.getvalue() == data
    gets = [e for e in emu.journal if e.operation == "GetObject"]
    assert len(gets) == 3 and all(e.status == 206 for e in gets)
    assert sum(e.bytes_out for e in gets) == len(data)        # each range read once
    assert emu.journal.count(operation="UploadPart") == 3
    attributes = s3.get_object_attributes(Bucket=bucket, Key="big",
                                          ObjectAttributes=["ObjectParts"])
    assert [p["Size"] for p in attributes["ObjectParts"]["Parts"]] == [
        5 * MiB, 5 * MiB, len(data) - 10 * MiB]
