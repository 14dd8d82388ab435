"""Fault injection: injected S3 errors, virtual latency, connection reset and truncated bodies,
observed through boto3 (in-process and over the live server), with retries in the journal."""
from __future__ import annotations

import time
from datetime import timedelta

import boto3
import botocore.config
import pytest
from botocore.exceptions import (ClientError, ConnectionClosedError, IncompleteReadError,
                                 ResponseStreamingError)

import s3emu
from helpers import error_of, make_client
from s3emu.faults import ConnectionReset, Faults, make_error
from s3emu.intercept import call_app


def once():
    return make_client(retries={"total_max_attempts": 1})


def summary(journal, **match):
    return [(e.operation, e.key, e.status, e.error_code, e.faulted)
            for e in journal.filter(**match)]


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="logs/a.txt", Body=b"0123456789")
    s3.put_object(Bucket=bucket, Key="data/b.txt", Body=b"abc")
    return bucket


# -- injected errors --------------------------------------------------------------------------
def test_error_by_code_is_s3s_error(emu, obj):
    emu.faults.add(operation="GetObject", key="logs/*", error="InternalError")
    with pytest.raises(ClientError) as exc:
        once().get_object(Bucket=obj, Key="logs/a.txt")
    assert error_of(exc) == (500, "InternalError")
    assert exc.value.response["Error"]["Message"] == \
        "We encountered an internal error. Please try again."
    assert once().get_object(Bucket=obj, Key="data/b.txt")["Body"].read() == b"abc"
    entry = emu.journal.filter(operation="GetObject")[0]
    assert (entry.status, entry.error_code, entry.faulted, entry.throttled) == \
        (500, "InternalError", True, False)
    assert emu.journal.filter(operation="GetObject")[1].faulted is False


def test_retries_recover_from_a_fault_that_fires_twice(emu, obj, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail("real sleep"))
    fault = emu.faults.add(operation="GetObject", error="InternalError", times=2)
    s3 = make_client(retries={"mode": "standard", "total_max_attempts": 3})
    response = s3.get_object(Bucket=obj, Key="logs/a.txt")
    assert response["Body"].read() == b"0123456789"
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert summary(emu.journal, operation="GetObject") == [
        ("GetObject", "logs/a.txt", 500, "InternalError", True),
        ("GetObject", "logs/a.txt", 500, "InternalError", True),
        ("GetObject", "logs/a.txt", 200, None, False)]
    assert (fault.seen, fault.fired, fault.remaining) == (2, 2, 0)
    assert emu.faults.list() == []                          # used up: removed


def test_status_alone_picks_s3s_code_for_it(emu, obj):
    emu.faults.add(operation="PutObject", status=503, times=1)
    with pytest.raises(ClientError) as exc:
        once().put_object(Bucket=obj, Key="x", Body=b"1")
    assert error_of(exc) == (503, "SlowDown")
    emu.faults.add(operation="PutObject", status=403, times=1)
    with pytest.raises(ClientError) as exc:
        once().put_object(Bucket=obj, Key="x", Body=b"1")
    assert error_of(exc) == (403, "AccessDenied")
    emu.faults.add(operation="PutObject", status=504, times=1)
    with pytest.raises(ClientError) as exc:
        once().put_object(Bucket=obj, Key="x", Body=b"1")
    assert error_of(exc) == (504, "GatewayTimeout")
    assert emu.journal.count(operation="PutObject", faulted=True) == 3


def test_code_and_status_and_message_together(emu, obj):
    emu.faults.add(operation="GetObject", error="AccessDenied", status=401, message="nope")
    with pytest.raises(ClientError) as exc:
        once().get_object(Bucket=obj, Key="logs/a.txt")
    assert error_of(exc) == (401, "AccessDenied")
    assert exc.value.response["Error"]["Message"] == "nope"


def test_an_unknown_code_is_sent_as_given(emu, obj):
    emu.faults.add(operation="ListObjectsV2", error="Throttling", status=400, times=1)
    with pytest.raises(ClientError) as exc:
        once().list_objects_v2(Bucket=obj)
    assert error_of(exc) == (400, "Throttling")
    emu.faults.add(operation="ListObjectsV2", error="Weird", times=1)
    with pytest.raises(ClientError) as exc:
        once().list_objects_v2(Bucket=obj)
    assert error_of(exc) == (500, "Weird")
    assert "Weird" not in s3emu.S3Error.by_code            # the registry stays clean


def test_error_xml_body_and_head_without_body(emu, obj):
    emu.faults.add(operation="GetObject", error="SlowDown")
    emu.faults.add(operation="HeadObject", error="SlowDown")
    emu.auth = "off"
    got = call_app(emu, "GET", f"https://s3.amazonaws.com/{obj}/logs/a.txt",
                   {"Authorization": "AWS testing:x"}, b"")
    body = got.read()
    assert got.status == 503
    assert b"<Code>SlowDown</Code>" in body
    assert b"<Message>Please reduce your request rate.</Message>" in body
    assert b"<RequestId>" in body
    head = call_app(emu, "HEAD", f"https://s3.amazonaws.com/{obj}/logs/a.txt",
                    {"Authorization": "AWS testing:x"}, b"")
    assert head.status == 503 and head.read() == b""


