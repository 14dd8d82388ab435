"""S3 versioning through boto3: Put/GetBucketVersioning (Enabled, Suspended, never back to
unversioned, MFADelete), version ids on PUT / GET / HEAD, the ``null`` version of unversioned and
Suspended buckets, delete markers (404 / 405 with ``x-amz-delete-marker``), deleting by version
id, version id errors, DeleteObjects per version, ListObjectVersions (order, IsLatest, prefix,
delimiter, paging by key and version id markers, encoding-type, owner), ListObjectsV2 hiding
deleted keys, CopyObject from a source version, multipart uploads and concurrent writers.

Each test is written from S3's documented behaviour and uses the plugin's ``s3emu`` and
``s3_client`` fixtures.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client
from s3emu.auth.users import DEFAULT_ACCOUNT_ID, canonical_id

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
MFA = "SERIAL 123456"


# -- helpers --------------------------------------------------------------------------------------

def make_bucket(s3, name: str, status: str | None = "Enabled") -> str:
    """A new bucket; ``status`` (Enabled / Suspended) is set with PutBucketVersioning."""
    s3.create_bucket(Bucket=name)
    if status is not None:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
    return name


@pytest.fixture
def vbucket(s3_client) -> str:
    """A bucket with versioning Enabled."""
    return make_bucket(s3_client, "versioned")


@pytest.fixture
def plain(s3_client) -> str:
    """A bucket whose versioning was never enabled."""
    return make_bucket(s3_client, "plain", None)


def headers(response) -> dict:
    return response["ResponseMetadata"]["HTTPHeaders"]


def status_of(response) -> int:
    return response["ResponseMetadata"]["HTTPStatusCode"]


def put(s3, bucket: str, key: str, body: bytes, **kwargs) -> str:
    """PutObject; the new version's id."""
    return s3.put_object(Bucket=bucket, Key=key, Body=body, **kwargs)["VersionId"]


def changed(version_id: str) -> str:
    """A well-formed version id that differs from ``version_id`` in its last character."""
    return version_id[:-1] + ("A" if version_id[-1] != "A" else "B")


def raw_versions(s3) -> dict:
    """Keep the raw XML body of each ListObjectVersions response in the returned dict."""
    seen: dict = {}

    def keep(http_response, **kwargs):
        seen["body"] = http_response.content
    s3.meta.events.register("after-call.s3.ListObjectVersions", keep)
    return seen


def entries(body: bytes) -> list[tuple[str, str, str, str]]:
    """(Version or DeleteMarker, Key, VersionId, IsLatest) of a raw listing, in its order."""
    root = ET.fromstring(body)
    assert root.tag == NS + "ListVersionsResult"
    return [(child.tag[len(NS):], child.findtext(NS + "Key"), child.findtext(NS + "VersionId"),
             child.findtext(NS + "IsLatest"))
            for child in root if child.tag in (NS + "Version", NS + "DeleteMarker")]


def versions_of(s3, bucket: str, **kwargs) -> list[tuple[str, str, bool]]:
    """(Key, VersionId, IsLatest) of the object versions (not markers) listed."""
    response = s3.list_object_versions(Bucket=bucket, **kwargs)
    return [(v["Key"], v["VersionId"], v["IsLatest"]) for v in response.get("Versions", [])]


def markers_of(s3, bucket: str, **kwargs) -> list[tuple[str, str, bool]]:
    """(Key, VersionId, IsLatest) of the delete markers listed."""
    response = s3.list_object_versions(Bucket=bucket, **kwargs)
    return [(m["Key"], m["VersionId"], m["IsLatest"])
            for m in response.get("DeleteMarkers", [])]


# -- Put/GetBucketVersioning ----------------------------------------------------------------------

def test_never_versioned_bucket_has_empty_versioning_configuration(s3_client, plain):
    response = s3_client.get_bucket_versioning(Bucket=plain)
    assert "Status" not in response and "MFADelete" not in response


