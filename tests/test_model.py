"""Unit tests of model pieces that are not reachable one by one through a client: Blob slicing,
the Clock, ids, XML rendering and parsing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from s3emu import Clock
from s3emu.errors import MalformedXML, S3Error
from s3emu.ids import Ids
from s3emu.model.blob import Blob
from s3emu.protocol import xml


def test_blob_ranges_across_segments():
    blob = Blob([b"abc", b"", bytearray(b"defg"), memoryview(b"hij")])
    assert blob.size == 10 and len(blob.segments) == 3
    assert blob.tobytes() == b"abcdefghij"
    for start in range(11):
        for stop in range(start, 12):
            assert blob.tobytes(start, stop) == b"abcdefghij"[start:stop]
    assert [bytes(v) for v in blob.iter_range(1, 9, chunk=2)] == [b"bc", b"de", b"fg", b"hi"]


def test_blob_concat_and_slice_share_memory():
    first, second = bytearray(b"hello "), bytearray(b"world")
    joined = Blob.concat([Blob([first]), Blob([second])])
    part = joined.slice(3, 8)
    first[4] = ord("O")                        # visible through views: nothing was copied
    assert part.tobytes() == b"lO wo"


def test_clock_frozen_until_moved():
    clock = Clock()
    assert clock.now() == datetime(2025, 1, 1, tzinfo=timezone.utc) == clock.now()
    assert clock.advance(90) == datetime(2025, 1, 1, 0, 1, 30, tzinfo=timezone.utc)
    assert clock.advance(timedelta(hours=1), minutes=1).hour == 1
    clock.set("2030-06-01T12:00:00Z")
    assert clock.now() == datetime(2030, 6, 1, 12, tzinfo=timezone.utc)
    clock.set(datetime(2020, 1, 1))          # naive means UTC
    assert clock.now().tzinfo == timezone.utc
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.sleep(5)
    assert clock.now() == datetime(2020, 1, 1, 0, 0, 5, tzinfo=timezone.utc)


def test_system_clock_ticks_and_can_be_advanced():
    clock = Clock.system()
    first = clock.now()
    assert clock.ticking
    assert clock.advance(3600) - first >= timedelta(hours=1)


def test_ids_are_deterministic():
    a, b = Ids("seed"), Ids("seed")
    assert [a.request_id() for _ in range(3)] == [b.request_id() for _ in range(3)]
    assert Ids("other").request_id() != Ids("seed").request_id()
    rid = a.request_id()
    assert len(rid) == 16 and rid.upper() == rid
    assert Ids.host_id(rid) == Ids.host_id(rid)


def test_request_ids_pair_each_request_id_with_its_host_id():
    a, b = Ids("seed"), Ids("seed")
    pairs = [a.request_ids() for _ in range(200)]        # several batches, growing
    assert pairs == [b.request_ids() for _ in range(200)]
    assert len({rid for rid, _ in pairs}) == 200
    assert all(host == Ids.host_id(rid) for rid, host in pairs)


def test_xml_render_escapes_and_orders():
    out = xml.render("Root", {"B": "<&>", "A": [1, 2], "Skip": None, "Flag": False,
                              "When": datetime(2025, 1, 1, tzinfo=timezone.utc)}).decode()
    assert out.endswith('<Root xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><B>&lt;&amp;&gt;</B>'
                        "<A>1</A><A>2</A><Flag>false</Flag>"
                        "<When>2025-01-01T00:00:00.000Z</When></Root>")


@pytest.mark.parametrize("body", [b"", b"   ", b"<a>", b"<a></b>", b"not xml",
                                  b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
                                  b"<a/><b/>"])
def test_xml_parse_rejects_malformed(body):
    with pytest.raises(MalformedXML):
        xml.parse(body)


def test_xml_parse_checks_root_and_strips_namespaces():
    doc = xml.parse(b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                    b"<Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>",
                    "Delete")
    assert [o["Key"] for o in xml.as_list(doc["Object"])] == ["a", "b"]
    with pytest.raises(MalformedXML):
        xml.parse(b"<Other/>", "Delete")


def test_error_registry():
    assert S3Error.by_code["NoSuchKey"].status == 404
    err = S3Error.by_code["NoSuchBucket"](BucketName="b")
    assert err.fields == {"BucketName": "b"} and err.message.startswith("The specified bucket")


def test_header_names_say_which_kinds_of_header_a_request_carries():
    from s3emu.ops.support.header_names import names_of
    plain = names_of({"host": "h", "content-type": "text/plain", "x-amz-date": "d"})
    assert (plain.metadata, plain.content, plain.acl, plain.sse) == (
        (), ("content-type",), False, False)
    rich = names_of({"x-amz-meta-b": "1", "x-amz-acl": "private", "x-amz-meta-a": "2",
                     "cache-control": "no", "x-amz-server-side-encryption-customer-key": "k"})
    assert rich.metadata == ("x-amz-meta-b", "x-amz-meta-a")
    assert rich.content == ("cache-control",)
    assert rich.acl and rich.sse
    assert names_of({"x-amz-grant-read": "id=1"}).acl
    assert names_of({"x-amz-server-side-encryption-aws-kms-key-id": "k"}).sse
    assert names_of({"host": "h", "content-type": "t", "x-amz-date": "d"}) is plain


def test_bucket_settings_tell_deleted_from_never_set():
    from s3emu.model.settings import DELETED, ENFORCED, WRITER, BucketSettings
    fresh = BucketSettings()
    assert (fresh.object_ownership, fresh.acls_enabled) == (ENFORCED, False)
    assert all(fresh.block_flags.values())
    deleted = fresh.but(ownership=DELETED, public_access_block=DELETED)
    assert (deleted.object_ownership, deleted.acls_enabled) == (WRITER, True)
    assert not any(deleted.block_flags.values())
    assert fresh.default_encryption.algorithm == "AES256" and not fresh.default_encryption.is_kms


def test_a_refused_configure_changes_nothing():
    import threading
    from s3emu.model.bucket import Bucket
    bucket = Bucket("b", "us-east-1", datetime(2025, 1, 1, tzinfo=timezone.utc), "1",
                    threading.RLock())
    before = bucket.settings

    def refuse(settings):
        raise MalformedXML()
    with pytest.raises(MalformedXML):
        bucket.configure(refuse, policy="ignored")
    assert bucket.settings is before
    assert bucket.configure(acl="x").acl == "x" and before.acl is None   # a new value


@pytest.mark.parametrize("start, stop", [(2, 5), (0, 7), (3, 3), (5, 99), (9, 12)])
def test_blob_over_is_the_slice_of_its_bytes_without_a_copy(start, stop):
    data = b"0123456"
    blob = Blob.over(data, start, stop)
    assert (blob.size, b"".join(blob.iter_range())) == (len(data[start:stop]), data[start:stop])
    assert all(segment.obj is data for segment in blob.segments)
