"""``s3emu.mock_s3``: decorator and context manager forms, nesting, isolation, exact restore,
no sockets, every client path (boto3 client and resource, s3transfer threads, requests,
urllib3), the emulator's clock for signing and retry back-off, and credential/region defaults.
"""
from __future__ import annotations

import dataclasses

import asyncio
import importlib
import os
import socket
import sys
import time
import unittest
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.auth
import botocore.config
import botocore.endpoint
import botocore.signers
import pytest
import requests
import urllib3
from boto3.s3.transfer import TransferConfig
from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError, ConnectionClosedError, HTTPClientError
from botocore.session import Session
from botocore.signers import RequestSigner
from urllib3.connectionpool import HTTPConnectionPool

import s3emu
from helpers import error_of, make_client
from s3emu import errors
from s3emu.mock import MockS3, current, mock_s3
from s3emu.operations import OPERATIONS

ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN", "AWS_DEFAULT_REGION")


def patched_points() -> dict[str, object]:
    """Everything mock_s3 replaces, by identity."""
    return {
        "Endpoint._send": Endpoint.__dict__["_send"],
        "HTTPConnectionPool.urlopen": HTTPConnectionPool.__dict__["urlopen"],
        "Session.get_credentials": Session.__dict__["get_credentials"],
        "RequestSigner.get_auth_instance": RequestSigner.__dict__["get_auth_instance"],
        "auth.get_current_datetime": botocore.auth.get_current_datetime,
        "auth.formatdate": botocore.auth.formatdate,
        "auth.time": botocore.auth.time,
        "signers.get_current_datetime": botocore.signers.get_current_datetime,
        "endpoint.time": botocore.endpoint.time,
        **{f"env.{k}": os.environ.get(k) for k in ENV_KEYS},
    }


class SocketBlocked(RuntimeError):
    """Raised by any attempt to open a network connection."""


@pytest.fixture
def no_sockets(monkeypatch):
    """Make every socket connection fail; returns the list of addresses tried."""
    tried: list[object] = []

    def refuse(sock, address, *args):
        tried.append(address)
        raise SocketBlocked(f"socket connection to {address!r} attempted")

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: refuse(None, host))
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: refuse(None, address))
    return tried


# -- forms of use ------------------------------------------------------------------------------
def test_context_manager_serves_and_restores_everything():
    before = patched_points()
    with mock_s3() as emu:
        assert isinstance(emu, s3emu.Emulator) and current() is emu
        assert patched_points() != before
        make_client().create_bucket(Bucket="cm-bucket")
        assert list(emu.store.buckets) == ["cm-bucket"]
    assert current() is None
    assert patched_points() == before


def test_restores_everything_when_the_body_raises():
    before = patched_points()
    with pytest.raises(ZeroDivisionError):
        with mock_s3():
            raise ZeroDivisionError
    assert patched_points() == before and current() is None


def test_without_aiobotocore_its_patches_are_a_no_op(monkeypatch):
    """``make test`` has no aiobotocore (tests_clients/test_aio_inprocess.py tests it where
    it is installed): mock_s3 then neither imports nor patches it, and serves botocore."""
    monkeypatch.setitem(sys.modules, "aiobotocore", None)   # `import aiobotocore` fails
    monkeypatch.delitem(sys.modules, "s3emu.aiobotocore_patches", raising=False)
    before = patched_points()
    with mock_s3() as emu:
        make_client().create_bucket(Bucket="sync-only")
        assert "s3emu.aiobotocore_patches" not in sys.modules
    assert patched_points() == before
    assert emu.journal[-1].operation == "CreateBucket"
    patches = importlib.import_module("s3emu.aiobotocore_patches")  # importable all the same
    assert sys.modules["aiobotocore"] is None and callable(patches.patch_aiobotocore)


def test_bare_decorator_gives_each_call_a_fresh_emulator():
    seen = []

    @mock_s3
    def work(name):
        s3 = make_client()
        s3.create_bucket(Bucket=name)
        seen.append(current())
        return sorted(b["Name"] for b in s3.list_buckets()["Buckets"])

    assert work("first-bucket") == ["first-bucket"]
    assert work("second-bucket") == ["second-bucket"]
    assert seen[0] is not seen[1]
    assert work.__name__ == "work" and current() is None


