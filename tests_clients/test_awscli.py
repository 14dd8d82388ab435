"""The AWS CLI against a live s3emu: what ``tests/test_awscli.py`` does not cover there.

``tests/test_awscli.py`` (run by ``make test``) covers mb / cp / ls / rm / rb, a 9 MiB multipart
``cp`` and ``sync`` run twice against ``s3emu.Server``. This test runs one session of the CLI
against both endpoints (the ``s3emu_server`` fixture and ``s3emu serve``): a 21 MiB multipart
upload, ``s3api list-objects`` (v1; the CLI asks for ``encoding-type=url`` and decodes Keys and
CommonPrefixes) with a prefix and a delimiter, ``s3 ls`` (v2, delimiter), ranged ``get-object``,
server-side ``cp`` (CopyObject), ``sync`` twice, ``rm`` and ``rb --force``.
The CLI reads the endpoint, keys and region from the variables the fixtures export.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import Endpoint, assert_multipart, bucket_exists, keys_of


def aws(*args: str, cwd: Path | None = None) -> str:
    """``aws ARGS`` (endpoint from ``AWS_ENDPOINT_URL_S3``); stdout, or fail the test."""
    done = subprocess.run([sys.executable, "-m", "awscli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=dict(os.environ))
    if done.returncode != 0:
        pytest.fail(f"aws {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def test_awscli(endpoint: Endpoint, big: bytes, tmp_path: Path) -> None:
    bucket = endpoint.bucket("awscli")
    assert f"make_bucket: {bucket}" in aws("s3", "mb", f"s3://{bucket}")
    (tmp_path / "big.bin").write_bytes(big)
    (tmp_path / "small.txt").write_bytes(b"hello from the cli\n")
    aws("s3", "cp", str(tmp_path / "big.bin"), f"s3://{bucket}/dir/big.bin")
    assert assert_multipart(endpoint, bucket, "dir/big.bin", len(big)) == 3   # 8 MiB parts
    for key in ["dir/small.txt", "dir/a b+c.txt", "dir/ü x/d.txt", "dir/sub/e.txt"]:
        aws("s3", "cp", str(tmp_path / "small.txt"), f"s3://{bucket}/{key}")

    listed = json.loads(aws("s3api", "list-objects", "--bucket", bucket, "--prefix", "dir/",
                            "--delimiter", "/"))
    assert [item["Key"] for item in listed["Contents"]] == [
        "dir/a b+c.txt", "dir/big.bin", "dir/small.txt"]
    assert [item["Prefix"] for item in listed["CommonPrefixes"]] == ["dir/sub/", "dir/ü x/"]
    lines = aws("s3", "ls", f"s3://{bucket}/dir/").splitlines()
    assert [line.split()[-1] for line in lines if line.split()[0] == "PRE"] == ["sub/", "x/"]
    assert "PRE ü x/" in "\n".join(lines)

    out = tmp_path / "range.bin"
    head = json.loads(aws("s3api", "get-object", "--bucket", bucket, "--key", "dir/big.bin",
                          "--range", "bytes=12345-13344", str(out)))
    assert head["ContentRange"] == f"bytes 12345-13344/{len(big)}"
    assert out.read_bytes() == big[12345:13345]                         # ranged read
    aws("s3", "cp", f"s3://{bucket}/dir/big.bin", str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == big                  # read back

    aws("s3", "cp", f"s3://{bucket}/dir/a b+c.txt", f"s3://{bucket}/copy.txt")   # CopyObject
    assert aws("s3", "cp", f"s3://{bucket}/copy.txt", "-") == "hello from the cli\n"
    aws("s3", "rm", f"s3://{bucket}/copy.txt")                          # DeleteObject
    assert "copy.txt" not in keys_of(endpoint, bucket)

    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "one.txt").write_bytes(b"1")
    (tree / "sub" / "two words.txt").write_bytes(b"22")
    for path in [tree / "one.txt", tree / "sub" / "two words.txt"]:
        # S3 keeps LastModified to the second: a file changed in the second of its upload
        # looks newer than its copy (on S3 too) and is uploaded again. Files made a minute ago.
        os.utime(path, (time.time() - 60, time.time() - 60))
    assert aws("s3", "sync", str(tree), f"s3://{bucket}/tree").count("upload: ") == 2
    assert aws("s3", "sync", str(tree), f"s3://{bucket}/tree") == ""    # nothing the 2nd time

    assert f"remove_bucket: {bucket}" in aws("s3", "rb", f"s3://{bucket}", "--force")
    assert not bucket_exists(endpoint, bucket)
