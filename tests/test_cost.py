"""``emu.cost_report()``: exact byte-hours over the emulator clock for scripted workloads
(overwrites, versions, uploads in progress, lifecycle transitions, restored copies), requests
per pricing tier, retrievals, and the cost arithmetic against hand-computed values."""
from __future__ import annotations

import pytest

from s3emu.cost import DEFAULT_PRICES, PRICES_TAKEN, tier_of

KIB128 = 128 * 1024
GB = 1 << 30


def byte_hours(emu, bucket):
    found = emu.cost_report().buckets.get(bucket)
    if found is None:
        return {}
    return {name: c.byte_hours for name, c in found.storage_classes.items() if c.byte_hours}


def test_overwrites_and_deletes_count_each_hour_their_bytes_were_stored(emu, s3):
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="a", Body=b"x" * 100)
    emu.clock.advance(hours=10)
    s3.put_object(Bucket="plain", Key="b", Body=b"x" * 50, StorageClass="STANDARD_IA")
    emu.clock.advance(hours=2)
    s3.put_object(Bucket="plain", Key="a", Body=b"x" * 30)            # replaces the 100
    emu.clock.advance(hours=1)
    s3.delete_object(Bucket="plain", Key="b")
    emu.clock.advance(hours=5)
    assert byte_hours(emu, "plain") == {"STANDARD": 100 * 12 + 30 * 6, "STANDARD_IA": 50 * 3}
    report = emu.cost_report()
    classes = report.buckets["plain"].storage_classes
    assert (classes["STANDARD"].bytes, classes["STANDARD_IA"].bytes) == (30, 0)
    assert report.byte_hours == 1530
    assert report.at == "2025-01-01T18:00:00+00:00"


def test_noncurrent_versions_count_and_delete_markers_hold_nothing(emu, s3):
    s3.create_bucket(Bucket="ver")
    s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket="ver", Key="doc", Body=b"x" * 10)["VersionId"]
    emu.clock.advance(hours=1)
    s3.put_object(Bucket="ver", Key="doc", Body=b"x" * 20)             # 10 noncurrent
    emu.clock.advance(hours=1)
    s3.delete_object(Bucket="ver", Key="doc")                          # a marker: 0 bytes
    emu.clock.advance(hours=1)
    s3.delete_object(Bucket="ver", Key="doc", VersionId=old)           # the 10 go
    emu.clock.advance(hours=1)
    assert byte_hours(emu, "ver") == {"STANDARD": 10 + 30 + 30 + 20}


def test_a_suspended_bucket_replaces_its_null_version(emu, s3):
    s3.create_bucket(Bucket="sus")
    s3.put_bucket_versioning(Bucket="sus", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="sus", Key="k", Body=b"x" * 8)                # a real version
    s3.put_bucket_versioning(Bucket="sus", VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket="sus", Key="k", Body=b"x" * 4)                # null, 8 kept
    emu.clock.advance(hours=1)
    s3.put_object(Bucket="sus", Key="k", Body=b"x" * 2)                # replaces the null 4
    emu.clock.advance(hours=1)
    assert byte_hours(emu, "sus") == {"STANDARD": 12 + 10}


def test_parts_of_uploads_in_progress_count_in_the_uploads_class(emu, s3):
    s3.create_bucket(Bucket="mpu")
    upload = s3.create_multipart_upload(Bucket="mpu", Key="big",
                                        StorageClass="STANDARD_IA")["UploadId"]
    part = {"Bucket": "mpu", "Key": "big", "UploadId": upload}
    s3.upload_part(**part, PartNumber=1, Body=b"p" * 100)
    emu.clock.advance(hours=1)
    s3.upload_part(**part, PartNumber=1, Body=b"p" * 40)               # replaces part 1
    emu.clock.advance(hours=1)
    etag = s3.upload_part(**part, PartNumber=2, Body=b"p" * 7)["ETag"]
    emu.clock.advance(hours=1)
    s3.complete_multipart_upload(**part, MultipartUpload={"Parts": [
        {"PartNumber": 2, "ETag": etag}]})                             # part 1 is discarded
    emu.clock.advance(hours=1)
    aborted = s3.create_multipart_upload(Bucket="mpu", Key="gone")["UploadId"]
    s3.upload_part(Bucket="mpu", Key="gone", UploadId=aborted, PartNumber=1, Body=b"q" * 10)
    emu.clock.advance(hours=1)
    s3.abort_multipart_upload(Bucket="mpu", Key="gone", UploadId=aborted)
    emu.clock.advance(hours=1)
    assert byte_hours(emu, "mpu") == {"STANDARD_IA": 100 + 40 + 47 + 7 + 7 + 7,
                                      "STANDARD": 10}


