"""The cost report outside Python: ``GET /_s3emu/cost`` (admin API), ``s3emu report`` against a
live ``s3emu serve``, and the pytest option ``--s3emu-cost-report``."""
from __future__ import annotations

import json
import signal
import subprocess
import sys

import requests

import s3emu
from helpers import CHILD_CWD, PLUGIN_ARGS, child_env, make_client, start_serve

pytest_plugins = ["pytester"]
ADMIN = {"X-S3emu-Admin": "1"}


def _workload(s3):
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="a", Body=b"x" * 100)
    s3.put_object(Bucket="data", Key="b", Body=b"x" * 30, StorageClass="STANDARD_IA")
    s3.get_object(Bucket="data", Key="b")["Body"].read()


def test_the_admin_api_reports_the_cost():
    with s3emu.Server(s3emu.Emulator(auth="off")) as server:
        _workload(make_client(endpoint_url=server.endpoint_url))
        server.emulator.clock.advance(hours=4)
        url = f"{server.endpoint_url}/_s3emu/cost"
        got = requests.get(url, headers=ADMIN, timeout=10)
        assert got.status_code == 200
        assert got.headers["Content-Type"] == "application/json"
        data = got.json()
        assert data == json.loads(json.dumps(server.emulator.cost_report().to_dict()))
        assert data["buckets"]["data"]["storage_classes"]["STANDARD"]["byte_hours"] == 400
        assert data["buckets"]["data"]["storage_classes"]["STANDARD_IA"]["byte_hours"] == 120
        assert data["requests"] == {"tier1": 3, "tier2": 1, "free": 0, "restore": 0}
        refused = requests.get(url, timeout=10)                  # no admin header
        assert refused.status_code == 403 and "X-S3emu-Admin" in refused.json()["error"]
        wrong = requests.post(url, headers=ADMIN, timeout=10)
        assert (wrong.status_code, wrong.json()) == (405, {"error": "use GET here"})
        listed = requests.get(f"{server.endpoint_url}/_s3emu/", headers=ADMIN, timeout=10)
        assert "GET /_s3emu/cost" in listed.json()["endpoints"]


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "s3emu", "report", *args], cwd=CHILD_CWD,
                          env=child_env(), capture_output=True, text=True, timeout=60)


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)


def test_the_report_command_prints_a_table_and_json_from_a_live_server():
    proc, endpoint, _ = start_serve()
    try:
        _workload(make_client(endpoint_url=endpoint))
        table = _report("--endpoint", endpoint)
        assert (table.returncode, table.stderr) == (0, "")
        lines = table.stdout.splitlines()
        assert lines[0].split() == ["BUCKET", "STORAGE", "CLASS", "OBJECTS", "BYTES", "NOW",
                                    "BYTE-HOURS", "COST"]
        assert lines[1].split()[:4] == ["data", "STANDARD", "1", "100"]
        assert lines[2].split()[:4] == ["data", "STANDARD_IA", "1", "30"]
        assert "requests: tier1 3, tier2 1, free 0, restore 0" in lines
        assert any(line.startswith("retrieval data STANDARD_IA: 1 requests, 30 bytes")
                   for line in lines)
        assert any(line.startswith("cost: storage $") and "; total $" in line for line in lines)
        as_json = _report("--endpoint", endpoint + "/", "--json")
        assert as_json.returncode == 0
        data = json.loads(as_json.stdout)
        assert data["usage"]["buckets"]["data"]["objects"] == 2
        assert data["cost"]["requests"]["tier1"] == 3
        assert data["cost"]["buckets"]["data"]["storage_classes"]["STANDARD"]["bytes"] == 100
    finally:
        _stop(proc)


def test_the_report_command_sends_the_admin_token():
    proc, endpoint, _ = start_serve("--admin-token", "s3cret-token")
    try:
        refused = _report("--endpoint", endpoint)
        assert refused.returncode == 1 and refused.stdout == ""
        assert refused.stderr.strip() == (f"s3emu report: {endpoint}/_s3emu/usage answered 403: "
                                          "wrong admin token in the X-S3emu-Admin header")
        allowed = _report("--endpoint", endpoint, "--admin-token", "s3cret-token", "--json")
        assert allowed.returncode == 0
        assert json.loads(allowed.stdout)["cost"]["buckets"] == {}
    finally:
        _stop(proc)


def test_a_bad_or_unreachable_endpoint_is_one_line():
    for endpoint, start in [("not-a-url", "s3emu report: 'not-a-url' is not an http(s) URL"),
                            ("http://127.0.0.1:1", "s3emu report: cannot reach "
                                                   "http://127.0.0.1:1: ")]:
        answer = _report("--endpoint", endpoint)
        assert answer.returncode == 1 and answer.stdout == ""
        assert answer.stderr.startswith(start) and answer.stderr.count("\n") == 1
        assert "Traceback" not in answer.stderr


def test_the_pytest_option_prints_the_sessions_totals(pytester):
    pytester.makepyfile("""
        def test_one(s3emu, s3_client):
            s3_client.create_bucket(Bucket="one")
            s3_client.put_object(Bucket="one", Key="k", Body=b"x" * 100)
            s3emu.clock.advance(hours=2)

        def test_two(s3emu, s3_client):
            s3_client.create_bucket(Bucket="two")
            s3_client.put_object(Bucket="two", Key="k", Body=b"x" * 10,
                                 StorageClass="GLACIER_IR")
            s3_client.get_object(Bucket="two", Key="k")["Body"].read()
            s3emu.clock.advance(hours=3)
    """)
    result = pytester.runpytest(*PLUGIN_ARGS, "--s3emu-cost-report", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "*= s3emu cost report =*",
        "emulators: 2",
        "byte-hours GLACIER_IR: 30.000",
        "byte-hours STANDARD: 200.000",
        "requests: tier1 4, tier2 1, free 0, restore 0",
        # storage 200 / 2**30 / 730 * 0.023 + 30 / 2**30 / 730 * 0.004 = 6.02e-12; requests
        # 4 / 1000 * 0.005 + 1 / 1000 * 0.0004; retrieval 10 / 2**30 * 0.03 = 2.79e-10
        "estimated cost: storage $6.02e-12, requests $0.000020, retrieval $2.79e-10, "
        "transitions $0.000000; total $0.000020",
    ])
    quiet = pytester.runpytest(*PLUGIN_ARGS, "-p", "no:randomly")
    quiet.assert_outcomes(passed=2)
    assert "s3emu cost report" not in quiet.stdout.str()
