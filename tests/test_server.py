"""The standalone server (s3emu.Server) and the command line (s3emu serve), over real sockets.

These tests never use the ``emu``/``s3`` fixtures: those patch botocore and would serve the
requests in-process instead of through the server.
"""
from __future__ import annotations

import hashlib
import http.client
import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

import boto3
import botocore.config
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import s3emu
from helpers import CHILD_CWD, child_env, error_of
from s3emu import cli
from s3emu.serving import exchange as httpresponse
from s3emu import server as server_module
from rawhttp import read_head


SPECIAL_KEYS = [
    "with space.txt", "unicodé/ключ/鍵.bin", "double//slash", "dots/../up", "./here",
    "..", "percent%2Fslash", "percent%20literal%", "plus+sign", "trailing/", "/leading",
    "tilde~x", "semi;colon", "question?mark", "hash#tag", "amp&er=sand", "quote'\"", "a" * 1024,
]


def client_for(srv: s3emu.Server, **config: object):
    return boto3.client(
        "s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}, **config))


def signed(method: str, url: str, body: bytes = b"", headers: dict | None = None) -> dict:
    """Headers of ``method url`` signed with SigV4 by botocore (Host included)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    S3SigV4Auth(Credentials("testing", "testing"), "s3", "us-east-1").add_auth(request)
    out = dict(request.headers.items())
    out.setdefault("Host", urlsplit(url).netloc)
    return out


def send(conn: http.client.HTTPConnection, method: str, path: str, body: bytes = b"",
         headers: dict | None = None, host: str | None = None):
    """A signed request on ``conn``; returns (response, body bytes)."""
    url = f"http://{host or f'{conn.host}:{conn.port}'}{path}"
    conn.request(method, path, body=body or None, headers=signed(method, url, body, headers))
    response = conn.getresponse()
    return response, response.read()


def raw_head(method: str, path: str, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@pytest.fixture
def s3srv(server):
    return client_for(server)


@pytest.fixture
def conn(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    yield connection
    connection.close()


# -- the Server object ------------------------------------------------------------------------
def test_server_binds_loopback_and_a_free_port():
    with s3emu.Server() as srv:
        assert srv.host == "127.0.0.1" and srv.port > 0
        assert srv.endpoint_url == f"http://127.0.0.1:{srv.port}"
        assert srv.emulator.clock.ticking
        assert srv.running
    assert not srv.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=2)


def test_endpoint_url_needs_a_started_server_for_port_zero():
    with pytest.raises(RuntimeError):
        s3emu.Server().endpoint_url  # noqa: B018


def test_default_clock_is_the_system_clock(conn):
    conn.request("GET", "/")
    response = conn.getresponse()
    response.read()
    served = parsedate_to_datetime(response.getheader("Date"))
    assert abs((served - datetime.now(timezone.utc)).total_seconds()) < 300


def test_given_emulator_keeps_its_clock():
    emu = s3emu.Emulator()
    with s3emu.Server(emu) as srv:
        assert srv.emulator is emu
        connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        connection.close()
    assert response.getheader("Date") == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_stop_closes_idle_keep_alive_connections():
    srv = s3emu.Server().start()
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    send(connection, "GET", "/")
    sock = connection.sock
    srv.stop()
    assert sock.recv(1) == b""  # the server closed it
    connection.close()


def test_port_in_use_is_an_os_error(server):
    with pytest.raises(OSError):
        s3emu.Server(port=server.port).start()


def test_log_lines():
    lines: list[str] = []
    srv = s3emu.Server(log=lines.append).start()
    try:
        s3 = client_for(srv)
        s3.create_bucket(Bucket="logged")
        s3.put_object(Bucket="logged", Key="a b", Body=b"12345")
        s3.get_object(Bucket="logged", Key="a b")["Body"].read()
        with pytest.raises(ClientError):
            s3.get_object(Bucket="logged", Key="missing")
    finally:
        srv.stop()
    pattern = re.compile(r"^(\S+) (\S+) (\S+) (\d{3}) (\d+) (\d+\.\d)ms(?: (\S+))?$")
    parsed = [pattern.match(line).groups() for line in lines]
    assert [(m, p, op, st, code) for m, p, op, st, _, _, code in parsed] == [
        ("PUT", "/logged", "CreateBucket", "200", None),
        ("PUT", "/logged/a%20b", "PutObject", "200", None),
        ("GET", "/logged/a%20b", "GetObject", "200", None),
        ("GET", "/logged/missing", "GetObject", "404", "NoSuchKey"),
    ]
    assert [int(n) for _, _, _, _, n, _, _ in parsed[:3]] == [0, 0, 5] and int(parsed[3][4]) > 0
    assert not any("AWS4-HMAC" in line or "testing" in line for line in lines)


def test_log_line_format():
    assert server_module.format_line("GET", "/b/k\x1b", "GetObject", 200, 5, 1.234) == \
        "GET /b/k\\x1b GetObject 200 5 1.2ms"
    assert server_module.format_line("HEAD", "/b/x", None, 404, 0, 0.5, "NoSuchKey") == \
        "HEAD /b/x - 404 0 0.5ms NoSuchKey"


# -- S3 through boto3 --------------------------------------------------------------------------
def test_boto3_round_trip(s3srv):
    s3srv.create_bucket(Bucket="round-trip")
    put = s3srv.put_object(Bucket="round-trip", Key="k.txt", Body=b"hello world",
                           ContentType="text/plain", Metadata={"a": "1"})
    assert put["ETag"] == f'"{hashlib.md5(b"hello world").hexdigest()}"'
    got = s3srv.get_object(Bucket="round-trip", Key="k.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"a": "1"}
    head = s3srv.head_object(Bucket="round-trip", Key="k.txt")
    assert head["ContentLength"] == 11 and head["ETag"] == put["ETag"]
    ranged = s3srv.get_object(Bucket="round-trip", Key="k.txt", Range="bytes=6-")
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert ranged["ContentRange"] == "bytes 6-10/11" and ranged["Body"].read() == b"world"
    assert [b["Name"] for b in s3srv.list_buckets()["Buckets"]] == ["round-trip"]
    deleted = s3srv.delete_object(Bucket="round-trip", Key="k.txt")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3srv.delete_bucket(Bucket="round-trip")
    assert s3srv.list_buckets()["Buckets"] == []


def test_errors_have_exact_status_and_code(s3srv):
    def error(call, **kwargs):
        with pytest.raises(ClientError) as exc:
            call(**kwargs)
        return error_of(exc)

    assert error(s3srv.get_object, Bucket="nope", Key="k") == (404, "NoSuchBucket")
    assert error(s3srv.create_bucket, Bucket="Bad_Name") == (400, "InvalidBucketName")
    s3srv.create_bucket(Bucket="errs")
    s3srv.put_object(Bucket="errs", Key="k", Body=b"12345")
    assert error(s3srv.get_object, Bucket="errs", Key="missing") == (404, "NoSuchKey")
    assert error(s3srv.head_object, Bucket="errs", Key="missing") == (404, "404")
    assert error(s3srv.get_object, Bucket="errs", Key="k", Range="bytes=10-20") == \
        (416, "InvalidRange")
    assert error(s3srv.get_object, Bucket="errs", Key="k", IfMatch='"nope"') == \
        (412, "PreconditionFailed")
    assert error(s3srv.delete_bucket, Bucket="errs") == (409, "BucketNotEmpty")
    assert error(s3srv.get_bucket_metadata_table_configuration, Bucket="errs") == (
        501, "NotImplemented")


def test_error_body_is_s3_xml(server, conn):
    response, body = send(conn, "GET", "/no-such-bucket/k")
    assert response.status == 404
    assert response.getheader("Content-Type") == "application/xml"
    assert b"<Code>NoSuchBucket</Code>" in body
    assert b"<BucketName>no-such-bucket</BucketName>" in body
    assert int(response.getheader("Content-Length")) == len(body)


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_special_keys_round_trip(server, s3srv, key):
    s3srv.create_bucket(Bucket="keys")
    s3srv.put_object(Bucket="keys", Key=key, Body=key.encode())
    assert s3srv.get_object(Bucket="keys", Key=key)["Body"].read() == key.encode()
    assert s3srv.head_object(Bucket="keys", Key=key)["ContentLength"] == len(key.encode())
    assert list(server.emulator.store.bucket("keys").objects) == [key]


def test_key_with_leading_slash_virtual_hosted(server, conn, s3srv):
    s3srv.create_bucket(Bucket="vhost")
    host = f"vhost.localhost:{server.port}"
    response, _ = send(conn, "PUT", "//lead", b"data", host=host)  # the key is "/lead"
    assert response.status == 200
    assert list(server.emulator.store.bucket("vhost").objects) == ["/lead"]
    response, body = send(conn, "GET", "/vhost/" + quote("/lead", safe=""))
    assert (response.status, body) == (200, b"data")


def test_large_object_streams(server, s3srv, monkeypatch):
    data = os.urandom(1 << 20) * 20  # 20 MiB
    s3srv.create_bucket(Bucket="big")
    s3srv.put_object(Bucket="big", Key="blob", Body=data)
    sizes: list[int] = []
    real_write = httpresponse.Exchange.write

    def write(self, chunk):
        sizes.append(memoryview(chunk).nbytes)
        return real_write(self, chunk)
    monkeypatch.setattr(httpresponse.Exchange, "write", write)
    body = s3srv.get_object(Bucket="big", Key="blob")["Body"]
    digest = hashlib.sha256()
    for piece in body.iter_chunks(1 << 20):
        digest.update(piece)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert sum(sizes) == len(data) and max(sizes) <= 1 << 20  # written as slices, never joined
    tail = s3srv.get_object(Bucket="big", Key="blob", Range="bytes=-5")["Body"].read()
    assert tail == data[-5:]


def test_concurrent_clients(server):
    s3 = client_for(server, max_pool_connections=8)
    s3.create_bucket(Bucket="busy")

    def work(n: int) -> bool:
        body = os.urandom(1000 + n)
        s3.put_object(Bucket="busy", Key=f"k{n}", Body=body)
        return s3.get_object(Bucket="busy", Key=f"k{n}")["Body"].read() == body

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(64)))
    assert len(server.emulator.store.bucket("busy")) == 64


# -- HTTP: keep-alive, HEAD/204/304, 100-continue, chunked bodies ------------------------------
def test_keep_alive_serves_many_requests_on_one_connection(conn):
    statuses = []
    sock = None
    for method, path, body in [
            ("PUT", "/alive", b""), ("PUT", "/alive/k", b"hello"), ("GET", "/alive/k", b""),
            ("HEAD", "/alive/k", b""), ("HEAD", "/alive/missing", b""),
            ("GET", "/alive/missing", b""), ("DELETE", "/alive/k", b""), ("GET", "/", b"")]:
        response, data = send(conn, method, path, body)
        statuses.append(response.status)
        assert response.getheader("Connection") is None
        sock = sock or conn.sock
        assert conn.sock is sock  # still the first connection
    assert statuses == [200, 200, 200, 200, 404, 404, 204, 200]


def test_head_has_length_but_no_body(conn):
    send(conn, "PUT", "/heads")
    send(conn, "PUT", "/heads/k", b"0123456789")
    response, body = send(conn, "HEAD", "/heads/k")
    assert (response.status, response.getheader("Content-Length"), body) == (200, "10", b"")
    response, body = send(conn, "HEAD", "/heads/missing")
    assert (response.status, body) == (404, b"")
    response, body = send(conn, "GET", "/heads/k")  # the connection is still in step
    assert (response.status, body) == (200, b"0123456789")


def test_head_404_sends_no_body_bytes(server, s3srv):
    s3srv.create_bucket(Bucket="raw-head")
    url = f"http://127.0.0.1:{server.port}/raw-head/missing"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(raw_head("HEAD", "/raw-head/missing", signed("HEAD", url)) +
                 raw_head("GET", "/", signed("GET", f"http://127.0.0.1:{server.port}/")))
    first = read_head(sock)
    assert first.startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert read_head(sock).startswith(b"HTTP/1.1 200 OK\r\n")  # next response follows at once
    sock.close()


def test_304_and_204_keep_the_connection(conn):
    send(conn, "PUT", "/cond")
    response, _ = send(conn, "PUT", "/cond/k", b"abc")
    etag = response.getheader("ETag")
    sock = conn.sock
    response, body = send(conn, "GET", "/cond/k", headers={"If-None-Match": etag})
    assert (response.status, body) == (304, b"")
    response, body = send(conn, "DELETE", "/cond/k")
    assert (response.status, body) == (204, b"")
    response, _ = send(conn, "GET", "/")
    assert response.status == 200 and conn.sock is sock


def test_connection_close_is_honoured(conn):
    response, _ = send(conn, "GET", "/", headers={"Connection": "close"})
    assert response.status == 200 and response.getheader("Connection") == "close"
    assert conn.sock is None


def test_expect_100_continue(server, s3srv):
    s3srv.create_bucket(Bucket="expect")
    body = b"x" * 100_000
    url = f"http://127.0.0.1:{server.port}/expect/k"
    headers = signed("PUT", url, body, {"Expect": "100-continue",
                                        "Content-Length": str(len(body))})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(raw_head("PUT", "/expect/k", headers))
    assert read_head(sock) == b"HTTP/1.1 100 Continue\r\n\r\n"
    sock.sendall(body)
    response = http.client.HTTPResponse(sock)
    response.begin()
    assert response.status == 200 and response.read() == b""
    sock.close()
    assert s3srv.get_object(Bucket="expect", Key="k")["Body"].read() == body


def test_expect_100_continue_rejected_before_the_body(server):
    url = f"http://127.0.0.1:{server.port}/no-bucket/k"
    headers = signed("PUT", url, b"abc", {"Expect": "100-continue", "Content-Length": "3"})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(raw_head("PUT", "/no-bucket/k", headers))
    head = read_head(sock)  # the final answer comes at once: no 100 Continue, no body sent
    assert head.startswith(b"HTTP/1.1 404 Not Found\r\n") and b"Connection: close\r\n" in head
    rest = b""
    while chunk := sock.recv(4096):
        rest += chunk
    assert b"<Code>NoSuchBucket</Code>" in rest
    sock.close()


def test_boto3_file_uploads_use_expect_100_continue(server, s3srv, caplog):
    caplog.set_level(logging.DEBUG, logger="botocore.awsrequest")
    s3srv.create_bucket(Bucket="files")
    data = os.urandom(3 << 20)
    s3srv.put_object(Bucket="files", Key="k", Body=io.BytesIO(data))  # adds Expect
    assert s3srv.get_object(Bucket="files", Key="k")["Body"].read() == data
    with pytest.raises(ClientError) as exc:
        s3srv.put_object(Bucket="no-such-bucket", Key="k", Body=io.BytesIO(data))
    assert error_of(exc) == (404, "NoSuchBucket")
    said = [r.getMessage() for r in caplog.records if r.name == "botocore.awsrequest"]
    assert "100 Continue response seen, now sending request body." in said
    assert ("Received a non 100 Continue response from the server, NOT sending request "
            "body.") in said
    s3srv.put_object(Bucket="files", Key="k2", Body=io.BytesIO(b"after"))
    assert s3srv.get_object(Bucket="files", Key="k2")["Body"].read() == b"after"


def test_chunked_request_body_is_not_implemented_as_on_s3(server, conn, s3srv):
    """S3 answers a PUT with Transfer-Encoding: chunked (and no declared length) with 501."""
    s3srv.create_bucket(Bucket="chunky")
    pieces = [b"first piece,", b"", b"x" * 70_000, b"last"]
    body = b"".join(pieces)
    url = f"http://127.0.0.1:{server.port}/chunky/k"
    conn.request("PUT", "/chunky/k", body=iter(pieces), headers=signed("PUT", url, body),
                 encode_chunked=True)
    response = conn.getresponse()
    payload = response.read()
    assert response.status == 501
    assert b"<Code>NotImplemented</Code>" in payload
    assert b"<Header>Transfer-Encoding</Header>" in payload
    with pytest.raises(ClientError) as exc:
        s3srv.head_object(Bucket="chunky", Key="k")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_malformed_chunked_body_is_refused_before_reading(server, s3srv):
    s3srv.create_bucket(Bucket="chunky")
    url = f"http://127.0.0.1:{server.port}/chunky/k"
    headers = signed("PUT", url, b"", {"Transfer-Encoding": "chunked"})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(raw_head("PUT", "/chunky/k", headers) + b"zz\r\nnot hex\r\n")
    response = http.client.HTTPResponse(sock)
    response.begin()
    assert response.status == 501 and b"<Code>NotImplemented</Code>" in response.read()
    sock.close()


def test_body_shorter_than_content_length_is_incomplete_body(server, s3srv):
    s3srv.create_bucket(Bucket="short")
    url = f"http://127.0.0.1:{server.port}/short/k"
    headers = signed("PUT", url, b"0123456789", {"Content-Length": "10"})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(raw_head("PUT", "/short/k", headers) + b"012")
    sock.shutdown(socket.SHUT_WR)
    response = http.client.HTTPResponse(sock)
    response.begin()
    assert response.status == 400 and b"<Code>IncompleteBody</Code>" in response.read()
    sock.close()


def test_silent_client_gets_request_timeout():
    with s3emu.Server(body_timeout=0.3) as srv:
        client_for(srv).create_bucket(Bucket="slow")
        url = f"http://127.0.0.1:{srv.port}/slow/k"
        headers = signed("PUT", url, b"0123456789", {"Content-Length": "10"})
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        sock.sendall(raw_head("PUT", "/slow/k", headers) + b"012")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 400 and b"<Code>RequestTimeout</Code>" in response.read()
        sock.close()


def test_bad_content_length_is_400(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n")
    response = http.client.HTTPResponse(sock)
    response.begin()
    assert response.status == 400
    sock.close()


def _raises_at_once(environ, start_response):
    raise RuntimeError("boom")


def _raises_mid_body(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    yield b"012"
    raise RuntimeError("boom")


def _short_body(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    return [b"012"]


@pytest.mark.parametrize("app", [_raises_at_once, _raises_mid_body, _short_body])
def test_broken_app_responses_never_hang(app, caplog):
    with s3emu.Server(app) as srv:
        connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        connection.request("GET", "/b/k")
        response = connection.getresponse()
        if app is _raises_at_once:
            assert (response.status, response.getheader("Connection")) == (500, "close")
            assert b"<Code>InternalError</Code>" in response.read()
            assert "boom" in caplog.text
        else:
            with pytest.raises(http.client.IncompleteRead):
                response.read()  # the server closes instead of leaving the client waiting
        connection.close()


def test_unread_body_is_drained_and_the_connection_kept(conn):
    response, _ = send(conn, "PUT", "/missing-bucket/k", b"y" * 50_000)  # NoSuchBucket, body unread
    assert response.status == 404
    sock = conn.sock
    response, _ = send(conn, "GET", "/")
    assert response.status == 200 and conn.sock is sock


# -- the command line --------------------------------------------------------------------------
def start_cli(*args: str) -> tuple[subprocess.Popen, str, str]:
    env = child_env()
    proc = subprocess.Popen([sys.executable, "-m", "s3emu", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=CHILD_CWD, env=env)
    first = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", first)
    if match is None:
        proc.kill()
        pytest.fail(f"no endpoint printed: {first!r} {proc.stderr.read()!r}")
    return proc, match.group(0), first


def test_cli_serves_logs_and_stops_on_sigint():
    proc, endpoint, _ = start_cli()
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="cli-bucket")
        s3.put_object(Bucket="cli-bucket", Key="k", Body=b"abc")
        with pytest.raises(ClientError):
            s3.get_object(Bucket="cli-bucket", Key="missing")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert re.search(r"^PUT /cli-bucket CreateBucket 200 0 \d+\.\dms$", out, re.M)
    assert re.search(r"^PUT /cli-bucket/k PutObject 200 0 \d+\.\dms$", out, re.M)
    assert re.search(r"^GET /cli-bucket/missing GetObject 404 \d+ \d+\.\dms NoSuchKey$", out,
                     re.M)
    assert "AWS4-HMAC-SHA256" not in out + err and "Signature" not in out + err


def test_cli_quiet_and_sigterm():
    proc, endpoint, first = start_cli("--quiet", "--region", "eu-west-1", "--auth", "off")
    try:
        connection = http.client.HTTPConnection(urlsplit(endpoint).hostname,
                                                urlsplit(endpoint).port, timeout=10)
        connection.request("GET", "/")
        connection.getresponse().read()
        connection.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
    assert "region eu-west-1, auth off" in first
    # --quiet: no request lines (the dashboard's startup line may follow the first one)
    assert [line for line in out.splitlines() if not line.startswith("dashboard: ")] == [
        "s3emu stopped"]


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0 and "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    for option in ("--host", "--port", "--region", "--auth", "--quiet"):
        assert option in out
    assert cli.main([]) == 2


def test_cli_port_in_use_exits_1(server, capsys):
    assert cli.main(["serve", "--port", str(server.port)]) == 1
    assert "cannot listen" in capsys.readouterr().err


def test_metadata_names_keep_underscores_through_the_server(s3srv):
    # werkzeug drops headers whose names hold "_"; the server reads the headers as sent
    s3srv.create_bucket(Bucket="underscores")
    s3srv.put_object(Bucket="underscores", Key="k", Body=b"x",
                     Metadata={"file_name": "a.txt", "file-name": "c"})
    assert s3srv.head_object(Bucket="underscores", Key="k")["Metadata"] == {
        "file_name": "a.txt", "file-name": "c"}


def test_cli_limit_options_reach_the_server():
    proc, endpoint, _ = start_cli("--quiet", "--idle-timeout", "0.3", "--workers", "2",
                                  "--max-connections", "5", "--head-timeout", "1",
                                  "--body-timeout", "1", "--min-body-rate", "10")
    try:
        sock = socket.create_connection(("127.0.0.1", urlsplit(endpoint).port), timeout=10)
        assert sock.recv(1) == b""   # idle past --idle-timeout: closed
        sock.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err


@pytest.mark.parametrize("option", ["--workers", "--max-connections", "--idle-timeout",
                                    "--min-body-rate"])
def test_cli_limit_out_of_range_exits_2(option, capsys):
    assert cli.main(["serve", "--port", "0", option, "0"]) == 2
    assert "must be" in capsys.readouterr().err
