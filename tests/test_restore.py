"""Archived objects and RestoreObject through boto3: GET refused until restored (HEAD allowed),
each RestoreObject error, the restore's timing per class and tier with the clock moved around
the due instants, ``x-amz-restore``, the copy's expiry and extension, RestoreStatus in
listings, copies from a restored source, lifecycle-archived versions, events and the journal;
and the AWS CLI."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers import aws_cli, error_of

QUEUE = "arn:aws:sqs:us-east-1:123456789012:restores"


def archived(s3, bucket, key="cold", storage_class="GLACIER", body=b"frozen"):
    return s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass=storage_class)


def restore(s3, bucket, key="cold", days=1, tier=None, **more):
    request = {"Days": days, **more}
    if tier is not None:
        request["GlacierJobParameters"] = {"Tier": tier}
    return s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request)


def refused(call):
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc), exc.value.response["Error"]


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_an_archived_object_is_not_readable_but_has_a_head(s3, bucket, storage_class):
    archived(s3, bucket, storage_class=storage_class)
    (status, code), error = refused(lambda: s3.get_object(Bucket=bucket, Key="cold"))
    assert (status, code) == (403, "InvalidObjectState")
    assert error["Message"] == "The operation is not valid for the object's storage class"
    assert error["StorageClass"] == storage_class
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["StorageClass"] == storage_class and "Restore" not in head


@pytest.mark.parametrize("storage_class", ["STANDARD", "STANDARD_IA", "GLACIER_IR",
                                           "INTELLIGENT_TIERING"])
def test_other_classes_are_readable_and_not_restorable(s3, bucket, storage_class):
    archived(s3, bucket, storage_class=storage_class)
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    (status, code), error = refused(lambda: restore(s3, bucket))
    assert (status, code) == (403, "InvalidObjectState")
    assert error["Message"] == "Restore is not allowed for the object's current storage class"


@pytest.mark.parametrize("storage_class, tier, hours", [
    ("GLACIER", "Expedited", 5 / 60), ("GLACIER", "Standard", 5), ("GLACIER", None, 5),
    ("GLACIER", "Bulk", 12), ("DEEP_ARCHIVE", "Standard", 12), ("DEEP_ARCHIVE", "Bulk", 48)])
def test_a_restore_takes_s3s_published_time(emu, s3, bucket, storage_class, tier, hours):
    archived(s3, bucket, storage_class=storage_class)
    answer = restore(s3, bucket, days=1, tier=tier)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    emu.clock.advance(seconds=hours * 3600 - 1)
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    assert error_of_get(s3, bucket) == (403, "InvalidObjectState")
    emu.clock.advance(seconds=1)
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    assert s3.head_object(Bucket=bucket, Key="cold")["StorageClass"] == storage_class


def error_of_get(s3, bucket, key="cold"):
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key=key)
    return error_of(exc)


def test_the_copy_expires_days_after_completion_at_midnight(emu, s3, bucket):
    archived(s3, bucket)
    restore(s3, bucket, days=2, tier="Expedited")        # done at 2025-01-01T00:05Z
    emu.clock.advance(minutes=5)
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["Restore"] == 'ongoing-request="false", expiry-date="Sat, 04 Jan 2025 00:00:00 GMT"'
    to_just_before = (3 * 24 * 60 - 5) * 60 - 1              # 2025-01-03T23:59:59Z
    emu.clock.advance(seconds=to_just_before)
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    emu.clock.advance(seconds=1)
    assert error_of_get(s3, bucket) == (403, "InvalidObjectState")
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


def test_restoring_again_while_restored_extends_from_now(emu, s3, bucket):
    archived(s3, bucket)
    restore(s3, bucket, days=1, tier="Expedited")
    emu.clock.advance(hours=1)
    again = restore(s3, bucket, days=5)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == \
        'ongoing-request="false", expiry-date="Tue, 07 Jan 2025 00:00:00 GMT"'
    emu.clock.advance(days=4)                  # past the first expiry: still readable
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    emu.clock.advance(days=2)
    assert error_of_get(s3, bucket) == (403, "InvalidObjectState")


def test_a_restore_in_progress_is_409(s3, bucket):
    archived(s3, bucket)
    restore(s3, bucket)
    (status, code), error = refused(lambda: restore(s3, bucket))
    assert (status, code) == (409, "RestoreAlreadyInProgress")
    assert error["Message"] == "Object restore is already in progress"


def test_deep_archive_has_no_expedited_tier(s3, bucket):
    archived(s3, bucket, storage_class="DEEP_ARCHIVE")
    (status, code), _ = refused(lambda: restore(s3, bucket, tier="Expedited"))
    assert (status, code) == (503, "GlacierExpeditedRetrievalNotAvailable")
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


@pytest.mark.parametrize("body, code", [
    (b"<RestoreRequest><Days>0</Days></RestoreRequest>", "InvalidArgument"),
    (b"<RestoreRequest><Days>x</Days></RestoreRequest>", "InvalidArgument"),
    (b"<RestoreRequest><GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters>"
     b"</RestoreRequest>", "MalformedXML"),
    (b"<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Fast</Tier>"
     b"</GlacierJobParameters></RestoreRequest>", "MalformedXML"),
    (b"<RestoreRequest><Days>1</Days><Bogus/></RestoreRequest>", "MalformedXML"),
    (b"<RestoreRequest><Days>1", "MalformedXML"),
])
def test_bad_requests_are_s3s_errors(s3, bucket, body, code):
    archived(s3, bucket)

    def swap(request, **kwargs):
        request.data = body
        for name in [h for h in request.headers if h.lower() == "content-md5"
                     or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.RestoreObject", swap)
    (status, got), _ = refused(lambda: restore(s3, bucket))
    assert (status, got) == (400, code)
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


def test_a_select_restore_is_not_implemented(s3, bucket):
    archived(s3, bucket)
    (status, code), error = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="cold", RestoreRequest={
            "Type": "SELECT", "Tier": "Standard", "OutputLocation": {"S3": {
                "BucketName": bucket, "Prefix": "out/"}},
            "SelectParameters": {"InputSerialization": {"CSV": {}}, "ExpressionType": "SQL",
                                 "Expression": "select * from s3object",
                                 "OutputSerialization": {"CSV": {}}}}))
    assert (status, code) == (501, "NotImplemented")
    assert "Select restore" in error["Message"]


def test_missing_keys_and_versions_are_s3s_errors(s3, bucket):
    (status, code), _ = refused(lambda: restore(s3, bucket, key="nothing"))
    assert (status, code) == (404, "NoSuchKey")
    archived(s3, bucket)
    s3.create_bucket(Bucket="other-versions")
    s3.put_bucket_versioning(Bucket="other-versions",
                             VersioningConfiguration={"Status": "Enabled"})
    elsewhere = s3.put_object(Bucket="other-versions", Key="x", Body=b"")["VersionId"]
    (status, code), _ = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="cold", VersionId=elsewhere, RestoreRequest={"Days": 1}))
    assert (status, code) == (404, "NoSuchVersion")


def test_a_version_is_restored_by_its_id(emu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = archived(s3, bucket, body=b"old")["VersionId"]
    archived(s3, bucket, body=b"new")
    answer = s3.restore_object(Bucket=bucket, Key="cold", VersionId=old,
                               RestoreRequest={"Days": 1, "GlacierJobParameters": {
                                   "Tier": "Expedited"}})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    emu.clock.advance(minutes=5)
    assert s3.get_object(Bucket=bucket, Key="cold", VersionId=old)["Body"].read() == b"old"
    assert error_of_get(s3, bucket) == (403, "InvalidObjectState")      # the current one


def test_listings_report_restore_status_when_asked(emu, s3, bucket):
    archived(s3, bucket, key="a")
    archived(s3, bucket, key="b")
    archived(s3, bucket, key="c")
    restore(s3, bucket, key="a", tier="Expedited")
    restore(s3, bucket, key="b")
    emu.clock.advance(minutes=5)
    listed = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])
    status = {o["Key"]: o.get("RestoreStatus") for o in listed["Contents"]}
    assert status["a"]["IsRestoreInProgress"] is False
    assert status["a"]["RestoreExpiryDate"].isoformat() == "2025-01-03T00:00:00+00:00"
    assert status["b"] == {"IsRestoreInProgress": True}
    assert status["c"] is None
    plain = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert all("RestoreStatus" not in o for o in plain)
    versions = s3.list_object_versions(Bucket=bucket,
                                       OptionalObjectAttributes=["RestoreStatus"])
    assert {v["Key"]: v.get("RestoreStatus") for v in versions["Versions"]}["b"] == {
        "IsRestoreInProgress": True}


def test_a_restored_object_may_be_copied(emu, s3, bucket):
    archived(s3, bucket)
    (status, code), _ = refused(lambda: s3.copy_object(Bucket=bucket, Key="warm",
                                                       CopySource=f"{bucket}/cold"))
    assert (status, code) == (403, "InvalidObjectState")
    restore(s3, bucket, tier="Expedited")
    emu.clock.advance(minutes=5)
    s3.copy_object(Bucket=bucket, Key="warm", CopySource=f"{bucket}/cold",
                   StorageClass="STANDARD")
    assert s3.get_object(Bucket=bucket, Key="warm")["Body"].read() == b"frozen"


def test_a_lifecycle_archived_version_needs_a_restore(emu, s3, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]}]})
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x" * 200_000)
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read(1) == b"x"
    emu.clock.advance(days=1)
    assert error_of_get(s3, bucket, "doc") == (403, "InvalidObjectState")
    restore(s3, bucket, key="doc", tier="Bulk")
    emu.clock.advance(hours=12)
    assert len(s3.get_object(Bucket=bucket, Key="doc")["Body"].read()) == 200_000


def test_restore_events_and_journal(emu, s3, bucket):
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectRestore:*"]}]})
    archived(s3, bucket)
    restore(s3, bucket, days=1, tier="Expedited")
    emu.clock.advance(minutes=5)
    emu.clock.advance(days=2)
    records = [m["Records"][0] for m in emu.notifications.messages(QUEUE) if "Records" in m]
    assert [r["eventName"] for r in records] == [
        "ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete"]
    assert records[1]["glacierEventData"] == {"restoreEventData": {
        "lifecycleRestorationExpiryTime": "2025-01-03T00:00:00.000Z",
        "lifecycleRestoreStorageClass": "GLACIER"}}
    assert records[1]["userIdentity"] == {"principalId": "s3.amazonaws.com"}
    done = [(e.operation, e.time.isoformat()) for e in emu.journal
            if e.operation.startswith("S3.")]
    assert ("S3.RESTORE.OBJECT", "2025-01-01T00:05:00+00:00") in done
    assert ("S3.EXPIRE.RESTORE", "2025-01-03T00:00:00+00:00") in done


def test_the_aws_cli_restores_an_object(server):
    assert aws_cli(server, "s3", "mb", "s3://cli-cold").returncode == 0
    put = aws_cli(server, "s3api", "put-object", "--bucket", "cli-cold", "--key", "k",
                  "--storage-class", "GLACIER")
    assert put.returncode == 0, put.stderr
    done = aws_cli(server, "s3api", "restore-object", "--bucket", "cli-cold", "--key", "k",
                   "--restore-request", json.dumps({"Days": 1}))
    assert done.returncode == 0, done.stderr
    head = json.loads(aws_cli(server, "s3api", "head-object", "--bucket", "cli-cold",
                              "--key", "k").stdout)
    assert head["Restore"] == 'ongoing-request="true"'
    again = aws_cli(server, "s3api", "restore-object", "--bucket", "cli-cold", "--key", "k",
                    "--restore-request", json.dumps({"Days": 1}))
    assert again.returncode != 0 and "RestoreAlreadyInProgress" in again.stderr
