"""Object and bucket tagging through boto3: Put/Get/DeleteObjectTagging (per version),
Put/Get/DeleteBucketTagging, the one validation of a tag set on every path that sets tags
(the Tagging body, ``x-amz-tagging`` on PutObject / CopyObject REPLACE /
CreateMultipartUpload, PostObject's ``tagging`` field), and the policy condition keys on tags."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from urllib.parse import quote, urlencode

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import aws_cli, error_of
from s3emu.access.policy import compile_policy
from s3emu.operations import OPERATIONS
from signing import URL, error_xml, send, sign_v4

OTHER = "210987654321"


def tagset(**tags: str) -> dict:
    return {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}


def tags_of(s3, bucket: str, key: str, **extra) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in
            s3.get_object_tagging(Bucket=bucket, Key=key, **extra)["TagSet"]}


def message_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data", Tagging="colour=red&size=")
    return "k"


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


# -- Put/Get/DeleteObjectTagging --------------------------------------------------------------
def test_get_object_tagging_shows_the_tags_written_with_the_object(s3, bucket, obj):
    got = s3.get_object_tagging(Bucket=bucket, Key=obj)
    assert got["TagSet"] == [{"Key": "colour", "Value": "red"}, {"Key": "size", "Value": ""}]
    assert "x-amz-version-id" not in got["ResponseMetadata"]["HTTPHeaders"]   # unversioned
    assert s3.head_object(Bucket=bucket, Key=obj)["ResponseMetadata"]["HTTPHeaders"][
        "x-amz-tagging-count"] == "2"


def test_put_object_tagging_replaces_the_whole_set(s3, bucket, obj, emu):
    before = emu.store.bucket(bucket).objects[obj]
    reply = s3.put_object_tagging(Bucket=bucket, Key=obj, Tagging=tagset(team=" web ", a="1"))
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert tags_of(s3, bucket, obj) == {"team": " web ", "a": "1"}       # order and spaces kept
    after = emu.store.bucket(bucket).objects[obj]
    assert after.blob is before.blob and after.etag == before.etag      # bytes not copied
    assert after.last_modified == before.last_modified
    s3.put_object_tagging(Bucket=bucket, Key=obj, Tagging={"TagSet": []})
    assert tags_of(s3, bucket, obj) == {}
    assert "x-amz-tagging-count" not in \
        s3.head_object(Bucket=bucket, Key=obj)["ResponseMetadata"]["HTTPHeaders"]


def test_delete_object_tagging_answers_204(s3, bucket, obj):
    reply = s3.delete_object_tagging(Bucket=bucket, Key=obj)
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags_of(s3, bucket, obj) == {}
    assert s3.get_object(Bucket=bucket, Key=obj)["Body"].read() == b"data"


@pytest.mark.parametrize("call", ["get", "put", "delete"])
def test_tagging_a_missing_key_is_no_such_key(s3, bucket, call):
    with pytest.raises(ClientError) as exc:
        if call == "get":
            s3.get_object_tagging(Bucket=bucket, Key="nope")
        elif call == "put":
            s3.put_object_tagging(Bucket=bucket, Key="nope", Tagging=tagset(a="1"))
        else:
            s3.delete_object_tagging(Bucket=bucket, Key="nope")
    assert error_of(exc) == (404, "NoSuchKey")
    assert "nope" not in s3.list_objects_v2(Bucket=bucket).get("Contents", [])


def test_tagging_in_a_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket="no-such-bucket", Key="k")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_each_version_has_its_own_tags_changed_in_place(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one", Tagging="v=1")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two", Tagging="v=2")["VersionId"]
    reply = s3.put_object_tagging(Bucket=versioned, Key="k", VersionId=first,
                                  Tagging=tagset(v="one"))
    assert reply["VersionId"] == first
    assert tags_of(s3, versioned, "k", VersionId=first) == {"v": "one"}
    assert tags_of(s3, versioned, "k") == {"v": "2"}
    got = s3.get_object_tagging(Bucket=versioned, Key="k")
    assert got["VersionId"] == second
    reply = s3.delete_object_tagging(Bucket=versioned, Key="k", VersionId=first)
    assert reply["VersionId"] == first
    assert tags_of(s3, versioned, "k", VersionId=first) == {}
    reply = s3.put_object_tagging(Bucket=versioned, Key="k", Tagging=tagset(now="x"))
    assert reply["VersionId"] == second
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [v["VersionId"] for v in versions] == [second, first]       # no new version
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=first)["Body"].read() == b"one"


def test_unknown_and_malformed_version_ids(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one")
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=versioned, Key="k", VersionId="A" * 32)
    assert error_of(exc) == (404, "NoSuchVersion")
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=versioned, Key="k", VersionId="A" * 32,
                              Tagging=tagset(a="1"))
    assert error_of(exc) == (404, "NoSuchVersion")
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=versioned, Key="k", VersionId="bad")
    assert error_of(exc) == (400, "InvalidArgument")


def test_a_delete_marker_has_no_tags(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one", Tagging="a=1")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=versioned, Key="k")
    assert error_of(exc) == (404, "NoSuchKey")
    headers = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=versioned, Key="k", VersionId=marker,
                              Tagging=tagset(a="2"))
    assert error_of(exc) == (405, "MethodNotAllowed")


def test_object_lock_does_not_protect_tags(s3, emu):
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    version = s3.put_object(
        Bucket="locked", Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=emu.clock.now() + timedelta(days=1))["VersionId"]
    s3.put_object_tagging(Bucket="locked", Key="k", VersionId=version, Tagging=tagset(a="1"))
    assert tags_of(s3, "locked", "k", VersionId=version) == {"a": "1"}
    s3.delete_object_tagging(Bucket="locked", Key="k", VersionId=version)
    assert tags_of(s3, "locked", "k") == {}
    assert len(s3.list_object_versions(Bucket="locked")["Versions"]) == 1


# -- the one validation, on every path ---------------------------------------------------------
def _post(s3, bucket, pairs):
    body = "".join(f"<Tag><Key>{k}</Key><Value>{v}</Value></Tag>" for k, v in pairs)
    doc = f"<Tagging><TagSet>{body}</TagSet></Tagging>"
    form = s3.generate_presigned_post(bucket, "new", Fields={"tagging": doc},
                                      Conditions=[{"tagging": doc}])
    return requests.post(form["url"], data=form["fields"], files={"file": ("f", b"data")})


def set_tags(path, s3, bucket, pairs):
    """Set ``pairs`` on object ``new`` along ``path``; (status, code, message) when refused."""
    header = urlencode(pairs, quote_via=quote)
    try:
        if path == "PutObjectTagging":
            s3.put_object_tagging(Bucket=bucket, Key="new", Tagging={
                "TagSet": [{"Key": k, "Value": v} for k, v in pairs]})
        elif path == "PutObject":
            s3.put_object(Bucket=bucket, Key="new", Body=b"data", Tagging=header)
        elif path == "CopyObject":
            s3.copy_object(Bucket=bucket, Key="new", CopySource=f"{bucket}/src",
                           TaggingDirective="REPLACE", Tagging=header)
        elif path == "CreateMultipartUpload":
            upload = s3.create_multipart_upload(Bucket=bucket, Key="new", Tagging=header)
            part = s3.upload_part(Bucket=bucket, Key="new", UploadId=upload["UploadId"],
                                  PartNumber=1, Body=b"data")
            s3.complete_multipart_upload(
                Bucket=bucket, Key="new", UploadId=upload["UploadId"],
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        else:
            response = _post(s3, bucket, pairs)
            if response.status_code >= 300:
                error = error_xml(response.content)
                return response.status_code, error["Code"], error["Message"]
    except ClientError as exc:
        error = exc.response["Error"]
        return exc.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], \
            error["Message"]
    return None


PATHS = ["PutObjectTagging", "PutObject", "CopyObject", "CreateMultipartUpload", "PostObject"]
KEY_LONG = "The TagKey you have provided is too long, max 128"
VALUE_LONG = "The TagValue you have provided is too long, max 256"
BAD_KEY = "The TagKey you have provided is invalid"
BAD_VALUE = "The TagValue you have provided is invalid"
TOO_MANY = (400, "BadRequest", "Object tags cannot be greater than 10")


@pytest.fixture
def dest(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"data")
    s3.put_object(Bucket=bucket, Key="new", Body=b"old", Tagging="kept=yes")
    s3.delete_public_access_block(Bucket=bucket)
    return bucket


def unchanged(s3, bucket):
    assert tags_of(s3, bucket, "new") == {"kept": "yes"}
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == b"old"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("pairs", [
    [(f"k{i}", "v") for i in range(10)],
    [("k" * 128, "v" * 256)],
    [("𠀀" * 64, "𠀀" * 128)],                           # UTF-16: two units each
    [("Ünïcødé key 1+-=._:/@", "ÿ 値 ٣ +-=._:/@")],
    [("a", ""), ("A", "")]])                             # keys are case-sensitive
def test_valid_tag_sets_are_stored(path, s3, dest, pairs):
    assert set_tags(path, s3, dest, pairs) is None
    assert tags_of(s3, dest, "new") == dict(pairs)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("pairs, error", [
    ([(f"k{i}", "v") for i in range(11)], TOO_MANY),
    ([("k" * 129, "v")], (400, "InvalidTag", KEY_LONG)),
    ([("𠀀" * 65, "v")], (400, "InvalidTag", KEY_LONG)),
    ([("k", "v" * 257)], (400, "InvalidTag", VALUE_LONG)),
    ([("k", "𠀀" * 129)], (400, "InvalidTag", VALUE_LONG)),
    ([("a*b", "v")], (400, "InvalidTag", BAD_KEY)),
    ([("k", "a#b")], (400, "InvalidTag", BAD_VALUE)),
    ([("k", "line\nbreak")], (400, "InvalidTag", BAD_VALUE)),
    ([("k", "😀")], (400, "InvalidTag", BAD_VALUE)),                  # a symbol, not a letter
    ([("aws:owner", "v")], (400, "InvalidTag", "Your TagKey cannot be prefixed with aws:")),
    ([("k" * 129, "v"), *[(f"k{i}", "v") for i in range(11)]],       # tags first, then count
     (400, "InvalidTag", KEY_LONG))])
def test_invalid_tag_sets_are_refused_on_every_path(path, s3, dest, pairs, error):
    assert set_tags(path, s3, dest, pairs) == error
    unchanged(s3, dest)


@pytest.mark.parametrize("path", ["PutObjectTagging", "PostObject"])
def test_duplicate_keys_in_a_document_are_invalid_tag(path, s3, dest):
    assert set_tags(path, s3, dest, [("k", "1"), ("k", "2")]) == \
        (400, "InvalidTag", "Cannot provide multiple Tags with the same key")
    unchanged(s3, dest)


@pytest.mark.parametrize("path", ["PutObject", "CopyObject", "CreateMultipartUpload"])
def test_duplicate_keys_in_the_header_are_invalid_argument(path, s3, dest):
    status, code, message = set_tags(path, s3, dest, [("k", "1"), ("k", "2")])
    assert (status, code) == (400, "InvalidArgument")
    assert "without tag name duplicates" in message
    unchanged(s3, dest)


def raw_put_tagging(emu, query: str, body: bytes, *,
                    md5: bool = True) -> tuple[int, dict[str, str]]:
    url = f"{URL}/test-bucket{query}"
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()} \
        if md5 else {}
    status, _, payload = send(emu, "PUT", url, sign_v4("PUT", url, body, headers), body)
    return status, (error_xml(payload) if payload else {})


@pytest.mark.parametrize("doc", [
    b"<Tagging/>", b"<Tagging><TagSet/><TagSet/></Tagging>", b"<Other><TagSet/></Other>",
    b"<Tagging><TagSet>x</TagSet></Tagging>", b"<Tagging><TagSet><Tag>x</Tag></TagSet></Tagging>",
    b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
    b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
    b"<Tagging><TagSet><Tag><Key>k</Key><Key>j</Key><Value>v</Value></Tag></TagSet></Tagging>",
    b"<Tagging><TagSet><Tag><Key><a/></Key><Value>v</Value></Tag></TagSet></Tagging>",
    b"<Tagging><TagSet><Foo/></TagSet></Tagging>", b"<Tagging><TagSet>", b"not xml"])
@pytest.mark.parametrize("where", ["/k?tagging", "?tagging"])
def test_a_document_of_another_shape_is_malformed_xml(emu, s3, bucket, obj, doc, where):
    status, error = raw_put_tagging(emu, where, doc)
    assert (status, error["Code"]) == (400, "MalformedXML")
    assert tags_of(s3, bucket, obj) == {"colour": "red", "size": ""}


def test_an_empty_key_is_invalid(emu, s3, bucket, obj):
    doc = b"<Tagging><TagSet><Tag><Key></Key><Value>v</Value></Tag></TagSet></Tagging>"
    status, error = raw_put_tagging(emu, "/k?tagging", doc)
    assert (status, error["Code"], error["Message"]) == (400, "InvalidTag", BAD_KEY)


def test_whitespace_between_elements_is_ignored_and_text_kept(emu, s3, bucket, obj):
    doc = (b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n <TagSet>\n  <Tag>'
           b"<Key> k </Key>\n<Value> v </Value></Tag>\n </TagSet>\n</Tagging>")
    assert raw_put_tagging(emu, "/k?tagging", doc) == (200, {})
    assert tags_of(s3, bucket, obj) == {" k ": " v "}


@pytest.mark.parametrize("header, tags", [
    ("key", {"key": ""}), ("key=", {"key": ""}), ("&", {}), ("&&", {}), ("", {}),
    ("key1&key2", {"key1": "", "key2": ""}), ("a=1&b", {"a": "1", "b": ""}),
    ("sp%20ace=a%2Bb", {"sp ace": "a+b"}), ("plus+sign=1", {"plus sign": "1"})])
def test_header_forms_s3_accepts(s3, bucket, header, tags):
    s3.put_object(Bucket=bucket, Key="h", Body=b"x", Tagging=header)
    assert tags_of(s3, bucket, "h") == tags


def test_multipart_tags_land_on_the_completed_object(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", Tagging="stage=raw")
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"data")
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=bucket, Key="big")
    assert error_of(exc) == (404, "NoSuchKey")
    s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    assert tags_of(s3, bucket, "big") == {"stage": "raw"}


# -- Put/Get/DeleteBucketTagging ------------------------------------------------------------------
def test_bucket_tagging_round_trip(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchTagSet")
    assert message_of(exc) == "The TagSet does not exist"
    tags = {f"k{i}": f"v{i}" for i in range(50)}
    reply = s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset(**tags))
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    assert got == [{"Key": k, "Value": v} for k, v in tags.items()]
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset(only="one"))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "only", "Value": "one"}]
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchTagSet")
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_an_empty_bucket_tag_set_leaves_no_tags(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset(a="1"))
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchTagSet")


@pytest.mark.parametrize("tags, error", [
    ([(f"k{i}", "v") for i in range(51)],
     ("BadRequest", "Bucket tag count cannot be greater than 50")),
    ([("k" * 129, "v")], ("InvalidTag", KEY_LONG)),
    ([("k", "v" * 257)], ("InvalidTag", VALUE_LONG)),
    ([("a|b", "v")], ("InvalidTag", BAD_KEY)),
    ([("k", "<v>")], ("InvalidTag", BAD_VALUE)),
    ([("k", "1"), ("k", "2")], ("InvalidTag", "Cannot provide multiple Tags with the same key")),
    ([("aws:cloudformation:stack-name", "v")],
     ("InvalidTag", "Your TagKey cannot be prefixed with aws:"))])
def test_bucket_tag_sets_are_validated(s3, bucket, tags, error):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tagset(kept="yes"))
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={
            "TagSet": [{"Key": k, "Value": v} for k, v in tags]})
    assert (error_of(exc), message_of(exc)) == ((400, error[0]), error[1])
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "kept", "Value": "yes"}]


def test_put_bucket_tagging_needs_a_digest_and_put_object_tagging_does_not(emu, s3, bucket,
                                                                              obj):
    doc = b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>"
    status, error = raw_put_tagging(emu, "?tagging", doc, md5=False)
    assert (status, error["Code"], error["Message"]) == (
        400, "InvalidRequest", "Missing required header for this request: Content-MD5 OR "
                               "x-amz-checksum-*")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchTagSet")
    assert raw_put_tagging(emu, "?tagging", doc) == (204, {})
    assert raw_put_tagging(emu, "/k?tagging", doc, md5=False) == (200, {})
    assert tags_of(s3, bucket, obj) == {"a": "1"}


def test_bucket_tagging_of_a_missing_bucket(s3):
    for call in (lambda: s3.get_bucket_tagging(Bucket="no-such-bucket"),
                 lambda: s3.put_bucket_tagging(Bucket="no-such-bucket", Tagging=tagset(a="1")),
                 lambda: s3.delete_bucket_tagging(Bucket="no-such-bucket")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (404, "NoSuchBucket")


# -- policy condition keys --------------------------------------------------------------------
@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER, name="olga")
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                        aws_secret_access_key="other-secret")


def policy(s3, bucket, *statements):
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}))


def statement(effect, action, condition, resource="arn:aws:s3:::test-bucket/*"):
    return {"Effect": effect, "Principal": {"AWS": OTHER}, "Action": action,
            "Resource": resource, "Condition": condition}


def denied(call) -> None:
    with pytest.raises(ClientError) as exc:
        call()
    assert error_of(exc) == (403, "AccessDenied")


@pytest.mark.parametrize("action, call", [
    ("s3:GetObjectTagging", lambda c, k: c.get_object_tagging(Bucket="test-bucket", Key=k)),
    ("s3:PutObjectTagging", lambda c, k: c.put_object_tagging(
        Bucket="test-bucket", Key=k, Tagging=tagset(level="public"))),
    ("s3:DeleteObjectTagging",
     lambda c, k: c.delete_object_tagging(Bucket="test-bucket", Key=k)),
    ("s3:GetObject", lambda c, k: c.get_object(Bucket="test-bucket", Key=k))])
def test_existing_object_tag_allows_by_the_objects_tags(s3, bucket, other, action, call):
    s3.put_object(Bucket=bucket, Key="public", Body=b"x", Tagging="level=public")
    s3.put_object(Bucket=bucket, Key="secret", Body=b"x", Tagging="level=secret")
    policy(s3, bucket, statement("Allow", action,
                                 {"StringEquals": {"s3:ExistingObjectTag/level": "public"}}))
    call(other, "public")
    denied(lambda: call(other, "secret"))


def test_existing_object_tag_is_the_tags_of_the_version_named(s3, versioned, other):
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"1", Tagging="level=public")
    s3.put_object(Bucket=versioned, Key="k", Body=b"2", Tagging="level=secret")
    policy(s3, versioned, statement(
        "Allow", ["s3:GetObjectVersionTagging", "s3:GetObjectTagging"],
        {"StringEquals": {"s3:ExistingObjectTag/level": "public"}}))
    other.get_object_tagging(Bucket=versioned, Key="k", VersionId=old["VersionId"])
    denied(lambda: other.get_object_tagging(Bucket=versioned, Key="k"))


def test_a_deny_on_an_existing_tag(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="hold=yes")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    policy(s3, bucket,
           statement("Allow", "s3:PutObjectTagging", {"Bool": {"aws:SecureTransport": "true"}}),
           statement("Deny", "s3:PutObjectTagging",
                     {"StringEquals": {"s3:ExistingObjectTag/hold": "yes"}}))
    denied(lambda: other.put_object_tagging(Bucket=bucket, Key="a", Tagging=tagset(x="1")))
    other.put_object_tagging(Bucket=bucket, Key="b", Tagging=tagset(x="1"))
    assert tags_of(s3, bucket, "a") == {"hold": "yes"}


@pytest.mark.parametrize("write", [
    lambda c, tags: c.put_object_tagging(Bucket="test-bucket", Key="k", Tagging={
        "TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}),
    lambda c, tags: c.put_object(Bucket="test-bucket", Key="k", Body=b"x",
                                 Tagging=urlencode(tags)),
    lambda c, tags: c.create_multipart_upload(Bucket="test-bucket", Key="k",
                                              Tagging=urlencode(tags)),
    lambda c, tags: c.copy_object(Bucket="test-bucket", Key="k", CopySource="test-bucket/src",
                                  TaggingDirective="REPLACE", Tagging=urlencode(tags))],
    ids=["PutObjectTagging", "PutObject", "CreateMultipartUpload", "CopyObject"])
def test_request_object_tag_and_keys(s3, bucket, other, write):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    policy(s3, bucket,
           statement("Allow", ["s3:PutObject", "s3:PutObjectTagging"], {
               "StringEquals": {"s3:RequestObjectTag/team": "web"},
               "ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["team", "tier"]}}),
           statement("Allow", "s3:GetObject", {"Bool": {"aws:SecureTransport": "true"}}))
    write(other, {"team": "web", "tier": "1"})
    denied(lambda: write(other, {"team": "db"}))
    denied(lambda: write(other, {"team": "web", "owner": "me"}))        # a key not allowed
    denied(lambda: write(other, {}))                                   # no tags at all


def test_request_object_tag_of_a_post_form(s3, bucket, other):
    policy(s3, bucket, statement("Allow", "s3:PutObject",
                                 {"StringEquals": {"s3:RequestObjectTag/team": "web"}}))
    assert _post(other, bucket, [("team", "web")]).status_code == 204
    assert tags_of(s3, bucket, "new") == {"team": "web"}
    refused = _post(other, bucket, [("team", "db")])
    assert (refused.status_code, error_xml(refused.content)["Code"]) == (403, "AccessDenied")
    assert tags_of(s3, bucket, "new") == {"team": "web"}


def test_only_a_policy_testing_tags_gets_them_offered():
    def compiled(key):
        return compile_policy(json.dumps({"Version": "2012-10-17", "Statement": [
            statement("Allow", "s3:GetObject", {"StringEquals": {key: "x"}})]}), "test-bucket")
    plain = compiled("aws:SourceIp")
    assert not plain.tests_existing_tags and not plain.tests_request_tags
    assert compiled("s3:ExistingObjectTag/Level").tests_existing_tags
    assert compiled("s3:RequestObjectTag/level").tests_request_tags
    assert compiled("s3:RequestObjectTagKeys").tests_request_tags
    assert not compiled("s3:RequestObjectTagKeys").tests_existing_tags


def test_the_records_of_the_tagging_operations():
    for name in ("GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"):
        record = OPERATIONS[name]
        assert record.implemented and record.where.startswith("s3emu/ops/tagging.py:")
        assert (record.action, record.versioned_action) == \
            (f"s3:{name}", f"s3:{name.replace('Object', 'ObjectVersion')}")
    for name, action in (("GetBucketTagging", "s3:GetBucketTagging"),
                         ("PutBucketTagging", "s3:PutBucketTagging"),
                         ("DeleteBucketTagging", "s3:PutBucketTagging")):
        assert OPERATIONS[name].implemented and OPERATIONS[name].action == action


def test_request_object_tag_keys_deny(s3, bucket, other):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    policy(s3, bucket,
           statement("Allow", "s3:PutObjectTagging", {"Bool": {"aws:SecureTransport": "true"}}),
           statement("Deny", "s3:PutObjectTagging",
                     {"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": "owner"}}))
    other.put_object_tagging(Bucket=bucket, Key="k", Tagging=tagset(team="web"))
    denied(lambda: other.put_object_tagging(Bucket=bucket, Key="k", Tagging=tagset(owner="x")))
    assert tags_of(s3, bucket, "k") == {"team": "web"}


def test_a_malformed_body_under_a_request_tag_policy_is_still_malformed(s3, bucket, emu):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    policy(s3, bucket, statement("Deny", "s3:PutObjectTagging",
                                 {"Null": {"s3:RequestObjectTagKeys": "true"}}))
    status, error = raw_put_tagging(emu, "/k?tagging", b"<Tagging>")
    assert (status, error["Code"]) == (400, "MalformedXML")        # the owner: not denied


def test_tagging_actions_are_the_version_variants_with_a_version_id(s3, versioned, other):
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    policy(s3, versioned, {"Effect": "Allow", "Principal": {"AWS": OTHER},
                           "Action": ["s3:GetObjectTagging", "s3:PutObjectTagging",
                                      "s3:DeleteObjectTagging"],
                           "Resource": "arn:aws:s3:::test-bucket/*"})
    other.put_object_tagging(Bucket=versioned, Key="k", Tagging=tagset(a="1"))
    other.get_object_tagging(Bucket=versioned, Key="k")
    other.delete_object_tagging(Bucket=versioned, Key="k")
    denied(lambda: other.get_object_tagging(Bucket=versioned, Key="k", VersionId=version))
    denied(lambda: other.put_object_tagging(Bucket=versioned, Key="k", VersionId=version,
                                            Tagging=tagset(a="1")))
    denied(lambda: other.delete_object_tagging(Bucket=versioned, Key="k", VersionId=version))


def test_bucket_tagging_needs_its_actions(s3, bucket, other):
    denied(lambda: other.get_bucket_tagging(Bucket=bucket))
    policy(s3, bucket, {"Effect": "Allow", "Principal": {"AWS": OTHER},
                        "Action": ["s3:GetBucketTagging", "s3:PutBucketTagging"],
                        "Resource": "arn:aws:s3:::test-bucket"})
    other.put_bucket_tagging(Bucket=bucket, Tagging=tagset(a="1"))
    assert other.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "a", "Value": "1"}]
    other.delete_bucket_tagging(Bucket=bucket)                 # s3:PutBucketTagging


# -- the AWS CLI -------------------------------------------------------------------------------
def test_aws_cli_put_and_get_object_tagging(server):
    def aws(*args: str) -> str:
        done = aws_cli(server, "s3api", *args, "--output", "json")
        assert done.returncode == 0, done.stderr
        return done.stdout

    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint_url,
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="cli-tags")
    s3.put_object(Bucket="cli-tags", Key="doc.txt", Body=b"x")
    aws("put-object-tagging", "--bucket", "cli-tags", "--key", "doc.txt", "--tagging",
        "TagSet=[{Key=team,Value=web},{Key=tier,Value=1}]")
    assert json.loads(aws("get-object-tagging", "--bucket", "cli-tags", "--key", "doc.txt")) \
        == {"TagSet": [{"Key": "team", "Value": "web"}, {"Key": "tier", "Value": "1"}]}
    aws("put-bucket-tagging", "--bucket", "cli-tags", "--tagging",
        "TagSet=[{Key=cost-centre,Value=42}]")
    assert json.loads(aws("get-bucket-tagging", "--bucket", "cli-tags")) == \
        {"TagSet": [{"Key": "cost-centre", "Value": "42"}]}
