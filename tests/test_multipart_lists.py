"""Multipart listings through boto3: AbortMultipartUpload, ListParts, ListMultipartUploads."""
from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client
from multipart_helpers import (MIN, START, A, b64, complete, crc32, create, fields_of, md5,
                               message_of, raw, upload)

#: Parts of at least MIN bytes (not 5 MiB) are enough in these tests.
pytestmark = pytest.mark.s3emu(min_part_size=MIN)


# -- AbortMultipartUpload, ListParts ---------------------------------------------------------------
def test_abort(s3, bucket):
    upload_id, kept = create(s3, bucket), create(s3, bucket)
    upload(s3, bucket, "obj", upload_id, A)
    aborted = s3.abort_multipart_upload(Bucket=bucket, Key="obj", UploadId=upload_id)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (s3.abort_multipart_upload, s3.list_parts):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Key="obj", UploadId=upload_id)
        assert error_of(exc) == (404, "NoSuchUpload") and fields_of(exc) == {"UploadId": upload_id}
    with pytest.raises(ClientError) as exc:
        complete(s3, bucket, "obj", upload_id, [{"PartNumber": 1, "ETag": md5(A)}])
    assert error_of(exc) == (404, "NoSuchUpload")
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [kept]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="obj")
    assert error_of(exc) == (404, "NoSuchKey")


def test_list_parts_pages(emu, s3, bucket):
    upload_id = create(s3, bucket, StorageClass="ONEZONE_IA", ChecksumAlgorithm="CRC32")
    empty = s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id)
    assert (empty["PartNumberMarker"], empty["NextPartNumberMarker"], empty["MaxParts"],
            empty["IsTruncated"], "Parts" in empty) == (0, 0, 1000, False, False)
    for n in (8, 1, 5, 3, 2):
        emu.clock.advance(1)
        s3.upload_part(Bucket=bucket, Key="obj", UploadId=upload_id, PartNumber=n,
                       Body=b"x" * n)
    listed = s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id, MaxParts=5000)
    assert listed["MaxParts"] == 1000 and listed["StorageClass"] == "ONEZONE_IA"
    assert listed["Initiator"] == listed["Owner"] and listed["Owner"]["ID"]
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == ("CRC32", "COMPOSITE")
    assert [(p["PartNumber"], p["Size"], p["ETag"], p["ChecksumCRC32"]) for p in
            listed["Parts"]] == [(n, n, f'"{md5(b"x" * n)}"', b64(crc32(b"x" * n)))
                                 for n in (1, 2, 3, 5, 8)]
    assert listed["Parts"][0]["LastModified"] == START + timedelta(seconds=2)
    pages = []
    for marker in (0, 2, 5, 8):
        page = s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id, MaxParts=2,
                             PartNumberMarker=marker)
        pages.append(([p["PartNumber"] for p in page.get("Parts", [])],
                      page["NextPartNumberMarker"], page["IsTruncated"]))
    assert pages == [([1, 2], 2, True), ([3, 5], 5, True), ([8], 8, False), ([], 8, False)]
    paginated = s3.get_paginator("list_parts").paginate(
        Bucket=bucket, Key="obj", UploadId=upload_id, PaginationConfig={"PageSize": 2})
    assert [p["PartNumber"] for page in paginated for p in page["Parts"]] == [1, 2, 3, 5, 8]


@pytest.mark.parametrize("name, value", [("MaxParts", -1), ("PartNumberMarker", "x")])
def test_list_parts_bad_parameters(emu, bucket, name, value):
    s3 = make_client(parameter_validation=False)
    upload_id = create(s3, bucket)
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key="obj", UploadId=upload_id, **{name: value})
    query = {"MaxParts": "max-parts", "PartNumberMarker": "part-number-marker"}[name]
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == f"Argument {query} must be an integer between 0 and 2147483647"


# -- ListMultipartUploads --------------------------------------------------------------------------
def test_list_uploads_order_markers_and_prefixes(emu, s3, bucket):
    ids = {}
    for key in ["b", "c d", "a/2", "b", "a/1"]:
        emu.clock.advance(1)
        ids.setdefault(key, []).append(create(s3, bucket, key))
    b1, b2 = ids["b"]
    everything = [ids["a/1"][0], ids["a/2"][0], b1, b2, ids["c d"][0]]

    def listed(**kw):
        page = s3.list_multipart_uploads(Bucket=bucket, **kw)
        return ([u["UploadId"] for u in page.get("Uploads", [])],
                [p["Prefix"] for p in page.get("CommonPrefixes", [])], page)

    uploads, prefixes, page = listed()
    assert uploads == everything and not prefixes and page["IsTruncated"] is False
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("c d", ids["c d"][0])
    first = page["Uploads"][0]
    assert first["Initiated"] == START + timedelta(seconds=5)
    assert first["StorageClass"] == "STANDARD"
    assert first["Owner"] == first["Initiator"] and first["Key"] == "a/1"
    assert listed(Prefix="a/")[:2] == (everything[:2], [])
    assert listed(Delimiter="/")[:2] == ([b1, b2, ids["c d"][0]], ["a/"])
    assert listed(KeyMarker="b")[0] == [ids["c d"][0]]
    assert listed(KeyMarker="b", UploadIdMarker=b1)[0] == [b2, ids["c d"][0]]
    assert listed(UploadIdMarker=b1)[0] == everything       # ignored without a key marker
    uploads, _, page = listed(MaxUploads=3)
    assert uploads == everything[:3] and page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"], page["MaxUploads"]) == ("b", b1, 3)
    uploads, prefixes, page = listed(Delimiter="/", MaxUploads=1)
    assert (uploads, prefixes, page["IsTruncated"], page["NextKeyMarker"]) == (
        [], ["a/"], True, "a/")
    assert listed(Delimiter="/", MaxUploads=1, KeyMarker="a/")[:2] == ([b1], [])
    uploads, _, page = listed(MaxUploads=0)
    assert uploads == [] and page["IsTruncated"] is False
    assert listed(MaxUploads=5000)[2]["MaxUploads"] == 1000
    paginated = s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2})
    assert [u["UploadId"] for page in paginated for u in page.get("Uploads", [])] == everything


def test_list_uploads_url_encoding_and_errors(emu, bucket):
    s3 = make_client(parameter_validation=False)
    upload_id = create(s3, bucket, "c d")
    page = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url", KeyMarker="b *")
    assert (page["Uploads"][0]["Key"], page["KeyMarker"], page["NextKeyMarker"]) == (
        "c+d", "b+*", "c+d")
    status, body, _ = raw(emu, "GET", f"/{bucket}?uploads&encoding-type=url&prefix=c%20")
    assert status == 200 and b"<Key>c+d</Key>" in body and b"<Prefix>c+</Prefix>" in body
    assert upload_id.encode() in body
    for kw, name in (({"MaxUploads": -1}, "max-uploads"), ({"EncodingType": "b64"}, None)):
        with pytest.raises(ClientError) as exc:
            s3.list_multipart_uploads(Bucket=bucket, **kw)
        assert error_of(exc) == (400, "InvalidArgument")
        if name:
            assert fields_of(exc) == {"ArgumentName": name, "ArgumentValue": "-1"}
    with pytest.raises(ClientError) as exc:
        s3.list_multipart_uploads(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
