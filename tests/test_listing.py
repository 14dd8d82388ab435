"""Object listing: ListObjects (v1) and ListObjectsV2 through boto3 (prefix, delimiter, paging,
max-keys, encoding-type, start-after, fetch-owner, errors, key order), and unit tests of the
page algorithm in s3emu.model.listing (against a naive reference, and its cost in key reads
over 100,000 keys)."""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from typing import Sequence

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings, strategies as st

from helpers import error_of, make_client
from s3emu.auth.users import DEFAULT_ACCOUNT_ID, canonical_id
from s3emu.model.blob import Blob
from s3emu.model.listing import list_page, successor
from s3emu.model.objects import ObjectVersion
from s3emu.ops.listing import decode_token, encode_token, url_encode

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
TREE = ["a.txt", "photos/2006/jan/1.jpg", "photos/2006/feb/2.jpg", "photos/2007/3.jpg",
        "photos/index.html", "photos/", "videos/x.mp4", "zeta", "photosynthesis.doc"]


def fill(emu, bucket: str, keys, **fields) -> None:
    """Store ``keys`` straight into the model (fast set-up for large listings)."""
    target = emu.store.bucket(bucket)
    blob = Blob([b"x"])
    for key in keys:
        target.put(ObjectVersion(key=key, blob=blob, etag='"9dd4e461268c8034f5c8564e155c67a6"',
                                 last_modified=emu.clock.now(), owner=DEFAULT_ACCOUNT_ID,
                                 **fields))


def keys_of(response) -> list[str]:
    return [item["Key"] for item in response.get("Contents", [])]


def prefixes_of(response) -> list[str]:
    return [item["Prefix"] for item in response.get("CommonPrefixes", [])]


def raw_body(s3, op: str) -> dict:
    """Register a hook that keeps the raw XML body of each ``op`` response."""
    seen: dict = {}

    def keep(http_response, **kwargs):
        seen["body"] = http_response.content
    s3.meta.events.register(f"after-call.s3.{op}", keep)
    return seen


def children(body: bytes) -> list[tuple[str, str | None]]:
    root = ET.fromstring(body)
    assert root.tag == NS + "ListBucketResult"
    return [(child.tag[len(NS):], child.text) for child in root]


# -- XML shape ------------------------------------------------------------------------------------

def test_v1_xml_element_order_and_owner(s3, bucket):
    s3.put_object(Bucket=bucket, Key="dir/a", Body=b"abc")
    s3.put_object(Bucket=bucket, Key="top", Body=b"abcd")
    seen = raw_body(s3, "ListObjects")
    s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=1, Marker="a")
    assert [tag for tag, _ in children(seen["body"])] == [
        "Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "EncodingType",
        "IsTruncated", "CommonPrefixes"]
    s3.list_objects(Bucket=bucket, Prefix="t", EncodingType="url")
    root = ET.fromstring(seen["body"])
    assert [(t, v) for t, v in children(seen["body"]) if t != "Contents"] == [
        ("Name", bucket), ("Prefix", "t"), ("Marker", None), ("MaxKeys", "1000"),
        ("EncodingType", "url"), ("IsTruncated", "false")]
    contents = root.find(NS + "Contents")
    assert [c.tag[len(NS):] for c in contents] == [
        "Key", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "Owner",
        "StorageClass"]
    assert contents.find(NS + "LastModified").text == "2025-01-01T00:00:00.000Z"
    assert contents.find(NS + "Size").text == "4"
    owner = contents.find(NS + "Owner")
    assert [(c.tag[len(NS):], c.text) for c in owner] == [
        ("ID", canonical_id(DEFAULT_ACCOUNT_ID)), ("DisplayName", "s3emu")]


