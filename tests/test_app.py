"""The WSGI pipeline: unimplemented operations, unroutable methods, internal errors, journal."""
from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

from helpers import error_of
from s3emu.intercept import call_app
from s3emu.operations import OPERATIONS


def test_unimplemented_operation_is_501_naming_it(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_metadata_table_configuration(Bucket=bucket)
    assert error_of(exc) == (501, "NotImplemented")
    assert "GetBucketMetadataTableConfiguration" in exc.value.response["Error"]["Message"]


def test_unroutable_method_is_405(emu, bucket):
    emu.auth = "off"
    response = call_app(emu, "PATCH", f"https://s3.amazonaws.com/{bucket}/k",
                        {"Authorization": "AWS testing:x"}, b"")
    assert response.status == 405
    body = response.read()
    assert b"<Code>MethodNotAllowed</Code>" in body and b"<Method>PATCH</Method>" in body


def test_unexpected_exception_is_internal_error(s3, bucket, monkeypatch, caplog):
    def broken(call):
        raise RuntimeError("boom")
    monkeypatch.setitem(OPERATIONS, "HeadBucket",
                        dataclasses.replace(OPERATIONS["HeadBucket"], handler=broken))
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket=bucket)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "boom" in caplog.text


def test_internal_error_body(emu, bucket, monkeypatch):
    monkeypatch.setitem(OPERATIONS, "GetObject",
                        dataclasses.replace(OPERATIONS["GetObject"], handler=lambda call: 1 / 0))
    emu.auth = "off"
    response = call_app(emu, "GET", f"https://s3.amazonaws.com/{bucket}/k",
                        {"Authorization": "AWS testing:x"}, b"")
    assert response.status == 500
    assert b"<Code>InternalError</Code>" in response.read()


def test_journal_records_each_request(s3, bucket, emu):
    emu.journal.clear()
    s3.put_object(Bucket=bucket, Key="a/b", Body=b"12345")
    s3.get_object(Bucket=bucket, Key="a/b")["Body"].read()
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="missing")
    ops = [(e.operation, e.key, e.status, e.error_code) for e in emu.journal]
    assert ops == [("PutObject", "a/b", 200, None), ("GetObject", "a/b", 200, None),
                   ("GetObject", "missing", 404, "NoSuchKey")]
    put, get, _ = emu.journal
    assert put.bytes_in == 5 and get.bytes_out == 5
    s3.head_object(Bucket=bucket, Key="a/b")
    s3.list_objects_v2(Bucket=bucket)
    assert emu.journal[-2].bytes_out == 0 and emu.journal[-1].bytes_out > 100
    assert put.access_key == "testing" and put.bucket == bucket
    assert emu.journal.filter(operation="GetObject", status=404)[0].key == "missing"
    assert emu.journal.count(operation="GetObject") == 2
    assert "NoSuchKey" in emu.journal.as_table()
    assert len({e.request_id for e in emu.journal}) == 5


def test_reset_empties_state_and_keeps_config(s3, bucket, emu):
    emu.add_user("extra", "secret")
    emu.reset()
    assert s3.list_buckets()["Buckets"] == []
    assert len(emu.journal) == 1
    assert emu.users.get("extra") is not None


HOST = "bkt.s3.amazonaws.com"


@pytest.mark.parametrize("headers,body,expected", [
    ({}, None, {"host": HOST}),
    ({"Content-Type": "text/plain", "X-Amz-Meta-Some_Name": "v", "x-amz-date": b"20250101"},
     b"abc", {"host": HOST, "content-type": "text/plain", "x-amz-meta-some_name": "v",
              "x-amz-date": "20250101", "content-length": "3"}),
    ({"Content-Length": "3", "Content-MD5": "x", "Host": "other.example"}, b"abc",
     {"host": "other.example", "content-length": "3", "content-md5": "x"}),
    ({"Transfer-Encoding": "chunked", "Content-Type": ""}, [b"a", b"b"],
     {"host": HOST, "transfer-encoding": "chunked"}),
    ([("X-Amz-Meta-A", "1"), ("x-amz-meta-a", "2")], None,
     {"host": HOST, "x-amz-meta-a": "1,2"}),
])
def test_in_process_headers_are_read_by_their_names_as_sent(headers, body, expected):
    from s3emu.intercept import inbound_for
    from s3emu.messages import headers_as_sent, request_headers
    pairs = list(headers.items()) if isinstance(headers, dict) else headers
    inbound = inbound_for("PUT", f"https://{HOST}/k?x=1", pairs, body)
    environ, fields = inbound.environ, inbound.headers
    assert fields == expected
    # as the standalone server reads them (names lower-cased, "_" kept)
    sent = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in pairs]
    assert {k: v for k, v in headers_as_sent(sent).items() if v} == \
        {k: v for k, v in fields.items() if k in {n.lower() for n, _ in pairs}}
    # the WSGI variables agree, but for "_" (which HTTP_* cannot tell from "-")
    assert {k.replace("_", "-"): v for k, v in fields.items()} == request_headers(environ)


def test_headers_as_sent_joins_repeated_names():
    from s3emu.messages import headers_as_sent
    assert headers_as_sent([("X-A", "1"), ("x-a", "2"), ("X-Meta_B", "3")]) == {
        "x-a": "1,2", "x-meta_b": "3"}
