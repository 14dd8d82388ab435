"""Everything S3 does later, done twice from the same start: the same journal (operations,
times, keys, statuses, version ids), the same notifications, the same log and report objects.
One scripted workload uses lifecycle, restore, replication, notifications, access logs and
inventory together."""
from __future__ import annotations

import json

import s3emu
from helpers import make_client

QUEUE = "arn:aws:sqs:us-east-1:123456789012:all"


def _run():
    emu = s3emu.Emulator()
    with s3emu.mock_s3(emulator=emu):
        s3 = make_client()
        for name in ("primary", "backup", "logs"):
            s3.create_bucket(Bucket=name)
        for name in ("primary", "backup"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": [
                    "logging.s3.amazonaws.com", "s3.amazonaws.com"]},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}]}))
        s3.put_bucket_logging(Bucket="primary", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "logs", "TargetPrefix": "access/"}})
        s3.put_bucket_notification_configuration(Bucket="primary", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": QUEUE, "Events": [
                "s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectRestore:*",
                "s3:LifecycleExpiration:*", "s3:LifecycleTransition"]}]})
        s3.put_bucket_replication(Bucket="primary", ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/r", "Rules": [{
                "ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "Destination": {"Bucket": "arn:aws:s3:::backup"}}]})
        s3.put_bucket_lifecycle_configuration(Bucket="primary", LifecycleConfiguration={
            "Rules": [{"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                       "Expiration": {"Days": 2}}]})
        s3.put_bucket_inventory_configuration(Bucket="primary", Id="inv",
                                              InventoryConfiguration={
            "Id": "inv", "IsEnabled": True, "IncludedObjectVersions": "All",
            "Schedule": {"Frequency": "Daily"},
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::logs",
                                                    "Format": "CSV", "Prefix": "inventory"}}})
        s3.put_object(Bucket="primary", Key="tmp/a", Body=b"a")
        s3.put_object(Bucket="primary", Key="cold", Body=b"c", StorageClass="GLACIER")
        s3.restore_object(Bucket="primary", Key="cold", RestoreRequest={"Days": 1})
        s3.delete_object(Bucket="primary", Key="gone")
        emu.clock.advance(days=4)
        journal = [(e.time.isoformat(), e.operation, e.bucket, e.key, e.status, e.version_id)
                   for e in emu.journal]
        objects = {name: sorted((o["Key"], o["ETag"]) for o in s3.list_objects_v2(
            Bucket=name).get("Contents", [])) for name in ("primary", "backup", "logs")}
        return journal, emu.notifications.bodies(QUEUE), objects


def test_two_runs_give_the_same_results():
    first = _run()
    assert first == _run()
    journal, messages, objects = first
    operations = {entry[1] for entry in journal}
    assert {"S3.REPLICATE.OBJECT", "S3.RESTORE.OBJECT", "S3.EXPIRE.RESTORE",
            "S3.CREATE.DELETEMARKER", "S3.LOG.DELIVERY", "S3.INVENTORY.REPORT",
            "S3.NOTIFICATION"} <= operations
    names = [json.loads(m)["Records"][0]["eventName"] for m in messages if "Records" in m]
    assert "LifecycleExpiration:DeleteMarkerCreated" in names
    assert "ObjectRestore:Completed" in names
    assert any(key.startswith("access/") for key, _ in objects["logs"])
    assert any(key.startswith("inventory/primary/inv/") for key, _ in objects["logs"])