def test_decorator_with_arguments_configures_the_emulator():
    @mock_s3(region="eu-west-1")
    def work():
        s3 = boto3.client("s3")
        assert s3.meta.region_name == "eu-west-1"
        s3.create_bucket(Bucket="eu-bucket",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        return current()

    emu = work()
    assert emu.region == "eu-west-1"
    assert emu.store.bucket("eu-bucket").region == "eu-west-1"


def test_decorator_with_empty_parentheses():
    @mock_s3()
    def work():
        make_client().create_bucket(Bucket="paren-bucket")
        return list(current().store.buckets)

    assert work() == ["paren-bucket"]


def test_async_function_decorator():
    @mock_s3
    async def work():
        await asyncio.sleep(0)
        s3 = make_client()
        s3.create_bucket(Bucket="async-bucket")
        await asyncio.sleep(0)
        return s3.head_bucket(Bucket="async-bucket")["ResponseMetadata"]["HTTPStatusCode"]

    assert asyncio.iscoroutinefunction(work)
    assert asyncio.run(work()) == 200
    assert current() is None


def test_method_decorator():
    class Uploader:
        def __init__(self):
            self.s3 = make_client()

        @mock_s3
        def run(self, body):
            self.s3.create_bucket(Bucket="method-bucket")
            self.s3.put_object(Bucket="method-bucket", Key="k", Body=body)
            return self.s3.get_object(Bucket="method-bucket", Key="k")["Body"].read()

    assert Uploader().run(b"payload") == b"payload"


def test_class_decorator_mocks_each_test_method_separately():
    emulators = {}

    @mock_s3
    class Suite:
        def helper(self):
            return current()

        def test_one(self):
            make_client().create_bucket(Bucket="one-bucket")
            emulators["one"] = current()

        def test_two(self):
            assert make_client().list_buckets()["Buckets"] == []
            emulators["two"] = current()

        @staticmethod
        def test_static():
            emulators["static"] = current()

    suite = Suite()
    suite.test_one()
    suite.test_two()
    Suite.test_static()
    assert suite.helper() is None
    assert len({id(e) for e in emulators.values()}) == 3
    assert None not in emulators.values()


def test_class_decorator_on_testcase_covers_setup_and_cleanups():
    log = []

    @mock_s3(region="us-west-2")
    class Case(unittest.TestCase):
        def setUp(self):
            self.s3 = boto3.client("s3")
            self.s3.create_bucket(Bucket="case-bucket", CreateBucketConfiguration={
                "LocationConstraint": "us-west-2"})
            self.addCleanup(lambda: log.append(("cleanup", len(current().store.buckets))))

        def tearDown(self):
            log.append(("teardown", list(current().store.buckets)))

        def test_bucket_made_in_setup_is_there(self):
            self.assertEqual(current().region, "us-west-2")
            self.s3.put_object(Bucket="case-bucket", Key="k", Body=b"x")
            log.append(("test", id(current())))

        def test_fresh_emulator_per_test(self):
            keys = self.s3.list_objects_v2(Bucket="case-bucket").get("KeyCount")
            self.assertEqual(keys, 0)
            log.append(("test", id(current())))

    with open(os.devnull, "w") as devnull:
        result = unittest.TextTestRunner(stream=devnull).run(
            unittest.defaultTestLoader.loadTestsFromTestCase(Case))
    assert result.wasSuccessful(), result.failures + result.errors
    assert [entry[0] for entry in log] == ["test", "teardown", "cleanup"] * 2
    assert log[1] == ("teardown", ["case-bucket"]) and log[2] == ("cleanup", 1)
    assert log[0][1] != log[3][1]
    assert current() is None


def test_shared_emulator_keeps_state_across_mocks():
    emu = s3emu.Emulator()
    with mock_s3(emulator=emu) as served:
        assert served is emu
        make_client().create_bucket(Bucket="shared-bucket")

    @mock_s3(emulator=emu)
    def later():
        return [b["Name"] for b in make_client().list_buckets()["Buckets"]]

    assert later() == ["shared-bucket"]


def test_emulator_and_options_are_exclusive():
    with pytest.raises(TypeError):
        mock_s3(emulator=s3emu.Emulator(), region="eu-west-1")


def test_a_mock_object_cannot_be_entered_twice_at_once():
    mock = MockS3()
    with mock:
        with pytest.raises(RuntimeError):
            mock.start()
    with mock as emu:  # but it can be used again afterwards, with a fresh emulator
        assert emu.store.buckets == {}


# -- nesting and isolation ---------------------------------------------------------------------
def test_nested_mocks_innermost_wins_and_outer_resumes():
    before = patched_points()
    s3 = make_client()
    with mock_s3() as outer:
        s3.create_bucket(Bucket="outer-bucket")
        with mock_s3(region="eu-west-1") as inner:
            assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
            assert s3.list_buckets()["Buckets"] == []
            s3.create_bucket(Bucket="inner-bucket")
            with mock_s3(emulator=outer):
                assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["outer-bucket"]
            assert current() is inner
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["outer-bucket"]
        assert list(inner.store.buckets) == ["inner-bucket"]
    assert patched_points() == before


def test_mocks_stopped_out_of_order_still_restore_exactly():
    before = patched_points()
    first, second = MockS3(), MockS3()
    a = first.start()
    b = second.start()
    first.stop()
    assert current() is b
    make_client().create_bucket(Bucket="second-only")
    second.stop()
    assert list(b.store.buckets) == ["second-only"] and a.store.buckets == {}
    assert patched_points() == before


def test_each_mock_starts_empty():
    with mock_s3():
        make_client().create_bucket(Bucket="left-behind")
    with mock_s3() as emu:
        assert make_client().list_buckets()["Buckets"] == [] and emu.store.buckets == {}


# -- every client path, and no socket ----------------------------------------------------------
def test_no_socket_is_opened_for_any_s3_client_path(no_sockets, tmp_path):
    with mock_s3() as emu:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="sockless")
        s3.put_object(Bucket="sockless", Key="a.txt", Body=b"hello")
        assert s3.get_object(Bucket="sockless", Key="a.txt")["Body"].read() == b"hello"
        assert s3.head_object(Bucket="sockless", Key="a.txt")["ContentLength"] == 5
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="sockless")["Contents"]] == ["a.txt"]

        bucket = boto3.resource("s3").Bucket("sockless")
        bucket.put_object(Key="b.txt", Body=b"from resource")
        assert bucket.Object("b.txt").get()["Body"].read() == b"from resource"
        assert sorted(o.key for o in bucket.objects.all()) == ["a.txt", "b.txt"]

        url = s3.generate_presigned_url("get_object", Params={"Bucket": "sockless",
                                                              "Key": "a.txt"})
        assert requests.get(url).content == b"hello"
        assert urllib3.request("GET", url).data == b"hello"

        source = tmp_path / "small.bin"
        source.write_bytes(b"0123456789" * 100)
        s3.upload_file(str(source), "sockless", "small.bin")
        s3.download_file("sockless", "small.bin", str(tmp_path / "back.bin"))
        assert (tmp_path / "back.bin").read_bytes() == source.read_bytes()
    assert no_sockets == []
    assert emu.journal.count(operation="GetObject") >= 4


