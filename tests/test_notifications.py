"""Event notifications: Put/GetBucketNotificationConfiguration through boto3 (each of S3's
validation rules), the ``s3:TestEvent``, and the event messages each operation delivers to
``emu.notifications`` (S3's "Event message structure"), in-process and through the admin API of
``s3emu serve``; EventBridge; lifecycle events on the clock; the AWS CLI.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import aws_cli, error_of, make_client

QUEUE = "arn:aws:sqs:us-east-1:123456789012:events"
TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:on-upload"
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"


def configure(s3, bucket: str, **config) -> None:
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)


def queue(events=("s3:ObjectCreated:*",), prefix=None, suffix=None, arn=QUEUE, **more):
    rules = [{"Name": name, "Value": value}
             for name, value in (("prefix", prefix), ("suffix", suffix)) if value is not None]
    config = {"QueueArn": arn, "Events": list(events), **more}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    return config


def records(emu, arn: str = QUEUE) -> list[dict]:
    """The event records delivered to ``arn`` (the test event left out)."""
    return [m["Records"][0] for m in emu.notifications.messages(arn) if "Records" in m]


def names(emu, arn: str = QUEUE) -> list[tuple[str, str]]:
    return [(r["eventName"], r["s3"]["object"]["key"]) for r in records(emu, arn)]


def refused(s3, bucket: str, **config) -> tuple[tuple[int, str], str]:
    with pytest.raises(ClientError) as exc:
        configure(s3, bucket, **config)
    return error_of(exc), exc.value.response["Error"]["Message"]


# -- the configuration ----------------------------------------------------------------------------

def test_a_bucket_without_configuration_shows_an_empty_one(s3, bucket):
    shown = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert {k for k in shown if k != "ResponseMetadata"} == set()


def test_the_configuration_round_trips(s3, bucket):
    configure(s3, bucket,
              QueueConfigurations=[queue(prefix="in/", suffix=".csv", Id="csv-in")],
              TopicConfigurations=[{"Id": "removals", "TopicArn": TOPIC,
                                    "Events": ["s3:ObjectRemoved:*"]}],
              LambdaFunctionConfigurations=[{"LambdaFunctionArn": FUNCTION,
                                             "Events": ["s3:ObjectRestore:Completed"]}],
              EventBridgeConfiguration={})
    shown = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert shown["QueueConfigurations"] == [{
        "Id": "csv-in", "QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"},
                                           {"Name": "Suffix", "Value": ".csv"}]}}}]
    assert shown["TopicConfigurations"] == [
        {"Id": "removals", "TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}]
    [function] = shown["LambdaFunctionConfigurations"]
    assert function["LambdaFunctionArn"] == FUNCTION and function["Id"]    # S3 made an Id
    assert shown["EventBridgeConfiguration"] == {}


def test_an_empty_configuration_removes_it(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])
    configure(s3, bucket)
    shown = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert "QueueConfigurations" not in shown
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert records(emu) == []


def test_a_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as exc:
        configure(s3, "no-such-bucket", QueueConfigurations=[queue()])
    assert error_of(exc) == (404, "NoSuchBucket")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_notification_configuration(Bucket="no-such-bucket")
    assert error_of(exc) == (404, "NoSuchBucket")


@pytest.mark.parametrize("config, message", [
    ({"QueueConfigurations": [queue(events=["s3:ObjectCreated:Get"])]},
     "The event is not supported for notifications"),
    ({"QueueConfigurations": [queue(events=["ObjectCreated:Put"])]},
     "The event is not supported for notifications"),
    ({"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": {
        "Key": {"FilterRules": [{"Name": "prefix", "Value": "a"},
                                {"Name": "prefix", "Value": "b"}]}}}]},
     "Cannot specify more than one prefix rule in a filter."),
    ({"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": {
        "Key": {"FilterRules": [{"Name": "suffix", "Value": "a"},
                                {"Name": "Suffix", "Value": "b"}]}}}]},
     "Cannot specify more than one suffix rule in a filter."),
    ({"QueueConfigurations": [queue(), queue(events=["s3:ObjectCreated:Put"], arn=QUEUE + "2")]},
     "Configurations overlap. Configurations on the same bucket cannot share a common event "
     "type."),
    ({"QueueConfigurations": [queue(prefix="logs/")],
      "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Copy"],
                               "Filter": {"Key": {"FilterRules": [
                                   {"Name": "prefix", "Value": "logs/2026/"}]}}}]},
     "Configurations overlap. Configurations on the same bucket cannot share a common event "
     "type."),
    ({"QueueConfigurations": [queue(arn=TOPIC)]},
     "Unable to validate the following destination configurations"),
    ({"LambdaFunctionConfigurations": [{"LambdaFunctionArn": QUEUE,
                                        "Events": ["s3:ObjectCreated:*"]}]},
     "Unable to validate the following destination configurations"),
    ({"TopicConfigurations": [{"TopicArn": "not-an-arn", "Events": ["s3:ObjectCreated:*"]}]},
     "Unable to validate the following destination configurations"),
    ({"QueueConfigurations": [queue(arn="arn:aws:sqs:eu-west-1:123456789012:events")]},
     "The notification destination service region is not valid for the bucket location "
     "constraint"),
])
def test_invalid_configurations_are_invalid_argument(s3, bucket, emu, config, message):
    assert refused(s3, bucket, **config) == ((400, "InvalidArgument"), message)
    assert emu.store.bucket(bucket).settings.notification is None     # nothing stored
    assert emu.notifications.destinations() == []                     # no test event


def test_a_filter_rule_named_otherwise_is_invalid_argument(s3, bucket):
    def rename(request, **kwargs):
        request.data = request.data.replace(b"<Name>prefix</Name>", b"<Name>infix</Name>")
    s3.meta.events.register("before-sign.s3.PutBucketNotificationConfiguration", rename)
    assert refused(s3, bucket, QueueConfigurations=[queue(prefix="a")]) == (
        (400, "InvalidArgument"), "filter rule name must be either prefix or suffix")


@pytest.mark.parametrize("body", [
    b"<NotificationConfiguration><Bogus/></NotificationConfiguration>",
    b"<NotificationConfiguration><QueueConfiguration><Queue>" + QUEUE.encode()
    + b"</Queue></QueueConfiguration></NotificationConfiguration>",            # no Event
    b"<NotificationConfiguration><QueueConfiguration><Event>s3:ObjectCreated:*</Event>"
    b"</QueueConfiguration></NotificationConfiguration>",                      # no Queue
    b"<NotificationConfiguration><QueueConfiguration>",                        # not XML
])
def test_documents_off_the_schema_are_malformed_xml(s3, bucket, body):
    def swap(request, **kwargs):
        request.data = body
        for name in [h for h in request.headers if h.lower() == "content-md5"
                     or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutBucketNotificationConfiguration", swap)
    (status, code), _ = refused(s3, bucket, QueueConfigurations=[queue()])
    assert (status, code) == (400, "MalformedXML")


def test_disjoint_filters_and_event_types_may_share_a_bucket(s3, bucket):
    configure(s3, bucket, QueueConfigurations=[
        queue(prefix="images/"), queue(prefix="videos/", arn=QUEUE + "2"),
        queue(events=["s3:ObjectRemoved:*"], arn=QUEUE + "3"),
        queue(suffix=".jpg", events=["s3:ObjectTagging:*"], arn=QUEUE + "4"),
        queue(suffix=".png", events=["s3:ObjectTagging:Put"], arn=QUEUE + "5")])
    assert len(s3.get_bucket_notification_configuration(
        Bucket=bucket)["QueueConfigurations"]) == 5


def test_setting_a_configuration_sends_each_destination_a_test_event(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue(prefix="a/"),
                                               queue(prefix="b/")],
              TopicConfigurations=[{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}])
    [test] = emu.notifications.messages(QUEUE)       # one per destination, not per entry
    assert set(test) == {"Service", "Event", "Time", "Bucket", "RequestId", "HostId"}
    assert (test["Service"], test["Event"], test["Bucket"], test["Time"]) == (
        "Amazon S3", "s3:TestEvent", bucket, "2025-01-01T00:00:00.000Z")
    assert emu.notifications.messages(TOPIC)[0]["Event"] == "s3:TestEvent"


def test_the_iam_actions_are_s3s(s3, bucket, emu):
    emu.add_user("other", "other-secret", account_id="210987654321", name="olga")
    other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                         aws_secret_access_key="other-secret")
    for call in (lambda: configure(other, bucket, QueueConfigurations=[queue()]),
                 lambda: other.get_bucket_notification_configuration(Bucket=bucket)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (403, "AccessDenied")
    entries = emu.journal.filter(access_key="other")
    assert [e.operation for e in entries] == ["PutBucketNotificationConfiguration",
                                              "GetBucketNotificationConfiguration"]


# -- the messages ---------------------------------------------------------------------------------

def test_a_put_delivers_s3s_event_message(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue(Id="uploads")])
    reply = s3.put_object(Bucket=bucket, Key="in/red flower+1.jpg", Body=b"hello")
    [message] = [m for m in emu.notifications.messages(QUEUE) if "Records" in m]
    [record] = message["Records"]
    meta = reply["ResponseMetadata"]
    assert record == {
        "eventVersion": "2.5", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2025-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:testing"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": meta["RequestId"],
                             "x-amz-id-2": meta["HostId"]},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "uploads",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "123456789012"},
                          "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": "in/red+flower%2B1.jpg", "size": 5,
                          "eTag": reply["ETag"].strip('"'),
                          "sequencer": record["s3"]["object"]["sequencer"]}}}
    assert json.loads(emu.notifications.bodies(QUEUE)[-1]) == message


def test_sequencers_grow_and_versioned_buckets_name_the_version(s3, bucket, emu):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    configure(s3, bucket, QueueConfigurations=[queue(("s3:ObjectCreated:*",
                                                      "s3:ObjectRemoved:*"))])
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"22")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=first)
    got = records(emu)
    assert [(r["eventName"], r["s3"]["object"].get("versionId")) for r in got] == [
        ("ObjectCreated:Put", first), ("ObjectCreated:Put", second),
        ("ObjectRemoved:DeleteMarkerCreated", marker), ("ObjectRemoved:Delete", first)]
    sequencers = [r["s3"]["object"]["sequencer"] for r in got]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 4
    assert {"size", "eTag"}.isdisjoint(got[2]["s3"]["object"])      # markers have neither
    assert {"size", "eTag"}.isdisjoint(got[3]["s3"]["object"])


def test_every_kind_of_write_has_its_event_name(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])
    s3.put_object(Bucket=bucket, Key="put", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "put"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload, PartNumber=1,
                          Body=b"p")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload,
                                 MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
    post = s3.generate_presigned_post(bucket, "posted")
    assert requests.post(post["url"], data=post["fields"],
                         files={"file": b"form"}).status_code == 204
    assert names(emu) == [("ObjectCreated:Put", "put"), ("ObjectCreated:Copy", "copy"),
                          ("ObjectCreated:CompleteMultipartUpload", "multi"),
                          ("ObjectCreated:Post", "posted")]
    assert records(emu)[3]["s3"]["object"]["size"] == 4


def test_deletes_tags_and_acls_have_their_event_names(s3, bucket, emu):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    configure(s3, bucket, QueueConfigurations=[queue(("s3:ObjectRemoved:*",
                                                      "s3:ObjectTagging:*", "s3:ObjectAcl:Put"))])
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="a", Tagging={"TagSet": [{"Key": "k",
                                                                        "Value": "v"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="a")
    s3.put_object_acl(Bucket=bucket, Key="a", ACL="private")
    s3.delete_object(Bucket=bucket, Key="a")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b"}, {"Key": "never"}]})
    assert names(emu) == [("ObjectTagging:Put", "a"), ("ObjectTagging:Delete", "a"),
                          ("ObjectAcl:Put", "a"), ("ObjectRemoved:Delete", "a"),
                          ("ObjectRemoved:Delete", "b"), ("ObjectRemoved:Delete", "never")]


def test_filters_and_event_types_choose_the_destination(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue(prefix="images/", suffix=".jpg")],
              TopicConfigurations=[{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Copy"],
                                    "Filter": {"Key": {"FilterRules": [
                                        {"Name": "prefix", "Value": "copied"}]}}}])
    for key in ("images/a.jpg", "images/a.png", "other/a.jpg", "Images/b.jpg"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.copy_object(Bucket=bucket, Key="copied", CopySource=f"{bucket}/images/a.png")
    assert names(emu) == [("ObjectCreated:Put", "images/a.jpg")]
    assert names(emu, TOPIC) == [("ObjectCreated:Copy", "copied")]


def test_a_failed_request_sends_nothing(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"y", IfNoneMatch="*")
    assert error_of(exc) == (412, "PreconditionFailed")
    assert names(emu) == [("ObjectCreated:Put", "k")]


def test_other_buckets_are_not_watched(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])
    s3.create_bucket(Bucket="quiet-bucket")
    s3.put_object(Bucket="quiet-bucket", Key="k", Body=b"x")
    assert records(emu) == []


def test_anonymous_requests_are_reported_as_anonymous(s3, bucket, emu):
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    configure(s3, bucket, QueueConfigurations=[queue()])
    assert requests.put(f"https://{bucket}.s3.amazonaws.com/anon", data=b"x").status_code == 200
    assert records(emu)[0]["userIdentity"] == {"principalId": "anonymous"}


def test_subscribers_get_each_message_as_a_lambda_would(s3, bucket, emu):
    configure(s3, bucket, LambdaFunctionConfigurations=[
        {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}])
    seen: list[str] = []

    def handler(event, context=None):        # a Lambda handler, run on the real event
        for item in event["Records"]:
            seen.append(item["s3"]["object"]["key"])
    stop = emu.notifications.subscribe(FUNCTION, handler)
    s3.put_object(Bucket=bucket, Key="one", Body=b"1")
    stop()
    s3.put_object(Bucket=bucket, Key="two", Body=b"2")
    assert seen == ["one"]
    assert [k for _, k in names(emu, FUNCTION)] == ["one", "two"]


def test_a_failing_subscriber_does_not_fail_the_request(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])

    def broken(message):
        raise RuntimeError("boom")
    emu.notifications.subscribe(QUEUE, broken)
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ResponseMetadata"][
        "HTTPStatusCode"] == 200
    assert names(emu) == [("ObjectCreated:Put", "k")]


def test_eventbridge_gets_every_event_in_its_form(s3, bucket, emu):
    configure(s3, bucket, EventBridgeConfiguration={})
    reply = s3.put_object(Bucket=bucket, Key="dir/a b", Body=b"abc")
    s3.delete_object(Bucket=bucket, Key="dir/a b")
    created, deleted = emu.notifications.messages(BUS)
    assert (created["detail-type"], created["source"], created["account"],
            created["region"], created["resources"]) == (
        "Object Created", "aws.s3", "123456789012", "us-east-1", [f"arn:aws:s3:::{bucket}"])
    assert created["detail"]["object"] == {
        "key": "dir/a b", "size": 3, "etag": reply["ETag"].strip('"'),
        "sequencer": created["detail"]["object"]["sequencer"]}
    assert (created["detail"]["reason"], created["detail"]["requester"]) == (
        "PutObject", "testing")
    assert (deleted["detail-type"], deleted["detail"]["deletion-type"]) == (
        "Object Deleted", "Permanently Deleted")
    assert emu.notifications.messages(QUEUE) == []          # no test event for EventBridge


def test_lifecycle_effects_are_events_on_the_clock(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue(("s3:LifecycleExpiration:*",
                                                      "s3:LifecycleTransition"))])
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
         "Expiration": {"Days": 2}},
        {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
         "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]}]})
    s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="cold/b", Body=b"x" * 200_000)
    emu.clock.advance(hours=23, minutes=59)
    assert records(emu) == []
    emu.clock.advance(minutes=1)                   # the first midnight: the transition
    assert names(emu) == [("LifecycleTransition", "cold/b")]
    emu.clock.advance(days=1)                      # created + 2 days: the expiry
    got = records(emu)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in got] == [
        ("LifecycleTransition", "cold/b"), ("LifecycleExpiration:Delete", "tmp/a")]
    assert got[0]["lifecycleEventData"] == {"transitionEventData": {
        "destinationStorageClass": "GLACIER"}}
    assert got[1]["userIdentity"] == {"principalId": "s3.amazonaws.com"}
    assert got[1]["eventTime"] == "2025-01-03T00:00:00.000Z"


def test_deliveries_are_journaled_and_the_same_every_run(s3, bucket, emu):
    def run():
        emu.reset()
        s3.create_bucket(Bucket=bucket)
        configure(s3, bucket, QueueConfigurations=[queue()])
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        return emu.notifications.bodies(QUEUE)
    first = run()
    assert run() == first and len(first) == 2
    assert [e.operation for e in emu.journal if e.operation == "S3.NOTIFICATION"] == [
        "S3.NOTIFICATION"] * 2


def test_reset_forgets_the_messages(s3, bucket, emu):
    configure(s3, bucket, QueueConfigurations=[queue()])
    emu.reset()
    assert emu.notifications.destinations() == []


# -- the live server: admin API, forwarding, the AWS CLI ------------------------------------------

class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        self.received.append((self.headers["X-S3emu-Destination"],
                              json.loads(self.rfile.read(length))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_admin_api_lists_and_forwards_messages(server):
    admin = f"{server.endpoint_url}/_s3emu/notifications"
    headers = {"X-S3emu-Admin": "1"}
    collector = HTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{collector.server_port}/hook"
        forwarded = requests.post(f"{admin}/forward", json={"arn": QUEUE, "url": url},
                                  headers=headers)
        assert forwarded.status_code == 200 and forwarded.json() == {"arn": QUEUE, "url": url}
        s3 = make_client(endpoint_url=server.endpoint_url)
        s3.create_bucket(Bucket="live")
        configure(s3, "live", QueueConfigurations=[queue()])
        s3.put_object(Bucket="live", Key="k", Body=b"x")
        listed = requests.get(admin, headers=headers).json()
        assert listed == {"destinations": [QUEUE]}
        got = requests.get(admin, params={"arn": QUEUE}, headers=headers).json()
        assert got["count"] == 2
        assert got["messages"][1]["Records"][0]["eventName"] == "ObjectCreated:Put"
        assert [arn for arn, _ in _Collector.received] == [QUEUE, QUEUE]
        assert _Collector.received[1][1] == got["messages"][1]
        bad = requests.post(f"{admin}/forward", json={"arn": QUEUE, "url": "ftp://x"},
                            headers=headers)
        assert bad.status_code == 400
        assert requests.get(admin, params={"bogus": "1"}, headers=headers).status_code == 400
        assert requests.get(admin).status_code == 403          # no admin header
        assert requests.post(f"{admin}/clear", headers=headers).json() == {"destinations": []}
        assert requests.get(admin, headers=headers).json() == {"destinations": []}
    finally:
        collector.shutdown()
        collector.server_close()


def test_the_aws_cli_configures_notifications(server):
    assert aws_cli(server, "s3", "mb", "s3://cli-events").returncode == 0
    config = {"TopicConfigurations": [{"Id": "t", "TopicArn": TOPIC,
                                       "Events": ["s3:ObjectCreated:*"]}]}
    done = aws_cli(server, "s3api", "put-bucket-notification-configuration", "--bucket",
                   "cli-events", "--notification-configuration", json.dumps(config))
    assert done.returncode == 0, done.stderr
    shown = aws_cli(server, "s3api", "get-bucket-notification-configuration", "--bucket",
                    "cli-events")
    assert json.loads(shown.stdout) == config
    bad = aws_cli(server, "s3api", "put-bucket-notification-configuration", "--bucket",
                  "cli-events", "--notification-configuration", json.dumps(
                      {"TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:Nope"]}]}))
    assert bad.returncode != 0 and "InvalidArgument" in bad.stderr
    assert server.emulator.notifications.messages(TOPIC)[0]["Event"] == "s3:TestEvent"
