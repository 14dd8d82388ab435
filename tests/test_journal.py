"""The request journal: one entry per request with clock time, S3 operation name, bucket, key,
access key, status, error code, bytes in and out, throttled and faulted; filter, count, clear."""
from __future__ import annotations

import threading
from datetime import timedelta

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

import s3emu
from helpers import PLUGIN_ARGS, make_client
from s3emu.journal import DEFAULT_LIMIT, Entry, Journal

pytest_plugins = ["pytester"]

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


def test_entries_carry_the_version_id_a_request_acted_on(emu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    emu.journal.clear()
    made = s3.put_object(Bucket=bucket, Key="v.txt", Body=b"v")["VersionId"]
    s3.get_object(Bucket=bucket, Key="v.txt", VersionId=made)
    marker = s3.delete_object(Bucket=bucket, Key="v.txt")["VersionId"]
    s3.list_objects_v2(Bucket=bucket)
    assert [(e.operation, e.version_id) for e in emu.journal] == [
        ("PutObject", made), ("GetObject", made), ("DeleteObject", marker),
        ("ListObjectsV2", None)]
    assert emu.journal.filter(version_id=made)[0].operation == "PutObject"


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


@pytest.mark.s3emu(throttle={"writes": 2})
def test_throttled_and_faulted_flags(emu):
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


# -- a bounded window with exact counters (issue 15, defect 9) ---------------------------------
def test_the_default_window_is_large_enough_for_a_test():
    assert s3emu.Emulator().journal.limit == DEFAULT_LIMIT == 10_000
    assert s3emu.Emulator(journal_limit=None).journal.limit is None
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(ValueError):
            s3emu.Emulator(journal_limit=bad)


@pytest.mark.s3emu(journal_limit=5)
def test_the_journal_keeps_a_window_and_exact_counters(emu):
    s3 = make_client(retries={"total_max_attempts": 1})
    s3.create_bucket(Bucket="bkt")
    for n in range(10):
        s3.put_object(Bucket="bkt", Key=f"k{n}", Body=b"1")
    with pytest.raises(ClientError):
        s3.get_object(Bucket="bkt", Key="missing")
    assert len(emu.journal) == 5 and len(list(emu.journal)) == 5
    assert [e.key for e in emu.journal] == ["k6", "k7", "k8", "k9", "missing"]
    assert emu.journal[0].key == "k6" and emu.journal[-1].key == "missing"
    assert [e.key for e in emu.journal[-2:]] == ["k9", "missing"]
    with pytest.raises(IndexError):
        emu.journal[5]
    assert (emu.journal.total, emu.journal.dropped) == (12, 7)
    assert emu.journal.count(operation="PutObject") == 4               # the window
    assert emu.journal.tally() == {("CreateBucket", 200): 1, ("PutObject", 200): 10,
                                   ("GetObject", 404): 1}             # everything
    assert emu.journal.since(9) == (0, emu.journal[2:])
    missing, entries = emu.journal.since(2)
    assert missing == 5 and [e.key for e in entries][0] == "k6"
    emu.journal.clear()
    assert (len(emu.journal), emu.journal.total, emu.journal.tally()) == (0, 0, {})


def test_memory_stays_bounded_under_many_threads():
    journal = Journal(limit=100)
    fields = dict(time=None, operation="GetObject", method="GET", bucket="b", key="k",
                  access_key="testing", status=200, error_code=None, bytes_in=0, bytes_out=1)

    def work(thread):
        for n in range(5000):
            journal.record(Entry(**fields, request_id=f"{thread}-{n}"))
            if n % 500 == 0:
                assert len(journal) <= 100 and journal[-1].operation == "GetObject"

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert journal.total == 40_000 and journal.dropped == 39_900 and len(journal) == 100
    assert journal.tally() == {("GetObject", 200): 40_000}
    assert len(journal._entries) <= 100 + max(64, 100 // 8)              # stored, at most
    assert len({e.request_id for e in journal}) == 100


def test_a_live_server_with_a_small_window_still_logs_operations():
    lines = []
    emu = s3emu.Emulator(auth="off", journal_limit=3)
    with s3emu.Server(emu, log=lines.append) as srv:
        s3 = boto3.client("s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="bkt")
        for n in range(6):
            s3.put_object(Bucket="bkt", Key=f"k{n}", Body=b"1")
        got = requests.get(f"{srv.endpoint_url}/_s3emu/journal", timeout=10,
                           headers={"X-S3emu-Admin": "1"}).json()
    assert (got["count"], got["total"], got["dropped"], got["limit"]) == (3, 7, 4, 3)
    assert [e["key"] for e in got["entries"]] == ["k3", "k4", "k5"]
    assert sum(" PutObject 200 " in line for line in lines) == 6       # server log lines


def test_the_failure_report_shows_the_window(pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.s3emu(journal_limit=3)
        def test_fails(s3_client):
            s3_client.create_bucket(Bucket="bkt")
            for n in range(5):
                s3_client.put_object(Bucket="bkt", Key=f"key-{n}", Body=b"1")
            assert False
    """)
    result = pytester.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "... 3 earlier requests not shown" in text
    assert "key-4" in text and "key-2" in text and "key-1" not in text
    result.stdout.fnmatch_lines(["4*PutObject*bkt*key-2*200*", "6*PutObject*bkt*key-4*200*"])


def test_the_journal_limit_option(pytester):
    pytester.makepyfile("""
        def test_limit(s3emu):
            assert s3emu.journal.limit == 7
    """)
    run = pytester.runpytest(*PLUGIN_ARGS, "--s3emu-journal-limit=7")
    run.assert_outcomes(passed=1)