def test_versioning_enabled_then_suspended_then_enabled(s3_client, plain):
    for status in ("Enabled", "Suspended", "Enabled"):
        put_response = s3_client.put_bucket_versioning(
            Bucket=plain, VersioningConfiguration={"Status": status})
        assert status_of(put_response) == 200
        assert s3_client.get_bucket_versioning(Bucket=plain)["Status"] == status


@pytest.mark.parametrize("status", ["Disabled", "Off", "Unversioned"])
def test_versioning_cannot_go_back_to_unversioned(s3_client, vbucket, status):
    with pytest.raises(ClientError) as exc:
        s3_client.put_bucket_versioning(Bucket=vbucket,
                                        VersioningConfiguration={"Status": status})
    assert error_of(exc) == (400, "MalformedXML")
    assert s3_client.get_bucket_versioning(Bucket=vbucket)["Status"] == "Enabled"


def test_invalid_status_on_never_versioned_bucket_is_malformed_xml(s3_client, plain):
    with pytest.raises(ClientError) as exc:
        s3_client.put_bucket_versioning(Bucket=plain,
                                        VersioningConfiguration={"Status": "Disabled"})
    assert error_of(exc) == (400, "MalformedXML")
    assert "Status" not in s3_client.get_bucket_versioning(Bucket=plain)