def test_v2_xml_element_order(s3, bucket):
    s3.put_object(Bucket=bucket, Key="dir/a", Body=b"abc")
    s3.put_object(Bucket=bucket, Key="top", Body=b"abc")
    seen = raw_body(s3, "ListObjectsV2")
    first = s3.list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=1, StartAfter="a")
    assert [tag for tag, _ in children(seen["body"])] == [
        "Name", "Prefix", "StartAfter", "NextContinuationToken", "KeyCount", "MaxKeys",
        "Delimiter", "EncodingType", "IsTruncated", "CommonPrefixes"]
    s3.list_objects_v2(Bucket=bucket, Delimiter="/", ContinuationToken=first[
        "NextContinuationToken"], StartAfter="a")
    assert [tag for tag, _ in children(seen["body"])] == [
        "Name", "Prefix", "StartAfter", "ContinuationToken", "KeyCount", "MaxKeys",
        "Delimiter", "EncodingType", "IsTruncated", "Contents"]
    s3.list_objects_v2(Bucket=bucket)
    contents = ET.fromstring(seen["body"]).find(NS + "Contents")
    assert [c.tag[len(NS):] for c in contents] == [
        "Key", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size",
        "StorageClass"]


def test_empty_bucket(s3, bucket):
    v1 = s3.list_objects(Bucket=bucket)
    assert (v1["Name"], v1["Prefix"], v1["Marker"], v1["MaxKeys"], v1["IsTruncated"]) == \
        (bucket, "", "", 1000, False)
    assert "Contents" not in v1 and "CommonPrefixes" not in v1 and "NextMarker" not in v1
    v2 = s3.list_objects_v2(Bucket=bucket)
    assert (v2["KeyCount"], v2["MaxKeys"], v2["IsTruncated"], v2["Prefix"]) == \
        (0, 1000, False, "")
    assert "NextContinuationToken" not in v2 and "StartAfter" not in v2


def test_contents_fields(s3, bucket, emu):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"hello", StorageClass="STANDARD_IA")
    plain = make_client(request_checksum_calculation="when_required")
    plain.put_object(Bucket=bucket, Key="plain", Body=b"hi")
    listed = {c["Key"]: c for c in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    item = listed["k"]
    assert item["ETag"] == put["ETag"] and item["Size"] == 5
    assert item["StorageClass"] == "STANDARD_IA"
    assert item["ChecksumAlgorithm"] == ["CRC32"] and item["ChecksumType"] == "FULL_OBJECT"
    assert item["LastModified"] == emu.clock.now()
    assert "ChecksumAlgorithm" not in listed["plain"] and "ChecksumType" not in listed["plain"]


# -- prefix and delimiter --------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, delimiter, keys, prefixes", [
    ("", None, sorted(TREE), []),
    ("", "/", ["a.txt", "photosynthesis.doc", "zeta"], ["photos/", "videos/"]),
    ("photos", None, sorted(k for k in TREE if k.startswith("photos")), []),
    ("photos", "/", ["photosynthesis.doc"], ["photos/"]),
    ("photos/", "/", ["photos/", "photos/index.html"], ["photos/2006/", "photos/2007/"]),
    ("photos/2006/", "/", [], ["photos/2006/feb/", "photos/2006/jan/"]),
    ("photos/2006/jan/", "/", ["photos/2006/jan/1.jpg"], []),
    ("", "2006/", sorted(k for k in TREE if "2006/" not in k), ["photos/2006/"]),
    ("", "o", ["a.txt", "zeta"], ["pho", "video"]),
    ("nothing", "/", [], []),
    ("", "", sorted(TREE), []),
])
def test_prefix_and_delimiter(s3, bucket, emu, prefix, delimiter, keys, prefixes):
    fill(emu, bucket, TREE)
    params = {"Bucket": bucket, "Prefix": prefix}
    if delimiter is not None:
        params["Delimiter"] = delimiter
    for response in (s3.list_objects(**params), s3.list_objects_v2(**params)):
        assert keys_of(response) == keys
        assert prefixes_of(response) == prefixes
        assert response["Prefix"] == prefix
        assert response.get("Delimiter") == (delimiter or None)
        assert response["IsTruncated"] is False
    assert response["KeyCount"] == len(keys) + len(prefixes)


