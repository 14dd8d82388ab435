"""Object Lock through boto3: bucket configuration, retention and legal hold on writes and by
their own operations, what they refuse, and the clock ending a retention."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error_of, make_client

LOCKED = "Access Denied because object protected by object lock."


@pytest.fixture
def locked(s3):
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    return "locked"


def later(emu, **delta):
    return emu.clock.now() + timedelta(**delta)


def message_of(excinfo):
    return excinfo.value.response["Error"]["Message"]


# -- the bucket's configuration ------------------------------------------------------------
def test_create_bucket_with_lock_enables_versioning_and_lock(s3, locked):
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}


def test_a_locked_bucket_cannot_suspend_versioning(s3, locked):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert error_of(exc) == (409, "InvalidBucketState")


def test_lock_configuration_missing_or_on_an_unversioned_bucket(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error_of(exc) == (404, "ObjectLockConfigurationNotFoundError")
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert error_of(exc) == (409, "InvalidBucketState")


def test_lock_can_be_enabled_on_an_existing_versioned_bucket(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}})
    config = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert config["Rule"] == {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}


@pytest.mark.parametrize("rule,code", [
    ({"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}, (400, "InvalidArgument")),
    ({"DefaultRetention": {"Mode": "GOVERNANCE", "Days": -3}}, (400, "InvalidArgument")),
    ({"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}, (400, "MalformedXML")),
    ({"DefaultRetention": {"Mode": "GOVERNANCE"}}, (400, "MalformedXML")),
    ({"DefaultRetention": {"Mode": "SOMETIMES", "Days": 1}}, (400, "MalformedXML")),
], ids=["zero", "negative", "both", "neither", "mode"])
def test_default_retention_is_validated(s3, locked, rule, code):
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": rule})
    assert error_of(exc) == code
    assert "Rule" not in s3.get_object_lock_configuration(
        Bucket=locked)["ObjectLockConfiguration"]          # nothing changed


def test_default_retention_applies_to_new_versions(s3, emu, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE",
                                                                      "Days": 2}}})
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    head = s3.head_object(Bucket=locked, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] == later(emu, days=2)


# -- lock headers on writes ------------------------------------------------------------------
def test_lock_headers_on_a_bucket_without_lock_are_invalid_request(s3, emu, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == "Bucket is missing Object Lock Configuration"
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ObjectLockMode="GOVERNANCE",
                                   ObjectLockRetainUntilDate=later(emu, days=1))
    assert error_of(exc) == (400, "InvalidRequest")


@pytest.mark.parametrize("params,code,text", [
    ({"ObjectLockMode": "GOVERNANCE"}, "InvalidArgument", "must both be supplied"),
    ({"ObjectLockMode": "FOREVER", "until": 1}, "InvalidArgument", "Unknown wormMode"),
    ({"ObjectLockMode": "GOVERNANCE", "until": -1}, "InvalidArgument", "in the future"),
], ids=["mode-alone", "bad-mode", "past-date"])
def test_lock_headers_are_validated(s3, emu, locked, params, code, text):
    params = dict(params)
    if "until" in params:
        params["ObjectLockRetainUntilDate"] = later(emu, days=params.pop("until"))
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=locked, Key="k", Body=b"x", **params)
    assert error_of(exc) == (400, code) and text in message_of(exc)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_a_put_with_lock_parameters_needs_a_digest(s3, emu, locked):
    plain = make_client(request_checksum_calculation="when_required")

    def without_digest(request, **_):
        for name in [n for n in request.headers if n.lower().startswith(
                ("content-md5", "x-amz-checksum-", "x-amz-sdk-checksum"))]:
            del request.headers[name]
    plain.meta.events.register("before-sign.s3.PutObject", without_digest)
    with pytest.raises(ClientError) as exc:
        plain.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert error_of(exc) == (400, "InvalidRequest")
    assert message_of(exc) == ("Content-MD5 OR x-amz-checksum- HTTP header is required for "
                               "Put Object requests with Object Lock parameters")
    plain.put_object(Bucket=locked, Key="k", Body=b"x")      # no lock parameters: no digest


def test_copy_and_multipart_objects_get_their_lock(s3, emu, locked):
    until = later(emu, days=3)
    s3.put_object(Bucket=locked, Key="src", Body=b"x")
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "src"},
                   ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
    upload = s3.create_multipart_upload(Bucket=locked, Key="mp", ObjectLockLegalHoldStatus="ON")
    part = s3.upload_part(Bucket=locked, Key="mp", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"y")
    s3.complete_multipart_upload(Bucket=locked, Key="mp", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    copied = s3.head_object(Bucket=locked, Key="copy")
    assert (copied["ObjectLockMode"], copied["ObjectLockRetainUntilDate"]) == ("COMPLIANCE",
                                                                               until)
    assert s3.head_object(Bucket=locked, Key="mp")["ObjectLockLegalHoldStatus"] == "ON"
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="src")


# -- enforcement and the clock ---------------------------------------------------------------
def test_a_governance_version_is_deletable_once_the_clock_passes_its_date(s3, emu, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=later(emu, days=1))["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert error_of(exc) == (403, "AccessDenied") and message_of(exc) == LOCKED
    emu.clock.advance(days=2)
    s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_delete_markers_are_always_allowed(s3, emu, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
                  ObjectLockRetainUntilDate=later(emu, days=1))
    assert s3.delete_object(Bucket=locked, Key="k")["DeleteMarker"] is True


def test_governance_bypass_needs_the_header(s3, emu, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=later(emu, days=1))["VersionId"]
    s3.delete_object(Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=True)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_governance_bypass_needs_the_permission_from_another_account(s3, emu, locked):
    emu.add_user("other", "other-secret", account_id="222233334444")
    s3.put_bucket_policy(Bucket=locked, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
        "Action": ["s3:DeleteObjectVersion"], "Resource": f"arn:aws:s3:::{locked}/*"}]}))
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=later(emu, days=1))["VersionId"]
    other = _client("other", "other-secret")
    with pytest.raises(ClientError) as exc:
        other.delete_object(Bucket=locked, Key="k", VersionId=version,
                            BypassGovernanceRetention=True)
    assert error_of(exc) == (403, "AccessDenied") and message_of(exc) == LOCKED


def _client(key, secret):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret)


def test_compliance_cannot_be_bypassed_and_delete_objects_reports_it(s3, emu, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=later(emu, days=1))["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version,
                         BypassGovernanceRetention=True)
    assert error_of(exc) == (403, "AccessDenied")
    result = s3.delete_objects(Bucket=locked, Delete={"Objects": [
        {"Key": "k", "VersionId": version}, {"Key": "free"}]})
    assert result["Errors"] == [{"Key": "k", "VersionId": version, "Code": "AccessDenied",
                                 "Message": LOCKED}]
    assert [d["Key"] for d in result["Deleted"]] == ["free"]


def test_a_legal_hold_protects_until_it_is_lifted(s3, locked):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object_legal_hold(Bucket=locked, Key="k")
    assert error_of(exc) == (404, "NoSuchObjectLockConfiguration")
    s3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="k")["LegalHold"] == {"Status": "ON"}
    assert s3.get_object(Bucket=locked, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version,
                         BypassGovernanceRetention=True)
    assert error_of(exc) == (403, "AccessDenied")
    s3.put_object_legal_hold(Bucket=locked, Key="k", VersionId=version,
                             LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="k", VersionId=version)


# -- PutObjectRetention --------------------------------------------------------------------
def test_retention_can_be_lengthened_never_shortened(s3, emu, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object_retention(Bucket=locked, Key="k")
    assert error_of(exc) == (404, "NoSuchObjectLockConfiguration")
    s3.put_object_retention(Bucket=locked, Key="k", Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": later(emu, days=2)})
    s3.put_object_retention(Bucket=locked, Key="k", Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": later(emu, days=5)})
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"] == {
        "Mode": "COMPLIANCE", "RetainUntilDate": later(emu, days=5)}
    for retention in ({"Mode": "COMPLIANCE", "RetainUntilDate": later(emu, days=1)},
                      {"Mode": "GOVERNANCE", "RetainUntilDate": later(emu, days=9)}):
        with pytest.raises(ClientError) as exc:
            s3.put_object_retention(Bucket=locked, Key="k", Retention=retention,
                                    BypassGovernanceRetention=True)
        assert error_of(exc) == (403, "AccessDenied")


def test_governance_retention_is_shortened_with_the_bypass(s3, emu, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=later(emu, days=5))
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": later(emu, days=1)}
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=locked, Key="k", Retention=shorter)
    assert error_of(exc) == (403, "AccessDenied")
    s3.put_object_retention(Bucket=locked, Key="k", Retention=shorter,
                            BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"]["RetainUntilDate"] == \
        later(emu, days=1)


def test_retention_operations_on_a_bucket_without_lock(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object_retention(Bucket=bucket, Key="k", Retention={
            "Mode": "GOVERNANCE",
            "RetainUntilDate": datetime(2030, 1, 1, tzinfo=timezone.utc)})
    assert error_of(exc) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3.get_object_legal_hold(Bucket=bucket, Key="k")
    assert error_of(exc) == (400, "InvalidRequest")



@pytest.mark.parametrize("days", ["²", "٣", "1e3", " "])
def test_a_default_retention_that_is_not_ascii_digits_is_malformed(s3, locked, days):
    body = ('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>'
            f'<DefaultRetention><Mode>GOVERNANCE</Mode><Days>{days}</Days></DefaultRetention>'
            '</Rule></ObjectLockConfiguration>').encode()

    def replace_body(request, **_):
        request.data = body
        request.headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        for name in [n for n in request.headers if n.lower().startswith("x-amz-checksum-")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutObjectLockConfiguration", replace_body)
    with pytest.raises(ClientError) as exc:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    assert error_of(exc) == (400, "MalformedXML")
