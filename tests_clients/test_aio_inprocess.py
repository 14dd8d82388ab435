"""aiobotocore, aioboto3 and s3fs served in-process by ``s3emu.mock_s3`` (and the ``s3emu``
fixture): no server, no socket (every connection attempt fails the test), the emulator's clock
for signing, presigned URLs and retry back-off, and botocore's credential rules (ambient keys
never sign, keys chosen in code are kept). The patches are restored exactly when the mock ends.

These live in tests_clients/ because aiobotocore pins botocore narrowly: they run in the
``make test-clients`` environment (requirements-clients.txt), not in ``make test``'s.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aioboto3
import aiobotocore.endpoint
import aiobotocore.signers
import pytest
import requests
import s3fs
from aiobotocore.config import AioConfig
from aiobotocore.endpoint import AioEndpoint
from aiobotocore.session import AioSession, get_session
from aiobotocore.signers import AioRequestSigner
from botocore.exceptions import ClientError

import s3emu
from s3emu.mock import mock_s3

MIB = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
#: s3emu is imported from the checkout (a bare source tree): the child gets it on PYTHONPATH too
FROM_SOURCE = Path(s3emu.__file__).resolve().parent == ROOT / "s3emu"


class SocketBlocked(RuntimeError):
    """Raised by any attempt to open a network connection."""


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every name lookup and socket connection fails; returns the addresses tried."""
    tried: list[object] = []

    def refuse(sock: Any, address: Any, *args: Any) -> None:
        tried.append(address)
        raise SocketBlocked(f"socket connection to {address!r} attempted")

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: refuse(None, host))
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: refuse(None, address))
    return tried


def patched_points() -> dict[str, object]:
    """What the aiobotocore patches replace, by identity."""
    return {
        "AioEndpoint._send": AioEndpoint.__dict__["_send"],
        "AioSession.get_credentials": AioSession.__dict__["get_credentials"],
        "AioRequestSigner.get_auth_instance": AioRequestSigner.__dict__["get_auth_instance"],
        "signers.get_current_datetime": aiobotocore.signers.get_current_datetime,
        "endpoint.asyncio": aiobotocore.endpoint.asyncio,
    }


def client(session: AioSession | None = None, **config: Any) -> Any:
    """An async S3 client made the plain way: no endpoint, no keys, no region."""
    return (session or get_session()).create_client(
        "s3", config=AioConfig(**config) if config else None)


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


# -- aiobotocore -----------------------------------------------------------------------------
def test_aiobotocore_client_is_served_in_process(no_sockets: list[object]) -> None:
    before = patched_points()

    async def work(emu: s3emu.Emulator) -> None:
        async with client() as s3:
            await s3.create_bucket(Bucket="aio")
            await s3.put_object(Bucket="aio", Key="dir/a.txt", Body=b"hello async")
            await s3.put_object(Bucket="aio", Key="dir/sub/b.txt", Body=b"b")
            await s3.put_object(Bucket="aio", Key="top.txt", Body=b"t")
            got = await s3.get_object(Bucket="aio", Key="dir/a.txt")
            assert got["ContentLength"] == 11
            async with got["Body"] as body:
                assert await body.read() == b"hello async"
            ranged = await s3.get_object(Bucket="aio", Key="dir/a.txt", Range="bytes=6-")
            assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206
            assert [chunk async for chunk in ranged["Body"].iter_chunks(2)] == \
                [b"as", b"yn", b"c"]
            listed = await s3.list_objects_v2(Bucket="aio", Prefix="dir/", Delimiter="/")
            assert [o["Key"] for o in listed["Contents"]] == ["dir/a.txt"]
            assert listed["CommonPrefixes"] == [{"Prefix": "dir/sub/"}]
            paginator = s3.get_paginator("list_objects_v2")
            keys = [o["Key"] async for page in paginator.paginate(Bucket="aio", MaxKeys=1)
                    for o in page["Contents"]]
            assert keys == ["dir/a.txt", "dir/sub/b.txt", "top.txt"]

            with pytest.raises(ClientError) as exc:
                await s3.get_object(Bucket="aio", Key="missing")
            assert error_of(exc) == (404, "NoSuchKey")
            assert exc.value.response["Error"]["Key"] == "missing"
            assert isinstance(exc.value, s3.exceptions.NoSuchKey)
            with pytest.raises(ClientError) as exc:
                await s3.head_object(Bucket="aio", Key="missing")
            assert error_of(exc) == (404, "404")

            await s3.delete_object(Bucket="aio", Key="top.txt")
            assert (await s3.list_objects_v2(Bucket="aio"))["KeyCount"] == 2

    with mock_s3() as emu:
        assert patched_points() != before
        asyncio.run(work(emu))
    assert patched_points() == before
    assert no_sockets == []
    assert [e.operation for e in emu.journal][:3] == ["CreateBucket", "PutObject", "PutObject"]
    assert {e.access_key for e in emu.journal} == {"testing"}


