"""``s3emu.mock_s3`` next to moto's ``mock_aws`` (moto is a test dependency): while a
``mock_s3`` is active S3 is s3emu's, in either nesting order, for botocore clients and for
``requests``; every other service stays moto's; when the mock stops, moto has S3 again."""
from __future__ import annotations

import boto3
import requests
from moto import mock_aws

import s3emu


def test_mock_s3_inside_mock_aws_takes_s3_only():
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="motos")
        sqs = boto3.client("sqs", region_name="us-east-1")
        with s3emu.mock_s3() as emu:
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="ours")
            assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["ours"]
            url = s3.generate_presigned_url("put_object", Params={"Bucket": "ours",
                                                                  "Key": "k"})
            put = requests.put(url, data=b"through requests")
            assert (put.status_code, put.headers["Server"]) == (200, "AmazonS3")
            assert emu.store.bucket("ours").find("k") is not None
            queue = sqs.create_queue(QueueName="still-moto")["QueueUrl"]
            assert queue.endswith("/still-moto")                   # moto's SQS
            assert [e.operation for e in emu.journal] == [
                "CreateBucket", "ListBuckets", "PutObject"]
        names = [b["Name"] for b in boto3.client("s3", region_name="us-east-1")
                 .list_buckets()["Buckets"]]
        assert names == ["motos"]                                  # moto's S3 again


def test_mock_aws_inside_mock_s3_leaves_s3_to_s3emu():
    with s3emu.mock_s3() as emu:
        with mock_aws():
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="inner")
            assert list(emu.store.buckets) == ["inner"]
            assert boto3.client("sqs", region_name="us-east-1").list_queues().get(
                "QueueUrls", []) == []                              # moto answers SQS


def test_without_mock_s3_moto_keeps_s3():
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="plain-moto")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["plain-moto"]
