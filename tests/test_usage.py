"""``emu.usage()`` and ``GET /_s3emu/usage``: objects and bytes per bucket, storage class and
top-level prefix, noncurrent versions, delete markers, uploads in progress; exact counts for a
scripted workload."""
from __future__ import annotations

import requests

import s3emu
from helpers import make_client


def _workload(s3):
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="logs/a", Body=b"x" * 100)
    s3.put_object(Bucket="data", Key="logs/b", Body=b"x" * 50, StorageClass="STANDARD_IA")
    s3.put_object(Bucket="data", Key="top", Body=b"x" * 7)
    s3.create_bucket(Bucket="versioned")
    s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="versioned", Key="doc", Body=b"x" * 10)
    s3.put_object(Bucket="versioned", Key="doc", Body=b"x" * 20)
    s3.put_object(Bucket="versioned", Key="gone", Body=b"x" * 5)
    s3.delete_object(Bucket="versioned", Key="gone")
    upload = s3.create_multipart_upload(Bucket="versioned", Key="big")["UploadId"]
    s3.upload_part(Bucket="versioned", Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 3)
    s3.upload_part(Bucket="versioned", Key="big", UploadId=upload, PartNumber=2, Body=b"p" * 4)


def test_usage_counts_a_scripted_workload(emu, s3):
    _workload(s3)
    usage = emu.usage()
    data = usage.buckets["data"]
    assert {name: (c.objects, c.bytes) for name, c in data.storage_classes.items()} == {
        "STANDARD": (2, 107), "STANDARD_IA": (1, 50)}
    assert {name: (c.objects, c.bytes) for name, c in data.prefixes.items()} == {
        "logs": (2, 150), "": (1, 7)}
    versioned = usage.buckets["versioned"]
    standard = versioned.storage_classes["STANDARD"]
    assert (standard.objects, standard.bytes, standard.noncurrent_versions,
            standard.noncurrent_bytes) == (1, 20, 2, 15)
    assert versioned.delete_markers == 1 and versioned.prefixes[""].delete_markers == 1
    assert (versioned.uploads_in_progress, versioned.upload_parts,
            versioned.upload_bytes) == (1, 2, 7)
    assert (versioned.objects, versioned.bytes) == (1, 42)
    assert (usage.objects, usage.bytes) == (4, 199)
    assert usage.to_dict()["buckets"]["data"]["storage_classes"]["STANDARD_IA"] == {
        "objects": 1, "bytes": 50, "noncurrent_versions": 0, "noncurrent_bytes": 0,
        "delete_markers": 0}


def test_an_empty_emulator_uses_nothing(emu):
    assert emu.usage().to_dict() == {"objects": 0, "bytes": 0, "buckets": {}}


def test_the_admin_api_reports_usage():
    with s3emu.Server(s3emu.Emulator(auth="off")) as server:
        _workload(make_client(endpoint_url=server.endpoint_url))
        got = requests.get(f"{server.endpoint_url}/_s3emu/usage",
                           headers={"X-S3emu-Admin": "1"}, timeout=10)
        assert got.status_code == 200
        assert got.json() == server.emulator.usage().to_dict()
        assert got.json()["bytes"] == 199
