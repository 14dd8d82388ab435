"""Helpers for s3emu's own tests (plain functions and constants, no fixtures: those are in
``conftest.py`` and the project's pytest plugin).

- boto3 clients and errors: :func:`make_client`, :func:`error_of`.
- Server access logs from one bucket into another: :func:`allow_logging`, :func:`log_to`.
- The AWS CLI against a live server: :func:`aws_cli`; ``s3emu serve`` in a child process:
  :func:`start_serve`.
- Inner pytest runs (``pytester``): :data:`PLUGIN_ARGS`; :data:`INSTALLED` says whether the
  plugin is installed (its ``pytest11`` entry point) or must be loaded from the checkout.
- Child processes (``python -m s3emu serve``, an inner pytest run) must import the code under
  test, never the checkout: ``make test`` runs the suite against the wheel installed in a
  virtual environment, and a child must import that same installed copy. So it runs with the
  checkout off ``sys.path``: no ``PYTHONPATH`` entry for it, and a working directory outside it
  (``python -m`` puts the working directory first on ``sys.path``); see :func:`child_env` and
  :data:`CHILD_CWD`. Only a run from a bare source tree (``PYTHONPATH=.``, nothing installed)
  passes the checkout on.
"""
from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
from typing import Any

import boto3
import botocore.config
import pytest

import s3emu

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: s3emu is imported from the checkout itself (a bare source tree or an editable install).
FROM_SOURCE = pathlib.Path(s3emu.__file__).resolve().parent == ROOT / "s3emu"
#: A working directory for children that is not the checkout.
CHILD_CWD = tempfile.gettempdir()
#: The plugin is installed (entry point ``s3emu_pytest.plugin``), not only in a source tree.
INSTALLED = importlib.util.find_spec("s3emu_pytest") is not None
#: Inner runs skip plugins that are slow to import again in-process (pytester drops the modules
#: an inner run imported) and load s3emu's plugin by hand from a source checkout.
PLUGIN_ARGS = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark",
               *([] if INSTALLED else ["-p", "pytest_plugin.plugin"])]


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that imports s3emu."""
    env = {**os.environ, **extra}
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
             if p and pathlib.Path(p).resolve() != ROOT]
    if FROM_SOURCE:
        paths.insert(0, str(ROOT))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


#: The region of the clients :func:`make_client` makes by default (the emulator's default).
REGION = "us-east-1"


def make_client(region: str = REGION, *, endpoint_url: str | None = None,
                verify: str | bool | None = None, **config: Any) -> Any:
    """A boto3 S3 client with the emulator's default keys (``testing``/``testing``); ``config``
    are ``botocore.config.Config`` options; ``endpoint_url`` and ``verify`` (the CA bundle) for a
    live server."""
    return boto3.client(
        "s3", region_name=region, endpoint_url=endpoint_url, verify=verify,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=botocore.config.Config(**config) if config else None)


def error_of(excinfo: Any) -> tuple[int, str]:
    """(HTTP status, error code) of a botocore ClientError caught by pytest.raises."""
    response = excinfo.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def aws_cli(server: Any, *args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    """``aws --endpoint-url <server> ARGS`` with the emulator's default keys and nothing of the
    caller's AWS configuration; the finished process (its ``returncode``, ``stdout``,
    ``stderr``)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               AWS_PAGER="")
    return subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint_url, *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def start_serve(*args: str) -> tuple[subprocess.Popen, str, str]:
    """``python -m s3emu serve --port 0 --quiet ARGS`` in a child: the process, the endpoint
    it printed (``http://127.0.0.1:PORT``) and its first line (the test fails if it prints no
    endpoint). Stop it with SIGTERM and ``communicate()``."""
    proc = subprocess.Popen([sys.executable, "-m", "s3emu", "serve", "--port", "0", "--quiet",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=CHILD_CWD, env=child_env())
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", first)
    if match is None:
        proc.kill()
        pytest.fail(f"no endpoint printed: {first!r} {proc.stderr.read()!r}")
    return proc, match.group(0), first


def path_client(srv: Any) -> Any:
    """A boto3 client of a live server, path-style, one attempt per request."""
    return boto3.client(
        "s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"total_max_attempts": 1}))


def allow_logging(s3: Any, target: str, prefix: str = "logs/",
                  account: str = "123456789012") -> None:
    """A bucket policy on ``target`` letting S3's logging service write under ``prefix``,
    for logs of ``account``'s buckets (what S3 asks of a log target)."""
    s3.put_bucket_policy(Bucket=target, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{target}/{prefix}*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}))


def log_to(s3: Any, source: str, target: str, prefix: str = "logs/") -> None:
    """``source`` logs its requests into ``target`` under ``prefix``, which allows it."""
    allow_logging(s3, target, prefix)
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": target, "TargetPrefix": prefix}})