def test_threaded_ranged_download_is_served_in_process(no_sockets, tmp_path):
    with mock_s3():
        s3 = make_client()
        s3.create_bucket(Bucket="threads")
        body = os.urandom(3 * 1024 * 1024 + 17)
        s3.put_object(Bucket="threads", Key="big", Body=body)
        config = TransferConfig(multipart_threshold=256 * 1024, multipart_chunksize=256 * 1024,
                                max_concurrency=6)
        s3.download_file("threads", "big", str(tmp_path / "big"), Config=config)
        ranged = [e for e in current().journal if e.operation == "GetObject"]
    assert (tmp_path / "big").read_bytes() == body
    assert len(ranged) == 13
    assert no_sockets == []


def test_threaded_multipart_upload_is_served_in_process(no_sockets, tmp_path):
    source = tmp_path / "upload.bin"
    source.write_bytes(os.urandom(12 * 1024 * 1024))
    with mock_s3() as emu:
        s3 = make_client()
        s3.create_bucket(Bucket="threads-up")
        config = TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                multipart_chunksize=5 * 1024 * 1024, max_concurrency=3)
        s3.upload_file(str(source), "threads-up", "upload.bin", Config=config)
        assert emu.journal.count(operation="UploadPart") == 3
        body = s3.get_object(Bucket="threads-up", Key="upload.bin")["Body"].read()
    assert body == source.read_bytes()
    assert no_sockets == []