def test_a_deleted_bucket_stops_counting_its_uploads(emu, s3):
    s3.create_bucket(Bucket="short")
    upload = s3.create_multipart_upload(Bucket="short", Key="k")["UploadId"]
    s3.upload_part(Bucket="short", Key="k", UploadId=upload, PartNumber=1, Body=b"z" * 9)
    emu.clock.advance(hours=2)
    s3.delete_bucket(Bucket="short")
    emu.clock.advance(hours=3)
    assert byte_hours(emu, "short") == {"STANDARD": 18}


def test_a_lifecycle_transition_moves_the_bytes_at_its_midnight(emu, s3):
    s3.create_bucket(Bucket="cold")
    s3.put_bucket_lifecycle_configuration(Bucket="cold", LifecycleConfiguration={"Rules": [
        {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}]})
    s3.put_object(Bucket="cold", Key="big", Body=b"b" * KIB128)
    emu.clock.advance(days=40)           # one step: the pass for 2025-01-31 runs at its time
    assert byte_hours(emu, "cold") == {"STANDARD": KIB128 * 30 * 24,
                                       "STANDARD_IA": KIB128 * 10 * 24}
    report = emu.cost_report()
    assert report.transitions == {"STANDARD_IA": 1}
    assert report.costs["transitions"] == pytest.approx(1 / 1000 * 0.01)


def test_a_restore_retrieves_and_its_copy_counts_until_it_expires(emu, s3):
    s3.create_bucket(Bucket="arch")
    s3.put_object(Bucket="arch", Key="cold", Body=b"c" * 1000, StorageClass="GLACIER")
    s3.restore_object(Bucket="arch", Key="cold", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})   # ready 00:05
    emu.clock.advance(days=3)            # the copy expires at 2025-01-03T00:00
    copy_hours = 47 + 55 / 60
    found = byte_hours(emu, "arch")
    assert found["GLACIER"] == 1000 * 72
    assert found["RESTORED_COPY"] == pytest.approx(1000 * copy_hours, rel=1e-12)
    report = emu.cost_report()
    retrieval = report.buckets["arch"].retrievals["GLACIER/Expedited"]
    assert (retrieval.requests, retrieval.bytes) == (1, 1000)
    assert retrieval.cost == pytest.approx(1000 / GB * 0.03 + 1 / 1000 * 10.0)
    assert report.requests["restore"] == 1


def test_gets_of_infrequent_access_classes_are_retrievals(emu, s3):
    s3.create_bucket(Bucket="iab")
    s3.put_object(Bucket="iab", Key="k", Body=b"i" * 100, StorageClass="STANDARD_IA")
    s3.put_object(Bucket="iab", Key="ir", Body=b"i" * 20, StorageClass="GLACIER_IR")
    s3.put_object(Bucket="iab", Key="hot", Body=b"h" * 100)
    s3.get_object(Bucket="iab", Key="k")["Body"].read()
    s3.get_object(Bucket="iab", Key="k", Range="bytes=0-9")["Body"].read()
    s3.get_object(Bucket="iab", Key="ir")["Body"].read()
    s3.get_object(Bucket="iab", Key="hot")["Body"].read()
    s3.head_object(Bucket="iab", Key="k")
    found = emu.cost_report().buckets["iab"].retrievals
    assert {name: (r.requests, r.bytes) for name, r in found.items()} == {
        "STANDARD_IA": (2, 110), "GLACIER_IR": (1, 20)}
    assert found["STANDARD_IA"].cost == pytest.approx(110 / GB * 0.01)


