"""The request journal: one entry per request with clock time, S3 operation name, bucket, key,
access key, status, error code, bytes in and out, throttled and faulted; filter, count, clear."""
from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

import s3emu
from conftest import make_client
from s3emu.journal import Entry

FIELDS = ("time", "operation", "bucket", "key", "access_key", "status", "error_code",
          "bytes_in", "bytes_out", "throttled", "faulted")


def test_entries_carry_every_field(emu, s3, bucket):
    start = emu.clock.now()
    emu.journal.clear()
    s3.put_object(Bucket=bucket, Key="dir/a.txt", Body=b"hello world")
    emu.clock.advance(minutes=5)
    assert s3.get_object(Bucket=bucket, Key="dir/a.txt")["Body"].read() == b"hello world"
    put, get = emu.journal
    assert {name: getattr(put, name) for name in FIELDS} == {
        "time": start, "operation": "PutObject", "bucket": bucket, "key": "dir/a.txt",
        "access_key": "testing", "status": 200, "error_code": None, "bytes_in": 11,
        "bytes_out": 0, "throttled": False, "faulted": False}
    assert (get.time, get.operation, get.bytes_in, get.bytes_out) == \
        (start + timedelta(minutes=5), "GetObject", 0, 11)
    assert put.method == "PUT" and put.request_id != get.request_id


def test_errors_are_journaled_with_their_code(emu, s3, bucket):
    emu.journal.clear()
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="missing")
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket="no-such-bucket-here")
    missing, head = emu.journal
    assert (missing.operation, missing.status, missing.error_code, missing.key) == \
        ("GetObject", 404, "NoSuchKey", "missing")
    assert missing.bytes_out > 0                            # the XML error body
    assert (head.operation, head.status, head.error_code, head.bytes_out) == \
        ("HeadBucket", 404, "NoSuchBucket", 0)               # HEAD: no body


def test_filter_returns_entries_in_request_order_and_counts(emu, s3, bucket):
    emu.journal.clear()
    for key in ("b", "a", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    s3.get_object(Bucket=bucket, Key="a")
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="zzz")
    assert [e.key for e in emu.journal.filter(operation="PutObject")] == ["b", "a", "c"]
    assert [e.operation for e in emu.journal.filter(key="a")] == ["PutObject", "GetObject"]
    assert [e.key for e in emu.journal.filter(status=404)] == ["zzz"]
    assert emu.journal.filter(operation="GetObject", status=200)[0].key == "a"
    assert emu.journal.filter(bucket="other") == []
    assert emu.journal.count(operation="PutObject") == 3
    assert emu.journal.count(bucket=bucket) == 5
    assert emu.journal.count() == len(emu.journal) == 5
    assert emu.journal[0].key == "b" and emu.journal[-1].key == "zzz"
    with pytest.raises(TypeError, match="no field 'colour'"):
        emu.journal.filter(colour="red")


def test_throttled_and_faulted_flags():
    with s3emu.mock_s3(throttle={"writes": 2}) as emu:
        s3 = make_client(retries={"total_max_attempts": 1})
        s3.create_bucket(Bucket="bkt")
        emu.faults.add(operation="PutObject", error="InternalError", times=1)
        with pytest.raises(ClientError):
            s3.put_object(Bucket="bkt", Key="k", Body=b"1")   # faulted
        with pytest.raises(ClientError):
            s3.put_object(Bucket="bkt", Key="k", Body=b"1")   # over the budget of 2
        assert [(e.status, e.error_code, e.throttled, e.faulted) for e in emu.journal] == [
            (200, None, False, False), (500, "InternalError", False, True),
            (503, "SlowDown", True, False)]
        assert emu.journal.count(throttled=True) == 1
        assert emu.journal.filter(faulted=True)[0].operation == "PutObject"


def test_clear_and_reset_empty_it_and_as_dict_is_json_ready(emu, s3, bucket):
    s3.list_objects_v2(Bucket=bucket)
    entry = emu.journal[-1]
    data = entry.as_dict()
    assert data["time"] == emu.clock.now().isoformat()
    assert data["operation"] == "ListObjectsV2" and data["throttled"] is False
    assert "ListObjectsV2" in emu.journal.as_table()
    emu.journal.clear()
    assert len(emu.journal) == 0 and list(emu.journal) == []
    s3.list_objects_v2(Bucket=bucket)
    emu.reset()
    assert len(emu.journal) == 0


def test_entries_are_frozen(emu, s3, bucket):
    entry = emu.journal[-1]
    with pytest.raises(AttributeError):
        entry.status = 500  # type: ignore[misc]
    assert isinstance(entry, Entry)


def test_admin_requests_are_not_journaled(emu, s3, bucket):
    import requests
    emu.journal.clear()
    got = requests.get("https://s3.amazonaws.com/_s3emu/clock")
    assert got.status_code == 200 and "now" in got.json()
    assert len(emu.journal) == 0