# -- matching: operation, bucket, key globs, after, times ------------------------------------
def test_matching_by_operation_bucket_and_key_glob(emu, s3, obj):
    s3.create_bucket(Bucket="other-bucket")
    s3.put_object(Bucket="other-bucket", Key="logs/a.txt", Body=b"o")
    emu.faults.add(operation="Get*", bucket=obj, key="logs/*", error="InternalError")
    client = once()
    client.head_object(Bucket=obj, Key="logs/a.txt")                 # HeadObject: no match
    client.get_object(Bucket="other-bucket", Key="logs/a.txt")       # other bucket
    client.get_object(Bucket=obj, Key="data/b.txt")                  # other key
    client.list_objects_v2(Bucket=obj)                               # no key, key given
    with pytest.raises(ClientError):
        client.get_object(Bucket=obj, Key="logs/a.txt")
    with pytest.raises(ClientError):
        client.get_object_tagging(Bucket=obj, Key="logs/a.txt")      # Get* matches it
    assert emu.journal.count(faulted=True) == 2


def test_after_lets_the_first_requests_through(emu, obj):
    fault = emu.faults.add(operation="GetObject", error="InternalError", after=2, times=1)
    client = once()
    client.get_object(Bucket=obj, Key="logs/a.txt")
    client.get_object(Bucket=obj, Key="data/b.txt")
    with pytest.raises(ClientError) as exc:
        client.get_object(Bucket=obj, Key="logs/a.txt")
    assert error_of(exc) == (500, "InternalError")
    client.get_object(Bucket=obj, Key="logs/a.txt")
    assert [e.faulted for e in emu.journal.filter(operation="GetObject")] == \
        [False, False, True, False]
    assert (fault.seen, fault.fired) == (3, 1)


def test_without_times_a_fault_stays_until_removed(emu, obj):
    fault = emu.faults.add(operation="HeadObject", status=500)
    client = once()
    for _ in range(3):
        with pytest.raises(ClientError):
            client.head_object(Bucket=obj, Key="logs/a.txt")
    assert emu.faults.list() == [fault] and fault.remaining is None
    assert emu.faults.remove(fault) is True
    assert emu.faults.remove(fault.id) is False
    client.head_object(Bucket=obj, Key="logs/a.txt")


def test_first_added_fault_wins_and_list_clear_reset(emu, obj):
    first = emu.faults.add(operation="GetObject", error="InternalError", times=1)
    second = emu.faults.add(operation="GetObject", error="SlowDown", times=1)
    assert emu.faults.list() == [first, second] and len(emu.faults) == 2
    client = once()
    codes = []
    for _ in range(2):
        with pytest.raises(ClientError) as exc:
            client.get_object(Bucket=obj, Key="logs/a.txt")
        codes.append(error_of(exc)[1])
    assert codes == ["InternalError", "SlowDown"]
    emu.faults.add(operation="GetObject", status=500)
    emu.faults.clear()
    assert not emu.faults
    emu.faults.add(operation="GetObject", status=500)
    emu.reset()
    assert emu.faults.list() == []


@pytest.mark.s3emu(throttle={"reads": 1})
def test_faults_apply_after_authentication_and_throttling(emu):
    s3 = once()
    s3.create_bucket(Bucket="bkt")
    fault = emu.faults.add(operation="ListObjectsV2", error="InternalError")
    bad = make_client(retries={"total_max_attempts": 1})
    bad._request_signer._credentials = type(bad._request_signer._credentials)(
        "unknown-key", "secret", method="explicit")
    with pytest.raises(ClientError) as exc:
        bad.list_objects_v2(Bucket="bkt")
    assert error_of(exc) == (403, "InvalidAccessKeyId")
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="bkt")
    assert error_of(exc) == (500, "InternalError")
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="bkt")               # throttled first: fault unused
    assert error_of(exc) == (503, "SlowDown")
    assert fault.seen == 1
    last = emu.journal[-1]
    assert (last.throttled, last.faulted) == (True, False)


# -- latency ---------------------------------------------------------------------------------
def test_latency_is_virtual_and_moves_the_clock(emu, s3, bucket, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail("real sleep"))
    emu.faults.add(operation="PutObject", key="slow/*", latency=90, times=1)
    before = emu.clock.now()
    s3.put_object(Bucket=bucket, Key="slow/a", Body=b"x")
    assert emu.clock.now() - before == timedelta(seconds=90)
    entry = emu.journal[-1]
    assert (entry.status, entry.faulted, entry.time) == (200, True, before + timedelta(seconds=90))
    head = s3.head_object(Bucket=bucket, Key="slow/a")
    assert head["LastModified"] == before + timedelta(seconds=90)


def test_latency_then_error(emu, obj):
    emu.faults.add(operation="GetObject", latency=2.5, error="InternalError", times=1)
    before = emu.clock.now()
    with pytest.raises(ClientError) as exc:
        once().get_object(Bucket=obj, Key="logs/a.txt")
    assert error_of(exc) == (500, "InternalError")
    assert emu.clock.now() - before == timedelta(seconds=2.5)


