"""CopyObject through boto3: copy sources, directives, self-copies, conditions, limits, and the
``x-amz-copy-source`` parser shared with UploadPartCopy."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client
from s3emu.errors import InvalidArgument
from s3emu.model.blob import Blob
from s3emu.model.objects import ObjectVersion, PartInfo
from s3emu.ops.support.copy_source import parse_copy_source
from s3emu.protocol import checksums

BODY = b"the quick brown fox"
MD5 = f'"{hashlib.md5(BODY).hexdigest()}"'
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
SELF_COPY_MESSAGE = (
    "This copy request is illegal because it is trying to copy an object to itself without "
    "changing the object's metadata, storage class, website redirect location or encryption "
    "attributes.")


def message_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def raw_copy_source(s3, value: str) -> None:
    """Send ``value`` as the x-amz-copy-source header, exactly (still signed)."""
    def handler(request, **kwargs):
        del request.headers["x-amz-copy-source"]
        request.headers["x-amz-copy-source"] = value
    s3.meta.events.register("before-sign.s3.CopyObject", handler)


@pytest.fixture
def source(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=BODY, ContentType="text/plain",
                  ContentLanguage="en", CacheControl="max-age=9", Metadata={"color": "red"},
                  Tagging="a=1&b=2", WebsiteRedirectLocation="/elsewhere")
    return "src"


# -- copying ----------------------------------------------------------------------------------
def test_copy_across_buckets(s3, bucket, source, emu):
    s3.create_bucket(Bucket="other-bucket")
    emu.clock.advance(60)
    result = s3.copy_object(Bucket="other-bucket", Key="dst",
                            CopySource={"Bucket": bucket, "Key": source})
    copied = result["CopyObjectResult"]
    assert copied["ETag"] == MD5
    assert copied["LastModified"] == START + timedelta(seconds=60)
    assert copied["ChecksumCRC32"] == checksums.checksum("CRC32", [memoryview(BODY)])
    assert copied["ChecksumType"] == "FULL_OBJECT"
    assert result["ServerSideEncryption"] == "AES256"
    assert "CopySourceVersionId" not in result and "VersionId" not in result
    got = s3.get_object(Bucket="other-bucket", Key="dst")
    assert got["Body"].read() == BODY
    assert got["ETag"] == MD5
    assert got["ContentType"] == "text/plain"
    assert got["ContentLanguage"] == "en"
    assert got["CacheControl"] == "max-age=9"
    assert got["Metadata"] == {"color": "red"}
    assert got["LastModified"] == START + timedelta(seconds=60)
    assert got["TagCount"] == 2
    assert "WebsiteRedirectLocation" not in got          # never copied
    assert s3.get_object(Bucket=bucket, Key=source)["Body"].read() == BODY


def test_copy_shares_the_source_bytes(s3, bucket, source, emu):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}")
    objects = emu.store.bucket(bucket).objects
    src, dst = objects[source].blob, objects["dst"].blob
    assert dst is src
    assert [seg.obj for seg in dst.segments] == [seg.obj for seg in src.segments]
    assert all(a.obj is b.obj for a, b in zip(dst.segments, src.segments))


def test_copy_replaces_an_existing_destination(s3, bucket, source):
    s3.put_object(Bucket=bucket, Key="dst", Body=b"old", Metadata={"old": "yes"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": source})
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == BODY
    assert got["Metadata"] == {"color": "red"}


KEYS = ["with space.txt", "unicodé/ключ/鍵.bin", "plus+sign", "percent%20literal%",
        "double//slash", "trailing/", "question?mark", "hash#tag", "amp&er=sand",
        "quote'\"", "tilde~x", "?versionId=fake", "a" * 1024]


@pytest.mark.parametrize("key", KEYS)
def test_special_keys_dict_source(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    s3.copy_object(Bucket=bucket, Key="copy/" + key[:1000],
                   CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=bucket, Key="copy/" + key[:1000])["Body"].read() == key.encode()


@pytest.mark.parametrize("key", ["with space.txt", "unicodé/鍵", "plus+sign", "100%", "a?b"])
def test_special_keys_string_source(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{key}")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"x"


@pytest.mark.parametrize("header,key", [
    ("/test-bucket/a%20b", "a b"),             # leading slash
    ("test-bucket/a+b", "a b"),                # an unencoded + is a space
    ("test-bucket/a%2Bb", "a+b"),
    ("test-bucket/%25", "%"),                  # decoded once: %25 is a literal %
    ("test-bucket/d%C3%A9j%C3%A0", "déjà"),
    ("test-bucket%2Fencoded-separator", "encoded-separator"),
])
def test_raw_copy_source_decoded_once(s3, bucket, header, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    raw_copy_source(s3, header)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource="ignored/ignored")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == key.encode()


def test_double_encoded_source_is_not_decoded_twice(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b", Body=b"x")
    raw_copy_source(s3, "test-bucket/a%2520b")          # names the key "a%20b"
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource="ignored/ignored")
    assert error_of(exc) == (404, "NoSuchKey")


# -- bad copy sources -------------------------------------------------------------------------
@pytest.mark.parametrize("header,message", [
    ("", "Invalid copy source bucket name"),
    ("/", "Invalid copy source bucket name"),
    ("test-bucket", "Invalid copy source object key"),
    ("test-bucket/", "Invalid copy source object key"),
    ("Not_A_Bucket/key", "Invalid copy source bucket name"),
    ("test-bucket/%zz", "Invalid copy source encoding"),
    ("test-bucket/%", "Invalid copy source encoding"),
    ("test-bucket/%ff%fe", "Invalid copy source encoding"),
    ("test-bucket/key?versionId=", "Version id cannot be the empty string"),
])
def test_malformed_copy_source(s3, bucket, header, message):
    s3.put_object(Bucket=bucket, Key="key", Body=b"x")
    raw_copy_source(s3, header)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource="ignored/ignored")
    assert error_of(exc) == (400, "InvalidArgument")
    assert message_of(exc) == message
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-copy-source"


def test_parse_copy_source_unit():
    assert parse_copy_source("b-1/k/e%20y?versionId=v1") == ("b-1", "k/e y", "v1")
    assert parse_copy_source("/b-1/k") == ("b-1", "k", None)
    assert parse_copy_source("b-1/k?versionId=null") == ("b-1", "k", "null")
    with pytest.raises(InvalidArgument):
        parse_copy_source("b-1")


def test_missing_source_bucket(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource="no-such-bucket/k")
    assert error_of(exc) == (404, "NoSuchBucket")
    assert exc.value.response["Error"]["BucketName"] == "no-such-bucket"


def test_missing_source_key(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/nothing")
    assert error_of(exc) == (404, "NoSuchKey")
    assert exc.value.response["Error"]["Key"] == "nothing"


def test_missing_destination_bucket(s3, bucket, source):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket="no-such-bucket", Key="dst", CopySource=f"{bucket}/{source}")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_destination_key_too_long(s3, bucket, source):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="k" * 1025, CopySource=f"{bucket}/{source}")
    assert error_of(exc) == (400, "KeyTooLongError")


# -- source versions (no versioning yet: only the null version exists) -----------------------
def test_copy_null_version(s3, bucket, source):
    result = s3.copy_object(Bucket=bucket, Key="dst",
                            CopySource={"Bucket": bucket, "Key": source, "VersionId": "null"})
    assert result["CopyObjectResult"]["ETag"] == MD5
    assert "CopySourceVersionId" not in result


def test_copy_malformed_version_is_invalid_request(s3, bucket, source):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst",
                       CopySource={"Bucket": bucket, "Key": source, "VersionId": "abc"})
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == "Invalid Request"


def test_copy_unknown_version(s3, bucket, source):
    version = "A" * 32
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst",
                       CopySource={"Bucket": bucket, "Key": source, "VersionId": version})
    assert error_of(exc) == (404, "NoSuchVersion")
    assert exc.value.response["Error"]["VersionId"] == version


# -- metadata and tagging directives -----------------------------------------------------------
def test_metadata_directive_copy_ignores_request_headers(s3, bucket, source):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   MetadataDirective="COPY", Metadata={"color": "blue"},
                   ContentType="application/json", ContentDisposition="inline")
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["Metadata"] == {"color": "red"}
    assert got["ContentType"] == "text/plain"
    assert "ContentDisposition" not in got


def test_metadata_directive_replace(s3, bucket, source):
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   MetadataDirective="REPLACE", Metadata={"shape": "round"},
                   ContentType="application/json", ContentDisposition="inline",
                   Expires=expires, WebsiteRedirectLocation="/there")
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["Metadata"] == {"shape": "round"}
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "inline"
    assert got["Expires"] == expires
    assert got["WebsiteRedirectLocation"] == "/there"
    assert "ContentLanguage" not in got and "CacheControl" not in got


def test_replace_without_content_type_defaults(s3, bucket, source):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   MetadataDirective="REPLACE")
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["ContentType"] == "binary/octet-stream"
    assert got["Metadata"] == {}


def test_website_redirect_under_copy_comes_from_request(s3, bucket, source):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   WebsiteRedirectLocation="/new")
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["WebsiteRedirectLocation"] == "/new"
    assert got["Metadata"] == {"color": "red"}


def test_replace_metadata_too_large(s3, bucket, source):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                       MetadataDirective="REPLACE", Metadata={"k": "v" * 2048})
    assert error_of(exc) == (400, "MetadataTooLarge")


@pytest.mark.parametrize("param,header", [("MetadataDirective", "x-amz-metadata-directive"),
                                          ("TaggingDirective", "x-amz-tagging-directive")])
@pytest.mark.parametrize("value", ["MOVE", "DELETE"])
def test_unknown_directive(s3, bucket, source, param, header, value):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                       **{param: value})
    assert error_of(exc) == (400, "InvalidArgument")
    kind = "metadata" if param == "MetadataDirective" else "tagging"
    assert message_of(exc) == f"Unknown {kind} directive."
    assert exc.value.response["Error"]["ArgumentName"] == header


def test_tagging_directive_copy_ignores_request_tags(s3, bucket, source, emu):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}", Tagging="z=9")
    assert dict(emu.store.bucket(bucket).objects["dst"].tags) == {"a": "1", "b": "2"}


def test_tagging_directive_replace(s3, bucket, source, emu):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   TaggingDirective="REPLACE", Tagging="z=9")
    assert dict(emu.store.bucket(bucket).objects["dst"].tags) == {"z": "9"}
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/{source}",
                   TaggingDirective="REPLACE")
    assert dict(emu.store.bucket(bucket).objects["dst2"].tags) == {}
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="dst2")


def test_tagging_replace_validates_tags(s3, bucket, source):
    tags = "&".join(f"k{i}=v" for i in range(11))
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                       TaggingDirective="REPLACE", Tagging=tags)
    assert error_of(exc) == (400, "BadRequest")
    assert exc.value.response["Error"]["Message"] == "Object tags cannot be greater than 10"


# -- copying an object onto itself --------------------------------------------------------------
@pytest.mark.parametrize("extra", [{}, {"MetadataDirective": "COPY"},
                                   {"TaggingDirective": "REPLACE", "Tagging": "x=1"},
                                   {"Metadata": {"color": "green"}}])
def test_self_copy_without_changes_is_illegal(s3, bucket, source, extra):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key=source, CopySource=f"{bucket}/{source}", **extra)
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == SELF_COPY_MESSAGE


def test_self_copy_with_replace_updates_metadata(s3, bucket, source, emu):
    emu.clock.advance(3600)
    result = s3.copy_object(Bucket=bucket, Key=source, CopySource=f"{bucket}/{source}",
                            MetadataDirective="REPLACE", Metadata={"color": "green"},
                            ContentType="text/csv")
    assert result["CopyObjectResult"]["ETag"] == MD5
    got = s3.get_object(Bucket=bucket, Key=source)
    assert got["Body"].read() == BODY
    assert got["Metadata"] == {"color": "green"}
    assert got["ContentType"] == "text/csv"
    assert got["LastModified"] == START + timedelta(hours=1)


@pytest.mark.parametrize("extra,check", [
    ({"StorageClass": "STANDARD"}, lambda h: "StorageClass" not in h),
    ({"StorageClass": "STANDARD_IA"}, lambda h: h["StorageClass"] == "STANDARD_IA"),
    ({"ServerSideEncryption": "AES256"}, lambda h: h["ServerSideEncryption"] == "AES256"),
    ({"WebsiteRedirectLocation": "/x"}, lambda h: h["WebsiteRedirectLocation"] == "/x"),
])
def test_self_copy_changing_attributes_is_allowed(s3, bucket, source, extra, check):
    s3.copy_object(Bucket=bucket, Key=source, CopySource=f"{bucket}/{source}", **extra)
    head = s3.head_object(Bucket=bucket, Key=source)
    assert check(head)
    assert head["Metadata"] == {"color": "red"}


def test_same_key_in_another_bucket_is_not_a_self_copy(s3, bucket, source):
    s3.create_bucket(Bucket="other-bucket")
    s3.copy_object(Bucket="other-bucket", Key=source, CopySource=f"{bucket}/{source}")
    assert s3.get_object(Bucket="other-bucket", Key=source)["Body"].read() == BODY


# -- copy-source conditions ----------------------------------------------------------------------
EARLIER, LATER = START - timedelta(days=1), START + timedelta(days=1)


@pytest.mark.parametrize("conditions", [
    {"CopySourceIfMatch": MD5},
    {"CopySourceIfMatch": "*"},
    {"CopySourceIfNoneMatch": '"0123"'},
    {"CopySourceIfModifiedSince": EARLIER},
    {"CopySourceIfUnmodifiedSince": LATER},
    {"CopySourceIfUnmodifiedSince": START},
    # a true If-Match overrides a false If-Unmodified-Since
    {"CopySourceIfMatch": MD5, "CopySourceIfUnmodifiedSince": EARLIER},
])
def test_copy_source_conditions_pass(s3, bucket, source, conditions):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}", **conditions)
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


@pytest.mark.parametrize("conditions,condition", [
    ({"CopySourceIfMatch": '"0123"'}, "x-amz-copy-source-If-Match"),
    ({"CopySourceIfNoneMatch": MD5}, "x-amz-copy-source-If-None-Match"),
    ({"CopySourceIfNoneMatch": "*"}, "x-amz-copy-source-If-None-Match"),
    ({"CopySourceIfModifiedSince": LATER}, "x-amz-copy-source-If-Modified-Since"),
    ({"CopySourceIfModifiedSince": START}, "x-amz-copy-source-If-Modified-Since"),
    ({"CopySourceIfUnmodifiedSince": EARLIER}, "x-amz-copy-source-If-Unmodified-Since"),
    # a false If-None-Match wins over a true If-Modified-Since
    ({"CopySourceIfNoneMatch": MD5, "CopySourceIfModifiedSince": EARLIER},
     "x-amz-copy-source-If-None-Match"),
])
def test_copy_source_conditions_fail(s3, bucket, source, emu, conditions, condition):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}", **conditions)
    assert error_of(exc) == (412, "PreconditionFailed")
    assert exc.value.response["Error"]["Condition"] == condition
    assert "dst" not in emu.store.bucket(bucket).objects


# -- destination conditional writes --------------------------------------------------------------
def test_destination_if_none_match(s3, bucket, source):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}", IfNoneMatch="*")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                       IfNoneMatch="*")
    assert error_of(exc) == (412, "PreconditionFailed")


def test_destination_if_match(s3, bucket, source):
    put = s3.put_object(Bucket=bucket, Key="dst", Body=b"old")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                       IfMatch='"0123"')
    assert error_of(exc) == (412, "PreconditionFailed")
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                   IfMatch=put["ETag"])
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="absent", CopySource=f"{bucket}/{source}",
                       IfMatch=MD5)
    assert error_of(exc) == (404, "NoSuchKey")


# -- storage class, checksums, encryption --------------------------------------------------------
def test_storage_class_is_not_copied(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/ia")
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="dst")
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/ia",
                   StorageClass="ONEZONE_IA")
    assert s3.head_object(Bucket=bucket, Key="dst2")["StorageClass"] == "ONEZONE_IA"


def test_invalid_storage_class(emu, bucket):
    s3 = make_client(parameter_validation=False)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/k",
                       StorageClass="COLD_AS_ICE")
    assert error_of(exc) == (400, "InvalidStorageClass")


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_archived_source_is_invalid_object_state(s3, bucket, storage_class):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass=storage_class)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/cold")
    assert error_of(exc) == (403, "InvalidObjectState")
    assert exc.value.response["Error"]["StorageClass"] == storage_class


def test_checksum_algorithm_computes_a_new_checksum(s3, bucket, source, emu):
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                            ChecksumAlgorithm="SHA256")
    expected = checksums.checksum("SHA256", [memoryview(BODY)])
    assert result["CopyObjectResult"]["ChecksumSHA256"] == expected
    assert "ChecksumCRC32" not in result["CopyObjectResult"]
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected
    assert emu.store.bucket(bucket).objects["dst"].blob is \
        emu.store.bucket(bucket).objects[source].blob


def test_source_without_checksum_gives_copy_without_checksum(emu, bucket):
    s3 = make_client(request_checksum_calculation="when_required")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/plain")
    assert not any(k.startswith("Checksum") for k in copied["CopyObjectResult"])


def test_invalid_checksum_algorithm(emu, bucket):
    s3 = make_client(parameter_validation=False)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/k",
                       ChecksumAlgorithm="MD4")
    assert error_of(exc) == (400, "InvalidRequest")


def test_kms_encryption_on_copy(s3, bucket, source):
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}",
                            ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/k")
    assert result["ServerSideEncryption"] == "aws:kms"
    assert result["SSEKMSKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")


def test_invalid_encryption_on_copy(emu, bucket):
    s3 = make_client(parameter_validation=False)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/k",
                       ServerSideEncryption="ROT13")
    assert error_of(exc) == (400, "InvalidArgument")


# -- sizes and multipart sources ---------------------------------------------------------------
def _store_big(emu, bucket: str, key: str, size: int) -> None:
    """Put an object of ``size`` bytes straight into the model (one shared 1 MiB buffer)."""
    chunk = memoryview(bytes(1 << 20))
    full, rest = divmod(size, 1 << 20)
    blob = Blob([chunk] * full + [chunk[:rest]])
    emu.store.bucket(bucket).put(ObjectVersion(key=key, blob=blob, etag='"big-1"',
                                               last_modified=START))


def test_copy_of_exactly_5_gib_is_allowed(s3, bucket, emu):
    _store_big(emu, bucket, "big", 5 * 1024 ** 3)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/big")
    assert s3.head_object(Bucket=bucket, Key="dst")["ContentLength"] == 5 * 1024 ** 3


def test_copy_over_5_gib_is_refused(s3, bucket, emu):
    _store_big(emu, bucket, "big", 5 * 1024 ** 3 + 1)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/big")
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == ("The specified copy source is larger than the maximum allowable "
                               "size for a copy source: 5368709120")


def test_multipart_source_becomes_single_part(s3, bucket, emu):
    parts = (PartInfo(1, 0, 3, '"p1"'), PartInfo(2, 3, 2, '"p2"'))
    composite = {"SHA256": "composite-value-2"}
    emu.store.bucket(bucket).put(ObjectVersion(
        key="mpu", blob=Blob([b"abc", b"de"]), etag='"0123456789abcdef0123456789abcdef-2"',
        last_modified=START, parts=parts, checksums=composite, checksum_type="COMPOSITE"))
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/mpu")
    copied = result["CopyObjectResult"]
    assert copied["ETag"] == f'"{hashlib.md5(b"abcde").hexdigest()}"'
    assert copied["ChecksumSHA256"] == checksums.checksum("SHA256", [memoryview(b"abcde")])
    assert copied["ChecksumType"] == "FULL_OBJECT"
    assert emu.store.bucket(bucket).objects["dst"].parts is None
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"abcde"


def test_copy_is_journaled(s3, bucket, source, emu):
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/{source}")
    entry = list(emu.journal)[-1]
    assert (entry.operation, entry.bucket, entry.key, entry.status) == \
        ("CopyObject", bucket, "dst", 200)