def test_mfa_delete_is_stored_when_the_mfa_header_is_given(s3_client, plain):
    s3_client.put_bucket_versioning(
        Bucket=plain, MFA=MFA,
        VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    response = s3_client.get_bucket_versioning(Bucket=plain)
    assert (response["Status"], response["MFADelete"]) == ("Enabled", "Enabled")


def test_enabling_mfa_delete_without_the_mfa_header_fails(s3_client, plain):
    with pytest.raises(ClientError) as exc:
        s3_client.put_bucket_versioning(
            Bucket=plain, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    status, code = error_of(exc)
    assert status in (400, 403) and code != "NotImplemented"
    assert "MFADelete" not in s3_client.get_bucket_versioning(Bucket=plain)


@pytest.mark.parametrize("mfa", ["123456", "SERIAL", "SERIAL abcdef"])
def test_enabling_mfa_delete_with_a_malformed_mfa_header_fails(s3_client, plain, mfa):
    with pytest.raises(ClientError) as exc:
        s3_client.put_bucket_versioning(
            Bucket=plain, MFA=mfa,
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    status, code = error_of(exc)
    assert status in (400, 403) and code != "NotImplemented"
    assert "MFADelete" not in s3_client.get_bucket_versioning(Bucket=plain)


def test_versioned_delete_in_mfa_delete_bucket_needs_the_mfa_header(s3_client, plain):
    s3_client.put_bucket_versioning(
        Bucket=plain, MFA=MFA,
        VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    v1 = put(s3_client, plain, "k", b"one")
    with pytest.raises(ClientError) as exc:
        s3_client.delete_object(Bucket=plain, Key="k", VersionId=v1)
    assert error_of(exc)[0] in (400, 403)
    assert s3_client.get_object(Bucket=plain, Key="k", VersionId=v1)["Body"].read() == b"one"
    deleted = s3_client.delete_object(Bucket=plain, Key="k", VersionId=v1, MFA=MFA)
    assert status_of(deleted) == 204 and deleted["VersionId"] == v1
    assert versions_of(s3_client, plain) == []


def test_simple_delete_in_mfa_delete_bucket_needs_no_mfa_header(s3_client, plain):
    s3_client.put_bucket_versioning(
        Bucket=plain, MFA=MFA,
        VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    put(s3_client, plain, "k", b"one")
    assert s3_client.delete_object(Bucket=plain, Key="k")["DeleteMarker"] is True


# -- PUT / GET / HEAD in a versioned bucket -------------------------------------------------------

def test_each_put_returns_a_new_version_id(s3_client, vbucket):
    responses = [s3_client.put_object(Bucket=vbucket, Key="k", Body=b"%d" % n)
                 for n in range(3)]
    ids = [r["VersionId"] for r in responses]
    assert len(set(ids)) == 3 and "null" not in ids and all(ids)
    assert [headers(r)["x-amz-version-id"] for r in responses] == ids


def test_get_and_head_without_version_id_return_the_newest(s3_client, vbucket):
    put(s3_client, vbucket, "k", b"old")
    newest = put(s3_client, vbucket, "k", b"newest")
    got = s3_client.get_object(Bucket=vbucket, Key="k")
    assert got["Body"].read() == b"newest"
    assert got["VersionId"] == newest and headers(got)["x-amz-version-id"] == newest
    head = s3_client.head_object(Bucket=vbucket, Key="k")
    assert head["VersionId"] == newest and head["ContentLength"] == 6


def test_get_and_head_by_version_id_return_that_version(s3_client, vbucket):
    written = {}
    for n, body in enumerate([b"first", b"second body", b"third"]):
        response = s3_client.put_object(Bucket=vbucket, Key="k", Body=body,
                                        ContentType=f"text/v{n}", Metadata={"n": str(n)})
        written[response["VersionId"]] = (body, response["ETag"], n)
    for version_id, (body, etag, n) in written.items():
        got = s3_client.get_object(Bucket=vbucket, Key="k", VersionId=version_id)
        assert got["Body"].read() == body and got["ETag"] == etag
        assert got["Metadata"] == {"n": str(n)} and got["ContentType"] == f"text/v{n}"
        assert got["VersionId"] == version_id
        assert headers(got)["x-amz-version-id"] == version_id
        head = s3_client.head_object(Bucket=vbucket, Key="k", VersionId=version_id)
        assert (head["ETag"], head["ContentLength"], head["VersionId"]) == \
            (etag, len(body), version_id)


# -- unversioned and Suspended buckets: the null version ------------------------------------------

def test_put_in_unversioned_bucket_has_no_version_id(s3_client, plain):
    response = s3_client.put_object(Bucket=plain, Key="k", Body=b"x")
    assert "VersionId" not in response
    assert "x-amz-version-id" not in headers(response)


def test_get_null_version_in_unversioned_bucket(s3_client, plain):
    s3_client.put_object(Bucket=plain, Key="k", Body=b"x")
    got = s3_client.get_object(Bucket=plain, Key="k", VersionId="null")
    assert got["Body"].read() == b"x"


def test_unversioned_bucket_lists_each_object_once_as_null_version(s3_client, plain):
    for key in ("b", "a", "c"):
        s3_client.put_object(Bucket=plain, Key=key, Body=b"1")
    s3_client.put_object(Bucket=plain, Key="a", Body=b"2")   # overwrite: still one version
    assert versions_of(s3_client, plain) == [
        ("a", "null", True), ("b", "null", True), ("c", "null", True)]
    assert markers_of(s3_client, plain) == []


def test_object_written_before_versioning_is_the_null_version(s3_client, plain):
    s3_client.put_object(Bucket=plain, Key="k", Body=b"before")
    s3_client.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    v1 = put(s3_client, plain, "k", b"after")
    assert versions_of(s3_client, plain) == [("k", v1, True), ("k", "null", False)]
    got = s3_client.get_object(Bucket=plain, Key="k", VersionId="null")
    assert got["Body"].read() == b"before"


def test_suspended_put_replaces_null_version_and_keeps_older_versions(s3_client, plain):
    s3_client.put_object(Bucket=plain, Key="k", Body=b"null-1")
    s3_client.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    v1 = put(s3_client, plain, "k", b"v1")
    s3_client.put_bucket_versioning(Bucket=plain,
                                    VersioningConfiguration={"Status": "Suspended"})
    s3_client.put_object(Bucket=plain, Key="k", Body=b"null-2")
    s3_client.put_object(Bucket=plain, Key="k", Body=b"null-3")
    assert versions_of(s3_client, plain) == [("k", "null", True), ("k", v1, False)]
    assert s3_client.get_object(Bucket=plain, Key="k")["Body"].read() == b"null-3"
    assert s3_client.get_object(Bucket=plain, Key="k", VersionId=v1)["Body"].read() == b"v1"


def test_suspended_delete_inserts_a_null_delete_marker(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"v1")
    s3_client.put_bucket_versioning(Bucket=vbucket,
                                    VersioningConfiguration={"Status": "Suspended"})
    s3_client.put_object(Bucket=vbucket, Key="k", Body=b"null")
    assert s3_client.delete_object(Bucket=vbucket, Key="k")["DeleteMarker"] is True
    assert markers_of(s3_client, vbucket) == [("k", "null", True)]
    assert versions_of(s3_client, vbucket) == [("k", v1, False)]


# -- delete markers -------------------------------------------------------------------------------

def test_delete_without_version_id_inserts_a_delete_marker(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"x")
    response = s3_client.delete_object(Bucket=vbucket, Key="k")
    assert status_of(response) == 204 and response["DeleteMarker"] is True
    marker = response["VersionId"]
    assert marker not in (v1, "null", "")
    assert headers(response)["x-amz-delete-marker"] == "true"
    assert markers_of(s3_client, vbucket) == [("k", marker, True)]
    assert versions_of(s3_client, vbucket) == [("k", v1, False)]


def test_get_after_delete_marker_is_404_no_such_key_with_marker_header(s3_client, vbucket):
    put(s3_client, vbucket, "k", b"x")
    s3_client.delete_object(Bucket=vbucket, Key="k")
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k")
    assert error_of(exc) == (404, "NoSuchKey")
    assert headers(exc.value.response)["x-amz-delete-marker"] == "true"


def test_head_after_delete_marker_is_404_with_marker_header(s3_client, vbucket):
    put(s3_client, vbucket, "k", b"x")
    s3_client.delete_object(Bucket=vbucket, Key="k")
    with pytest.raises(ClientError) as exc:
        s3_client.head_object(Bucket=vbucket, Key="k")
    assert error_of(exc)[0] == 404
    assert headers(exc.value.response)["x-amz-delete-marker"] == "true"


def test_old_version_is_readable_behind_a_delete_marker(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"kept")
    s3_client.delete_object(Bucket=vbucket, Key="k")
    got = s3_client.get_object(Bucket=vbucket, Key="k", VersionId=v1)
    assert got["Body"].read() == b"kept" and got["VersionId"] == v1


def test_get_delete_marker_by_version_id_is_405_method_not_allowed(s3_client, vbucket):
    put(s3_client, vbucket, "k", b"x")
    marker = s3_client.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert error_of(exc) == (405, "MethodNotAllowed")
    sent = headers(exc.value.response)
    assert sent["x-amz-delete-marker"] == "true" and "last-modified" in sent


def test_head_delete_marker_by_version_id_is_405(s3_client, vbucket):
    put(s3_client, vbucket, "k", b"x")
    marker = s3_client.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3_client.head_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert error_of(exc)[0] == 405
    sent = headers(exc.value.response)
    assert sent["x-amz-delete-marker"] == "true" and "last-modified" in sent


def test_deleting_the_delete_marker_restores_the_previous_version(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"back")
    marker = s3_client.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    response = s3_client.delete_object(Bucket=vbucket, Key="k", VersionId=marker)
    assert status_of(response) == 204
    assert response["DeleteMarker"] is True and response["VersionId"] == marker
    got = s3_client.get_object(Bucket=vbucket, Key="k")
    assert got["Body"].read() == b"back" and got["VersionId"] == v1
    assert markers_of(s3_client, vbucket) == []
    assert versions_of(s3_client, vbucket) == [("k", v1, True)]


def test_delete_by_version_id_removes_exactly_that_version(s3_client, vbucket):
    v1, v2, v3 = (put(s3_client, vbucket, "k", body) for body in (b"1", b"2", b"3"))
    response = s3_client.delete_object(Bucket=vbucket, Key="k", VersionId=v2)
    assert status_of(response) == 204 and response["VersionId"] == v2
    assert not response.get("DeleteMarker")
    assert versions_of(s3_client, vbucket) == [("k", v3, True), ("k", v1, False)]
    assert markers_of(s3_client, vbucket) == []
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", VersionId=v2)
    assert error_of(exc) == (404, "NoSuchVersion")


def test_deleting_the_current_version_makes_the_previous_one_current(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"1")
    v2 = put(s3_client, vbucket, "k", b"2")
    s3_client.delete_object(Bucket=vbucket, Key="k", VersionId=v2)
    got = s3_client.get_object(Bucket=vbucket, Key="k")
    assert got["Body"].read() == b"1" and got["VersionId"] == v1
    assert versions_of(s3_client, vbucket) == [("k", v1, True)]


def test_delete_of_a_missing_key_still_inserts_a_marker_each_time(s3_client, vbucket):
    first = s3_client.delete_object(Bucket=vbucket, Key="never")
    second = s3_client.delete_object(Bucket=vbucket, Key="never")
    assert first["DeleteMarker"] is True and second["DeleteMarker"] is True
    assert first["VersionId"] != second["VersionId"]
    assert markers_of(s3_client, vbucket) == [
        ("never", second["VersionId"], True), ("never", first["VersionId"], False)]


def test_range_and_if_match_apply_to_the_requested_version(s3_client, vbucket):
    old = s3_client.put_object(Bucket=vbucket, Key="k", Body=b"0123456789")
    put(s3_client, vbucket, "k", b"abcdefghij")
    got = s3_client.get_object(Bucket=vbucket, Key="k", VersionId=old["VersionId"],
                               Range="bytes=2-4", IfMatch=old["ETag"])
    assert status_of(got) == 206 and got["Body"].read() == b"234"
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", IfMatch=old["ETag"])
    assert error_of(exc) == (412, "PreconditionFailed")


# -- version id errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["bogus", "1", "null-but-not"])
def test_malformed_version_id_is_400_invalid_argument(s3_client, vbucket, bad):
    put(s3_client, vbucket, "k", b"x")
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", VersionId=bad)
    assert error_of(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["Message"] == "Invalid version id specified"
    with pytest.raises(ClientError) as exc:
        s3_client.head_object(Bucket=vbucket, Key="k", VersionId=bad)
    assert error_of(exc)[0] == 400


def test_unknown_well_formed_version_id_is_404_no_such_version(s3_client, vbucket):
    unknown = changed(put(s3_client, vbucket, "k", b"x"))
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", VersionId=unknown)
    assert error_of(exc) == (404, "NoSuchVersion")
    with pytest.raises(ClientError) as exc:
        s3_client.head_object(Bucket=vbucket, Key="k", VersionId=unknown)
    assert error_of(exc)[0] == 404


def test_null_version_id_in_bucket_without_null_version_is_404_no_such_version(
        s3_client, vbucket):
    put(s3_client, vbucket, "k", b"x")
    with pytest.raises(ClientError) as exc:
        s3_client.get_object(Bucket=vbucket, Key="k", VersionId="null")
    assert error_of(exc) == (404, "NoSuchVersion")


# -- DeleteObjects --------------------------------------------------------------------------------

def test_delete_objects_by_version_id(s3_client, vbucket):
    a1, a2 = put(s3_client, vbucket, "a", b"1"), put(s3_client, vbucket, "a", b"2")
    b1 = put(s3_client, vbucket, "b", b"1")
    response = s3_client.delete_objects(Bucket=vbucket, Delete={"Objects": [
        {"Key": "a", "VersionId": a1}, {"Key": "b", "VersionId": b1}]})
    assert "Errors" not in response
    deleted = sorted((d["Key"], d["VersionId"]) for d in response["Deleted"])
    assert deleted == [("a", a1), ("b", b1)]
    assert not any(d.get("DeleteMarker") for d in response["Deleted"])
    assert versions_of(s3_client, vbucket) == [("a", a2, True)]


def test_delete_objects_without_version_id_inserts_markers(s3_client, vbucket):
    a1 = put(s3_client, vbucket, "a", b"1")
    b1 = put(s3_client, vbucket, "b", b"1")
    response = s3_client.delete_objects(Bucket=vbucket,
                                        Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]})
    deleted = {d["Key"]: d for d in response["Deleted"]}
    assert sorted(deleted) == ["a", "b"]
    assert all(d["DeleteMarker"] is True and d["DeleteMarkerVersionId"] not in ("", "null")
               for d in deleted.values())
    assert markers_of(s3_client, vbucket) == [
        ("a", deleted["a"]["DeleteMarkerVersionId"], True),
        ("b", deleted["b"]["DeleteMarkerVersionId"], True)]
    assert versions_of(s3_client, vbucket) == [("a", a1, False), ("b", b1, False)]


def test_delete_objects_removing_a_marker_reports_it(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "k", b"1")
    marker = s3_client.delete_object(Bucket=vbucket, Key="k")["VersionId"]
    response = s3_client.delete_objects(Bucket=vbucket, Delete={"Objects": [
        {"Key": "k", "VersionId": marker}]})
    [entry] = response["Deleted"]
    assert (entry["Key"], entry["VersionId"]) == ("k", marker)
    assert entry["DeleteMarker"] is True and entry["DeleteMarkerVersionId"] == marker
    assert s3_client.get_object(Bucket=vbucket, Key="k")["VersionId"] == v1


# -- ListObjectVersions ---------------------------------------------------------------------------

def test_list_versions_order_is_key_then_newest_first_with_markers_interleaved(
        s3_client, vbucket):
    seen = raw_versions(s3_client)
    b1 = put(s3_client, vbucket, "b", b"1")
    a1 = put(s3_client, vbucket, "a", b"1")
    a_marker = s3_client.delete_object(Bucket=vbucket, Key="a")["VersionId"]
    a2 = put(s3_client, vbucket, "a", b"2")
    b_marker = s3_client.delete_object(Bucket=vbucket, Key="b")["VersionId"]
    s3_client.list_object_versions(Bucket=vbucket)
    assert entries(seen["body"]) == [
        ("Version", "a", a2, "true"), ("DeleteMarker", "a", a_marker, "false"),
        ("Version", "a", a1, "false"),
        ("DeleteMarker", "b", b_marker, "true"), ("Version", "b", b1, "false")]


def test_list_versions_prefix_and_delimiter(s3_client, vbucket):
    for key in ("photos/2024/a.jpg", "photos/2025/b.jpg", "photos/top.jpg", "music/x.mp3"):
        put(s3_client, vbucket, key, b"x")
    v2 = put(s3_client, vbucket, "photos/top.jpg", b"y")
    response = s3_client.list_object_versions(Bucket=vbucket, Prefix="photos/", Delimiter="/")
    assert response["Prefix"] == "photos/" and response["Delimiter"] == "/"
    assert [p["Prefix"] for p in response["CommonPrefixes"]] == [
        "photos/2024/", "photos/2025/"]
    listed = [(v["Key"], v["IsLatest"]) for v in response["Versions"]]
    assert listed == [("photos/top.jpg", True), ("photos/top.jpg", False)]
    assert response["Versions"][0]["VersionId"] == v2


def test_list_versions_key_marker_alone_starts_after_that_key(s3_client, vbucket):
    for key in ("a", "b", "b", "c"):
        put(s3_client, vbucket, key, b"x")
    assert [key for key, _, _ in versions_of(s3_client, vbucket, KeyMarker="b")] == ["c"]


def test_list_versions_pages_of_four_yield_everything_once(s3_client, vbucket):
    seen = raw_versions(s3_client)
    for n in range(25):
        key = f"key-{n % 6}"
        if n % 7 == 6:
            s3_client.delete_object(Bucket=vbucket, Key=key)
        else:
            put(s3_client, vbucket, key, b"%d" % n)
    s3_client.list_object_versions(Bucket=vbucket)
    everything = entries(seen["body"])
    assert len(everything) == 25
    pages, kwargs = [], {}
    while True:
        response = s3_client.list_object_versions(Bucket=vbucket, MaxKeys=4, **kwargs)
        page = entries(seen["body"])
        pages.append(page)
        assert response["MaxKeys"] == 4 and len(page) <= 4
        if not response["IsTruncated"]:
            break
        assert len(page) == 4
        assert (response["NextKeyMarker"], response["NextVersionIdMarker"]) == page[-1][1:3]
        kwargs = {"KeyMarker": response["NextKeyMarker"],
                  "VersionIdMarker": response["NextVersionIdMarker"]}
        assert len(pages) < 10
    assert [entry for page in pages for entry in page] == everything
    assert len(pages) == 7


def test_list_versions_pages_through_null_versions(s3_client, plain):
    for key in ("a", "b"):
        s3_client.put_object(Bucket=plain, Key=key, Body=b"null")
    s3_client.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    a1, b1 = put(s3_client, plain, "a", b"1"), put(s3_client, plain, "b", b"1")
    listed, kwargs = [], {}
    while True:
        response = s3_client.list_object_versions(Bucket=plain, MaxKeys=1, **kwargs)
        listed += [(v["Key"], v["VersionId"]) for v in response["Versions"]]
        if not response["IsTruncated"]:
            break
        kwargs = {"KeyMarker": response["NextKeyMarker"],
                  "VersionIdMarker": response["NextVersionIdMarker"]}
        assert len(listed) < 6
    assert listed == [("a", a1), ("a", "null"), ("b", b1), ("b", "null")]


def test_list_versions_is_latest_exactly_once_per_key(s3_client, vbucket):
    seen = raw_versions(s3_client)
    for key in ("x", "y", "x", "z", "x"):
        put(s3_client, vbucket, key, b"x")
    s3_client.delete_object(Bucket=vbucket, Key="y")
    s3_client.list_object_versions(Bucket=vbucket)
    latest = [(kind, key) for kind, key, _, is_latest in entries(seen["body"])
              if is_latest == "true"]
    assert latest == [("Version", "x"), ("DeleteMarker", "y"), ("Version", "z")]


def test_list_versions_encoding_type_url(s3_client, vbucket):
    put(s3_client, vbucket, "caf\u00e9/\u00fc.txt", b"x")
    response = s3_client.list_object_versions(Bucket=vbucket, EncodingType="url",
                                              Delimiter="/")
    assert response["EncodingType"] == "url"
    assert [p["Prefix"] for p in response["CommonPrefixes"]] == ["caf%C3%A9/"]
    nested = s3_client.list_object_versions(Bucket=vbucket, EncodingType="url",
                                            Prefix="caf\u00e9/")
    assert [v["Key"] for v in nested["Versions"]] == ["caf%C3%A9/%C3%BC.txt"]


def test_list_versions_entries_carry_owner_size_etag_storage_class(s3_client, vbucket):
    etag = s3_client.put_object(Bucket=vbucket, Key="k", Body=b"hello")["ETag"]
    s3_client.delete_object(Bucket=vbucket, Key="k")
    response = s3_client.list_object_versions(Bucket=vbucket)
    owner = {"ID": canonical_id(DEFAULT_ACCOUNT_ID), "DisplayName": "s3emu"}
    [version] = response["Versions"]
    assert (version["Size"], version["ETag"], version["StorageClass"]) == (5, etag, "STANDARD")
    assert version["Owner"] == owner and "LastModified" in version
    [marker] = response["DeleteMarkers"]
    assert marker["Owner"] == owner and "LastModified" in marker


def test_list_objects_v2_hides_keys_whose_newest_version_is_a_marker(s3_client, vbucket):
    for key in ("gone", "kept"):
        put(s3_client, vbucket, key, b"x")
    s3_client.delete_object(Bucket=vbucket, Key="gone")
    listed = s3_client.list_objects_v2(Bucket=vbucket)
    assert [c["Key"] for c in listed["Contents"]] == ["kept"] and listed["KeyCount"] == 1
    assert [c["Key"] for c in s3_client.list_objects(Bucket=vbucket)["Contents"]] == ["kept"]


# -- CopyObject and multipart ---------------------------------------------------------------------

@pytest.mark.parametrize("destination_status", ["Enabled", None])
def test_copy_from_a_source_version(s3_client, vbucket, destination_status):
    v1 = put(s3_client, vbucket, "src", b"first")
    put(s3_client, vbucket, "src", b"second")
    target = make_bucket(s3_client, "target", destination_status)
    response = s3_client.copy_object(
        Bucket=target, Key="dst", CopySource={"Bucket": vbucket, "Key": "src", "VersionId": v1})
    assert response["CopySourceVersionId"] == v1
    assert s3_client.get_object(Bucket=target, Key="dst")["Body"].read() == b"first"
    if destination_status == "Enabled":
        assert response["VersionId"] not in (v1, "null", "")
        assert versions_of(s3_client, target) == [("dst", response["VersionId"], True)]
    else:
        assert "VersionId" not in response


def test_complete_multipart_upload_creates_a_new_version(s3_client, vbucket):
    v1 = put(s3_client, vbucket, "big", b"small")
    upload = s3_client.create_multipart_upload(Bucket=vbucket, Key="big")["UploadId"]
    part = s3_client.upload_part(Bucket=vbucket, Key="big", UploadId=upload, PartNumber=1,
                                 Body=b"multipart")
    done = s3_client.complete_multipart_upload(
        Bucket=vbucket, Key="big", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    v2 = done["VersionId"]
    assert v2 not in (v1, "null", "")
    assert versions_of(s3_client, vbucket) == [("big", v2, True), ("big", v1, False)]
    assert s3_client.get_object(Bucket=vbucket, Key="big")["Body"].read() == b"multipart"
    assert s3_client.get_object(Bucket=vbucket, Key="big", VersionId=v1)["Body"].read() == \
        b"small"


# -- concurrency ----------------------------------------------------------------------------------

def test_concurrent_puts_to_one_key_lose_no_version(s3emu, s3_client, vbucket):
    clients = [make_client() for _ in range(8)]

    def write(n: int) -> list[str]:
        return [put(clients[n], vbucket, "hot", b"%d-%d" % (n, i)) for i in range(10)]
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        per_thread = list(pool.map(write, range(len(clients))))
    written = {version_id for ids in per_thread for version_id in ids}
    assert len(written) == 80
    listed = [(v["VersionId"], v["IsLatest"])
              for page in s3_client.get_paginator("list_object_versions").paginate(
                  Bucket=vbucket, PaginationConfig={"PageSize": 30})
              for v in page.get("Versions", [])]
    assert len(listed) == 80 and {version_id for version_id, _ in listed} == written
    assert [latest for _, latest in listed].count(True) == 1


# -- the versioned actions in bucket policies ------------------------------------------------
def test_policies_see_the_versioned_actions(s3emu, s3_client, vbucket):
    s3emu.add_user("reader", "reader-secret", account_id="222233334444")
    s3_client.put_bucket_policy(Bucket=vbucket, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
        "Action": ["s3:GetObject", "s3:ListBucketVersions"],
        "Resource": [f"arn:aws:s3:::{vbucket}", f"arn:aws:s3:::{vbucket}/*"]}]}))
    first = put(s3_client, vbucket, "k", b"one")
    put(s3_client, vbucket, "k", b"two")
    reader = boto3.client("s3", region_name="us-east-1", aws_access_key_id="reader",
                          aws_secret_access_key="reader-secret")
    assert reader.get_object(Bucket=vbucket, Key="k")["Body"].read() == b"two"
    assert len(reader.list_object_versions(Bucket=vbucket)["Versions"]) == 2
    with pytest.raises(ClientError) as exc:           # s3:GetObjectVersion is not granted
        reader.get_object(Bucket=vbucket, Key="k", VersionId=first)
    assert error_of(exc) == (403, "AccessDenied")
