"""``s3emu serve`` options of issue 20: seed data at start, a port out of range, the startup
line and warning of a non-loopback bind."""
from __future__ import annotations

import signal

import boto3
import pytest

from s3emu import cli
from helpers import start_serve


def _stop(proc) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
    return out, err


def test_seed_data_is_loaded_at_start(tmp_path):
    (tmp_path / "seeded-bucket" / "docs").mkdir(parents=True)
    (tmp_path / "seeded-bucket" / "docs" / "a.txt").write_bytes(b"seeded")
    proc, endpoint, _ = start_serve("--seed", str(tmp_path))
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        body = s3.get_object(Bucket="seeded-bucket", Key="docs/a.txt")["Body"].read()
        assert body == b"seeded"
    finally:
        _stop(proc)


@pytest.mark.parametrize("args, says", [
    (["--port", "80000"], "argument --port: not a port number (0-65535): '80000'"),
    (["--port", "-1"], "argument --port: not a port number (0-65535): '-1'"),
    (["--port", "http"], "argument --port: not a port number (0-65535): 'http'"),
])
def test_a_bad_port_is_a_usage_error(args, says, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_missing_seed_directory_is_one_line(capsys, tmp_path):
    missing = tmp_path / "nothing-here"
    assert cli.main(["serve", "--port", "0", "--seed", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"s3emu: --seed {missing}: seed data '{missing}' is not a directory\n"


def test_a_non_loopback_bind_is_stated_and_warned():
    proc, endpoint, first = start_serve("--host", "0.0.0.0")
    port = endpoint.rsplit(":", 1)[1]
    _, err = _stop(proc)
    assert f"serving S3 on http://0.0.0.0:{port} (all interfaces; from this machine " \
           f"{endpoint})" in first
    assert "s3emu: warning: listening on 0.0.0.0, not a loopback address: the emulator " \
           "(test credentials, plain HTTP) is reachable from the network" in err


@pytest.mark.parametrize("more, shown", [((), True), (("--no-admin",), False)])
def test_the_startup_lines_name_the_dashboard(more, shown):
    proc, endpoint, _ = start_serve(*more)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    out = proc.stdout.read()          # after the first line, which start_serve read
    proc.stderr.close()
    assert (f"dashboard: {endpoint}/_s3emu/ui/" in out.splitlines()) is shown
