"""DeleteObjects through boto3 and raw (still signed) bodies: results, quiet mode, the 1000-key
limit, the required integrity check, malformed XML and special keys."""
from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from botocore.exceptions import ClientError

from helpers import error_of
from s3emu.intercept import call_app


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _set(headers, name: str, value: str) -> None:
    if name in headers:
        del headers[name]
    headers[name] = value


def rewrite(s3, *, body: bytes | None = None, drop=(), add=None, md5: bool = False) -> None:
    """Change the next DeleteObjects requests before they are signed.

    ``body`` replaces the XML; ``drop`` removes headers; ``add`` sets headers; ``md5`` sends
    a correct Content-MD5 of the (new) body instead of boto3's CRC32.
    """
    def handler(request, **kwargs):
        if body is not None:
            request.data = body
        for name in drop:
            if name in request.headers:
                del request.headers[name]
        if md5:
            for name in ("x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"):
                if name in request.headers:
                    del request.headers[name]
            _set(request.headers, "Content-MD5", md5_b64(request.data))
        for name, value in (add or {}).items():
            _set(request.headers, name, value)
    s3.meta.events.register("before-sign.s3.DeleteObjects", handler)


def put_keys(s3, bucket: str, keys) -> None:
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")


def delete(s3, bucket: str, keys, **kwargs):
    return s3.delete_objects(Bucket=bucket,
                             Delete={"Objects": [{"Key": k} for k in keys], **kwargs})


# -- results -----------------------------------------------------------------------------------
def test_delete_existing_and_missing_keys(s3, bucket, emu):
    put_keys(s3, bucket, ["a", "b", "keep"])
    result = delete(s3, bucket, ["a", "b", "never-there"])
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert result["Deleted"] == [{"Key": "a"}, {"Key": "b"}, {"Key": "never-there"}]
    assert "Errors" not in result
    assert list(emu.store.bucket(bucket).objects) == ["keep"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep"]


def test_quiet_mode_reports_only_errors(s3, bucket, emu):
    put_keys(s3, bucket, ["a", "b"])
    result = delete(s3, bucket, ["a", "b"], Quiet=True)
    assert "Deleted" not in result and "Errors" not in result
    assert not emu.store.bucket(bucket).objects
    put_keys(s3, bucket, ["c"])
    result = s3.delete_objects(Bucket=bucket, Delete={"Quiet": True, "Objects": [
        {"Key": "c"}, {"Key": "d", "VersionId": "bad"}]})
    assert "Deleted" not in result
    assert result["Errors"] == [{"Key": "d", "VersionId": "bad", "Code": "NoSuchVersion",
                                 "Message": "The specified version does not exist."}]
    assert not emu.store.bucket(bucket).objects


def test_quiet_false_is_verbose(s3, bucket):
    put_keys(s3, bucket, ["a"])
    assert delete(s3, bucket, ["a"], Quiet=False)["Deleted"] == [{"Key": "a"}]


def test_version_ids(s3, bucket, emu):
    put_keys(s3, bucket, ["a", "b"])
    version = "A" * 32
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a", "VersionId": "null"},     # the null version: deleted
        {"Key": "b", "VersionId": version},    # a version that does not exist: nothing to do
        {"Key": "c", "VersionId": "abc"},      # not a version id
    ]})
    assert result["Deleted"] == [{"Key": "a", "VersionId": "null"},
                                 {"Key": "b", "VersionId": version}]
    assert result["Errors"] == [{"Key": "c", "VersionId": "abc", "Code": "NoSuchVersion",
                                 "Message": "The specified version does not exist."}]
    assert list(emu.store.bucket(bucket).objects) == ["b"]


SPECIAL = [" leading", "trailing ", "   ", "tab\there", "a&b<c>d\"e'f", "unicodé/ключ/鍵",
           "plus+sign", "percent%20literal%", "double//slash", "trailing/", "?q#h", "a" * 1024]


def test_special_keys(s3, bucket, emu):
    put_keys(s3, bucket, SPECIAL + ["keep"])
    result = delete(s3, bucket, SPECIAL)
    assert [d["Key"] for d in result["Deleted"]] == SPECIAL
    assert list(emu.store.bucket(bucket).objects) == ["keep"]


def test_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        delete(s3, "no-such-bucket", ["a"])
    assert error_of(exc) == (404, "NoSuchBucket")


def test_conditional_entries_are_not_implemented(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    with pytest.raises(ClientError) as exc:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a", "ETag": '"x"'}]})
    assert error_of(exc) == (501, "NotImplemented")
    assert list(emu.store.bucket(bucket).objects) == ["a"]


def test_delete_objects_is_journaled(s3, bucket, emu):
    delete(s3, bucket, ["a"])
    entry = list(emu.journal)[-1]
    assert (entry.operation, entry.method, entry.bucket, entry.status) == \
        ("DeleteObjects", "POST", bucket, 200)


# -- the 1000-key limit ------------------------------------------------------------------------
def test_one_thousand_keys(s3, bucket, emu):
    keys = [f"k{i:04d}" for i in range(1000)]
    put_keys(s3, bucket, keys[:10])
    result = delete(s3, bucket, keys)
    assert [d["Key"] for d in result["Deleted"]] == keys
    assert not emu.store.bucket(bucket).objects


def test_one_thousand_and_one_keys(s3, bucket, emu):
    put_keys(s3, bucket, ["k0000"])
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, [f"k{i:04d}" for i in range(1001)])
    assert error_of(exc) == (400, "MalformedXML")
    assert list(emu.store.bucket(bucket).objects) == ["k0000"]