def test_multipart_upload_and_copy() -> None:
    first, last = os.urandom(5 * MIB), os.urandom(MIB // 2)

    async def work() -> None:
        async with client() as s3:
            await s3.create_bucket(Bucket="parts")
            upload = await s3.create_multipart_upload(Bucket="parts", Key="big.bin")
            etags = []
            for number, data in enumerate((first, last), start=1):
                part = await s3.upload_part(Bucket="parts", Key="big.bin", PartNumber=number,
                                            UploadId=upload["UploadId"], Body=data)
                etags.append({"PartNumber": number, "ETag": part["ETag"]})
            listed = await s3.list_parts(Bucket="parts", Key="big.bin",
                                         UploadId=upload["UploadId"])
            assert [p["Size"] for p in listed["Parts"]] == [5 * MIB, MIB // 2]
            done = await s3.complete_multipart_upload(
                Bucket="parts", Key="big.bin", UploadId=upload["UploadId"],
                MultipartUpload={"Parts": etags})
            assert done["ETag"].endswith('-2"')
            got = await s3.get_object(Bucket="parts", Key="big.bin")
            assert await got["Body"].read() == first + last
            await s3.copy_object(Bucket="parts", Key="copy.bin",
                                 CopySource={"Bucket": "parts", "Key": "big.bin"})
            head = await s3.head_object(Bucket="parts", Key="copy.bin")
            assert head["ContentLength"] == len(first) + len(last)

            small = await s3.create_multipart_upload(Bucket="parts", Key="small.bin")
            part = await s3.upload_part(Bucket="parts", Key="small.bin", PartNumber=1,
                                        UploadId=small["UploadId"], Body=b"tiny")
            await s3.upload_part(Bucket="parts", Key="small.bin", PartNumber=2,
                                 UploadId=small["UploadId"], Body=b"tail")
            with pytest.raises(ClientError) as exc:   # a part but the last under 5 MiB
                await s3.complete_multipart_upload(
                    Bucket="parts", Key="small.bin", UploadId=small["UploadId"],
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]},
                                               {"PartNumber": 2, "ETag": part["ETag"]}]})
            assert error_of(exc)[0] == 400
            assert error_of(exc)[1] in ("EntityTooSmall", "InvalidPart")

    with mock_s3():
        asyncio.run(work())


def test_the_pytest_fixture_serves_aiobotocore(s3emu: s3emu.Emulator,
                                               s3_client: Any) -> None:
    async def work() -> bytes:
        async with client() as s3:
            await s3.create_bucket(Bucket="from-fixture")
            await s3.put_object(Bucket="from-fixture", Key="k", Body=b"async")
            got = await s3.get_object(Bucket="from-fixture", Key="k")
            return await got["Body"].read()

    assert asyncio.run(work()) == b"async"
    assert s3_client.get_object(Bucket="from-fixture", Key="k")["Body"].read() == b"async"
    assert s3emu.journal.count(operation="PutObject") == 1