def test_key_count_counts_keys_and_prefixes(s3, bucket, emu):
    fill(emu, bucket, TREE)
    response = s3.list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=4)
    assert keys_of(response) == ["a.txt", "photosynthesis.doc"]
    assert prefixes_of(response) == ["photos/", "videos/"]
    assert response["KeyCount"] == 4 and response["IsTruncated"] is True
    full = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert full["KeyCount"] == 5


# -- paging ----------------------------------------------------------------------------------------

MANY = [f"k{n:04d}" for n in range(250)]
DIRS = [f"d{n:02d}/{m}" for n in range(40) for m in range(3)] + [f"f{n:02d}" for n in range(30)]


def test_v1_manual_paging_without_delimiter(s3, bucket, emu):
    fill(emu, bucket, MANY)
    got, marker, pages = [], "", 0
    while True:
        response = s3.list_objects(Bucket=bucket, Marker=marker, MaxKeys=7)
        pages += 1
        assert "NextMarker" not in response            # only given with a delimiter
        assert response["Marker"] == marker
        got += keys_of(response)
        if not response["IsTruncated"]:
            break
        marker = keys_of(response)[-1]
    assert got == MANY and pages == 36


def test_v1_paging_with_delimiter_returns_each_prefix_once(s3, bucket, emu):
    fill(emu, bucket, DIRS)
    keys, prefixes, marker = [], [], ""
    while True:
        response = s3.list_objects(Bucket=bucket, Delimiter="/", Marker=marker, MaxKeys=3)
        keys += keys_of(response)
        prefixes += prefixes_of(response)
        if not response["IsTruncated"]:
            assert "NextMarker" not in response
            break
        last = max(keys_of(response) + prefixes_of(response))
        assert response["NextMarker"] == last
        marker = response["NextMarker"]
    assert prefixes == [f"d{n:02d}/" for n in range(40)]
    assert keys == [f"f{n:02d}" for n in range(30)]


def test_v2_manual_paging_token_is_opaque(s3, bucket, emu):
    fill(emu, bucket, MANY)
    got, token, tokens = [], None, []
    while True:
        params = {"Bucket": bucket, "MaxKeys": 50}
        if token:
            params["ContinuationToken"] = token
        response = s3.list_objects_v2(**params)
        assert response.get("ContinuationToken") == token
        assert response["KeyCount"] == len(keys_of(response))
        got += keys_of(response)
        if not response["IsTruncated"]:
            assert "NextContinuationToken" not in response
            break
        token = response["NextContinuationToken"]
        assert token not in MANY and keys_of(response)[-1] not in token
        tokens.append(token)
    assert got == MANY and len(tokens) == 4


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
@pytest.mark.parametrize("delimiter", [None, "/"])
def test_paginators(s3, bucket, emu, op, delimiter):
    fill(emu, bucket, DIRS)
    params = {"Bucket": bucket, "PaginationConfig": {"PageSize": 7}}
    if delimiter:
        params["Delimiter"] = delimiter
    pages = list(s3.get_paginator(op).paginate(**params))
    keys = [k for page in pages for k in keys_of(page)]
    prefixes = [p for page in pages for p in prefixes_of(page)]
    if delimiter:
        assert prefixes == [f"d{n:02d}/" for n in range(40)]
        assert keys == [f"f{n:02d}" for n in range(30)]
        assert len(pages) == 10
    else:
        assert keys == sorted(DIRS) and prefixes == []
        assert len(pages) == 22
    assert all(page["IsTruncated"] for page in pages[:-1]) and not pages[-1]["IsTruncated"]


def test_paginator_over_more_than_1000_keys(s3, bucket, emu):
    keys = [f"obj/{n:05d}" for n in range(2500)]
    fill(emu, bucket, keys)
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))
    assert [len(page["Contents"]) for page in pages] == [1000, 1000, 500]
    assert [k for page in pages for k in keys_of(page)] == keys
    v1 = list(s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix="obj/"))
    assert [k for page in v1 for k in keys_of(page)] == keys