@pytest.mark.parametrize("config", [
    {"region_name": "us-east-1", "s3": {"addressing_style": "virtual"}},
    {"region_name": "us-east-1", "s3": {"addressing_style": "path"}},
    {"region_name": "ap-southeast-2"},
    {"region_name": "eu-central-1", "s3": {"addressing_style": "virtual"}},
    {"region_name": "us-east-1", "endpoint_url": "http://localhost:4566"},
    {"region_name": "us-east-1", "endpoint_url": "https://storage.example.internal:9443"},
])
def test_every_region_addressing_style_and_endpoint_is_served(no_sockets, config):
    config = dict(config)
    endpoint_url = config.pop("endpoint_url", None)
    region = config.pop("region_name")
    with mock_s3() as emu:
        s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint_url,
                          config=botocore.config.Config(**config))
        kwargs = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket="anywhere", **kwargs)
        s3.put_object(Bucket="anywhere", Key="dir/key name.txt", Body=b"x")
        assert s3.get_object(Bucket="anywhere", Key="dir/key name.txt")["Body"].read() == b"x"
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "anywhere",
                                                              "Key": "dir/key name.txt"})
        assert requests.get(url).content == b"x"
    assert emu.store.bucket("anywhere").region == region
    assert no_sockets == []


def test_unsigned_requests_to_a_custom_endpoint_already_used_are_served(no_sockets):
    with mock_s3() as emu:
        emu.auth = "off"
        s3 = boto3.client("s3", endpoint_url="http://minio.test:9000")
        s3.create_bucket(Bucket="public")
        s3.put_object(Bucket="public", Key="k", Body=b"open")
        response = requests.get("http://minio.test:9000/public/k")
        assert response.status_code == 200 and response.content == b"open"
    assert no_sockets == []


def test_requests_and_urllib3_read_streams_and_errors(no_sockets):
    with mock_s3():
        s3 = make_client()
        s3.create_bucket(Bucket="streams")
        body = bytes(range(256)) * 1000
        s3.put_object(Bucket="streams", Key="blob", Body=body)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "streams",
                                                              "Key": "blob"})
        with requests.get(url, stream=True) as response:
            assert b"".join(response.iter_content(1000)) == body
        pool = urllib3.PoolManager()
        streamed = pool.request("GET", url, preload_content=False)
        assert streamed.read(10) == body[:10] and streamed.read() == body[10:]
        ranged = requests.get(url, headers={"Range": "bytes=0-9"})
        assert ranged.status_code == 206 and ranged.content == body[:10]
        missing = s3.generate_presigned_url("get_object", Params={"Bucket": "streams",
                                                                  "Key": "nope"})
        response = requests.get(missing)
        assert response.status_code == 404 and b"<Code>NoSuchKey</Code>" in response.content
        assert response.headers["x-amz-request-id"] == current().journal[-1].request_id
    assert no_sockets == []


def test_presigned_put_and_post_sent_with_requests_reach_the_emulator(no_sockets):
    with mock_s3() as emu:
        s3 = make_client()
        s3.create_bucket(Bucket="uploads")
        put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "uploads",
                                                                  "Key": "put.txt"})
        assert requests.put(put_url, data=b"put body").status_code == 200
        assert s3.get_object(Bucket="uploads", Key="put.txt")["Body"].read() == b"put body"

        post = s3.generate_presigned_post("uploads", "posted.txt")
        response = requests.post(post["url"], data=post["fields"],
                                 files={"file": ("posted.txt", b"post body")})
        entry = emu.journal[-1]
        assert entry.operation == "PostObject" and entry.bucket == "uploads"
        assert response.headers["x-amz-request-id"] == entry.request_id
    assert no_sockets == []


