"""Replication through boto3: Put/Get/DeleteBucketReplication and its checks, and replicas
made on the emulator clock (just before the delay: PENDING and no replica; just after:
COMPLETED and REPLICA with the same version id, metadata, tags and ETag), filters and
priorities, delete markers, storage classes, failures, and the AWS CLI."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers import aws_cli, error_of

ROLE = "arn:aws:iam::123456789012:role/replication"


def versioned(s3, *names):
    for name in names:
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def rule(destination="replica-bucket", **more):
    base = {"ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}
    base.update(more)
    return base


def configure(s3, *rules, bucket="source-bucket"):
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={
        "Role": ROLE, "Rules": list(rules)})


@pytest.fixture
def pair(s3):
    versioned(s3, "source-bucket", "replica-bucket")
    return "source-bucket", "replica-bucket"


def refused(call):
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc), exc.value.response["Error"]["Message"]


def test_get_without_configuration_is_404(s3, pair):
    (status, code), _ = refused(lambda: s3.get_bucket_replication(Bucket="source-bucket"))
    assert (status, code) == (404, "ReplicationConfigurationNotFoundError")


def test_the_configuration_round_trips_and_deletes(s3, pair):
    configure(s3, rule(Destination={"Bucket": "arn:aws:s3:::replica-bucket",
                                    "StorageClass": "STANDARD_IA"}))
    shown = s3.get_bucket_replication(Bucket="source-bucket")["ReplicationConfiguration"]
    assert shown == {"Role": ROLE, "Rules": [rule(Destination={
        "Bucket": "arn:aws:s3:::replica-bucket", "StorageClass": "STANDARD_IA"})]}
    assert s3.delete_bucket_replication(Bucket="source-bucket")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    (status, code), _ = refused(lambda: s3.get_bucket_replication(Bucket="source-bucket"))
    assert status == 404


def test_versioning_is_required_on_both_sides(s3):
    s3.create_bucket(Bucket="plain-source")
    versioned(s3, "replica-bucket")
    assert refused(lambda: configure(s3, rule(), bucket="plain-source")) == (
        (400, "InvalidRequest"),
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
    versioned(s3, "source-bucket")
    s3.create_bucket(Bucket="plain-replica")
    assert refused(lambda: configure(s3, rule("plain-replica"))) == (
        (400, "InvalidRequest"), "Destination bucket must have versioning enabled.")
    assert refused(lambda: configure(s3, rule("missing-bucket"))) == (
        (400, "InvalidRequest"), "Destination bucket must exist.")


def test_rule_checks(s3, pair):
    second = rule(ID="second")
    assert refused(lambda: configure(s3, rule(), second))[0] == (400, "InvalidRequest")
    assert refused(lambda: configure(s3, rule(), rule(Priority=2)))[0] == (
        400, "InvalidArgument")                                  # the same ID twice
    no_markers = rule()
    del no_markers["DeleteMarkerReplication"]
    assert refused(lambda: configure(s3, no_markers))[0] == (400, "InvalidRequest")


@pytest.mark.parametrize("more", [
    {"ExistingObjectReplication": {"Status": "Enabled"}},
    {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}},
    {"Destination": {"Bucket": "arn:aws:s3:::replica-bucket", "Metrics": {
        "Status": "Enabled", "EventThreshold": {"Minutes": 15}}}},
])
def test_what_s3emu_does_not_do_is_501(s3, pair, more):
    assert refused(lambda: configure(s3, rule(**more)))[0] == (501, "NotImplemented")


def test_a_new_version_is_replicated_after_the_delay(emu, s3, pair):
    configure(s3, rule())
    put = s3.put_object(Bucket="source-bucket", Key="doc", Body=b"hello",
                        Metadata={"a": "1"}, ContentType="text/plain", Tagging="t=1")
    assert s3.head_object(Bucket="source-bucket", Key="doc")["ReplicationStatus"] == "PENDING"
    emu.clock.advance(seconds=14)
    assert "Versions" not in s3.list_object_versions(Bucket="replica-bucket")
    emu.clock.advance(seconds=1)
    assert s3.head_object(Bucket="source-bucket", Key="doc")["ReplicationStatus"] == \
        "COMPLETED"
    replica = s3.get_object(Bucket="replica-bucket", Key="doc")
    assert (replica["VersionId"], replica["ETag"], replica["Metadata"], replica["ContentType"],
            replica["ReplicationStatus"], replica["Body"].read()) == (
        put["VersionId"], put["ETag"], {"a": "1"}, "text/plain", "REPLICA", b"hello")
    assert s3.get_object_tagging(Bucket="replica-bucket", Key="doc")["TagSet"] == [
        {"Key": "t", "Value": "1"}]
    [entry] = [e for e in emu.journal if e.operation == "S3.REPLICATE.OBJECT"]
    assert (entry.status, entry.version_id) == (200, put["VersionId"])


def test_filters_priorities_and_storage_class(emu, s3, pair):
    versioned(s3, "cold-replica")
    configure(s3, rule(ID="logs", Priority=2, Filter={"Prefix": "logs/"},
                       Destination={"Bucket": "arn:aws:s3:::cold-replica",
                                    "StorageClass": "GLACIER"}),
              rule(ID="tagged", Priority=1, Filter={"Tag": {"Key": "copy", "Value": "yes"}}))
    s3.put_object(Bucket="source-bucket", Key="logs/a", Body=b"1", Tagging="copy=yes")
    s3.put_object(Bucket="source-bucket", Key="b", Body=b"2", Tagging="copy=yes")
    s3.put_object(Bucket="source-bucket", Key="c", Body=b"3")
    emu.clock.advance(seconds=15)
    assert s3.head_object(Bucket="cold-replica", Key="logs/a")["StorageClass"] == "GLACIER"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="replica-bucket")["Contents"]] == ["b"]
    assert "ReplicationStatus" not in s3.head_object(Bucket="source-bucket", Key="c")


def test_delete_markers_follow_the_rule(emu, s3, pair):
    configure(s3, rule(DeleteMarkerReplication={"Status": "Enabled"}))
    s3.put_object(Bucket="source-bucket", Key="k", Body=b"x")
    emu.clock.advance(seconds=15)
    marker = s3.delete_object(Bucket="source-bucket", Key="k")["VersionId"]
    emu.clock.advance(seconds=15)
    [replicated] = s3.list_object_versions(Bucket="replica-bucket")["DeleteMarkers"]
    assert replicated["VersionId"] == marker
    configure(s3, rule())                               # markers no more
    s3.put_object(Bucket="source-bucket", Key="j", Body=b"x")
    emu.clock.advance(seconds=15)
    s3.delete_object(Bucket="source-bucket", Key="j")
    emu.clock.advance(seconds=15)
    assert len(s3.list_object_versions(Bucket="replica-bucket")["DeleteMarkers"]) == 1


def test_multipart_and_copies_replicate_and_replicas_do_not(emu, s3, pair):
    configure(s3, rule())
    upload = s3.create_multipart_upload(Bucket="source-bucket", Key="multi")["UploadId"]
    etag = s3.upload_part(Bucket="source-bucket", Key="multi", UploadId=upload,
                          PartNumber=1, Body=b"p")["ETag"]
    s3.complete_multipart_upload(Bucket="source-bucket", Key="multi", UploadId=upload,
                                 MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
    s3.copy_object(Bucket="source-bucket", Key="copy", CopySource="source-bucket/multi")
    configure(s3, rule("source-bucket"), bucket="replica-bucket")    # the way back
    emu.clock.advance(seconds=15)
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="replica-bucket")[
        "Contents"]) == ["copy", "multi"]
    emu.clock.advance(seconds=60)                       # a replica is not replicated again
    assert len(s3.list_object_versions(Bucket="source-bucket")["Versions"]) == 2


def test_a_destination_no_longer_versioned_fails_the_replication(emu, s3, pair):
    configure(s3, rule())
    s3.put_object(Bucket="source-bucket", Key="k", Body=b"x")
    s3.put_bucket_versioning(Bucket="replica-bucket",
                             VersioningConfiguration={"Status": "Suspended"})
    emu.clock.advance(seconds=15)
    assert s3.head_object(Bucket="source-bucket", Key="k")["ReplicationStatus"] == "FAILED"
    [entry] = [e for e in emu.journal if e.operation == "S3.REPLICATE.OBJECT"]
    assert entry.status == 500


def test_the_delay_is_configurable(emu, s3, pair):
    from datetime import timedelta
    emu.services.replication.delay = timedelta(minutes=2)
    configure(s3, rule())
    s3.put_object(Bucket="source-bucket", Key="k", Body=b"x")
    emu.clock.advance(seconds=119)
    assert s3.head_object(Bucket="source-bucket", Key="k")["ReplicationStatus"] == "PENDING"
    emu.clock.advance(seconds=1)
    assert s3.head_object(Bucket="source-bucket", Key="k")["ReplicationStatus"] == "COMPLETED"


def test_the_aws_cli_configures_replication(server):
    for name in ("cli-source", "cli-replica"):
        assert aws_cli(server, "s3", "mb", f"s3://{name}").returncode == 0
        assert aws_cli(server, "s3api", "put-bucket-versioning", "--bucket", name,
                       "--versioning-configuration", "Status=Enabled").returncode == 0
    config = {"Role": ROLE, "Rules": [rule("cli-replica")]}
    done = aws_cli(server, "s3api", "put-bucket-replication", "--bucket", "cli-source",
                   "--replication-configuration", json.dumps(config))
    assert done.returncode == 0, done.stderr
    shown = json.loads(aws_cli(server, "s3api", "get-bucket-replication", "--bucket",
                               "cli-source").stdout)
    assert shown == {"ReplicationConfiguration": config}
