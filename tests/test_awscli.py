"""The real AWS CLI (``python -m awscli``) against a live s3emu.Server.

Each CLI invocation costs about half a second, so these tests are few and each does a lot.
"""
from __future__ import annotations

import os
import time

import pytest

from helpers import aws_cli


def aws(server, *args: str, cwd=None) -> str:
    """Run ``aws --endpoint-url <server> ARGS``; its stdout (fails the test on exit != 0)."""
    done = aws_cli(server, *args, cwd=cwd)
    if done.returncode != 0:
        pytest.fail(f"aws {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout



def operations(server) -> list[str]:
    return [entry.operation for entry in server.emulator.journal]


def test_mb_cp_ls_rm_rb(server, tmp_path):
    source = tmp_path / "hello.txt"
    source.write_bytes(b"hello from the aws cli\n")
    assert "make_bucket: cli-bucket" in aws(server, "s3", "mb", "s3://cli-bucket")
    aws(server, "s3", "cp", str(source), "s3://cli-bucket/dir/hello world.txt")
    assert aws(server, "s3", "cp", "s3://cli-bucket/dir/hello world.txt", "-") == \
        "hello from the aws cli\n"
    assert "cli-bucket" in aws(server, "s3", "ls")
    listing = aws(server, "s3", "ls", "s3://cli-bucket/", "--recursive")
    assert listing.rstrip().endswith(" 23 dir/hello world.txt")
    assert "delete: s3://cli-bucket/dir/hello world.txt" in aws(
        server, "s3", "rm", "s3://cli-bucket/", "--recursive")
    assert "remove_bucket: cli-bucket" in aws(server, "s3", "rb", "s3://cli-bucket")
    assert server.emulator.store.buckets == {}


def test_cp_large_file_uses_multipart(server, tmp_path):
    data = os.urandom(9 << 20)  # above the CLI's 8 MiB multipart threshold
    (tmp_path / "big.bin").write_bytes(data)
    aws(server, "s3", "mb", "s3://big-bucket")
    aws(server, "s3", "cp", str(tmp_path / "big.bin"), "s3://big-bucket/big.bin")
    assert {"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"} <= \
        set(operations(server))
    aws(server, "s3", "cp", "s3://big-bucket/big.bin", str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == data


def test_sync_twice_transfers_nothing_the_second_time(server, tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "a.txt").write_bytes(b"a")
    (tree / "sub" / "b c.txt").write_bytes(b"bb")
    (tree / "sub" / "deeper" / "ü.bin").write_bytes(os.urandom(1000))
    # S3 keeps LastModified to the second: a file written in the second of its upload would
    # look newer than its copy and be uploaded again (on S3 too), so date the files back.
    an_hour_ago = time.time() - 3600
    for path in tree.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    aws(server, "s3", "mb", "s3://sync-bucket")
    first = aws(server, "s3", "sync", str(tree), "s3://sync-bucket/tree")
    assert first.count("upload: ") == 3
    assert sorted(server.emulator.store.bucket("sync-bucket").objects) == [
        "tree/a.txt", "tree/sub/b c.txt", "tree/sub/deeper/ü.bin"]
    puts = operations(server).count("PutObject")
    assert aws(server, "s3", "sync", str(tree), "s3://sync-bucket/tree") == ""
    assert operations(server).count("PutObject") == puts