def test_requests_are_counted_per_pricing_tier(emu, s3):
    s3.create_bucket(Bucket="req")                              # tier 1
    s3.put_object(Bucket="req", Key="a", Body=b"1")             # tier 1
    s3.copy_object(Bucket="req", Key="b", CopySource="req/a")   # tier 1
    s3.list_objects_v2(Bucket="req")                            # tier 1
    s3.get_object(Bucket="req", Key="a")["Body"].read()         # tier 2
    s3.head_object(Bucket="req", Key="a")                       # tier 2
    s3.get_bucket_versioning(Bucket="req")                      # tier 2
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="req", Key="missing")              # tier 2, an error too
    s3.delete_object(Bucket="req", Key="a")                     # free
    s3.delete_objects(Bucket="req", Delete={"Objects": [{"Key": "b"}]})   # free
    report = emu.cost_report()
    assert report.requests == {"tier1": 4, "tier2": 4, "free": 2, "restore": 0}
    assert report.costs["requests"] == pytest.approx(4 / 1000 * 0.005 + 4 / 1000 * 0.0004)


@pytest.mark.parametrize("operation, tier", [
    ("PutObject", "tier1"), ("CopyObject", "tier1"), ("PostObject", "tier1"),
    ("ListBuckets", "tier1"), ("UploadPartCopy", "tier1"), ("CompleteMultipartUpload", "tier1"),
    ("PutBucketLifecycleConfiguration", "tier1"), ("GetObject", "tier2"),
    ("HeadBucket", "tier2"), ("SelectObjectContent", "tier2"), (None, "tier2"),
    ("DeleteBucket", "free"), ("AbortMultipartUpload", "free"), ("RestoreObject", "restore"),
    ("S3.TRANSITION_SIA.OBJECT", None), ("S3.EXPIRE.OBJECT", None)])
def test_the_tier_of_each_kind_of_request(operation, tier):
    assert tier_of(operation) == tier


def test_the_cost_is_the_hand_computed_sum(emu, s3):
    s3.create_bucket(Bucket="sum")
    s3.put_object(Bucket="sum", Key="a", Body=b"x" * 1024)
    s3.put_object(Bucket="sum", Key="b", Body=b"x" * 2048, StorageClass="ONEZONE_IA")
    emu.clock.advance(hours=730)
    s3.get_object(Bucket="sum", Key="a")["Body"].read()
    report = emu.cost_report()
    standard = report.buckets["sum"].storage_classes["STANDARD"]
    assert standard.byte_hours == 1024 * 730
    assert standard.gb_months == 1024 / GB                      # 730 hours: one month
    assert standard.cost == pytest.approx(1024 / GB * 0.023, rel=1e-12)
    onezone = report.buckets["sum"].storage_classes["ONEZONE_IA"]
    assert onezone.cost == pytest.approx(2048 / GB * 0.01, rel=1e-12)
    storage = 1024 / GB * 0.023 + 2048 / GB * 0.01
    requests = 3 / 1000 * 0.005 + 1 / 1000 * 0.0004
    assert report.costs == pytest.approx({"storage": storage, "requests": requests,
                                          "retrieval": 0.0, "transitions": 0.0,
                                          "total": storage + requests}, rel=1e-12)
    assert report.total == report.costs["total"]
    assert report.prices_taken == PRICES_TAKEN and report.prices == DEFAULT_PRICES


def test_any_price_can_be_overridden(emu, s3):
    s3.create_bucket(Bucket="own")
    s3.put_object(Bucket="own", Key="a", Body=b"x" * 512)
    emu.clock.advance(hours=3)
    report = emu.cost_report(prices={"storage": {"STANDARD": 2.0}, "hours_per_month": 1,
                                     "requests": {"tier1": 1000.0}})
    assert report.costs["storage"] == pytest.approx(512 * 3 / GB * 2.0, rel=1e-12)
    assert report.costs["requests"] == pytest.approx(2.0)       # two tier-1 requests
    assert report.prices["storage"]["STANDARD_IA"] == DEFAULT_PRICES["storage"]["STANDARD_IA"]
    assert DEFAULT_PRICES["storage"]["STANDARD"] == 0.023       # the defaults stay


@pytest.mark.parametrize("prices, message", [
    ({"storge": {}}, "unknown price section 'storge'"),
    ({"storage": {"STANDARD": -1}}, "the price storage.STANDARD is a number, 0 or more"),
    ({"requests": {"tier1": "cheap"}}, "the price requests.tier1 is a number, 0 or more"),
    ({"storage": 3}, "prices['storage'] is a mapping"),
    ({"hours_per_month": 0}, "hours_per_month is a positive number")])
