"""Bucket lifecycle: the configuration's validation (S3's errors), and its effects run by the
emulator's clock at the midnight UTC they become due (just before: nothing; just after: done).

The emulator's clock starts at 2025-01-01T00:00:00Z; an object written then with Days=3 is
due at 2025-01-04T00:00:00Z (creation + days, rounded up to a midnight)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers import error_of

MIN_SIZE = "x-amz-transition-default-minimum-object-size"
BIG = b"x" * (128 * 1024)


def put_rules(s3, bucket, *rules, **extra):
    return s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **extra)


def rule(**fields):
    made = {"ID": "r", "Filter": {}, "Status": "Enabled"}
    made.update(fields)
    return made


def refused(s3, bucket, *rules):
    with pytest.raises(ClientError) as excinfo:
        put_rules(s3, bucket, *rules)
    return error_of(excinfo) + (excinfo.value.response["Error"]["Message"],)


def keys(s3, bucket):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def to(emu, text):
    emu.clock.set(datetime.fromisoformat(text).replace(tzinfo=timezone.utc))


# -- the configuration ---------------------------------------------------------------------
def test_get_without_configuration_is_404(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_of(excinfo) == (404, "NoSuchLifecycleConfiguration")
    assert excinfo.value.response["Error"]["Message"] == \
        "The lifecycle configuration does not exist"


def test_put_get_delete_round_trip(s3, bucket):
    rules = [
        {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
         "Expiration": {"Days": 365},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                         {"Days": 90, "StorageClass": "GLACIER"}]},
        {"ID": "tmp", "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "k", "Value": "v"}],
                                         "ObjectSizeGreaterThan": 10}},
         "Status": "Disabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 7,
                                                                "NewerNoncurrentVersions": 2}},
        {"ID": "uploads", "Filter": {"Prefix": ""}, "Status": "Enabled",
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}},
        {"ID": "dated", "Filter": {"Tag": {"Key": "a", "Value": "b"}}, "Status": "Enabled",
         "Expiration": {"Date": datetime(2026, 1, 1, tzinfo=timezone.utc)}},
    ]
    answer = put_rules(s3, bucket, *rules)
    assert answer["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    shown = {r["ID"]: r for r in got["Rules"]}
    assert shown["logs"]["Transitions"] == rules[0]["Transitions"]
    assert shown["logs"]["Expiration"] == {"Days": 365}
    assert shown["tmp"]["Filter"] == rules[1]["Filter"]
    assert shown["tmp"]["Status"] == "Disabled"
    assert shown["tmp"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7,
                                                           "NewerNoncurrentVersions": 2}
    assert shown["uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
    assert shown["dated"]["Expiration"]["Date"] == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert shown["dated"]["Filter"] == {"Tag": {"Key": "a", "Value": "b"}}
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_of(excinfo) == (404, "NoSuchLifecycleConfiguration")
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_minimum_object_size_is_stored_and_echoed(s3, bucket):
    answer = put_rules(s3, bucket, rule(Expiration={"Days": 1}),
                       TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    assert answer["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


def test_a_rule_without_id_gets_one(s3, bucket):
    made = rule(Expiration={"Days": 1})
    del made["ID"]
    put_rules(s3, bucket, made)
    rule_id = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"]
    assert rule_id and len(rule_id) <= 255


@pytest.mark.parametrize("fields, expected", [
    ({"Expiration": {"Days": 0}},
     (400, "InvalidArgument", "'Days' for Expiration action must be a positive integer")),
    ({"Expiration": {"Date": datetime(2026, 1, 1, 12, tzinfo=timezone.utc)}},
     (400, "InvalidArgument", "'Date' must be at midnight GMT")),
    ({"Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}},
     (400, "InvalidArgument", "ExpiredObjectDeleteMarker cannot be specified with Days or Date "
                              "in a Lifecycle Expiration Policy.")),
    ({"ID": "x" * 256, "Expiration": {"Days": 1}},
     (400, "InvalidArgument", "ID length should not exceed allowed limit of 255")),
    ({},
     (400, "InvalidRequest", "At least one action needs to be specified in a rule")),
    ({"Transitions": [{"Days": 29, "StorageClass": "STANDARD_IA"}]},
     (400, "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 "
                              "for storageClass 'STANDARD_IA'")),
    ({"Transitions": [{"Days": 10, "StorageClass": "ONEZONE_IA"}]},
     (400, "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 "
                              "for storageClass 'ONEZONE_IA'")),
    ({"Transitions": [{"Days": 1, "StorageClass": "GLACIER"},
                      {"Days": 5, "StorageClass": "GLACIER"}]},
     (400, "InvalidRequest", "'StorageClass' must be different for 'Transition' actions in same "
                             "'Rule' with prefix ''")),
    ({"Expiration": {"Days": 30}, "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]},
     (400, "InvalidArgument", "'Days' in the Expiration action for filter '(prefix=)' must be "
                              "greater than 'Days' in the Transition action")),
    ({"NoncurrentVersionExpiration": {"NoncurrentDays": 0}},
     (400, "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be "
                              "a positive integer")),
    ({"NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 101}},
     (400, "InvalidArgument", "'NewerNoncurrentVersions' in NoncurrentVersionExpiration action "
                              "must be between 1 and 100")),
    ({"NoncurrentVersionTransitions": [{"NoncurrentDays": 5, "StorageClass": "STANDARD_IA"}]},
     (400, "InvalidArgument", "'NoncurrentDays' in NoncurrentVersionTransition action must be "
                              "greater than or equal to 30 for storageClass 'STANDARD_IA'")),
    ({"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 0}},
     (400, "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action "
                              "must be a positive integer")),
    ({"Filter": {"Tag": {"Key": "a", "Value": "b"}},
      "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
     (400, "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")),
    ({"Filter": {"ObjectSizeGreaterThan": 100, "ObjectSizeLessThan": 100},
      "Expiration": {"Days": 1}},
     (400, "MalformedXML", None)),
    ({"Filter": {"And": {"ObjectSizeGreaterThan": 100, "ObjectSizeLessThan": 50}},
      "Expiration": {"Days": 1}},
     (400, "InvalidArgument", "ObjectSizeGreaterThan must be less than ObjectSizeLessThan.")),
    ({"Filter": {"And": {"Prefix": "a/"}}, "Expiration": {"Days": 1}},
     (400, "MalformedXML", None)),
    ({"Status": "On", "Expiration": {"Days": 1}}, (400, "MalformedXML", None)),
])
def test_invalid_rules_get_s3s_error(s3, bucket, fields, expected):
    status, code, message = refused(s3, bucket, rule(**fields))
    assert (status, code) == expected[:2]
    if expected[2] is not None:
        assert message == expected[2]
    with pytest.raises(ClientError) as excinfo:     # nothing was stored
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_of(excinfo) == (404, "NoSuchLifecycleConfiguration")


def test_rule_ids_must_be_unique(s3, bucket):
    assert refused(s3, bucket, rule(Expiration={"Days": 1}), rule(Expiration={"Days": 2})) == (
        400, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")


def test_filter_and_prefix_together_are_malformed(s3, bucket):
    made = rule(Expiration={"Days": 1}, Prefix="a/")
    assert refused(s3, bucket, made)[:2] == (400, "MalformedXML")


def test_more_than_a_thousand_rules_are_refused(s3, bucket):
    rules = [rule(ID=f"r{n}", Expiration={"Days": 1}) for n in range(1001)]
    assert refused(s3, bucket, *rules)[:2] == (400, "MalformedXML")


def test_unknown_minimum_size_value_is_refused(s3, bucket):
    made = rule(Expiration={"Days": 1})
    with pytest.raises(ClientError) as excinfo:
        put_rules(s3, bucket, made, TransitionDefaultMinimumObjectSize="tiny")
    assert error_of(excinfo) == (400, "InvalidRequest")


def test_put_needs_a_digest(emu, bucket):
    import requests
    body = (b"<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status>"
            b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")
    emu.auth = "off"
    answer = requests.put(f"https://{bucket}.s3.amazonaws.com/?lifecycle", data=body)
    assert answer.status_code == 400
    assert b"<Code>InvalidRequest</Code>" in answer.content
    assert b"Missing required header for this request: Content-MD5" in answer.content


def test_the_older_rule_level_prefix_is_kept(s3, bucket):
    made = rule(Expiration={"Days": 1}, Prefix="old/")
    del made["Filter"]
    put_rules(s3, bucket, made)
    shown = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert shown["Prefix"] == "old/" and "Filter" not in shown


# -- x-amz-expiration ------------------------------------------------------------------------
def test_expiration_header_on_put_get_head(s3, bucket):
    put_rules(s3, bucket, rule(ID="logs rule", Filter={"Prefix": "logs/"},
                               Expiration={"Days": 3}))
    expected = 'expiry-date="Sat, 04 Jan 2025 00:00:00 GMT", rule-id="logs%20rule"'
    assert s3.put_object(Bucket=bucket, Key="logs/a", Body=b"1")["Expiration"] == expected
    assert s3.get_object(Bucket=bucket, Key="logs/a")["Expiration"] == expected
    assert s3.head_object(Bucket=bucket, Key="logs/a")["Expiration"] == expected
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="other", Body=b"1")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="other")


def test_expiry_date_rounds_up_to_the_next_midnight(emu, s3, bucket):
    to(emu, "2025-01-15T10:30:00")
    put_rules(s3, bucket, rule(Expiration={"Days": 3}))
    answer = s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert answer["Expiration"] == 'expiry-date="Sun, 19 Jan 2025 00:00:00 GMT", rule-id="r"'


# -- effects on the clock ----------------------------------------------------------------------
def test_expiration_deletes_at_the_due_midnight(emu, s3, bucket):
    put_rules(s3, bucket, rule(Filter={"Prefix": "logs/"}, Expiration={"Days": 3}))
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"1")
    s3.put_object(Bucket=bucket, Key="keep", Body=b"1")
    to(emu, "2025-01-03T23:59:59")
    assert keys(s3, bucket) == ["keep", "logs/a"]
    emu.clock.advance(seconds=1)
    assert keys(s3, bucket) == ["keep"]
    expired = [e for e in emu.journal if e.operation == "S3.EXPIRE.OBJECT"]
    assert [(e.bucket, e.key, e.time.isoformat()) for e in expired] == [
        (bucket, "logs/a", "2025-01-04T00:00:00+00:00")]


def test_a_disabled_rule_does_nothing(emu, s3, bucket):
    put_rules(s3, bucket, rule(Status="Disabled", Expiration={"Days": 1}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    emu.clock.advance(days=10)
    assert keys(s3, bucket) == ["k"]


def test_date_expiration(emu, s3, bucket):
    put_rules(s3, bucket, rule(Expiration={"Date": datetime(2025, 2, 1, tzinfo=timezone.utc)}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    to(emu, "2025-01-31T23:00:00")
    assert keys(s3, bucket) == ["k"]
    emu.clock.advance(hours=1)
    assert keys(s3, bucket) == []


def test_tag_and_size_filters(emu, s3, bucket):
    put_rules(s3, bucket, rule(Filter={"And": {"Tags": [{"Key": "tmp", "Value": "1"}],
                                               "ObjectSizeLessThan": 10}},
                               Expiration={"Days": 1}))
    s3.put_object(Bucket=bucket, Key="small-tagged", Body=b"1", Tagging="tmp=1")
    s3.put_object(Bucket=bucket, Key="big-tagged", Body=b"x" * 20, Tagging="tmp=1")
    s3.put_object(Bucket=bucket, Key="small", Body=b"1")
    emu.clock.advance(days=2)
    assert keys(s3, bucket) == ["big-tagged", "small"]


def test_versioned_expiration_adds_a_delete_marker(emu, s3, bucket):
    versioned(s3, bucket)
    put_rules(s3, bucket, rule(Expiration={"Days": 1}))
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    emu.clock.advance(days=1)
    assert keys(s3, bucket) == []
    listed = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [first]
    assert [m["IsLatest"] for m in listed["DeleteMarkers"]] == [True]
    marker = [e for e in emu.journal if e.operation == "S3.CREATE.DELETEMARKER"]
    assert len(marker) == 1 and marker[0].version_id == listed["DeleteMarkers"][0]["VersionId"]
    emu.clock.advance(days=5)       # the marker has a version behind it: it stays
    assert len(s3.list_object_versions(Bucket=bucket)["DeleteMarkers"]) == 1


def test_noncurrent_expiration_keeps_newer_versions(emu, s3, bucket):
    versioned(s3, bucket)
    put_rules(s3, bucket, rule(NoncurrentVersionExpiration={"NoncurrentDays": 2,
                                                            "NewerNoncurrentVersions": 1}))
    ids = [s3.put_object(Bucket=bucket, Key="k", Body=str(n).encode())["VersionId"]
           for n in range(4)]
    to(emu, "2025-01-02T23:00:00")
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 4
    emu.clock.advance(hours=1)      # noncurrent since 2025-01-01T00:00: due 2025-01-03
    kept = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
    assert kept == [ids[3], ids[2]]


def test_expired_delete_markers_are_removed(emu, s3, bucket):
    versioned(s3, bucket)
    put_rules(s3, bucket, rule(Expiration={"ExpiredObjectDeleteMarker": True},
                               NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.delete_object(Bucket=bucket, Key="k")
    emu.clock.advance(days=1)       # the version goes first; the marker is then alone
    listed = s3.list_object_versions(Bucket=bucket)
    assert "Versions" not in listed and len(listed["DeleteMarkers"]) == 1
    emu.clock.advance(days=1)
    assert "DeleteMarkers" not in s3.list_object_versions(Bucket=bucket)


def test_object_lock_keeps_a_retained_noncurrent_version(emu, s3):
    s3.create_bucket(Bucket="locked-lifecycle", ObjectLockEnabledForBucket=True)
    put_rules(s3, "locked-lifecycle", rule(NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    until = datetime(2025, 1, 10, tzinfo=timezone.utc)
    first = s3.put_object(Bucket="locked-lifecycle", Key="k", Body=b"1",
                          ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    s3.put_object(Bucket="locked-lifecycle", Key="k", Body=b"2")
    emu.clock.advance(days=3)
    versions = s3.list_object_versions(Bucket="locked-lifecycle")["Versions"]
    assert first["VersionId"] in [v["VersionId"] for v in versions]
    to(emu, "2025-01-10T00:00:00")  # retention over: the next pass removes it
    emu.clock.advance(days=1)
    versions = s3.list_object_versions(Bucket="locked-lifecycle")["Versions"]
    assert first["VersionId"] not in [v["VersionId"] for v in versions]


def test_transitions_change_the_storage_class(emu, s3, bucket):
    put_rules(s3, bucket, rule(Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"},
                                            {"Days": 60, "StorageClass": "GLACIER_IR"}]))
    s3.put_object(Bucket=bucket, Key="big", Body=BIG)
    s3.put_object(Bucket=bucket, Key="small", Body=b"1")
    emu.clock.advance(days=29)
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="big")
    emu.clock.advance(days=1)
    assert s3.head_object(Bucket=bucket, Key="big")["StorageClass"] == "STANDARD_IA"
    emu.clock.advance(days=30)
    assert s3.head_object(Bucket=bucket, Key="big")["StorageClass"] == "GLACIER_IR"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="small")  # under 128 KiB
    operations = [e.operation for e in emu.journal if e.operation.startswith("S3.")]
    assert operations == ["S3.TRANSITION_SIA.OBJECT", "S3.TRANSITION_GIR.OBJECT"]


def test_small_objects_go_to_glacier_when_sizes_vary_by_class(emu, s3, bucket):
    put_rules(s3, bucket, rule(Transitions=[{"Days": 1, "StorageClass": "GLACIER_IR"}]),
              TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    s3.put_object(Bucket=bucket, Key="small", Body=b"1")
    emu.clock.advance(days=1)
    assert s3.head_object(Bucket=bucket, Key="small")["StorageClass"] == "GLACIER_IR"


def test_incomplete_uploads_are_aborted(emu, s3, bucket):
    put_rules(s3, bucket, rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2}))
    s3.create_multipart_upload(Bucket=bucket, Key="big")
    emu.clock.advance(days=1, hours=23)
    assert len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 1
    emu.clock.advance(hours=1)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    assert [e.operation for e in emu.journal][-2] == "S3.DELETE.UPLOAD"


def test_two_runs_give_the_same_journal():
    import boto3

    from s3emu import mock_s3

    def run():
        with mock_s3() as emu:
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="same-journal")
            versioned(s3, "same-journal")
            put_rules(s3, "same-journal", rule(Expiration={"Days": 2},
                                               NoncurrentVersionExpiration={"NoncurrentDays": 1}))
            for n in range(3):
                s3.put_object(Bucket="same-journal", Key=f"k{n % 2}", Body=b"1")
            emu.clock.advance(days=5)
        return [(e.time, e.operation, e.key, e.version_id) for e in emu.journal]

    assert run() == run()


def test_the_pass_follows_a_clock_set_back(emu, s3, bucket):
    to(emu, "2020-06-01T08:00:00")
    put_rules(s3, bucket, rule(Expiration={"Days": 1}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    emu.clock.advance(timedelta(days=1, hours=16))      # 2020-06-03T00:00
    assert keys(s3, bucket) == []


# -- what the pass remembers of quiet keys must follow every change ----------------------------
def test_a_quiet_key_is_acted_on_once_a_tag_makes_a_rule_apply(emu, s3, bucket):
    put_rules(s3, bucket, rule(Filter={"Tag": {"Key": "tmp", "Value": "1"}},
                               Expiration={"Days": 2}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    emu.clock.advance(days=5)                       # passes found nothing to do for it
    assert keys(s3, bucket) == ["k"]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "tmp",
                                                                       "Value": "1"}]})
    emu.clock.advance(days=1)                       # created + 2 days is long past: now due
    assert keys(s3, bucket) == []


def test_a_new_configuration_is_applied_to_quiet_keys(emu, s3, bucket):
    put_rules(s3, bucket, rule(Expiration={"Days": 300}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    emu.clock.advance(days=3)
    put_rules(s3, bucket, rule(Expiration={"Days": 4}))
    emu.clock.advance(days=1)
    assert keys(s3, bucket) == []


def test_a_marker_left_alone_by_a_delete_by_id_is_noticed(emu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put_rules(s3, bucket, rule(Expiration={"ExpiredObjectDeleteMarker": True}))
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="k")        # a marker over the version: not expired
    emu.clock.advance(days=2)
    assert len(s3.list_object_versions(Bucket=bucket)["DeleteMarkers"]) == 1
    s3.delete_object(Bucket=bucket, Key="k", VersionId=first)   # the marker is alone now
    emu.clock.advance(days=1)
    assert "DeleteMarkers" not in s3.list_object_versions(Bucket=bucket)