# -- max-keys --------------------------------------------------------------------------------------

def test_max_keys_zero(s3, bucket, emu):
    fill(emu, bucket, TREE)
    for response in (s3.list_objects(Bucket=bucket, MaxKeys=0),
                     s3.list_objects_v2(Bucket=bucket, MaxKeys=0, Delimiter="/")):
        assert response["MaxKeys"] == 0 and response["IsTruncated"] is False
        assert "Contents" not in response and "CommonPrefixes" not in response
    assert response["KeyCount"] == 0 and "NextContinuationToken" not in response


def test_max_keys_above_1000_is_capped(s3, bucket, emu):
    fill(emu, bucket, [f"{n:05d}" for n in range(1200)])
    for response in (s3.list_objects(Bucket=bucket, MaxKeys=5000),
                     s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)):
        assert len(response["Contents"]) == 1000 and response["IsTruncated"] is True
        assert response["MaxKeys"] == 5000
    assert response["KeyCount"] == 1000
    rest = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000,
                              ContinuationToken=response["NextContinuationToken"])
    assert len(rest["Contents"]) == 200 and rest["IsTruncated"] is False


def test_max_keys_exact_fit_is_not_truncated(s3, bucket, emu):
    fill(emu, bucket, MANY[:10])
    response = s3.list_objects_v2(Bucket=bucket, MaxKeys=10)
    assert response["KeyCount"] == 10 and response["IsTruncated"] is False


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
@pytest.mark.parametrize("value, message, name", [
    (-1, "Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys"),
    ("abc", "Provided max-keys not an integer or within integer range", "max-keys"),
    ("1.5", "Provided max-keys not an integer or within integer range", "max-keys"),
    ("2147483648", "Provided max-keys not an integer or within integer range", "max-keys"),
])
def test_bad_max_keys(emu, op, value, message, name):
    s3 = make_client(parameter_validation=False)
    s3.create_bucket(Bucket="listed")
    with pytest.raises(ClientError) as exc:
        getattr(s3, op)(Bucket="listed", MaxKeys=value)
    assert error_of(exc) == (400, "InvalidArgument")
    error = exc.value.response["Error"]
    assert (error["Message"], error["ArgumentName"], error["ArgumentValue"]) == \
        (message, name, str(value))


# -- encoding-type ---------------------------------------------------------------------------------

ODD = ["a b/c d", "a+b/x", "100%/y", "caf\u00e9/z", "ctl\x01/w", "tab\there", "t~i*l(d)e=:&",
       "plain/key.txt", "\u6f22\u5b57", "emoji\U0001f600", "cr\rlf\n"]


def test_encoding_type_url_raw_values(s3, bucket, emu):
    fill(emu, bucket, ODD)
    response = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/",
                                  StartAfter="a a", Prefix="")
    assert response["EncodingType"] == "url"
    assert response["StartAfter"] == "a+a" and response["Delimiter"] == "/"
    assert prefixes_of(response) == ["a+b/", "a%2Bb/", "caf%C3%A9/", "ctl%01/", "plain/"]
    assert keys_of(response) == ["cr%0Dlf%0A", "emoji%F0%9F%98%80", "tab%09here",
                                 "t%7Ei*l%28d%29e%3D%3A%26", "%E6%BC%A2%E5%AD%97"]
    v1 = s3.list_objects(Bucket=bucket, EncodingType="url", Prefix="a b/", Delimiter=" ",
                         Marker="a b/", MaxKeys=1)
    assert (v1["Prefix"], v1["Delimiter"], v1["Marker"]) == ("a+b/", "+", "a+b/")
    assert keys_of(v1) == [] and prefixes_of(v1) == ["a+b/c+"]
    assert v1["IsTruncated"] is False and "NextMarker" not in v1