# -- connection faults, in-process -----------------------------------------------------------
def test_truncated_body_in_process(emu, obj):
    emu.faults.add(operation="GetObject", connection="truncate", truncate_at=4, times=1)
    body = once().get_object(Bucket=obj, Key="logs/a.txt")["Body"]
    with pytest.raises(IncompleteReadError):
        body.read()
    entry = emu.journal[-1]
    assert (entry.status, entry.bytes_out, entry.faulted) == (200, 4, True)


def test_reset_in_process_raises_connection_reset(emu, obj):
    emu.faults.add(operation="GetObject", connection="reset", times=1)
    with pytest.raises(ConnectionReset):
        once().get_object(Bucket=obj, Key="logs/a.txt")
    entry = emu.journal[-1]
    assert (entry.operation, entry.status, entry.error_code, entry.faulted) == \
        ("GetObject", 0, None, True)
    assert once().get_object(Bucket=obj, Key="logs/a.txt")["Body"].read() == b"0123456789"


# -- connection faults over the live server ---------------------------------------------------
@pytest.fixture
def live():
    emulator = s3emu.Emulator(auth="off")
    with s3emu.Server(emulator) as srv:
        client = live_client(srv)
        client.create_bucket(Bucket="bkt")
        client.put_object(Bucket="bkt", Key="logs/a.txt", Body=b"0123456789")
        yield srv


def live_client(srv, attempts=1):
    return boto3.client(
        "s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=botocore.config.Config(s3={"addressing_style": "path"}, retries={
            "mode": "standard", "total_max_attempts": attempts}))


def test_live_reset_is_a_closed_connection_for_botocore(live):
    emu = live.emulator
    emu.faults.add(operation="GetObject", connection="reset", times=1)
    with pytest.raises(ConnectionClosedError):
        live_client(live).get_object(Bucket="bkt", Key="logs/a.txt")
    assert live_client(live).get_object(Bucket="bkt", Key="logs/a.txt")["Body"].read() == \
        b"0123456789"                                        # the server still serves


def test_live_reset_is_retried_by_the_standard_mode(live, monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)        # the back-off, without waiting
    emu = live.emulator
    emu.faults.add(operation="GetObject", connection="reset", times=2)
    response = live_client(live, attempts=3).get_object(Bucket="bkt", Key="logs/a.txt")
    assert response["Body"].read() == b"0123456789"
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(e.status, e.faulted) for e in emu.journal.filter(operation="GetObject")] == \
        [(0, True), (0, True), (200, False)]
    assert len(slept) == 2


def test_live_truncated_body(live):
    emu = live.emulator
    emu.faults.add(operation="GetObject", connection="truncate", times=1)
    body = live_client(live).get_object(Bucket="bkt", Key="logs/a.txt")["Body"]
    with pytest.raises((ResponseStreamingError, IncompleteReadError)):
        body.read()
    assert emu.journal[-1].bytes_out == 5                    # half of the body by default
    assert live_client(live).get_object(Bucket="bkt", Key="logs/a.txt")["Body"].read() == \
        b"0123456789"


def test_live_truncated_xml_is_retried(live, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    emu = live.emulator
    emu.faults.add(operation="ListObjectsV2", connection="truncate", times=1)
    response = live_client(live, attempts=2).list_objects_v2(Bucket="bkt")
    assert [o["Key"] for o in response["Contents"]] == ["logs/a.txt"]
    assert [e.faulted for e in emu.journal.filter(operation="ListObjectsV2")] == [True, False]


# -- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({}, "needs an error"),
    ({"connection": "explode"}, "connection must be"),
    ({"connection": "reset", "error": "InternalError"}, "either"),
    ({"truncate_at": 3}, "truncate_at"),
    ({"status": 200}, "status"),
    ({"status": "500"}, "status"),
    ({"error": ""}, "error"),
    ({"latency": -1}, "latency"),
    ({"error": "InternalError", "times": 0}, "times"),
    ({"error": "InternalError", "after": -1}, "after"),
])
def test_bad_faults_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Faults().add(**kwargs)


def test_make_error():
    assert (make_error("NoSuchKey", None).status, make_error(None, 500).code) == \
        (404, "InternalError")
    assert make_error(None, 599).code == "Status599"


@pytest.mark.parametrize("kwargs, kind", [
    ({"operation": 5, "status": 500}, TypeError),
    ({"bucket": ["b"], "status": 500}, TypeError),
    ({"key": b"k", "status": 500}, TypeError),
    ({"latency": 1e308}, ValueError),
    ({"latency": float("nan")}, ValueError),
    ({"latency": "5"}, ValueError),
    ({"latency": -1}, ValueError)])
def test_a_fault_of_the_wrong_type_is_refused_when_added(emu, s3, bucket, kwargs, kind):
    """Refused by add(), not later by every S3 request (a 500 before)."""
    with pytest.raises(kind):
        emu.faults.add(**kwargs)
    assert emu.faults.list() == []
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
