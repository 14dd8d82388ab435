"""Replication beyond one account's plain writes, through boto3: a destination owned by another
account replicates only what its bucket policy allows the configuration's role
(s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags; S3's failure reasons in the journal
and in Replication:OperationFailedReplication), replicas in a BucketOwnerEnforced destination
belong to its owner, a source with Object Lock needs a destination with it, and later tag and
ACL changes of a replicated version reach its replica after the replication delay."""
from __future__ import annotations

import json

import boto3
import pytest

from helpers import REGION

ROLE = "arn:aws:iam::123456789012:role/replication"
OTHER = "210987654321"


def _versioned(s3, name, **create):
    s3.create_bucket(Bucket=name, **create)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def _configure(s3, delete_markers=False):
    s3.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration={
        "Role": ROLE, "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Enabled" if delete_markers else "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::their-bucket", "Account": OTHER}}]})


def _allow(other, *actions, principal=ROLE):
    other.put_bucket_policy(Bucket="their-bucket", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions),
            "Resource": "arn:aws:s3:::their-bucket/*"}]}))


@pytest.fixture
def other(emu, s3):
    emu.add_user("other", "other-secret", account_id=OTHER, name="olga")
    client = boto3.client("s3", region_name=REGION, aws_access_key_id="other",
                          aws_secret_access_key="other-secret")
    _versioned(s3, "source-bucket")
    _versioned(client, "their-bucket")
    return client


def _replications(emu, operation="S3.REPLICATE.OBJECT"):
    return [(e.status, e.error_code) for e in emu.journal if e.operation == operation]


def test_another_accounts_bucket_without_a_policy_fails_the_replication(emu, s3, other):
    _configure(s3)
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    assert s3.head_object(Bucket="source-bucket", Key="doc")["ReplicationStatus"] == "FAILED"
    assert "Versions" not in other.list_object_versions(Bucket="their-bucket")
    assert _replications(emu) == [(500, "DstPutObjectNotPermitted")]


@pytest.mark.parametrize("principal", [ROLE, "123456789012",
                                       "arn:aws:iam::123456789012:root"])
def test_a_policy_allowing_the_role_or_its_account_replicates(emu, s3, other, principal):
    _allow(other, "s3:ReplicateObject", principal=principal)
    _configure(s3)
    put = s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    assert s3.head_object(Bucket="source-bucket", Key="doc")["ReplicationStatus"] == \
        "COMPLETED"
    replica = other.head_object(Bucket="their-bucket", Key="doc")
    assert (replica["VersionId"], replica["ReplicationStatus"]) == (put["VersionId"], "REPLICA")
    assert _replications(emu) == [(200, None)]


def test_a_policy_naming_another_role_does_not(emu, s3, other):
    _allow(other, "s3:ReplicateObject", principal="arn:aws:iam::123456789012:role/someone")
    _configure(s3)
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    assert _replications(emu) == [(500, "DstPutObjectNotPermitted")]


def test_replicas_in_a_bucket_owner_enforced_destination_belong_to_its_owner(emu, s3, other):
    _allow(other, "s3:ReplicateObject")
    _configure(s3)
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    listed = other.list_objects_v2(Bucket="their-bucket", FetchOwner=True)["Contents"]
    assert listed[0]["Owner"]["ID"] == other.list_buckets()["Owner"]["ID"]


def test_tagged_versions_need_replicate_tags(emu, s3, other):
    _allow(other, "s3:ReplicateObject")
    _configure(s3)
    s3.put_object(Bucket="source-bucket", Key="plain", Body=b"x")
    s3.put_object(Bucket="source-bucket", Key="tagged", Body=b"x", Tagging="t=1")
    emu.clock.advance(seconds=15)
    assert s3.head_object(Bucket="source-bucket", Key="tagged")["ReplicationStatus"] == "FAILED"
    assert sorted(_replications(emu)) == [(200, None), (500, "DstPutTaggingNotPermitted")]
    _allow(other, "s3:ReplicateObject", "s3:ReplicateTags")
    s3.put_object(Bucket="source-bucket", Key="tagged", Body=b"y", Tagging="t=2")
    emu.clock.advance(seconds=15)
    assert other.get_object_tagging(Bucket="their-bucket", Key="tagged")["TagSet"] == [
        {"Key": "t", "Value": "2"}]


def test_delete_markers_need_replicate_delete(emu, s3, other):
    _allow(other, "s3:ReplicateObject")
    _configure(s3, delete_markers=True)
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    s3.delete_object(Bucket="source-bucket", Key="doc")
    emu.clock.advance(seconds=15)
    assert _replications(emu) == [(200, None), (500, "DstDelObjNotPermitted")]
    assert other.head_object(Bucket="their-bucket", Key="doc")["ContentLength"] == 1
    _allow(other, "s3:ReplicateObject", "s3:ReplicateDelete")
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    s3.delete_object(Bucket="source-bucket", Key="doc")
    emu.clock.advance(seconds=15)
    versions = other.list_object_versions(Bucket="their-bucket")
    assert [m["IsLatest"] for m in versions["DeleteMarkers"]] == [True]