def test_encoding_type_url_next_marker(s3, bucket, emu):
    fill(emu, bucket, ["a b/1", "a b/2", "c d/3", "z"])
    v1 = s3.list_objects(Bucket=bucket, EncodingType="url", Delimiter="/", MaxKeys=1)
    assert prefixes_of(v1) == ["a+b/"] and v1["NextMarker"] == "a+b/"
    follow = s3.list_objects(Bucket=bucket, EncodingType="url", Delimiter="/", MaxKeys=1,
                             Marker="a b/")
    assert prefixes_of(follow) == ["c+d/"] and follow["Marker"] == "a+b/"


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
def test_odd_keys_round_trip_through_botocore_decoding(s3, bucket, emu, op):
    fill(emu, bucket, ODD)
    listed = [k for page in s3.get_paginator(op).paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}) for k in keys_of(page)]
    assert listed == sorted(ODD)
    nested = getattr(s3, op)(Bucket=bucket, Delimiter="/")
    assert sorted(prefixes_of(nested)) == sorted(
        ["a b/", "a+b/", "100%/", "caf\u00e9/", "ctl\x01/", "plain/"])


def test_control_character_key_round_trip(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ctl\x01key", Body=b"x")
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == ["ctl\x01key"]
    raw = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert keys_of(raw) == ["ctl%01key"]


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
@pytest.mark.parametrize("value", ["bogus", "URL", ""])
def test_bad_encoding_type(s3, bucket, op, value):
    with pytest.raises(ClientError) as exc:
        getattr(s3, op)(Bucket=bucket, EncodingType=value)
    assert error_of(exc) == (400, "InvalidArgument")
    error = exc.value.response["Error"]
    assert error["Message"] == "Invalid Encoding Method specified in Request"
    assert (error["ArgumentName"], error.get("ArgumentValue") or "") == ("encoding-type", value)


def test_url_encode_matches_s3_form():
    assert url_encode("a b+c%d/e*f~g(h)") == "a+b%2Bc%25d/e*f%7Eg%28h%29"
    assert url_encode("\u00e9\x01") == "%C3%A9%01"
    assert url_encode("-_.AZaz09") == "-_.AZaz09"


# -- start-after, continuation token, fetch-owner --------------------------------------------------

def test_start_after(s3, bucket, emu):
    fill(emu, bucket, TREE)
    response = s3.list_objects_v2(Bucket=bucket, StartAfter="photos/2007/3.jpg")
    assert response["StartAfter"] == "photos/2007/3.jpg"
    assert keys_of(response) == ["photos/index.html", "photosynthesis.doc", "videos/x.mp4",
                                 "zeta"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket, StartAfter="a", Prefix="v")) == \
        ["videos/x.mp4"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket, StartAfter="zz")) == []
    nested = s3.list_objects_v2(Bucket=bucket, StartAfter="photos/2006/jan/1.jpg",
                                Delimiter="/", Prefix="photos/")
    assert prefixes_of(nested) == ["photos/2007/"]        # photos/2006/ sorts before it
    assert keys_of(nested) == ["photos/index.html"]


def test_continuation_token_wins_over_start_after(s3, bucket, emu):
    fill(emu, bucket, MANY[:10])
    first = s3.list_objects_v2(Bucket=bucket, MaxKeys=3, StartAfter="k0004")
    assert keys_of(first) == ["k0005", "k0006", "k0007"]
    second = s3.list_objects_v2(Bucket=bucket, MaxKeys=3, StartAfter="k0000",
                                ContinuationToken=first["NextContinuationToken"])
    assert keys_of(second) == ["k0008", "k0009"]
    assert second["ContinuationToken"] == first["NextContinuationToken"]
    assert second["StartAfter"] == "k0000"          # echoed as sent, though the token wins


