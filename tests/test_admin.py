"""The admin API over HTTP on the live server: reset, clock, throttle, faults and journal as
JSON under /_s3emu/, which no bucket can shadow."""
from __future__ import annotations

from email.utils import parsedate_to_datetime

import boto3
import botocore.config
import pytest
import requests
from botocore.exceptions import ClientError

import s3emu
from conftest import error_of
from s3emu.intercept import call_app


@pytest.fixture
def live():
    """A live server over a frozen-clock emulator (auth off: botocore signs with real time)."""
    with s3emu.Server(s3emu.Emulator(auth="off")) as srv:
        yield srv


def client(srv):
    return boto3.client(
        "s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"total_max_attempts": 1}))


def admin(srv, method, path, **kwargs):
    return requests.request(method, f"{srv.endpoint_url}/_s3emu/{path}", timeout=10, **kwargs)


def test_index_lists_the_endpoints(live):
    got = admin(live, "GET", "")
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "application/json"
    assert "POST /_s3emu/clock/advance" in got.json()["endpoints"]


def test_clock_get_set_advance(live):
    assert admin(live, "GET", "clock").json() == \
        {"now": "2025-01-01T00:00:00+00:00", "ticking": False}
    got = admin(live, "POST", "clock/set", json={"now": "2030-06-01T12:00:00Z"})
    assert got.json()["now"] == "2030-06-01T12:00:00+00:00"
    got = admin(live, "POST", "clock/advance", json={"hours": 1, "seconds": 30})
    assert got.json()["now"] == "2030-06-01T13:00:30+00:00"
    assert live.emulator.clock.now().isoformat() == "2030-06-01T13:00:30+00:00"
    s3_reply = requests.get(f"{live.endpoint_url}/no-such-bucket", timeout=10)
    assert parsedate_to_datetime(s3_reply.headers["Date"]).isoformat() == \
        "2030-06-01T13:00:30+00:00"


def test_clock_of_a_default_server_ticks():
    with s3emu.Server() as srv:
        state = admin(srv, "GET", "clock").json()
        assert state["ticking"] is True
        later = admin(srv, "POST", "clock/advance", json={"days": 2}).json()["now"]
        assert later > state["now"]


@pytest.mark.parametrize("path, body", [
    ("clock/set", {}), ("clock/set", {"now": 5}), ("clock/set", {"now": "yesterday"}),
    ("clock/advance", {}), ("clock/advance", {"fortnights": 1}),
    ("clock/advance", {"seconds": "5"}), ("clock/advance", {"seconds": -5}),
])
def test_bad_clock_changes_are_400(live, path, body):
    got = admin(live, "POST", path, json=body)
    assert got.status_code == 400 and got.json()["error"]


def test_throttle_settings_over_http(live):
    assert admin(live, "GET", "throttle").json()["enabled"] is False
    got = admin(live, "POST", "throttle", json={"writes": 2, "prefix": 1})
    assert got.json() == {"enabled": True, "reads": None, "writes": 2, "read_burst": None,
                          "write_burst": 2, "prefix": 1}
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="logs/2024/a", Body=b"1")
    s3.put_object(Bucket="bkt", Key="logs/2025/b", Body=b"1")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="bkt", Key="logs/2026/c", Body=b"1")   # prefix depth 1: logs/
    assert error_of(exc) == (503, "SlowDown")
    assert admin(live, "POST", "throttle", json={"preset": "s3"}).json()["reads"] == 5500
    assert admin(live, "POST", "throttle", json={"enabled": False}).json()["enabled"] is False
    s3.put_object(Bucket="bkt", Key="logs/2026/c", Body=b"1")
    for bad in ({"reads": -1}, {"preset": "turbo"}, {"prefix": "logs/"}, {"speed": 1}):
        got = admin(live, "POST", "throttle", json=bad)
        assert got.status_code == 400, bad


def test_faults_add_list_remove_clear_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="logs/a", Body=b"1")
    got = admin(live, "POST", "faults", json={"operation": "GetObject", "key": "logs/*",
                                              "error": "InternalError", "times": 1})
    assert got.status_code == 201
    fault = got.json()["fault"]
    assert (fault["operation"], fault["key"], fault["remaining"]) == ("GetObject", "logs/*", 1)
    assert [f["id"] for f in admin(live, "GET", "faults").json()["faults"]] == [fault["id"]]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="bkt", Key="logs/a")
    assert error_of(exc) == (500, "InternalError")
    assert admin(live, "GET", "faults").json()["faults"] == []      # used up
    second = admin(live, "POST", "faults", json={"operation": "HeadObject", "status": 503})
    ident = second.json()["fault"]["id"]
    assert admin(live, "DELETE", f"faults/{ident}").json() == {"faults": []}
    assert admin(live, "DELETE", f"faults/{ident}").status_code == 404
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 5})
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 6})
    assert admin(live, "POST", "faults/clear").json() == {"faults": []}
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 5})
    assert admin(live, "DELETE", "faults").json() == {"faults": []}
    s3.head_object(Bucket="bkt", Key="logs/a")