# -- integrity checks --------------------------------------------------------------------------
def test_missing_checksum_and_md5(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, drop=("x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"))
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == \
        "Missing required header for this request: Content-MD5"
    assert list(emu.store.bucket(bucket).objects) == ["a"]


def test_sdk_algorithm_without_a_value_is_not_enough(s3, bucket):
    rewrite(s3, drop=("x-amz-checksum-crc32",))
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "InvalidRequest")


def test_content_md5_alone_is_enough(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, md5=True)
    assert delete(s3, bucket, ["a"])["Deleted"] == [{"Key": "a"}]
    assert not emu.store.bucket(bucket).objects


def test_wrong_content_md5(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, drop=("x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"),
            add={"Content-MD5": md5_b64(b"something else")})
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "BadDigest")
    assert list(emu.store.bucket(bucket).objects) == ["a"]


def test_malformed_content_md5(s3, bucket):
    rewrite(s3, add={"Content-MD5": "not-base64!"})
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "InvalidDigest")


def test_wrong_crc32(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, add={"x-amz-checksum-crc32": crc32_b64(b"something else")})
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "BadDigest")
    assert list(emu.store.bucket(bucket).objects) == ["a"]


def test_checksum_in_an_aws_chunked_trailer(emu, bucket, s3):
    put_keys(s3, bucket, ["a"])
    xml = b"<Delete><Object><Key>a</Key></Object></Delete>"
    body = b"%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n" % (
        len(xml), xml, crc32_b64(xml).encode())
    emu.auth = "off"
    response = call_app(emu, "POST", f"https://s3.amazonaws.com/{bucket}?delete", {
        "Authorization": "AWS testing:x", "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(xml)), "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-sdk-checksum-algorithm": "CRC32", "Content-Length": str(len(body))}, body)
    assert response.status == 200
    assert b"<Deleted><Key>a</Key></Deleted>" in response.read()
    assert not emu.store.bucket(bucket).objects


# -- malformed bodies --------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    b"<Delete><Object><Key>a</Key></Object>",                       # not well-formed
    b"not xml at all",
    b"",
    b"<Delete></Delete>",                                           # no Object
    b"<Delete><Quiet>true</Quiet></Delete>",
    b"<Remove><Object><Key>a</Key></Object></Remove>",              # wrong root
    b"<Delete><Object><VersionId>null</VersionId></Object></Delete>",  # no Key
    b"<Delete><Object><Key></Key></Object></Delete>",               # empty Key
    b"<Delete><Object>a</Object></Delete>",
    b"<Delete><Object><Key>a</Key></Object><Quiet>maybe</Quiet></Delete>",
])
def test_malformed_xml(s3, bucket, emu, body):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, body=body, md5=True)
    with pytest.raises(ClientError) as exc:
        delete(s3, bucket, ["a"])
    assert error_of(exc) == (400, "MalformedXML")
    assert list(emu.store.bucket(bucket).objects) == ["a"]


@pytest.mark.parametrize("body", [
    b"<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>",
    b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <Object>\n    <Key>a</Key>'
    b'\n  </Object>\n  <Object><Key>b</Key></Object>\n  <Quiet>false</Quiet>\n</Delete>',
    b'<?xml version="1.0" encoding="UTF-8"?><s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/'
    b'2006-03-01/"><s3:Object><s3:Key>a</s3:Key></s3:Object><s3:Object><s3:Key>b</s3:Key>'
    b'</s3:Object></s3:Delete>',
])
def test_raw_bodies_with_and_without_namespace(s3, bucket, emu, body):
    put_keys(s3, bucket, ["a", "b", "c"])
    rewrite(s3, body=body, md5=True)
    result = delete(s3, bucket, ["ignored"])
    assert result["Deleted"] == [{"Key": "a"}, {"Key": "b"}]
    assert list(emu.store.bucket(bucket).objects) == ["c"]


def test_raw_quiet_one(s3, bucket, emu):
    put_keys(s3, bucket, ["a"])
    rewrite(s3, body=b"<Delete><Quiet>1</Quiet><Object><Key>a</Key></Object></Delete>", md5=True)
    result = delete(s3, bucket, ["ignored"])
    assert "Deleted" not in result
    assert not emu.store.bucket(bucket).objects


def test_key_whitespace_is_kept(s3, bucket, emu):
    put_keys(s3, bucket, ["a", " a "])
    rewrite(s3, body=b"<Delete><Object><Key> a </Key></Object></Delete>", md5=True)
    assert delete(s3, bucket, ["ignored"])["Deleted"] == [{"Key": " a "}]
    assert list(emu.store.bucket(bucket).objects) == ["a"]