def test_nested_mocks_innermost_wins_and_outer_resumes() -> None:
    async def buckets() -> list[str]:
        async with client() as s3:
            return [b["Name"] for b in (await s3.list_buckets())["Buckets"]]

    async def make(name: str) -> None:
        async with client() as s3:
            await s3.create_bucket(Bucket=name)

    before = patched_points()
    with mock_s3():
        asyncio.run(make("outer"))
        with mock_s3():
            asyncio.run(make("inner"))
            assert asyncio.run(buckets()) == ["inner"]
        assert asyncio.run(buckets()) == ["outer"]
        assert patched_points() != before
    assert patched_points() == before


def test_a_client_made_before_the_mock_is_served(no_sockets: list[object]) -> None:
    async def work() -> None:
        async with client() as s3:              # made (and its credentials resolved) first
            with mock_s3() as emu:
                await s3.create_bucket(Bucket="made-before")
                assert list(emu.store.buckets) == ["made-before"]
            assert emu.journal[-1].access_key == "testing"

    asyncio.run(work())
    assert no_sockets == []


def test_outside_the_mock_aiobotocore_goes_to_the_network(no_sockets: list[object]) -> None:
    """The socket guard is real: the same client outside a mock tries to connect."""
    async def work() -> None:
        async with get_session().create_client(
                "s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                aws_access_key_id="k", aws_secret_access_key="s",
                config=AioConfig(retries={"max_attempts": 0})) as s3:
            await s3.list_buckets()

    with pytest.raises(Exception):  # noqa: B017 - aiobotocore wraps the refusal its own way
        asyncio.run(work())
    assert no_sockets != []


# -- the clock -------------------------------------------------------------------------------
def test_signing_and_presigning_use_the_emulator_clock() -> None:
    seen: dict[str, Any] = {}

    async def work(emu: s3emu.Emulator) -> None:
        async with client(signature_version="s3v4") as s3:
            s3.meta.events.register("before-send.s3", lambda request, **_: seen.update(
                request.headers))
            await s3.create_bucket(Bucket="clock")
            await s3.put_object(Bucket="clock", Key="k", Body=b"soon gone")
            url = await s3.generate_presigned_url(
                "get_object", Params={"Bucket": "clock", "Key": "k"}, ExpiresIn=60)
            assert parse_qs(urlsplit(url).query)["X-Amz-Date"] == ["20300601T120000Z"]
            post = await s3.generate_presigned_post("clock", "k", ExpiresIn=120)
            policy = json.loads(base64.b64decode(post["fields"]["policy"]))
            assert policy["expiration"] == "2030-06-01T12:02:00Z"
        assert seen["X-Amz-Date"] == b"20300601T120000Z"

        emu.clock.advance(seconds=59)
        assert requests.get(url).content == b"soon gone"
        emu.clock.advance(seconds=2)
        response = requests.get(url)
        assert response.status_code == 403
        assert b"<Code>AccessDenied</Code>" in response.content
        assert b"Request has expired" in response.content

    with mock_s3() as emu:
        emu.clock.set("2030-06-01T12:00:00Z")
        asyncio.run(work(emu))


def test_sigv2_presigned_url_expires_on_the_emulator_clock() -> None:
    async def work() -> str:
        async with client(signature_version="s3") as s3:
            await s3.create_bucket(Bucket="clock-v2")
            await s3.put_object(Bucket="clock-v2", Key="k", Body=b"v2")
            return await s3.generate_presigned_url(
                "get_object", Params={"Bucket": "clock-v2", "Key": "k"}, ExpiresIn=30)

    with mock_s3() as emu:
        url = asyncio.run(work())
        assert int(parse_qs(urlsplit(url).query)["Expires"][0]) == \
            int(emu.clock.timestamp()) + 30
        assert requests.get(url).content == b"v2"
        emu.clock.advance(seconds=31)
        assert requests.get(url).status_code == 403


