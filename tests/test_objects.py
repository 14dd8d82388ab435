"""Object operations through boto3: PutObject, GetObject, HeadObject, DeleteObject."""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client
from s3emu.intercept import call_app

SPECIAL_KEYS = [
    "plain.txt", "with space.txt", "unicodé/ключ/鍵.bin", "double//slash", "dots/../up",
    "./here", "percent%20literal%", "plus+sign", "trailing/", "/leading", "tilde~x",
    "semi;colon", "question?mark", "hash#tag", "amp&er=sand", "quote'\"", "a" * 1024,
]


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_special_keys_round_trip(s3, bucket, emu, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(key.encode())
    assert list(emu.store.bucket(bucket).objects) == [key]


def test_key_too_long(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="é" * 513, Body=b"x")   # 1026 bytes in UTF-8
    assert error_of(exc) == (400, "KeyTooLongError")


def test_put_get_metadata_and_content_headers(s3, bucket):
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    put = s3.put_object(
        Bucket=bucket, Key="doc.html", Body=b"<h1>hi</h1>", ContentType="text/html",
        ContentEncoding="identity", ContentDisposition='attachment; filename="x.html"',
        ContentLanguage="en-GB", CacheControl="max-age=60", Expires=expires,
        Metadata={"Owner-Name": "Ann", "n": "1"}, StorageClass="STANDARD_IA")
    assert put["ETag"] == f'"{hashlib.md5(b"<h1>hi</h1>").hexdigest()}"'
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="doc.html")
    assert got["ContentType"] == "text/html"
    assert got["ContentEncoding"] == "identity"
    assert got["ContentDisposition"] == 'attachment; filename="x.html"'
    assert got["ContentLanguage"] == "en-GB"
    assert got["CacheControl"] == "max-age=60"
    assert got["Expires"] == expires
    assert got["Metadata"] == {"owner-name": "Ann", "n": "1"}
    assert got["StorageClass"] == "STANDARD_IA"
    assert got["ContentLength"] == 11
    assert got["LastModified"] == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert got["AcceptRanges"] == "bytes"
    assert got["ETag"] == put["ETag"]


def test_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "binary/octet-stream"


def test_standard_storage_class_not_echoed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="STANDARD")
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="k")


def test_invalid_storage_class(emu, bucket):
    s3 = make_client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="COLD_AS_ICE")
    assert error_of(exc) == (400, "InvalidStorageClass")


@pytest.mark.parametrize("storage_class", ["EXPRESS_ONEZONE", "OUTPOSTS", "SNOW",
                                           "FSX_OPENZFS", "FSX_ONTAP"])
def test_classes_of_other_bucket_kinds_are_invalid_here(s3, bucket, storage_class):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    assert error_of(exc) == (400, "InvalidStorageClass")
    assert exc.value.response["Error"]["StorageClassRequested"] == storage_class


def test_metadata_limit(s3, bucket):
    ok = {"k": "v" * (2048 - 1)}                  # 1 + 2047 bytes: exactly 2 KB
    s3.put_object(Bucket=bucket, Key="ok", Body=b"x", Metadata=ok)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="big", Body=b"x", Metadata={"k": "v" * 2048})
    assert error_of(exc) == (400, "MetadataTooLarge")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="big")


def test_content_md5_good(s3, bucket):
    body = b"checked bytes"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=md5)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body


def test_content_md5_mismatch_keeps_old_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"new", ContentMD5=wrong)
    assert error_of(exc) == (400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_content_md5_invalid(s3, bucket, value):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ContentMD5=value)
    assert error_of(exc) == (400, "InvalidDigest")


def test_put_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_get_missing_key_error_body(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="missing/key")
    assert error_of(exc) == (404, "NoSuchKey")
    error = exc.value.response["Error"]
    assert error["Key"] == "missing/key"
    assert error["Message"] == "The specified key does not exist."
    meta = exc.value.response["ResponseMetadata"]
    assert meta["RequestId"] and meta["HostId"]


def test_head_missing_key_has_no_body(emu, bucket):
    emu.auth = "off"  # unsigned: with auth on S3 would answer 403
    response = call_app(emu, "HEAD", f"https://s3.amazonaws.com/{bucket}/missing", {}, None)
    assert response.status == 404
    assert response.read() == b""
    names = {name.lower() for name, _ in response.headers}
    assert {"x-amz-request-id", "x-amz-id-2"} <= names


