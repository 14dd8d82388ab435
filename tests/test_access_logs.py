"""Server access logs through boto3: Put/GetBucketLogging and its checks, the record format of
S3's server access log, delivery into the target bucket on the clock (just before: nothing;
just after: one log object named as S3 names it), the logging service's permission in the
target's bucket policy, a bucket logging to itself, and the AWS CLI."""
from __future__ import annotations

import json
import re

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import aws_cli, error_of, log_to

OWNER = "123456789012"


@pytest.fixture
def logged(s3):
    s3.create_bucket(Bucket="source-bucket")
    s3.create_bucket(Bucket="log-bucket")
    log_to(s3, "source-bucket", "log-bucket")
    return "source-bucket"


def log_objects(s3, target="log-bucket"):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=target).get("Contents", [])]


def delivered_lines(s3, target="log-bucket"):
    lines = []
    for key in log_objects(s3, target):
        lines += s3.get_object(Bucket=target, Key=key)["Body"].read().decode().splitlines()
    return lines


#: one record: the fields of S3's format, quoted ones kept whole
FIELD = re.compile(r'"[^"]*"|\[[^\]]*\]|\S+')


def test_a_bucket_without_logging_shows_the_empty_status(s3, bucket):
    shown = s3.get_bucket_logging(Bucket=bucket)
    assert "LoggingEnabled" not in shown


def test_the_configuration_round_trips_and_turns_off(s3, logged):
    s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "log-bucket", "TargetPrefix": "p/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}}})
    assert s3.get_bucket_logging(Bucket=logged)["LoggingEnabled"] == {
        "TargetBucket": "log-bucket", "TargetPrefix": "p/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}}
    s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=logged)


@pytest.mark.parametrize("target, message", [
    ("no-such-target", "The target bucket for logging does not exist"),
    ("other-region-target", "Cross S3 location logging not allowed. "),
])
def test_the_target_is_checked(s3, logged, target, message):
    if target == "other-region-target":
        s3.create_bucket(Bucket=target, CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": target, "TargetPrefix": "x/"}})
    assert error_of(exc) == (400, "InvalidTargetBucketForLogging")
    assert exc.value.response["Error"]["Message"] == message
    assert s3.get_bucket_logging(Bucket=logged)["LoggingEnabled"]["TargetPrefix"] == "logs/"


def test_a_target_of_another_account_is_refused(emu, s3, logged):
    emu.add_user("other", "other-secret", account_id="210987654321", name="olga")
    other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                         aws_secret_access_key="other-secret")
    other.create_bucket(Bucket="foreign-logs")
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "foreign-logs", "TargetPrefix": "x/"}})
    assert error_of(exc) == (400, "InvalidTargetBucketForLogging")
    assert exc.value.response["Error"]["Message"] == \
        "The owner for the bucket to be logged and the target bucket must be the same."