@pytest.mark.parametrize("body", [
    {"operation": "GetObject"}, {"error": "InternalError", "colour": "red"},
    {"connection": "melt"}, {"status": "oops"},
])
def test_bad_faults_are_400(live, body):
    got = admin(live, "POST", "faults", json=body)
    assert got.status_code == 400 and got.json()["error"]


def test_journal_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="a", Body=b"12345")
    with pytest.raises(ClientError):
        s3.get_object(Bucket="bkt", Key="missing")
    everything = admin(live, "GET", "journal").json()
    assert everything["count"] == 3
    put = everything["entries"][1]
    assert {k: put[k] for k in ("operation", "bucket", "key", "access_key", "status",
                                "error_code", "bytes_in", "throttled", "faulted")} == {
        "operation": "PutObject", "bucket": "bkt", "key": "a", "access_key": "testing",
        "status": 200, "error_code": None, "bytes_in": 5, "throttled": False,
        "faulted": False}
    assert put["time"] == "2025-01-01T00:00:00+00:00"
    missing = admin(live, "GET", "journal", params={"status": "404"}).json()
    assert [e["key"] for e in missing["entries"]] == ["missing"]
    assert admin(live, "GET", "journal", params={"operation": "PutObject",
                                                 "faulted": "false"}).json()["count"] == 1
    assert [e["operation"] for e in admin(live, "GET", "journal",
                                          params={"last": "1"}).json()["entries"]] == \
        ["GetObject"]
    assert admin(live, "GET", "journal", params={"colour": "red"}).status_code == 400
    assert admin(live, "GET", "journal", params={"throttled": "maybe"}).status_code == 400
    assert admin(live, "POST", "journal/clear").json() == {"count": 0, "entries": []}
    assert admin(live, "GET", "journal").json()["count"] == 0       # admin calls not journaled


def test_reset_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    admin(live, "POST", "faults", json={"operation": "GetObject", "status": 500})
    admin(live, "POST", "throttle", json={"reads": 100})
    assert admin(live, "POST", "reset").json() == {"reset": True}
    assert s3.list_buckets()["Buckets"] == []
    assert admin(live, "GET", "faults").json()["faults"] == []
    assert admin(live, "GET", "throttle").json()["reads"] == 100      # configuration kept


@pytest.mark.parametrize("method, path, status", [
    ("GET", "nothing-here", 404), ("GET", "clock/rewind", 404), ("GET", "reset", 405),
    ("PUT", "clock", 405), ("POST", "journal", 405), ("GET", "journal/x", 404),
    ("GET", "faults/x", 404),
])
def test_unknown_endpoints_and_wrong_methods(live, method, path, status):
    got = admin(live, method, path)
    assert got.status_code == status and got.json()["error"]


def test_bad_json_is_400(live):
    got = admin(live, "POST", "faults", data=b"{not json", headers={
        "Content-Type": "application/json"})
    assert got.status_code == 400 and "JSON" in got.json()["error"]
    got = admin(live, "POST", "faults", json=[1, 2])
    assert got.status_code == 400 and "object" in got.json()["error"]


def test_the_path_is_reserved_only_without_a_bucket(emu, s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="_s3emu")
    assert error_of(exc) == (400, "InvalidBucketName")
    with pytest.raises(ClientError) as exc:                 # signed: S3's answer, not admin's
        s3.get_object(Bucket="_s3emu", Key="clock")
    assert error_of(exc) == (404, "NoSuchBucket")
    s3.put_object(Bucket=bucket, Key="_s3emu/clock", Body=b"an object")   # path style: a key
    assert s3.get_object(Bucket=bucket, Key="_s3emu/clock")["Body"].read() == b"an object"
    emu.auth = "off"
    virtual = call_app(emu, "GET", f"http://{bucket}.localhost:9000/_s3emu/clock",
                       {"Authorization": "AWS testing:x"}, b"")
    assert virtual.status == 200 and virtual.read() == b"an object"
    plain = call_app(emu, "GET", "http://localhost:9000/_s3emu/clock", {}, b"")
    assert plain.status == 200 and b'"ticking": false' in plain.read()
    lookalike = call_app(emu, "GET", "http://localhost:9000/_s3emulator/x", {}, b"")
    assert lookalike.status != 200 or b"ticking" not in lookalike.read()