def test_error_xml_shape(emu, bucket):
    emu.auth = "off"
    response = call_app(emu, "GET", f"https://s3.amazonaws.com/{bucket}/nope",
                        {"Authorization": "AWS testing:x"}, None)
    body = response.read().decode()
    assert response.status == 404
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>')
    assert "<Key>nope</Key><RequestId>" in body and "<HostId>" in body


def test_every_response_has_request_ids(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    headers = put["ResponseMetadata"]["HTTPHeaders"]
    assert len(headers["x-amz-request-id"]) == 16
    assert headers["x-amz-id-2"]
    assert headers["date"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_entity_too_large(emu, bucket):
    emu.auth = "off"
    response = call_app(emu, "PUT", f"https://s3.amazonaws.com/{bucket}/huge",
                        {"Content-Length": str(5 * 1024 ** 3 + 1),
                         "Authorization": "AWS testing:x"}, None)
    assert response.status == 400
    assert b"<Code>EntityTooLarge</Code>" in response.read()


def test_form_content_type_body_is_raw(s3, bucket):
    body = b"a=1&b=2"
    s3.put_object(Bucket=bucket, Key="form", Body=body,
                  ContentType="application/x-www-form-urlencoded")
    got = s3.get_object(Bucket=bucket, Key="form")
    assert got["Body"].read() == body
    assert got["ContentType"] == "application/x-www-form-urlencoded"


def test_overwrite_replaces(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two!")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two!"


def test_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_delete_object_idempotent(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_of(exc) == (404, "NoSuchKey")


def test_delete_object_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket="no-such-bucket", Key="k")
    assert error_of(exc) == (404, "NoSuchBucket")


# -- conditional writes -------------------------------------------------------------------
def test_if_none_match_star(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"second", IfNoneMatch="*")
    assert error_of(exc) == (412, "PreconditionFailed")
    assert exc.value.response["Error"]["Condition"] == "If-None-Match"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"


def test_if_match_write(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    etag2 = s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v3", IfMatch=etag)
    assert error_of(exc) == (412, "PreconditionFailed")
    assert exc.value.response["Error"]["Condition"] == "If-Match"
    assert s3.head_object(Bucket=bucket, Key="k")["ETag"] == etag2


def test_if_match_write_missing_object(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="absent", Body=b"v", IfMatch='"abc"')
    assert error_of(exc) == (404, "NoSuchKey")


# -- ranges -------------------------------------------------------------------------------
@pytest.fixture
def digits(s3, bucket):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    return lambda **kw: s3.get_object(Bucket=bucket, Key="digits", **kw)


@pytest.mark.parametrize("header,body,content_range", [
    ("bytes=0-0", b"0", "bytes 0-0/10"),
    ("bytes=2-5", b"2345", "bytes 2-5/10"),
    ("bytes=7-", b"789", "bytes 7-9/10"),
    ("bytes=-3", b"789", "bytes 7-9/10"),
    ("bytes=-30", b"0123456789", "bytes 0-9/10"),
    ("bytes=8-100", b"89", "bytes 8-9/10"),
])
def test_ranges(digits, header, body, content_range):
    got = digits(Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == body
    assert got["ContentRange"] == content_range
    assert got["ContentLength"] == len(body)


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=10-20", "bytes=-0"])
def test_unsatisfiable_range(digits, header):
    with pytest.raises(ClientError) as exc:
        digits(Range=header)
    assert error_of(exc) == (416, "InvalidRange")
    assert exc.value.response["Error"]["ActualObjectSize"] == "10"


@pytest.mark.parametrize("header", ["bytes=0-1,4-5", "items=0-1", "bytes=5-2", "garbage"])
def test_unusable_range_serves_whole_object(digits, header):
    got = digits(Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["Body"].read() == b"0123456789"


def test_head_with_range(s3, bucket, digits):
    head = s3.head_object(Bucket=bucket, Key="digits", Range="bytes=1-3")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 3 and head["ContentRange"] == "bytes 1-3/10"


def test_response_overrides(s3, bucket, digits):
    got = digits(ResponseContentType="text/plain", ResponseContentLanguage="fr",
                 ResponseCacheControl="no-cache", ResponseContentDisposition="inline",
                 ResponseContentEncoding="gzip",
                 ResponseExpires=datetime(2031, 1, 1, tzinfo=timezone.utc))
    assert got["ContentType"] == "text/plain"
    assert got["ContentLanguage"] == "fr"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentDisposition"] == "inline"
    assert got["ContentEncoding"] == "gzip"
    assert got["Expires"] == datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert s3.head_object(Bucket=bucket, Key="digits")["ContentType"] == "binary/octet-stream"


# -- conditional reads ----------------------------------------------------------------------
@pytest.fixture
def stored(s3, bucket, emu):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"data")["ETag"]
    emu.clock.advance(3600)
    return etag


BEFORE = datetime(2024, 12, 31, tzinfo=timezone.utc)     # the object is newer than this
AFTER = datetime(2025, 1, 1, 0, 30, tzinfo=timezone.utc)  # and older than this


@pytest.mark.parametrize("op", ["get_object", "head_object"])
@pytest.mark.parametrize("kwargs,status", [
    ({"IfMatch": "ETAG"}, 200),
    ({"IfMatch": '"nope"'}, 412),
    ({"IfMatch": "*"}, 200),
    ({"IfNoneMatch": "ETAG"}, 304),
    ({"IfNoneMatch": '"nope"'}, 200),
    ({"IfModifiedSince": BEFORE}, 200),
    ({"IfModifiedSince": AFTER}, 304),
    ({"IfUnmodifiedSince": AFTER}, 200),
    ({"IfUnmodifiedSince": BEFORE}, 412),
    # S3's precedence: If-Match true wins over If-Unmodified-Since false ...
    ({"IfMatch": "ETAG", "IfUnmodifiedSince": BEFORE}, 200),
    # ... and If-None-Match false wins over If-Modified-Since true.
    ({"IfNoneMatch": "ETAG", "IfModifiedSince": BEFORE}, 304),
    ({"IfNoneMatch": '"nope"', "IfModifiedSince": AFTER}, 200),
    ({"IfMatch": '"nope"', "IfNoneMatch": "ETAG"}, 412),
])
def test_conditional_reads(s3, bucket, stored, op, kwargs, status):
    kwargs = {k: (stored if v == "ETAG" else v) for k, v in kwargs.items()}
    call = getattr(s3, op)
    if status == 200:
        assert call(Bucket=bucket, Key="c", **kwargs)["ResponseMetadata"]["HTTPStatusCode"] == 200
        return
    with pytest.raises(ClientError) as exc:
        call(Bucket=bucket, Key="c", **kwargs)
    got_status = exc.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert got_status == status
    if status == 412 and op == "get_object":
        assert exc.value.response["Error"]["Code"] == "PreconditionFailed"
    if status == 304:
        assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["etag"] == stored


def test_precondition_failed_names_condition(s3, bucket, stored):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=BEFORE)
    assert exc.value.response["Error"]["Condition"] == "If-Unmodified-Since"


def test_last_modified_follows_clock(s3, bucket, emu):
    emu.clock.advance(timedelta(days=2, seconds=5))
    s3.put_object(Bucket=bucket, Key="later", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="later")["LastModified"] == \
        datetime(2025, 1, 3, 0, 0, 5, tzinfo=timezone.utc)


class _NonSeekable(__import__("io").RawIOBase):
    """A body botocore cannot measure: it is sent with Transfer-Encoding: chunked."""

    def __init__(self, data: bytes) -> None:
        self._data = __import__("io").BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._data.readinto(buffer)


def test_unmeasured_streaming_put_is_not_implemented_as_on_s3(s3, bucket):
    """S3 answers an upload of unknown length (Transfer-Encoding: chunked) with 501."""
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="stream", Body=_NonSeekable(b"hello world"))
    assert error_of(exc) == (501, "NotImplemented")
    assert exc.value.response["Error"]["Header"] == "Transfer-Encoding"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="stream")


def test_streaming_put_with_declared_length(s3, bucket):
    """With ContentLength botocore declares x-amz-decoded-content-length: S3 accepts it."""
    s3.put_object(Bucket=bucket, Key="stream", Body=_NonSeekable(b"hello world"),
                  ContentLength=11)
    assert s3.get_object(Bucket=bucket, Key="stream")["Body"].read() == b"hello world"


@pytest.mark.targets("in-process", "tls")
def test_metadata_values_lose_outer_whitespace_as_on_the_wire(s3, bucket):
    # botocore signs a header's value trimmed and sends it as given; S3 reads a field's
    # value without its outer spaces and tabs, and so does s3emu, in-process too
    s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                  Metadata={"trailing": "x ", "leading": " y", "both": "\t a  b \t"})
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {
        "trailing": "x", "leading": "y", "both": "a  b"}


def test_metadata_names_keep_underscores(s3, bucket):
    # S3 reads header names as sent: x-amz-meta-file_name is not x-amz-meta-file-name
    s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                  Metadata={"file_name": "a.txt", "Mixed_Case-Name": "b", "file-name": "c"})
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {
        "file_name": "a.txt", "mixed_case-name": "b", "file-name": "c"}