def test_the_failure_event_names_s3s_reason(emu, s3, other):
    s3.put_bucket_notification_configuration(Bucket="source-bucket", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
                                 "Events": ["s3:Replication:*"]}]})
    _configure(s3)
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    [message] = [m for m in emu.notifications.messages("arn:aws:sqs:us-east-1:123456789012:q")
                 if "Records" in m]
    [record] = message["Records"]
    assert record["eventName"] == "Replication:OperationFailedReplication"
    data = record["replicationEventData"]
    assert (data["failureReason"], data["replicationRuleId"], data["destinationBucket"],
            data["s3Operation"]) == ("DstPutObjectNotPermitted", "all",
                                     "arn:aws:s3:::their-bucket", "OBJECT_PUT")


def test_a_locked_source_needs_a_locked_destination(emu, s3):
    s3.create_bucket(Bucket="source-bucket", ObjectLockEnabledForBucket=True)
    _versioned(s3, "plain-replica")
    s3.create_bucket(Bucket="locked-replica", ObjectLockEnabledForBucket=True)
    for destination in ("plain-replica", "locked-replica"):
        s3.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration={
            "Role": ROLE, "Rules": [{
                "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})
        s3.put_object(Bucket="source-bucket", Key=destination, Body=b"x",
                      ChecksumAlgorithm="CRC32")
        emu.clock.advance(seconds=15)
    assert _replications(emu) == [(500, "DstBucketObjectLockConfigMissing"), (200, None)]


def _same_account(s3, emu):
    _versioned(s3, "source-bucket")
    _versioned(s3, "replica-bucket")
    s3.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration={
        "Role": ROLE, "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::replica-bucket"}}]})
    put = s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x", Tagging="t=1")
    emu.clock.advance(seconds=15)
    return put["VersionId"]


def test_tag_changes_reach_the_replica_after_the_delay(emu, s3):
    version = _same_account(s3, emu)
    s3.put_object_tagging(Bucket="source-bucket", Key="doc",
                          Tagging={"TagSet": [{"Key": "t", "Value": "2"}]})
    emu.clock.advance(seconds=14)
    assert s3.get_object_tagging(Bucket="replica-bucket", Key="doc")["TagSet"] == [
        {"Key": "t", "Value": "1"}]
    emu.clock.advance(seconds=1)
    shown = s3.get_object_tagging(Bucket="replica-bucket", Key="doc", VersionId=version)
    assert shown["TagSet"] == [{"Key": "t", "Value": "2"}]
    s3.delete_object_tagging(Bucket="source-bucket", Key="doc")
    emu.clock.advance(seconds=15)
    assert s3.get_object_tagging(Bucket="replica-bucket", Key="doc")["TagSet"] == []
    assert _replications(emu, "S3.REPLICATE.TAGS") == [(200, None), (200, None)]


def test_acl_changes_reach_a_replica_in_a_bucket_with_acls(emu, s3):
    _versioned(s3, "source-bucket")
    _versioned(s3, "replica-bucket", ObjectOwnership="ObjectWriter")
    s3.put_bucket_ownership_controls(Bucket="source-bucket", OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration={
        "Role": ROLE, "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::replica-bucket"}}]})
    s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    reader = "a" * 64
    s3.put_object_acl(Bucket="source-bucket", Key="doc", GrantRead=f"id={reader}",
                      GrantFullControl=f"id={s3.list_buckets()['Owner']['ID']}")
    emu.clock.advance(seconds=14)
    assert len(s3.get_object_acl(Bucket="replica-bucket", Key="doc")["Grants"]) == 1
    emu.clock.advance(seconds=1)
    grants = s3.get_object_acl(Bucket="replica-bucket", Key="doc")["Grants"]
    assert ("READ", reader) in [(g["Permission"], g["Grantee"].get("ID")) for g in grants]
    assert _replications(emu, "S3.REPLICATE.ACL") == [(200, None)]


def test_changes_of_versions_never_replicated_stay_put(emu, s3):
    _versioned(s3, "source-bucket")
    _versioned(s3, "replica-bucket")
    s3.put_object(Bucket="source-bucket", Key="old", Body=b"x")     # before the configuration
    _same_account_rules = {
        "Role": ROLE, "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::replica-bucket"}}]}
    s3.put_bucket_replication(Bucket="source-bucket",
                              ReplicationConfiguration=_same_account_rules)
    s3.put_object_tagging(Bucket="source-bucket", Key="old",
                          Tagging={"TagSet": [{"Key": "t", "Value": "2"}]})
    emu.clock.advance(seconds=15)
    assert _replications(emu, "S3.REPLICATE.TAGS") == []
    assert "Versions" not in s3.list_object_versions(Bucket="replica-bucket")


def test_a_destination_in_another_region_replicates(emu, s3):
    _versioned(s3, "source-bucket")
    _versioned(s3, "far-replica", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_replication(Bucket="source-bucket", ReplicationConfiguration={
        "Role": ROLE, "Rules": [{
            "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::far-replica"}}]})
    put = s3.put_object(Bucket="source-bucket", Key="doc", Body=b"x")
    emu.clock.advance(seconds=15)
    far = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    replica = far.head_object(Bucket="far-replica", Key="doc")
    assert (replica["VersionId"], replica["ReplicationStatus"]) == (put["VersionId"], "REPLICA")
