"""The bucket configurations of issue 18 (acceleration, request payment, analytics, inventory,
metrics, Intelligent-Tiering) through the real AWS CLI (``aws s3api``) against a live server:
one call or two per family (each costs about half a second)."""
from __future__ import annotations

import json

import boto3
import pytest

from helpers import aws_cli

DEST = "arn:aws:s3:::report-bucket"


def aws(server, *args: str) -> dict:
    """``aws --endpoint-url <server> s3api ARGS``: its JSON output ({} when it prints none)."""
    done = aws_cli(server, "s3api", *args)
    if done.returncode != 0:
        pytest.fail(f"aws s3api {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout) if done.stdout.strip() else {}



@pytest.fixture
def cli_bucket(server):
    s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="cli-configs")
    return s3


def test_accelerate_and_request_payment(server, cli_bucket):
    aws(server, "put-bucket-accelerate-configuration", "--bucket", "cli-configs",
        "--accelerate-configuration", "Status=Enabled")
    assert cli_bucket.get_bucket_accelerate_configuration(Bucket="cli-configs")[
        "Status"] == "Enabled"
    aws(server, "put-bucket-request-payment", "--bucket", "cli-configs",
        "--request-payment-configuration", "Payer=Requester")
    assert aws(server, "get-bucket-request-payment", "--bucket", "cli-configs") == {
        "Payer": "Requester"}


def test_per_id_configurations(server, cli_bucket):
    aws(server, "put-bucket-metrics-configuration", "--bucket", "cli-configs", "--id", "m1",
        "--metrics-configuration", json.dumps({"Id": "m1", "Filter": {"Prefix": "logs/"}}))
    aws(server, "put-bucket-analytics-configuration", "--bucket", "cli-configs", "--id", "a1",
        "--analytics-configuration", json.dumps({"Id": "a1", "StorageClassAnalysis": {}}))
    aws(server, "put-bucket-inventory-configuration", "--bucket", "cli-configs", "--id", "i1",
        "--inventory-configuration", json.dumps({
            "Id": "i1", "IsEnabled": True, "IncludedObjectVersions": "All",
            "Schedule": {"Frequency": "Daily"},
            "Destination": {"S3BucketDestination": {"Bucket": DEST, "Format": "CSV"}}}))
    aws(server, "put-bucket-intelligent-tiering-configuration", "--bucket", "cli-configs",
        "--id", "t1", "--intelligent-tiering-configuration", json.dumps({
            "Id": "t1", "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}))
    listed = aws(server, "list-bucket-metrics-configurations", "--bucket", "cli-configs")
    assert listed["MetricsConfigurationList"] == [{"Id": "m1", "Filter": {"Prefix": "logs/"}}]
    assert cli_bucket.get_bucket_analytics_configuration(Bucket="cli-configs", Id="a1")[
        "AnalyticsConfiguration"]["Id"] == "a1"
    assert cli_bucket.list_bucket_inventory_configurations(Bucket="cli-configs")[
        "InventoryConfigurationList"][0]["Schedule"] == {"Frequency": "Daily"}
    assert cli_bucket.get_bucket_intelligent_tiering_configuration(
        Bucket="cli-configs", Id="t1")["IntelligentTieringConfiguration"]["Tierings"] == [
        {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]