def test_v1_marker_before_prefix_and_after_everything(s3, bucket, emu):
    fill(emu, bucket, TREE)
    assert keys_of(s3.list_objects(Bucket=bucket, Prefix="videos/", Marker="a")) == \
        ["videos/x.mp4"]
    assert keys_of(s3.list_objects(Bucket=bucket, Marker="zeta")) == []
    assert prefixes_of(s3.list_objects(Bucket=bucket, Delimiter="/", Marker="photos/")) == \
        ["videos/"]


def test_fetch_owner(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "Owner" not in s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert "Owner" not in s3.list_objects_v2(Bucket=bucket, FetchOwner=False)["Contents"][0]
    owner = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]
    assert owner == {"ID": canonical_id(DEFAULT_ACCOUNT_ID), "DisplayName": "s3emu"}
    assert s3.list_objects(Bucket=bucket)["Contents"][0]["Owner"] == owner


def test_owner_is_the_writer(emu, s3, bucket):
    emu.add_user("other", "othersecret", account_id="210987654321")
    fill(emu, bucket, [])
    emu.store.bucket(bucket).put(ObjectVersion(
        key="theirs", blob=Blob([b"x"]), etag='"x"', last_modified=emu.clock.now(),
        owner="210987654321"))
    owner = s3.list_objects(Bucket=bucket)["Contents"][0]["Owner"]
    assert owner == {"ID": canonical_id("210987654321"), "DisplayName": "account-210987654321"}


@pytest.mark.parametrize("token", [
    "garbage", "", "!!!!", base64.b64encode(b"\x01\x00\x00\x00\x00k0001").decode(),
    base64.b64encode(b"k0001").decode()])
def test_bad_continuation_token(s3, bucket, token):
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken=token)
    assert error_of(exc) == (400, "InvalidArgument")
    error = exc.value.response["Error"]
    assert error["Message"] == "The continuation token provided is incorrect"
    assert (error["ArgumentName"], error.get("ArgumentValue") or "") == \
        ("continuation-token", token)


def test_token_round_trip():
    for last in ["k", "photos/", "caf\u00e9", "\x01", "emoji\U0001f600", "bad\udc80byte"]:
        assert decode_token(encode_token(last)) == last


# -- errors and order ------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
def test_no_such_bucket(s3, op):
    with pytest.raises(ClientError) as exc:
        getattr(s3, op)(Bucket="missing-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")
    assert exc.value.response["Error"]["BucketName"] == "missing-bucket"