def test_retry_back_off_advances_the_clock_instead_of_waiting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_sleep = asyncio.sleep

    async def no_wait(delay: float, result: Any = None) -> Any:
        if delay:
            raise AssertionError(f"asyncio.sleep({delay}) called")
        return await real_sleep(0, result)

    async def work() -> dict[str, Any]:
        async with client(retries={"total_max_attempts": 4, "mode": "standard"}) as s3:
            await s3.create_bucket(Bucket="flaky")
            emu.faults.add(operation="HeadBucket", error="SlowDown", status=503, times=2)
            monkeypatch.setattr(asyncio, "sleep", no_wait)
            return await s3.head_bucket(Bucket="flaky")

    with mock_s3() as emu:
        start = emu.clock.now()
        response = asyncio.run(work())
        assert response["ResponseMetadata"]["RetryAttempts"] == 2
        assert emu.journal.count(operation="HeadBucket") == 3
        assert emu.clock.now() > start


@pytest.mark.parametrize("connection", ["reset", "truncate"])
def test_dropped_connection_is_retried_like_a_closed_connection(connection: str) -> None:
    async def work() -> dict[str, Any]:
        async with client() as s3:
            await s3.create_bucket(Bucket="dropped")
            emu.faults.add(operation="ListObjectsV2", connection=connection, times=1,
                           **({"truncate_at": 10} if connection == "truncate" else {}))
            return await s3.list_objects_v2(Bucket="dropped")

    with mock_s3() as emu:
        assert asyncio.run(work())["ResponseMetadata"]["RetryAttempts"] == 1


