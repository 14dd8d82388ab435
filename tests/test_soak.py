"""A bounded soak: 8 threads of mixed operations, live and in-process, lose and tear nothing.

Each thread owns its keys, so the last acknowledged write of a key is well defined: PUT (new
and overwrite), small multipart uploads, GET with the bytes verified, DELETE, DeleteObjects,
CopyObject and listings of other threads' prefixes while they write. At the end every key
holds exactly its last acknowledged content, the listing agrees with HEAD, and the journal's
exact counters agree with the requests issued. ``make test`` runs 2,000 operations per target;
``make soak`` sets ``S3EMU_SOAK_OPS`` to 100,000 in all.
"""
from __future__ import annotations

import collections
import os
import random
import threading

import boto3
import botocore.config

import s3emu

OPS = int(os.environ.get("S3EMU_SOAK_OPS", "4000")) // 2      # per target
THREADS = 8
KEYS_PER_THREAD = 12
CONFIG = botocore.config.Config(max_pool_connections=THREADS, retries={"max_attempts": 1},
                                request_checksum_calculation="when_required")


def _content(key: str, generation: int) -> bytes:
    size = 1 + (generation * 7919) % 3000
    return (f"{key}#{generation}|".encode() * (size // 8 + 1))[:size]


class Worker:
    """One thread's keys, the operations it issued, and what each key must hold."""

    def __init__(self, index: int, client, bucket: str, ops: int) -> None:
        self.prefix = f"t{index}/"
        self.client, self.bucket, self.ops = client, bucket, ops
        self.random = random.Random(index)
        self.expected: dict[str, bytes] = {}
        self.issued: collections.Counter[str] = collections.Counter()
        self.generation = 0
        self.failure: BaseException | None = None

    def key(self) -> str:
        return f"{self.prefix}k{self.random.randrange(KEYS_PER_THREAD)}"

    def run(self) -> None:
        try:
            done = 0
            while done < self.ops:
                done += self.step()
        except BaseException as error:      # reported by the test
            self.failure = error

    def step(self) -> int:
        s3, bucket, key, roll = self.client, self.bucket, self.key(), self.random.random()
        self.generation += 1
        if roll < 0.30:
            body = _content(key, self.generation)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            self.issued["PutObject"] += 1
            self.expected[key] = body
            return 1
        if roll < 0.55:
            response = s3.get_object(Bucket=bucket, Key=key) if key in self.expected else None
            self.issued["GetObject"] += response is not None
            if response is not None:
                assert response["Body"].read() == self.expected[key], key
            return 1
        if roll < 0.62:
            upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            parts, body = [], b""
            for number in (1, 2):
                data = _content(key, self.generation * 10 + number)
                etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload,
                                      PartNumber=number, Body=data)["ETag"]
                parts.append({"PartNumber": number, "ETag": etag})
                body += data
            s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                         MultipartUpload={"Parts": parts})
            self.issued.update({"CreateMultipartUpload": 1, "UploadPart": 2,
                                "CompleteMultipartUpload": 1})
            self.expected[key] = body
            return 4
        if roll < 0.72:
            s3.delete_object(Bucket=bucket, Key=key)
            self.issued["DeleteObject"] += 1
            self.expected.pop(key, None)
            return 1
        if roll < 0.77:
            keys = {self.key() for _ in range(3)}
            result = s3.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": k} for k in sorted(keys)], "Quiet": True})
            assert not result.get("Errors"), result
            self.issued["DeleteObjects"] += 1
            for k in keys:
                self.expected.pop(k, None)
            return 1
        if roll < 0.87:
            source = self.key()
            if source not in self.expected or source == key:
                return 0
            s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": source})
            self.issued["CopyObject"] += 1
            self.expected[key] = self.expected[source]
            return 1
        other = f"t{self.random.randrange(THREADS)}/"
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=other)
        self.issued["ListObjectsV2"] += 1
        assert all(o["Key"].startswith(other) for o in listed.get("Contents", []))
        return 1


def _soak(emu: s3emu.Emulator, make_client) -> None:
    bucket = "soak"
    setup = make_client()
    setup.create_bucket(Bucket=bucket)
    workers = [Worker(i, make_client(), bucket, OPS // THREADS) for i in range(THREADS)]
    threads = [threading.Thread(target=w.run, name=f"soak-{i}") for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
        assert not thread.is_alive(), "a soak thread hung"
    for worker in workers:
        assert worker.failure is None, repr(worker.failure)
    tallied = emu.journal.tally()           # what the threads' requests made, before checking
    expected = {k: v for w in workers for k, v in w.expected.items()}
    listed, token = {}, None
    while True:
        page = setup.list_objects_v2(Bucket=bucket, **({"ContinuationToken": token} if token
                                                        else {}))
        listed.update({o["Key"]: o for o in page.get("Contents", [])})
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(listed) == sorted(expected), "lost or stray objects"
    for key, body in expected.items():
        head = setup.head_object(Bucket=bucket, Key=key)
        assert head["ContentLength"] == len(body) == listed[key]["Size"], key
        assert head["ETag"] == listed[key]["ETag"], key
        assert setup.get_object(Bucket=bucket, Key=key)["Body"].read() == body, key
    issued = sum((w.issued for w in workers), collections.Counter())
    tally = collections.Counter()
    for (operation, status), count in tallied.items():
        assert status < 400, (operation, status, count)
        tally[operation] += count
    for operation, count in issued.items():
        assert tally[operation] == count, (operation, tally[operation], count)


def test_soak_in_process():
    emu = s3emu.Emulator(min_part_size=1)
    with s3emu.mock_s3(emulator=emu):
        _soak(emu, lambda: boto3.client("s3", region_name="us-east-1", config=CONFIG))


def test_soak_live_server():
    emu = s3emu.Emulator(clock=s3emu.Clock.system(), min_part_size=1)
    with s3emu.Server(emu) as server:
        _soak(emu, lambda: boto3.client(
            "s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing", config=CONFIG))


# -- a big object is held once ----------------------------------------------------------------
BIG = int(os.environ.get("S3EMU_SOAK_BYTES", str(64 << 20)))
_HELD_ONCE = """
import os, resource, sys, tempfile
import boto3, s3emu
size = int(sys.argv[1])
fd, path = tempfile.mkstemp()
os.ftruncate(fd, size)
os.close(fd)
try:
    with s3emu.mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="big")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(path, "rb") as body:
            s3.put_object(Bucket="big", Key="k", Body=body)
        stored = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        got = sum(len(c) for c in s3.get_object(Bucket="big", Key="k")["Body"].iter_chunks(1 << 20))
        served = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(got, (stored - base) * 1024 / size, (served - base) * 1024 / size)
finally:
    os.unlink(path)
"""


def test_a_big_object_is_held_once_in_memory():
    """PUT then GET of a big object (64 MiB in ``make test``, 1 GiB in ``make soak``) in a
    fresh process: the peak resident memory grows by the object's size, not a multiple."""
    import subprocess
    import sys

    from helpers import CHILD_CWD, child_env
    done = subprocess.run([sys.executable, "-c", _HELD_ONCE, str(BIG)], capture_output=True,
                          text=True, cwd=CHILD_CWD, env=child_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    got, stored, served = done.stdout.split()
    assert int(got) == BIG
    assert float(stored) < 1.15 and float(served) < 1.2, done.stdout