def test_keys_in_utf8_binary_order(s3, bucket):
    keys = ["z", "\u00e9", "a", "~", "B", "\ue000", "\U0001f600", "\uffef", "0", "a/b", "a-b"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    expected = sorted(keys, key=lambda k: k.encode("utf-8"))
    assert expected[:7] == ["0", "B", "a", "a-b", "a/b", "z", "~"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == expected
    assert keys_of(s3.list_objects(Bucket=bucket)) == expected


def test_deleted_keys_are_not_listed(s3, bucket):
    for key in ("a/1", "a/2", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    s3.delete_object(Bucket=bucket, Key="a/1")
    s3.delete_object(Bucket=bucket, Key="a/2")
    response = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert keys_of(response) == ["b"] and prefixes_of(response) == []


# -- the page algorithm ----------------------------------------------------------------------------

def reference(keys, prefix="", delimiter=None, after=None, max_keys=1000):
    """Naive listing over all keys: (keys, prefixes, truncated)."""
    entries: list[tuple[str, bool]] = []
    for key in sorted(keys):
        if not key.startswith(prefix):
            continue
        at = key.find(delimiter, len(prefix)) if delimiter else -1
        entry = (key, False) if at < 0 else (key[:at + len(delimiter)], True)
        if after is not None and entry[0] <= after:
            continue
        if not entries or entries[-1] != entry:
            entries.append(entry)
    page = entries[:max(max_keys, 0)]
    return ([e for e, is_prefix in page if not is_prefix],
            [e for e, is_prefix in page if is_prefix],
            max_keys > 0 and len(entries) > len(page))


class CountingKeys(Sequence):
    """A sorted key list that counts how many keys are read."""

    def __init__(self, keys: list[str]) -> None:
        self.keys, self.reads = keys, 0

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        self.reads += 1
        return self.keys[index]


BIG = sorted([f"logs/2024/{n:06d}.gz" for n in range(60_000)]
             + [f"data/{n % 100:02d}/{n:06d}" for n in range(30_000)]
             + [f"top{n:05d}" for n in range(10_000)])


def page_all(keys, **params):
    """Page through ``keys`` with list_page like a client would: (keys, prefixes, pages)."""
    got_keys, got_prefixes, after, pages = [], [], None, 0
    while True:
        page = list_page(keys, after=after, **params)
        pages += 1
        got_keys += page.keys
        got_prefixes += page.prefixes
        if not page.truncated:
            return got_keys, got_prefixes, pages
        after = page.last


@pytest.mark.parametrize("params", [
    {}, {"delimiter": "/"}, {"prefix": "data/", "delimiter": "/"}, {"prefix": "logs/2024/"},
    {"prefix": "data/4", "delimiter": "0"}, {"prefix": "top0999"},
])
def test_list_page_over_100000_keys_matches_reference(params):
    assert len(BIG) == 100_000
    keys, prefixes, truncated = reference(BIG, max_keys=10 ** 9, **params)
    assert not truncated
    got_keys, got_prefixes, pages = page_all(BIG, max_keys=1000, **params)
    assert got_keys == keys and got_prefixes == prefixes
    assert pages == max(1, -(-(len(keys) + len(prefixes)) // 1000))


def test_list_page_reads_log_n_plus_page_keys():
    counted = CountingKeys(BIG)
    page = list_page(counted, delimiter="/", max_keys=1000)
    assert page.prefixes == ["data/", "logs/"] and len(page.keys) == 998
    assert counted.reads < 1000 + 4 * 40          # 60,000 rolled-up keys were not read
    counted.reads = 0
    page = list_page(counted, prefix="data/", delimiter="/", max_keys=1000)
    assert len(page.prefixes) == 100 and counted.reads < 100 * 40
    counted.reads = 0
    page = list_page(counted, after="logs/", delimiter="/", max_keys=5)
    assert page.keys == ["top00000", "top00001", "top00002", "top00003", "top00004"]
    assert counted.reads < 6 + 2 * 40             # logs/ is skipped with one bisect


def test_list_page_hidden_keys_and_prefixes():
    keys = ["a/1", "a/2", "b/1", "c", "d"]
    hidden = {"a/1", "a/2", "c"}.__contains__
    page = list_page(keys, delimiter="/", hidden=hidden)
    assert page.prefixes == ["b/"] and page.keys == ["d"]
    page = list_page(keys, delimiter="/", hidden=hidden, max_keys=1)
    assert page.prefixes == ["b/"] and page.truncated and page.last == "b/"


def test_successor():
    assert successor("a/") == "a0"
    assert successor("a\U0010ffff") == "b"
    assert successor("\U0010ffff") is None and successor("") is None


@settings(max_examples=300, deadline=None)
@given(keys=st.sets(st.text("ab/\u00e9.", max_size=5), max_size=25),
       prefix=st.text("ab/", max_size=2), delimiter=st.sampled_from([None, "/", "b/", "\u00e9"]),
       after=st.none() | st.text("ab/\u00e9", max_size=4), max_keys=st.integers(0, 6))
def test_list_page_matches_reference(keys, prefix, delimiter, after, max_keys):
    ordered = sorted(keys)
    page = list_page(ordered, prefix=prefix, delimiter=delimiter, after=after,
                     max_keys=max_keys)
    assert (page.keys, page.prefixes, page.truncated) == reference(
        ordered, prefix, delimiter, after, max_keys)
    if page.truncated:
        assert page.last == max(page.keys + page.prefixes)
