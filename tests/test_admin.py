"""The admin API over HTTP on the live server: reset, clock, throttle, faults and journal as
JSON under /_s3emu/, which no bucket can shadow."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import requests
from botocore.exceptions import ClientError

import s3emu
from helpers import error_of, path_client
from s3emu.admin import MAX_BODY
from s3emu.faults import ConnectionReset
from s3emu.intercept import call_app


@pytest.fixture
def live():
    """A live server over a frozen-clock emulator (auth off: botocore signs with real time)."""
    with s3emu.Server(s3emu.Emulator(auth="off")) as srv:
        yield srv


client = path_client


def admin(srv, method, path, **kwargs):
    headers = {"X-S3emu-Admin": "1", **kwargs.pop("headers", {})}
    return requests.request(method, f"{srv.endpoint_url}/_s3emu/{path}", timeout=10,
                            headers=headers, **kwargs)


def test_index_lists_the_endpoints(live):
    got = admin(live, "GET", "")
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "application/json"
    assert "POST /_s3emu/clock/advance" in got.json()["endpoints"]


def test_health_is_open_to_any_caller_and_reveals_nothing(live):
    plain = requests.get(f"{live.endpoint_url}/_s3emu/health", timeout=10)   # no header
    assert (plain.status_code, plain.json()) == (200, {"status": "ok"})
    foreign = requests.get(f"{live.endpoint_url}/_s3emu/health", timeout=10,
                           headers={"Host": "s3emu.example.com"})
    assert (foreign.status_code, foreign.json()) == (200, {"status": "ok"})
    assert requests.post(f"{live.endpoint_url}/_s3emu/health", timeout=10).status_code == 403
    with s3emu.Server(s3emu.Emulator(), admin=False) as off:
        got = requests.get(f"{off.endpoint_url}/_s3emu/health", timeout=10)
        assert (got.status_code, got.json()) == (200, {"status": "ok"})
        assert requests.get(f"{off.endpoint_url}/_s3emu/clock", timeout=10,
                            headers={"X-S3emu-Admin": "1"}).status_code == 403


def test_clock_get_set_advance(live):
    assert admin(live, "GET", "clock").json() == \
        {"now": "2025-01-01T00:00:00+00:00", "ticking": False}
    got = admin(live, "POST", "clock/set", json={"now": "2030-06-01T12:00:00Z"})
    assert got.json()["now"] == "2030-06-01T12:00:00+00:00"
    got = admin(live, "POST", "clock/advance", json={"hours": 1, "seconds": 30})
    assert got.json()["now"] == "2030-06-01T13:00:30+00:00"
    assert live.emulator.clock.now().isoformat() == "2030-06-01T13:00:30+00:00"
    s3_reply = requests.get(f"{live.endpoint_url}/no-such-bucket", timeout=10)
    assert parsedate_to_datetime(s3_reply.headers["Date"]).isoformat() == \
        "2030-06-01T13:00:30+00:00"


def test_clock_of_a_default_server_ticks():
    with s3emu.Server() as srv:
        state = admin(srv, "GET", "clock").json()
        assert state["ticking"] is True
        later = admin(srv, "POST", "clock/advance", json={"days": 2}).json()["now"]
        assert later > state["now"]


@pytest.mark.parametrize("path, body", [
    ("clock/set", {}), ("clock/set", {"now": 5}), ("clock/set", {"now": "yesterday"}),
    ("clock/advance", {}), ("clock/advance", {"fortnights": 1}),
    ("clock/advance", {"seconds": "5"}), ("clock/advance", {"seconds": -5}),
])
def test_bad_clock_changes_are_400(live, path, body):
    got = admin(live, "POST", path, json=body)
    assert got.status_code == 400 and got.json()["error"]


def test_throttle_settings_over_http(live):
    assert admin(live, "GET", "throttle").json()["enabled"] is False
    got = admin(live, "POST", "throttle", json={"writes": 2, "prefix": 1})
    assert got.json() == {"enabled": True, "reads": None, "writes": 2, "read_burst": None,
                          "write_burst": 2, "prefix": 1}
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="logs/2024/a", Body=b"1")
    s3.put_object(Bucket="bkt", Key="logs/2025/b", Body=b"1")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="bkt", Key="logs/2026/c", Body=b"1")   # prefix depth 1: logs/
    assert error_of(exc) == (503, "SlowDown")
    assert admin(live, "POST", "throttle", json={"preset": "s3"}).json()["reads"] == 5500
    assert admin(live, "POST", "throttle", json={"enabled": False}).json()["enabled"] is False
    s3.put_object(Bucket="bkt", Key="logs/2026/c", Body=b"1")
    for bad in ({"reads": -1}, {"preset": "turbo"}, {"prefix": "logs/"}, {"speed": 1}):
        got = admin(live, "POST", "throttle", json=bad)
        assert got.status_code == 400, bad


def test_faults_add_list_remove_clear_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="logs/a", Body=b"1")
    got = admin(live, "POST", "faults", json={"operation": "GetObject", "key": "logs/*",
                                              "error": "InternalError", "times": 1})
    assert got.status_code == 201
    fault = got.json()["fault"]
    assert (fault["operation"], fault["key"], fault["remaining"]) == ("GetObject", "logs/*", 1)
    assert [f["id"] for f in admin(live, "GET", "faults").json()["faults"]] == [fault["id"]]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="bkt", Key="logs/a")
    assert error_of(exc) == (500, "InternalError")
    assert admin(live, "GET", "faults").json()["faults"] == []      # used up
    second = admin(live, "POST", "faults", json={"operation": "HeadObject", "status": 503})
    ident = second.json()["fault"]["id"]
    assert admin(live, "DELETE", f"faults/{ident}").json() == {"faults": []}
    assert admin(live, "DELETE", f"faults/{ident}").status_code == 404
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 5})
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 6})
    assert admin(live, "POST", "faults/clear").json() == {"faults": []}
    admin(live, "POST", "faults", json={"operation": "HeadObject", "latency": 5})
    assert admin(live, "DELETE", "faults").json() == {"faults": []}
    s3.head_object(Bucket="bkt", Key="logs/a")


@pytest.mark.parametrize("body", [
    {"operation": "GetObject"}, {"error": "InternalError", "colour": "red"},
    {"connection": "melt"}, {"status": "oops"},
])
def test_bad_faults_are_400(live, body):
    got = admin(live, "POST", "faults", json=body)
    assert got.status_code == 400 and got.json()["error"]


def test_journal_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="a", Body=b"12345")
    with pytest.raises(ClientError):
        s3.get_object(Bucket="bkt", Key="missing")
    everything = admin(live, "GET", "journal").json()
    assert everything["count"] == 3
    put = everything["entries"][1]
    assert {k: put[k] for k in ("operation", "bucket", "key", "access_key", "status",
                                "error_code", "bytes_in", "throttled", "faulted")} == {
        "operation": "PutObject", "bucket": "bkt", "key": "a", "access_key": "testing",
        "status": 200, "error_code": None, "bytes_in": 5, "throttled": False,
        "faulted": False}
    assert put["time"] == "2025-01-01T00:00:00+00:00"
    missing = admin(live, "GET", "journal", params={"status": "404"}).json()
    assert [e["key"] for e in missing["entries"]] == ["missing"]
    assert admin(live, "GET", "journal", params={"operation": "PutObject",
                                                 "faulted": "false"}).json()["count"] == 1
    assert [e["operation"] for e in admin(live, "GET", "journal",
                                          params={"last": "1"}).json()["entries"]] == \
        ["GetObject"]
    assert admin(live, "GET", "journal", params={"colour": "red"}).status_code == 400
    assert admin(live, "GET", "journal", params={"throttled": "maybe"}).status_code == 400
    assert admin(live, "POST", "journal/clear").json() == {"count": 0, "entries": []}
    assert admin(live, "GET", "journal").json()["count"] == 0       # admin calls not journaled


def test_reset_over_http(live):
    s3 = client(live)
    s3.create_bucket(Bucket="bkt")
    admin(live, "POST", "faults", json={"operation": "GetObject", "status": 500})
    admin(live, "POST", "throttle", json={"reads": 100})
    assert admin(live, "POST", "reset").json() == {"reset": True}
    assert s3.list_buckets()["Buckets"] == []
    assert admin(live, "GET", "faults").json()["faults"] == []
    assert admin(live, "GET", "throttle").json()["reads"] == 100      # configuration kept


@pytest.mark.parametrize("method, path, status", [
    ("GET", "nothing-here", 404), ("GET", "clock/rewind", 404), ("GET", "reset", 405),
    ("PUT", "clock", 405), ("POST", "journal", 405), ("GET", "journal/x", 404),
    ("GET", "faults/x", 404),
])
def test_unknown_endpoints_and_wrong_methods(live, method, path, status):
    got = admin(live, method, path)
    assert got.status_code == status and got.json()["error"]


def test_bad_json_is_400(live):
    got = admin(live, "POST", "faults", data=b"{not json", headers={
        "Content-Type": "application/json"})
    assert got.status_code == 400 and "JSON" in got.json()["error"]
    got = admin(live, "POST", "faults", json=[1, 2])
    assert got.status_code == 400 and "object" in got.json()["error"]


def test_the_path_is_reserved_only_without_a_bucket(emu, s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="_s3emu")
    assert error_of(exc) == (400, "InvalidBucketName")
    with pytest.raises(ClientError) as exc:                 # signed: S3's answer, not admin's
        s3.get_object(Bucket="_s3emu", Key="clock")
    assert error_of(exc) == (404, "NoSuchBucket")
    s3.put_object(Bucket=bucket, Key="_s3emu/clock", Body=b"an object")   # path style: a key
    assert s3.get_object(Bucket=bucket, Key="_s3emu/clock")["Body"].read() == b"an object"
    emu.auth = "off"
    virtual = call_app(emu, "GET", f"http://{bucket}.localhost:9000/_s3emu/clock",
                       {"Authorization": "AWS testing:x"}, b"")
    assert virtual.status == 200 and virtual.read() == b"an object"
    plain = call_app(emu, "GET", "http://localhost:9000/_s3emu/clock", {}, b"")
    assert plain.status == 200 and b'"ticking": false' in plain.read()
    lookalike = call_app(emu, "GET", "http://localhost:9000/_s3emulator/x", {}, b"")
    assert lookalike.status != 200 or b"ticking" not in lookalike.read()


# -- who may use it (issue 15, defect 4) -------------------------------------------------------
def raw_exchange(srv, request: bytes, *, shut: bool = True) -> tuple[int, dict, bytes]:
    """Send ``request`` as it is on a new connection; the status, headers and body."""
    port = int(srv.endpoint_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def some_state(srv):
    s3 = client(srv)
    s3.create_bucket(Bucket="kept")
    return s3


def refused(got, *words):
    assert got.status_code == 403, got.text
    assert got.headers["Content-Type"] == "application/json"
    message = got.json()["error"]
    assert all(word in message for word in words), message
    assert not any(name.lower().startswith("access-control-") for name in got.headers)


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}",
                                  "192.168.1.5:{port}", "10.0.0.1", "[2001:db8::1]:{port}",
                                  "localhost.attacker.example"])
def test_a_forged_host_is_refused_dns_rebinding(live, host):
    s3 = some_state(live)
    host = host.format(port=live.port)
    for method, path in (("POST", "reset"), ("GET", "journal"), ("GET", "clock")):
        got = admin(live, method, path, headers={"Host": host})
        refused(got, "loopback", "Host")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]    # not reset


@pytest.mark.parametrize("host", ["localhost:{port}", "LOCALHOST", "127.0.0.1:{port}",
                                  "127.1.2.3", "[::1]:{port}", "localhost."])
def test_loopback_host_names_are_accepted(live, host):
    got = admin(live, "GET", "clock", headers={"Host": host.format(port=live.port)})
    assert got.status_code == 200 and got.json()["ticking"] is False


def test_allowed_host_names_are_configurable():
    access = s3emu.admin.AdminAccess(hosts=["s3emu", "Minio.Internal"])
    with s3emu.Server(s3emu.Emulator(admin=access)) as srv:
        assert admin(srv, "GET", "clock", headers={"Host": "s3emu:9000"}).status_code == 200
        assert admin(srv, "GET", "clock", headers={"Host": "minio.internal"}).status_code == 200
        refused(admin(srv, "GET", "clock", headers={"Host": "other:9000"}), "--admin-host")
    with s3emu.Server(s3emu.Emulator(admin=s3emu.admin.AdminAccess(hosts=["*"]))) as srv:
        assert admin(srv, "GET", "clock", headers={"Host": "anything"}).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_simple_cross_origin_post_is_refused_and_changes_nothing(live, content_type):
    s3 = some_state(live)
    page = {"Origin": "http://evil.example", "Content-Type": content_type}
    for path, body in (("reset", ""), ("clock/advance", '{"days": 400}'),
                       ("faults", '{"operation": "*", "status": 500}'),
                       ("journal/clear", "")):
        got = requests.post(f"{live.endpoint_url}/_s3emu/{path}", data=body, headers=page,
                            timeout=10)
        refused(got)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
    assert live.emulator.clock.now().isoformat() == "2025-01-01T00:00:00+00:00"
    assert live.emulator.faults.list() == []
    assert len(live.emulator.journal) == 2


def test_without_the_header_nothing_is_revealed_or_changed(live):
    s3 = some_state(live)
    for method, path in (("GET", "journal"), ("GET", "faults"), ("GET", "throttle"),
                         ("GET", "clock"), ("POST", "reset"), ("GET", "")):
        got = requests.request(method, f"{live.endpoint_url}/_s3emu/{path}", timeout=10)
        refused(got, "X-S3emu-Admin")
        assert "kept" not in got.text and "CreateBucket" not in got.text
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
    got = requests.post(f"{live.endpoint_url}/_s3emu/reset", timeout=10,
                        headers={"X-S3emu-Admin": "1", "Origin": "http://evil.example"})
    refused(got, "cross-origin")
    ok = requests.get(f"{live.endpoint_url}/_s3emu/clock", timeout=10, headers={
        "X-S3emu-Admin": "1", "Origin": f"http://localhost:{live.port}"})
    assert ok.status_code == 200


def test_a_preflight_grants_no_cors(live):
    got = requests.options(f"{live.endpoint_url}/_s3emu/reset", timeout=10, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-s3emu-admin"})
    assert got.status_code in (403, 405)
    assert not any(name.lower().startswith("access-control-") for name in got.headers)


def test_a_token_when_set_must_match():
    emu = s3emu.Emulator(admin=s3emu.admin.AdminAccess(token="open-sesame"))
    with s3emu.Server(emu) as srv:
        refused(admin(srv, "GET", "journal"), "wrong admin token")
        refused(admin(srv, "GET", "journal", headers={"X-S3emu-Admin": ""}), "<token>")
        got = admin(srv, "GET", "journal", headers={"X-S3emu-Admin": "open-sesame"})
        assert got.status_code == 200 and got.json()["count"] == 0


def test_a_non_loopback_bind_refuses_the_admin_api_unless_enabled():
    with s3emu.Server(s3emu.Emulator(), host="0.0.0.0") as srv:
        refused(admin(srv, "GET", "clock"), "non-loopback", "--admin")
        refused(admin(srv, "POST", "reset"), "non-loopback")
        assert srv.emulator.admin.token is None
    with s3emu.Server(s3emu.Emulator(), host="0.0.0.0", admin=True) as srv:
        token = srv.emulator.admin.token
        assert token and len(token) >= 24
        refused(admin(srv, "GET", "clock"), "wrong admin token")
        got = admin(srv, "GET", "clock", headers={"X-S3emu-Admin": token})
        assert got.status_code == 200
    with s3emu.Server(s3emu.Emulator(), admin=False) as srv:           # off on loopback too
        refused(admin(srv, "GET", "clock"), "turned off")


def test_the_cli_refuses_on_a_non_loopback_host_and_prints_a_token_with_admin():
    def serve(*args):
        proc = subprocess.Popen([sys.executable, "-m", "s3emu", "serve", "--port", "0",
                                 "--host", "0.0.0.0", "--quiet", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert port, (first, proc.stderr.read() if proc.poll() is not None else "")
        return proc, f"http://127.0.0.1:{port.group(1)}"

    proc, endpoint = serve("--journal-limit", "2")
    try:
        got = requests.get(f"{endpoint}/_s3emu/clock", headers={"X-S3emu-Admin": "1"},
                           timeout=10)
        refused(got, "non-loopback")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "--admin enables it" in err and "Traceback" not in err
    proc, endpoint = serve("--admin", "--journal-limit", "2")
    try:
        line = proc.stdout.readline()
        token = re.search(r"X-S3emu-Admin: (\S+)'", line).group(1)
        for _ in range(3):
            requests.get(f"{endpoint}/", timeout=10)
        got = requests.get(f"{endpoint}/_s3emu/journal", headers={"X-S3emu-Admin": token},
                           timeout=10)
        assert got.status_code == 200
        assert (got.json()["count"], got.json()["total"], got.json()["limit"]) == (2, 3, 2)
        refused(requests.get(f"{endpoint}/_s3emu/journal", headers={"X-S3emu-Admin": "1"},
                             timeout=10), "wrong admin token")
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_a_system_clock_never_moves_backwards():
    with s3emu.Server() as srv:                    # the default: Clock.system()
        before = srv.emulator.clock.now()
        got = admin(srv, "POST", "clock/set", json={"now": "2020-01-01T00:00:00Z"})
        refused(got, "forward", "presigned")
        got = admin(srv, "POST", "clock/set",
                    json={"now": (before - timedelta(seconds=5)).isoformat()})
        refused(got, "forward")
        assert srv.emulator.clock.now() >= before
        ahead = admin(srv, "POST", "clock/set", json={"now": "2099-01-01T00:00:00Z"})
        assert ahead.status_code == 200 and ahead.json()["now"].startswith("2099-01-01T00:00")
        refused(admin(srv, "POST", "clock/set", json={"now": "2098-12-31T00:00:00Z"}))
    frozen = s3emu.Emulator(clock=s3emu.Clock("2030-01-01T00:00:00Z"))
    with s3emu.Server(frozen) as srv:              # a frozen clock may still go anywhere
        got = admin(srv, "POST", "clock/set", json={"now": "2020-01-01T00:00:00Z"})
        assert got.status_code == 200 and got.json()["now"] == "2020-01-01T00:00:00+00:00"


def test_in_process_stays_open_without_the_header():
    with s3emu.mock_s3() as emu:
        got = requests.post("https://s3.amazonaws.com/_s3emu/clock/advance",
                            json={"hours": 1}, timeout=10)
        assert got.status_code == 200 and got.json()["now"] == "2025-01-01T01:00:00+00:00"
        emu.admin.enabled = False
        got = requests.get("https://s3.amazonaws.com/_s3emu/clock", timeout=10)
        assert got.status_code == 403 and "turned off" in got.json()["error"]
    with s3emu.mock_s3(clock=s3emu.Clock.system()):
        got = requests.post("https://s3.amazonaws.com/_s3emu/clock/set",
                            json={"now": "2020-01-01T00:00:00Z"}, timeout=10)
        assert got.status_code == 403 and "forward" in got.json()["error"]


# -- garbled bodies: 400 JSON, never a 500 ------------------------------------------------------
def body_request(srv, path: str, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return (f"POST /_s3emu/{path} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
            f"X-S3emu-Admin: 1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\nConnection: close\r\n\r\n").encode() + body


@pytest.mark.parametrize("path, body, length", [
    ("clock/advance", b'{"seconds": 5}', 100),                 # short: ends early
    ("clock/advance", b'{"sec', 100),
    ("clock/advance", b'{"days": 1e300}', None),                # overflows
    ("clock/advance", b'{"days": Infinity}', None),
    ("clock/advance", b'{"days": NaN}', None),
    ("clock/advance", b'{"weeks": 99999999}', None),
    ("clock/set", b'{"now": "9999-12-31T23:59:59-05:00"}', None),
    ("clock/set", b'{"now": "0001-01-01T00:00:00+05:00"}', None),
    ("clock/set", b'{"now": "2030-01-01T00:00:00Z", "extra": 1}', None),
    ("clock/advance", b'{"a":' * 9000 + b'1' + b'}' * 9000, None),   # deep nesting
    ("faults", b'[' * 30000 + b']' * 30000, None),
    ("faults", b'\xff\xfe{"bad utf-8"}', None),
    ("faults", b'"just a string"', None),
    ("faults", b'{"operation": 5, "status": 500}', None),            # wrong types
    ("faults", b'{"operation": "GetObject", "latency": 1e308}', None),
    ("faults", b'{"operation": "GetObject", "status": true}', None),
    ("faults", b'{"operation": "GetObject", "times": 1.5, "status": 500}', None),
    ("faults", b'{"key": ["a"], "status": 500}', None),
    ("throttle", b'{"reads": "5"}', None),
    ("throttle", b'{"reads": 1e300}', None),
    ("throttle", b'{"burst": 2.5, "reads": 5}', None),
    ("throttle", b'{"prefix": 1e9}', None),
    ("throttle", b'{"enabled": "no"}', None),
    ("faults", b'{"operation": "' + b"x" * (70 << 10) + b'", "status": 500}', None),  # too big
    ("faults", b'{}', 10 ** 15),
])
def test_garbled_short_or_wrong_typed_bodies_are_400_json(live, path, body, length):
    s3 = some_state(live)
    status, headers, answer = raw_exchange(live, body_request(live, path, body, length))
    assert status == 400, answer[:300]
    assert headers["Content-Type"] == "application/json"
    assert json.loads(answer)["error"] and b"Traceback" not in answer
    assert live.emulator.clock.now().isoformat() == "2025-01-01T00:00:00+00:00"  # unchanged
    assert live.emulator.faults.list() == [] and live.emulator.throttle.enabled is False
    s3.head_bucket(Bucket="kept")                                   # S3 still serves


def test_a_chunked_admin_body_is_read_and_capped(live):
    def chunked(payload: bytes) -> bytes:
        return (f"POST /_s3emu/clock/advance HTTP/1.1\r\nHost: localhost\r\n"
                f"X-S3emu-Admin: 1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
                f"\r\n{len(payload):x}\r\n").encode() + payload + b"\r\n0\r\n\r\n"
    status, _, answer = raw_exchange(live, chunked(b'{"seconds": 5}'))
    assert status == 200 and json.loads(answer)["now"] == "2025-01-01T00:00:05+00:00"
    status, headers, answer = raw_exchange(live, chunked(b" " * (MAX_BODY + 10)))
    assert status == 400 and "too large" in json.loads(answer)["error"]


ODD_VALUES = [None, True, False, 0, -1, 1, 2.5, -0.0, 10 ** 30, 1e308, -1e308, "", "5", "x",
              "*", "\x00", "é" * 3, [], [1], {}, {"a": 1}]
FIELDS = {
    "clock/set": ["now"],
    "clock/advance": ["seconds", "minutes", "hours", "days", "weeks"],
    "throttle": ["preset", "reads", "writes", "burst", "read_burst", "write_burst", "prefix",
                 "enabled"],
    "faults": ["operation", "bucket", "key", "error", "status", "message", "latency",
               "connection", "truncate_at", "times", "after"],
}


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_every_field_of_every_endpoint_with_odd_values_never_breaks_anything(path):
    """Every admin field, alone and beside a valid setting, with every JSON type: the answer is
    200/201 or a 400 JSON error, never a 500; afterwards S3 requests are served (no setting
    accepted over HTTP breaks the request path)."""
    base = {"faults": {"operation": "NoSuchOperation", "status": 500},
            "throttle": {"reads": 1000}, "clock/advance": {}, "clock/set": {}}[path]
    outcomes = set()
    for field in FIELDS[path]:
        for value in ODD_VALUES:
            emu = s3emu.Emulator(auth="off")
            emu.store.create_bucket("bkt", "us-east-1", emu.default_user.account_id)
            for body in ({field: value}, {**base, field: value}):
                got = call_app(emu, "POST", f"http://localhost/_s3emu/{path}",
                               {"X-S3emu-Admin": "1", "Content-Type": "application/json"},
                               json.dumps(body).encode())
                answer = json.loads(got.read())
                assert got.status in (200, 201, 400), (body, got.status, answer)
                if got.status == 400:
                    assert answer["error"], body
                outcomes.add(got.status)
                for url in ("http://localhost/bkt?list-type=2", "http://localhost/bkt/k",
                            "http://localhost/"):
                    try:
                        reply = call_app(emu, "GET", url, {}, b"")
                    except ConnectionReset:              # an accepted connection fault
                        assert emu.journal[-1].faulted
                        continue
                    entry = emu.journal[-1]
                    assert reply.status < 500 or entry.faulted or entry.throttled, \
                        (body, url, reply.status, reply.read())
    assert outcomes >= {400}