def test_target_grants_are_not_implemented(s3, logged):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "log-bucket", "TargetPrefix": "x/", "TargetGrants": [{
                "Grantee": {"Type": "Group",
                            "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "Permission": "READ"}]}})
    assert error_of(exc) == (501, "NotImplemented")


def test_records_are_delivered_after_the_delay(emu, s3, logged):
    s3.put_object(Bucket=logged, Key="a b.txt", Body=b"hello")
    emu.clock.advance(minutes=4, seconds=59)
    assert log_objects(s3) == []
    assert len(emu.services.access_logs.pending(logged)) == 2     # PutBucketLogging, PUT
    emu.clock.advance(seconds=1)
    [key] = log_objects(s3)
    assert re.fullmatch(r"logs/2025-01-01-00-05-00-[0-9A-F]{16}", key)
    head = s3.head_object(Bucket="log-bucket", Key=key)
    assert head["ContentType"] == "text/plain"
    assert [e.status for e in emu.journal if e.operation == "S3.LOG.DELIVERY"] == [200]


def test_a_record_has_s3s_fields(emu, s3, logged):
    reply = s3.put_object(Bucket=logged, Key="a b.txt", Body=b"hello")
    s3.get_object(Bucket=logged, Key="a b.txt", Range="bytes=0-1")
    with pytest.raises(ClientError):
        s3.get_object(Bucket=logged, Key="missing")
    emu.clock.advance(minutes=5)
    lines = delivered_lines(s3)
    put, get, missing = (FIELD.findall(line) for line in lines[1:])
    assert len(put) == 26
    assert put[1:3] == [logged, "[01/Jan/2025:00:00:00 +0000]"]
    assert put[0] == put[4] and len(put[0]) == 64           # owner and requester: canonical ids
    assert put[5] == reply["ResponseMetadata"]["RequestId"]
    assert put[6:10] == ["REST.PUT.OBJECT", "a%20b.txt", '"PUT /a%20b.txt HTTP/1.1"', "200"]
    assert put[10:15] == ["-", "-", "5", "0", "0"]
    assert put[16].startswith('"Boto3/')
    assert put[18] == reply["ResponseMetadata"]["HostId"]
    assert put[19:23] == ["SigV4", "-", "AuthHeader", f"{logged}.s3.amazonaws.com"]
    assert get[6] == "REST.GET.OBJECT" and get[9:13] == ["206", "-", "2", "5"]
    assert missing[9:13] == ["404", "NoSuchKey", missing[11], "-"]


def test_anonymous_and_presigned_requests(emu, s3, logged):
    s3.put_object(Bucket=logged, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": logged, "Key": "k"})
    assert requests.get(url).status_code == 200
    assert requests.get(f"https://{logged}.s3.amazonaws.com/k").status_code == 403
    emu.clock.advance(minutes=5)
    presigned, anonymous = (FIELD.findall(line) for line in delivered_lines(s3)[-2:])
    version = "SigV4" if "X-Amz-Signature=" in url else "SigV2"
    assert (presigned[19], presigned[21]) == (version, "QueryString")
    assert (anonymous[4], anonymous[9], anonymous[10]) == ("-", "403", "AccessDenied")


def test_the_partitioned_key_format(emu, s3, logged):
    s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "log-bucket", "TargetPrefix": "logs/",
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}}})
    emu.clock.advance(minutes=5)
    [key] = log_objects(s3)
    assert re.fullmatch(rf"logs/{OWNER}/us-east-1/{logged}/2025/01/01/"
                        r"2025-01-01-00-05-00-[0-9A-F]{16}", key)


def test_without_the_logging_service_in_the_policy_nothing_is_written(emu, s3, logged):
    s3.delete_bucket_policy(Bucket="log-bucket")
    s3.put_object(Bucket=logged, Key="k", Body=b"x")
    emu.clock.advance(minutes=5)
    assert log_objects(s3) == []
    [failed] = [e for e in emu.journal if e.operation == "S3.LOG.DELIVERY"]
    assert (failed.status, failed.error_code) == (403, "AccessDenied")


def test_a_bucket_logging_to_itself_terminates(emu, s3):
    s3.create_bucket(Bucket="self-logging")
    log_to(s3, "self-logging", "self-logging")
    emu.clock.advance(minutes=5)
    emu.clock.advance(hours=2)
    assert len(log_objects(s3, "self-logging")) == 1      # the delivery is no request


def test_other_buckets_are_not_logged(emu, s3, logged, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert emu.services.access_logs.pending(bucket) == []


def test_the_aws_cli_configures_logging(server):
    s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="cli-src")
    s3.create_bucket(Bucket="cli-logs")
    status = {"LoggingEnabled": {"TargetBucket": "cli-logs", "TargetPrefix": "l/"}}
    done = aws_cli(server, "s3api", "put-bucket-logging", "--bucket", "cli-src",
                   "--bucket-logging-status", json.dumps(status))
    assert done.returncode == 0, done.stderr
    shown = json.loads(aws_cli(server, "s3api", "get-bucket-logging", "--bucket",
                               "cli-src").stdout)
    assert shown == status