def test_other_aws_services_are_left_alone(no_sockets):
    with mock_s3() as emu:
        # (STS is served: the emulator's roles and temporary credentials; SQS is not)
        sqs = boto3.client("sqs", config=botocore.config.Config(retries={"max_attempts": 1}))
        with pytest.raises(HTTPClientError) as exc:
            sqs.list_queues()
        assert "SocketBlocked" in repr(exc.value.kwargs.get("error"))
        plain = urllib3.PoolManager(retries=False)
        with pytest.raises(SocketBlocked):
            plain.request("GET", "http://example.com/index.html")
    assert len(no_sockets) >= 2       # both went for the network (urllib3 may try twice)
    assert len(emu.journal) == 0


# -- clock ---------------------------------------------------------------------------------------
def test_signing_uses_the_emulator_clock():
    with mock_s3() as emu:
        emu.clock.set("2030-06-01T12:00:00Z")
        s3 = make_client()
        seen = {}
        s3.meta.events.register("before-send.s3", lambda request, **_: seen.update(
            request.headers))
        s3.list_buckets()
        assert seen["X-Amz-Date"] == b"20300601T120000Z"
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"},
                                        ExpiresIn=60)
        expires = int(parse_qs(urlsplit(url).query)["Expires"][0])
        assert expires == int(emu.clock.timestamp()) + 60
        v4 = make_client(signature_version="s3v4")
        url = v4.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
        assert parse_qs(urlsplit(url).query)["X-Amz-Date"] == ["20300601T120000Z"]
        post = s3.generate_presigned_post("b", "k", ExpiresIn=120)
        import base64
        import json
        policy = json.loads(base64.b64decode(post["fields"]["policy"]))
        assert policy["expiration"] == "2030-06-01T12:02:00Z"


@pytest.mark.parametrize("signature_version", [None, "s3v4"])
def test_presigned_url_expires_when_the_clock_passes_expires_in(signature_version):
    with mock_s3() as emu:
        s3 = make_client(**({"signature_version": signature_version}
                            if signature_version else {}))
        s3.create_bucket(Bucket="expiring")
        s3.put_object(Bucket="expiring", Key="k", Body=b"soon gone")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "expiring", "Key": "k"},
                                        ExpiresIn=60)
        emu.clock.advance(seconds=59)
        assert requests.get(url).content == b"soon gone"
        emu.clock.advance(seconds=2)
        response = requests.get(url)
        assert response.status_code == 403
        assert b"<Code>AccessDenied</Code>" in response.content
        assert b"Request has expired" in response.content


@pytest.mark.parametrize("mode", ["standard", "legacy"])
def test_retry_back_off_advances_the_clock_instead_of_sleeping(monkeypatch, mode):
    def no_sleep(seconds):
        raise AssertionError(f"time.sleep({seconds}) called")

    with mock_s3() as emu:
        s3 = make_client(retries={"total_max_attempts": 4, "mode": mode})
        s3.create_bucket(Bucket="flaky")
        monkeypatch.setitem(OPERATIONS, "HeadBucket", dataclasses.replace(
            OPERATIONS["HeadBucket"], handler=_raise(errors.SlowDown)))
        monkeypatch.setattr(time, "sleep", no_sleep)
        start = emu.clock.now()
        with pytest.raises(ClientError) as exc:
            s3.head_bucket(Bucket="flaky")
        assert error_of(exc)[0] == 503
        assert emu.journal.count(operation="HeadBucket") == 4
        assert exc.value.response["ResponseMetadata"]["RetryAttempts"] == 3
        assert emu.clock.now() > start


def _raise(error_class):
    def handler(call):
        raise error_class()
    return handler