def test_bad_prices_are_a_value_error(emu, prices, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")):
        emu.cost_report(prices=prices)


def test_reset_starts_a_new_report(emu, s3):
    s3.create_bucket(Bucket="again")
    s3.put_object(Bucket="again", Key="a", Body=b"x" * 10)
    emu.clock.advance(hours=1)
    emu.reset()
    emu.clock.advance(hours=1)
    report = emu.cost_report()
    assert (report.buckets, report.byte_hours, report.total) == ({}, 0, 0)
    assert report.requests == {"tier1": 0, "tier2": 0, "free": 0, "restore": 0}


def test_setting_the_clock_back_keeps_the_hours_counted(emu, s3):
    s3.create_bucket(Bucket="back")
    s3.put_object(Bucket="back", Key="a", Body=b"x" * 10)
    emu.clock.advance(hours=5)
    emu.clock.set("2025-01-01T02:00:00Z")
    assert byte_hours(emu, "back") == {"STANDARD": 50}       # the 5 hours stay
    s3.put_object(Bucket="back", Key="b", Body=b"x" * 1)
    emu.clock.advance(hours=1)
    assert byte_hours(emu, "back") == {"STANDARD": 50 + 11}  # then one more


def test_to_dict_is_plain_json(emu, s3):
    import json
    s3.create_bucket(Bucket="jsb")
    s3.put_object(Bucket="jsb", Key="a", Body=b"x" * 10)
    emu.clock.advance(hours=2)
    data = json.loads(json.dumps(emu.cost_report().to_dict()))
    assert data["byte_hours"] == 20
    assert data["buckets"]["jsb"]["storage_classes"]["STANDARD"]["byte_hours"] == 20
    assert data["buckets"]["jsb"]["storage_classes"]["STANDARD"]["bytes"] == 10
    assert data["requests"]["tier1"] == 2 and data["prices_taken"] == PRICES_TAKEN


def _stored_by_usage(emu):
    """What ``emu.usage()`` walks the model for, per (bucket, class): versions and parts."""
    found = {}
    for name, bucket in emu.usage().buckets.items():
        for storage_class, counts in bucket.storage_classes.items():
            found[(name, storage_class)] = counts.bytes + counts.noncurrent_bytes
    for bucket in emu.store.list_buckets():
        for upload in bucket.uploads.values():
            if upload.completed is None:
                key = (bucket.name, upload.storage_class)
                found[key] = found.get(key, 0) + sum(p.size for p in upload.parts.values())
    return {key: size for key, size in found.items() if size}


def test_the_meter_agrees_with_a_walk_of_the_model_after_a_mixed_workload(emu, s3):
    from pathlib import Path
    emu.load(Path(__file__).resolve().parent.parent / "fixtures" / "reports")   # seed data
    for name in ("mixed-src", "mixed-dst"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="mixed-src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::mixed-dst"}}]})
    s3.put_bucket_lifecycle_configuration(Bucket="mixed-src", LifecycleConfiguration={"Rules": [
        {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 2}}]})
    for size in (10, 20, 30):
        s3.put_object(Bucket="mixed-src", Key="doc", Body=b"d" * size)
    s3.put_object(Bucket="mixed-src", Key="cold", Body=b"c" * 5, StorageClass="DEEP_ARCHIVE")
    s3.restore_object(Bucket="mixed-src", Key="cold", RestoreRequest={"Days": 1})
    upload = s3.create_multipart_upload(Bucket="mixed-src", Key="mpu")["UploadId"]
    s3.upload_part(Bucket="mixed-src", Key="mpu", UploadId=upload, PartNumber=3, Body=b"p" * 6)
    s3.delete_object(Bucket="mixed-src", Key="doc")
    emu.clock.advance(days=5)            # replicas land, noncurrent versions expire, restored
    report = emu.cost_report()
    meter = {(name, c): counted.bytes for name, bucket in report.buckets.items()
             for c, counted in bucket.storage_classes.items()
             if counted.bytes and c != "RESTORED_COPY"}
    assert meter == _stored_by_usage(emu)
    assert meter[("mixed-dst", "STANDARD")] == 60           # the three replicas
    assert meter[("acme-reports", "STANDARD")] > 0           # the seed data counts too
    assert meter[("mixed-src", "STANDARD")] == 6             # the versions expired; the part
    assert report.buckets["mixed-src"].storage_classes["RESTORED_COPY"].bytes == 0
    assert report.buckets["mixed-src"].retrievals["DEEP_ARCHIVE/Standard"].bytes == 5
