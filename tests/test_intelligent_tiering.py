"""Intelligent-Tiering's access tiers through boto3: a bucket's Intelligent-Tiering
configuration moves INTELLIGENT_TIERING objects not read for its days to the Archive Access and
Deep Archive Access tiers at a midnight pass of the emulator clock (HEAD's ArchiveStatus, GET and
copies refused with InvalidObjectState naming the AccessTier), reads start the count over, HEAD
does not, small objects and other classes stay, filters and Status apply, RestoreObject brings
an object back to Frequent Access after S3's retrieval time (no Days needed), the
IntelligentTiering event and the journal; the automatic tiers as inventory reports them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers import error_of
from s3emu.model.objects import ObjectVersion
from s3emu.model.blob import Blob
from s3emu.model.tiering import access_tier

BIG = b"x" * (128 * 1024)
QUEUE = "arn:aws:sqs:us-east-1:123456789012:tiers"


def _configure(s3, bucket, *tierings, status="Enabled", config_id="archive", **filter_):
    config = {"Id": config_id, "Status": status,
              "Tierings": [{"AccessTier": tier, "Days": days} for tier, days in tierings]}
    if filter_:
        config["Filter"] = filter_
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=bucket, Id=config_id, IntelligentTieringConfiguration=config)


def _put(s3, bucket, key="cold", body=BIG, storage_class="INTELLIGENT_TIERING", **more):
    return s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass=storage_class, **more)


def _status(s3, bucket, key="cold"):
    return s3.head_object(Bucket=bucket, Key=key).get("ArchiveStatus")


def refused(call):
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc), exc.value.response["Error"]


def test_objects_not_read_for_the_days_move_to_archive_access(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90))
    _put(s3, bucket)
    emu.clock.advance(days=89)
    assert _status(s3, bucket) is None              # HEAD is no access: checked every time
    emu.clock.advance(days=2)
    assert _status(s3, bucket) == "ARCHIVE_ACCESS"
    (status, code), error = refused(lambda: s3.get_object(Bucket=bucket, Key="cold"))
    assert (status, code) == (403, "InvalidObjectState")
    assert (error["Message"], error["StorageClass"], error["AccessTier"]) == (
        "The operation is not valid for the object's access tier", "INTELLIGENT_TIERING",
        "ARCHIVE_ACCESS")
    (status, code), _ = refused(lambda: s3.copy_object(
        Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "cold"}))
    assert (status, code) == (403, "InvalidObjectState")
    [entry] = [e for e in emu.journal if e.operation == "S3.INTELLIGENT_TIERING.ARCHIVE"]
    assert (entry.bucket, entry.key, entry.status) == (bucket, "cold", 200)


def test_a_read_starts_the_count_over(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90))
    _put(s3, bucket)
    emu.clock.advance(days=60)
    s3.get_object(Bucket=bucket, Key="cold")["Body"].read()
    emu.clock.advance(days=60)
    assert _status(s3, bucket) is None
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "cold"})
    emu.clock.advance(days=60)
    assert _status(s3, bucket) is None              # the copy read it too
    emu.clock.advance(days=31)
    assert _status(s3, bucket) == "ARCHIVE_ACCESS"


def test_deep_archive_access_follows_archive_access(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90), ("DEEP_ARCHIVE_ACCESS", 180))
    _put(s3, bucket)
    emu.clock.advance(days=91)
    assert _status(s3, bucket) == "ARCHIVE_ACCESS"
    emu.clock.advance(days=90)
    assert _status(s3, bucket) == "DEEP_ARCHIVE_ACCESS"
    (status, code), error = refused(lambda: s3.get_object(Bucket=bucket, Key="cold"))
    assert (status, code, error["AccessTier"]) == (403, "InvalidObjectState",
                                                   "DEEP_ARCHIVE_ACCESS")


def test_what_stays_readable(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90), Prefix="logs/")
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90), status="Disabled", config_id="off")
    _put(s3, bucket, key="logs/small", body=b"x" * (128 * 1024 - 1))   # not monitored
    _put(s3, bucket, key="logs/standard", storage_class="STANDARD")
    _put(s3, bucket, key="other/big")                                     # outside the filter
    _put(s3, bucket, key="logs/big")
    emu.clock.advance(days=100)
    assert [_status(s3, bucket, key) for key in
            ("logs/small", "logs/standard", "other/big", "logs/big")] == [
        None, None, None, "ARCHIVE_ACCESS"]


def test_a_tag_filter_applies(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90), Tag={"Key": "tier", "Value": "cold"})
    _put(s3, bucket, key="tagged", Tagging="tier=cold")
    _put(s3, bucket, key="untagged")
    emu.clock.advance(days=91)
    assert (_status(s3, bucket, "tagged"), _status(s3, bucket, "untagged")) == (
        "ARCHIVE_ACCESS", None)


def test_restore_brings_it_back_to_frequent_access(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90))
    _put(s3, bucket)
    emu.clock.advance(days=91)
    answer = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={
        "GlacierJobParameters": {"Tier": "Standard"}})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    (status, code), _ = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="cold", RestoreRequest={"GlacierJobParameters": {"Tier": "Bulk"}}))
    assert (status, code) == (409, "RestoreAlreadyInProgress")
    emu.clock.advance(hours=4, minutes=59)
    assert refused(lambda: s3.get_object(Bucket=bucket, Key="cold"))[0] == (
        403, "InvalidObjectState")
    emu.clock.advance(minutes=1)
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert "ArchiveStatus" not in head and "Restore" not in head
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == BIG
    emu.clock.advance(days=89)
    assert _status(s3, bucket) is None                # the count started at the restore
    emu.clock.advance(days=2)
    assert _status(s3, bucket) == "ARCHIVE_ACCESS"


def test_restores_from_deep_archive_access(emu, s3, bucket):
    _configure(s3, bucket, ("DEEP_ARCHIVE_ACCESS", 180))
    _put(s3, bucket)
    emu.clock.advance(days=181)
    (status, code), _ = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="cold", RestoreRequest={"GlacierJobParameters": {"Tier": "Expedited"}}))
    assert (status, code) == (503, "GlacierExpeditedRetrievalNotAvailable")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={})      # Standard: 12 hours
    emu.clock.advance(hours=11, minutes=59)
    assert _status(s3, bucket) == "DEEP_ARCHIVE_ACCESS"
    emu.clock.advance(minutes=1)
    assert _status(s3, bucket) is None


def test_restore_of_a_readable_tier_or_class_is_refused(emu, s3, bucket):
    _put(s3, bucket)
    (status, code), error = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="cold", RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}}))
    assert (status, code, error["Message"]) == (
        403, "InvalidObjectState", "Restore is not allowed for the object's current storage class")
    _put(s3, bucket, key="glacier", storage_class="GLACIER")
    (status, code), _ = refused(lambda: s3.restore_object(
        Bucket=bucket, Key="glacier", RestoreRequest={"GlacierJobParameters": {"Tier": "Bulk"}}))
    assert (status, code) == (400, "MalformedXML")      # Days: needed for a GLACIER copy


def test_the_move_is_an_intelligent_tiering_event(emu, s3, bucket):
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:IntelligentTiering"]}]})
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90))
    _put(s3, bucket)
    emu.clock.advance(days=91)
    [record] = [m["Records"][0] for m in emu.notifications.messages(QUEUE) if "Records" in m]
    assert (record["eventName"], record["s3"]["object"]["key"],
            record["intelligentTieringEventData"]) == (
        "IntelligentTiering", "cold", {"destinationAccessTier": "ARCHIVE_ACCESS"})


def _version(size, created, accessed=None, tier=None):
    return ObjectVersion(key="k", blob=Blob([b"x" * size]), etag='"e"', last_modified=created,
                         storage_class="INTELLIGENT_TIERING", accessed=accessed,
                         access_tier=tier)


def test_the_automatic_tiers_follow_the_days_without_access():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    big = 128 * 1024
    tiers = [access_tier(_version(big, start), start + timedelta(days=days))
             for days in (0, 29, 30, 89, 90, 400)]
    assert tiers == ["FREQUENT_ACCESS", "FREQUENT_ACCESS", "INFREQUENT_ACCESS",
                     "INFREQUENT_ACCESS", "ARCHIVE_INSTANT_ACCESS", "ARCHIVE_INSTANT_ACCESS"]
    assert access_tier(_version(big - 1, start), start + timedelta(days=400)) == \
        "FREQUENT_ACCESS"
    read = _version(big, start, accessed=start + timedelta(days=100))
    assert access_tier(read, start + timedelta(days=110)) == "FREQUENT_ACCESS"
    assert access_tier(_version(big, start, tier="ARCHIVE_ACCESS"), start) == "ARCHIVE_ACCESS"


def test_a_select_is_a_read(emu, s3, bucket):
    _configure(s3, bucket, ("ARCHIVE_ACCESS", 90))
    _put(s3, bucket, body=b"a,b\n" * 40000)
    emu.clock.advance(days=60)
    answer = s3.select_object_content(
        Bucket=bucket, Key="cold", Expression="SELECT COUNT(*) FROM S3Object",
        ExpressionType="SQL", InputSerialization={"CSV": {}},
        OutputSerialization={"CSV": {}})
    assert b"40000" in b"".join(e["Records"]["Payload"] for e in answer["Payload"]
                                if "Records" in e)
    emu.clock.advance(days=60)
    assert _status(s3, bucket) is None