# -- credentials and region ------------------------------------------------------------------
def test_ambient_credentials_are_never_used(monkeypatch, tmp_path):
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text("[default]\naws_access_key_id = AKIAFROMFILE\n"
                                "aws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION.get_credentials().access_key == "AKIAREALKEY"
    made_before = boto3.client("s3")
    from_file = boto3.Session(profile_name="default")  # resolves from the file, not the env
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    with mock_s3() as emu:
        assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_DEFAULT_REGION"]) == \
            ("testing", "us-east-1")
        assert "AWS_SESSION_TOKEN" not in os.environ
        made_inside = boto3.client("s3")
        assert made_inside.meta.region_name == "us-east-1"
        made_inside.create_bucket(Bucket="creds")
        made_before.list_objects_v2(Bucket="creds")
        from_file.client("s3").head_bucket(Bucket="creds")
        boto3.Session().client("s3").list_buckets()
    assert {e.access_key for e in emu.journal} == {"testing"}
    # the ap-south-1 client is told the bucket's region (400 AuthorizationHeaderMalformed with
    # Region, as from S3) and botocore retries it there
    assert [e.status for e in emu.journal] == [200, 400, 200, 200, 200]
    assert os.environ["AWS_SESSION_TOKEN"] == "real-token"
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert os.environ["AWS_DEFAULT_REGION"] == "ap-south-1"


def test_explicit_credentials_are_kept():
    with mock_s3() as emu:
        make_client().create_bucket(Bucket="explicit")
        stranger = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAOTHER",
                                aws_secret_access_key="x")
        with pytest.raises(ClientError) as exc:
            stranger.list_buckets()
        assert error_of(exc) == (403, "InvalidAccessKeyId")
        emu.add_user("AKIASECOND", "second-secret")
        session = boto3.Session(aws_access_key_id="AKIASECOND",
                                aws_secret_access_key="second-secret")
        session.client("s3", region_name="us-east-1").list_buckets()
    assert emu.journal[-1].access_key == "AKIASECOND"


def test_emulator_credentials_and_region_options():
    with mock_s3(credentials={"alice-key": "alice-secret"}, region="sa-east-1") as emu:
        s3 = boto3.client("s3")
        assert s3.meta.region_name == "sa-east-1"
        s3.list_buckets()
    assert emu.journal[-1].access_key == "alice-key"


def test_clients_made_before_the_mock_are_served():
    early = make_client()
    with mock_s3() as emu:
        early.create_bucket(Bucket="early")
    assert list(emu.store.buckets) == ["early"]


# -- connection faults look like a dropped connection ---------------------------------------
def test_reset_in_process_is_a_closed_connection_retried_by_botocore():
    with mock_s3() as emu:
        s3 = make_client(retries={"mode": "standard", "total_max_attempts": 3})
        s3.create_bucket(Bucket="resets")
        s3.put_object(Bucket="resets", Key="k", Body=b"survived")
        emu.faults.add(operation="GetObject", connection="reset", times=2)
        response = s3.get_object(Bucket="resets", Key="k")
        assert response["Body"].read() == b"survived"
        assert response["ResponseMetadata"]["RetryAttempts"] == 2
        emu.faults.add(operation="GetObject", connection="reset", times=1)
        with pytest.raises(ConnectionClosedError):
            make_client(retries={"total_max_attempts": 1}).get_object(Bucket="resets", Key="k")


def test_truncated_xml_in_process_is_retried_like_a_closed_connection():
    with mock_s3() as emu:
        s3 = make_client(retries={"mode": "standard", "total_max_attempts": 2})
        s3.create_bucket(Bucket="truncated")
        s3.put_object(Bucket="truncated", Key="k", Body=b"x")
        emu.faults.add(operation="ListObjectsV2", connection="truncate", times=1)
        assert [o["Key"] for o in s3.list_objects_v2(Bucket="truncated")["Contents"]] == ["k"]
        assert [e.faulted for e in emu.journal.filter(operation="ListObjectsV2")] == \
            [True, False]


def test_connection_faults_reach_requests_as_connection_errors():
    with mock_s3() as emu:
        s3 = make_client()
        s3.create_bucket(Bucket="faulty")
        s3.put_object(Bucket="faulty", Key="k", Body=b"0123456789")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "faulty", "Key": "k"})
        emu.faults.add(operation="GetObject", connection="reset", times=1)
        with pytest.raises(requests.ConnectionError):
            requests.get(url)
        emu.faults.add(operation="GetObject", connection="truncate", times=1)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(url)
        assert requests.get(url).content == b"0123456789"