# -- credentials -----------------------------------------------------------------------------
def test_ambient_credentials_never_sign(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text("[real]\naws_access_key_id = AKIAFROMFILE\n"
                                "aws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    from_env = get_session()
    assert asyncio.run(from_env.get_credentials()).access_key == "AKIAREALKEY"
    from_file = AioSession(profile="real")
    signed_with: list[bytes] = []

    async def work() -> None:
        for session in (from_env, from_file, get_session()):
            async with client(session) as s3:
                s3.meta.events.register("before-send.s3", lambda request, **_: signed_with.append(
                    request.headers["Authorization"]))
                assert (await s3.list_buckets())["Buckets"] == []
                assert (await s3._request_signer._credentials.get_frozen_credentials()) \
                    .access_key == "testing"

    with mock_s3() as emu:
        asyncio.run(work())
    assert len(signed_with) == 3
    assert all(b"Credential=testing/" in auth for auth in signed_with)
    assert {e.access_key for e in emu.journal} == {"testing"}
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEY"


def test_explicit_credentials_are_kept() -> None:
    async def work(emu: s3emu.Emulator) -> None:
        async with get_session().create_client(
                "s3", aws_access_key_id="AKIAOTHER", aws_secret_access_key="x") as stranger:
            with pytest.raises(ClientError) as exc:
                await stranger.list_buckets()
            assert error_of(exc) == (403, "InvalidAccessKeyId")
        emu.add_user("AKIASECOND", "second-secret")
        session = get_session()
        session.set_credentials("AKIASECOND", "second-secret")
        async with client(session) as second:
            await second.list_buckets()

    with mock_s3() as emu:
        asyncio.run(work(emu))
    assert [e.access_key for e in emu.journal] == ["AKIAOTHER", "AKIASECOND"]


def test_aiobotocore_sts_hands_out_the_emulators_roles() -> None:
    async def work(emu: s3emu.Emulator) -> None:
        emu.add_role("reader", policies=[{"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}])
        async with client() as s3:
            await s3.create_bucket(Bucket="data")
            await s3.put_object(Bucket="data", Key="k", Body=b"v")
        async with get_session().create_client("sts", region_name="us-east-1") as sts:
            answer = await sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/reader",
                                           RoleSessionName="async-worker")
        creds = answer["Credentials"]
        async with get_session().create_client(
                "s3", region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"]) as worker:
            got = await worker.get_object(Bucket="data", Key="k")
            assert await got["Body"].read() == b"v"
            with pytest.raises(ClientError) as exc:
                await worker.put_object(Bucket="data", Key="x", Body=b"")
            assert error_of(exc) == (403, "AccessDenied")

    with mock_s3() as emu:
        asyncio.run(work(emu))
    assert emu.journal.count(operation="AssumeRole") == 1


# -- aioboto3 --------------------------------------------------------------------------------
def test_aioboto3_resource_and_client() -> None:
    async def work() -> None:
        session = aioboto3.Session()
        async with session.resource("s3") as s3:
            bucket = await s3.create_bucket(Bucket="resource")
            await bucket.put_object(Key="a.txt", Body=b"from a resource")
            await bucket.put_object(Key="b.txt", Body=b"b")
            assert [o.key async for o in bucket.objects.all()] == ["a.txt", "b.txt"]
            obj = await s3.Object("resource", "a.txt")
            got = await obj.get()
            assert await got["Body"].read() == b"from a resource"
            assert await obj.content_length == 15
            await obj.delete()
            assert [o.key async for o in bucket.objects.all()] == ["b.txt"]
        async with session.client("s3") as s3_client:
            with pytest.raises(ClientError) as exc:
                await s3_client.get_object(Bucket="resource", Key="a.txt")
            assert error_of(exc) == (404, "NoSuchKey")
            data = os.urandom(9 * MIB)
            await s3_client.upload_fileobj(io.BytesIO(data), "resource", "big.bin")
            out = io.BytesIO()
            await s3_client.download_fileobj("resource", "big.bin", out)
            assert out.getvalue() == data

    with mock_s3() as emu:
        asyncio.run(work())
    assert emu.journal.count(operation="UploadPart") >= 2


# -- s3fs ------------------------------------------------------------------------------------
def test_s3fs_filesystem_made_inside_the_mock_reads_and_writes(no_sockets: list[object]) -> None:
    big = os.urandom(11 * MIB)
    s3fs.S3FileSystem.clear_instance_cache()
    with mock_s3() as emu:
        fs = s3fs.S3FileSystem()
        fs.mkdir("fsspec")
        fs.pipe("fsspec/dir/small.txt", b"hello from s3fs")
        with fs.open("fsspec/dir/big.bin", "wb", block_size=5 * MIB) as out:
            for start in range(0, len(big), MIB):
                out.write(big[start:start + MIB])
        fs.pipe("fsspec/dir/sub/deeper.txt", b"x")
        assert fs.ls("fsspec/dir", detail=False) == [
            "fsspec/dir/big.bin", "fsspec/dir/small.txt", "fsspec/dir/sub"]
        assert fs.find("fsspec") == ["fsspec/dir/big.bin", "fsspec/dir/small.txt",
                                     "fsspec/dir/sub/deeper.txt"]
        assert fs.cat("fsspec/dir/small.txt") == b"hello from s3fs"
        assert fs.cat_file("fsspec/dir/big.bin", start=12345, end=13345) == big[12345:13345]
        with fs.open("fsspec/dir/big.bin", "rb", block_size=1 << 16) as source:
            source.seek(len(big) - 10)
            assert source.read() == big[-10:]
        assert fs.info("fsspec/dir/big.bin")["size"] == len(big)
        with pytest.raises(FileNotFoundError):
            fs.cat("fsspec/missing")
        fs.rm("fsspec", recursive=True)
        assert not fs.exists("fsspec")
    s3fs.S3FileSystem.clear_instance_cache()
    assert no_sockets == []
    assert emu.journal.count(operation="UploadPart") == 3
    assert {e.access_key for e in emu.journal} == {"testing"}


# -- the README's example --------------------------------------------------------------------
def test_readme_async_example_runs(tmp_path: Any) -> None:
    """The README's ``# test_with_aiobotocore.py`` block (left out of ``make test``'s run of the
    README examples, which has no aiobotocore), run by pytest with the plugin, no socket."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("<!-- section: testing -->", 1)[1].split("<!-- /section: testing")[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    [code] = [b for b in blocks if b.startswith("# test_with_aiobotocore.py\n")]
    (tmp_path / "test_with_aiobotocore.py").write_text(code)
    (tmp_path / "conftest.py").write_text(NO_SOCKETS_CONFTEST)
    env = dict(os.environ)
    if FROM_SOURCE:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout, done.stdout


NO_SOCKETS_CONFTEST = '''
import socket

import pytest


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("socket connection attempted")
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
'''
