"""Benchmark: a large object up and down through boto3's managed transfers, in-process.

Each run is a fresh subprocess (so its peak RSS is its own): it uploads an object of ``--size``
bytes with ``upload_fileobj`` (8 MiB parts, s3transfer's 10 threads) from a file-like object that
generates bytes as it is read, then downloads it with ``download_fileobj`` into a sink that
discards them, so the test data itself is never held. It reports MiB/s up and down and the peak
resident memory (``ru_maxrss``) against the object size, for:

- ``s3emu``: served in-process by ``s3emu.mock_s3`` (the emulator holds the object: peak RSS is
  expected at about 1x the object plus the interpreter and s3transfer's in-flight parts);
- ``botocore``: the same calls answered by a canned no-op ``before-send`` handler (it takes the
  request body as s3emu does, which makes botocore frame it and compute its CRC32, and answers
  GETs with zero bytes): botocore's and s3transfer's own cost, the ceiling for any in-process
  emulator;
- ``moto``: ``moto.mock_aws``, when moto is installed, with ``--moto-size`` (it is slow).

Run with ``python bench/multipart.py [--size 1GiB] [--moto-size 64MiB] [--only s3emu]``.
Nothing here asserts on time.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from typing import Any

MiB = 1 << 20
PART = 8 * MiB
BUCKET = "bench-multipart"
KEY = "big/object.bin"
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": MiB, "mib": MiB, "g": 1 << 30,
          "gib": 1 << 30}


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 256MiB, 1GiB)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def rss_bytes() -> int:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Generated(io.RawIOBase):
    """``size`` bytes made up as they are read (seekable, so s3transfer reads it in parts)."""

    def __init__(self, size: int) -> None:
        self.size, self.at = size, 0
        self.block = bytes(range(256)) * (PART // 256)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.at

    def seek(self, offset: int, whence: int = 0) -> int:
        self.at = {0: offset, 1: self.at + offset, 2: self.size + offset}[whence]
        return self.at

    def read(self, amount: int = -1) -> bytes:
        if amount is None or amount < 0:
            amount = self.size - self.at
        amount = max(0, min(amount, self.size - self.at))
        out = bytearray()
        while len(out) < amount:
            start = (self.at + len(out)) % len(self.block)
            out += self.block[start:start + amount - len(out)]
        self.at += amount
        return bytes(out)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class Discard(io.RawIOBase):
    """A seekable sink that keeps nothing but the number of bytes written."""

    def __init__(self) -> None:
        self.written, self.at = 0, 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.at = offset
        return offset

    def tell(self) -> int:
        return self.at

    def write(self, data: Any) -> int:
        n = len(data)
        self.written += n
        self.at += n
        return n


def _client():
    import boto3
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def _transfer(s3: Any, size: int) -> tuple[float, float, int]:
    from boto3.s3.transfer import TransferConfig
    config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART)
    started = time.perf_counter()
    s3.upload_fileobj(Generated(size), BUCKET, KEY, Config=config)
    up = time.perf_counter() - started
    after_up = rss_bytes()
    sink = Discard()
    started = time.perf_counter()
    s3.download_fileobj(BUCKET, KEY, sink, Config=config)
    down = time.perf_counter() - started
    if sink.written != size:
        raise SystemExit(f"downloaded {sink.written} bytes of {size}")
    return up, down, after_up


def _canned(size: int):
    """A before-send handler answering every S3 call as a no-op S3 would."""
    from botocore.awsrequest import AWSResponse

    zeros = memoryview(bytes(PART))

    class Body:
        def __init__(self, length: int) -> None:
            self.left = length

        def stream(self, amt: int = 1 << 16, decode_content: bool = True):
            while self.left:
                n = min(amt, self.left, len(zeros))
                self.left -= n
                yield zeros[:n].tobytes()

        def read(self, amt: int | None = None) -> bytes:
            """At most ``amt`` bytes, as a socket's response reads (s3transfer reads 256 KiB
            at a time and makes one write task of each read)."""
            n = self.left if amt is None or amt < 0 else min(amt, self.left)
            pieces = []
            while n:
                take = min(n, len(zeros))
                pieces.append(zeros[:take].tobytes())
                self.left -= take
                n -= take
            return b"".join(pieces)

    xml = {"CreateMultipartUpload": b"<InitiateMultipartUploadResult><UploadId>u</UploadId>"
                                    b"</InitiateMultipartUploadResult>",
           "CompleteMultipartUpload": b'<CompleteMultipartUploadResult><ETag>"e-1"</ETag>'
                                      b"</CompleteMultipartUploadResult>"}

    def handler(request: Any, **kwargs: Any) -> Any:
        body = request.body                  # consumed as s3emu's intercept takes it
        if type(body).__name__ == "AwsChunkedWrapper":
            for _ in body:
                pass
        elif hasattr(body, "read"):
            body.read()
        operation = kwargs["event_name"].rsplit(".", 1)[-1]
        headers = {"ETag": '"0123456789abcdef0123456789abcdef"', "Content-Length": "0"}
        length = 0
        if operation in ("HeadObject", "GetObject"):
            first, last = 0, size - 1
            found = re.match(r"bytes=(\d+)-(\d*)", request.headers.get("Range", b"").decode()
                             if isinstance(request.headers.get("Range"), bytes)
                             else request.headers.get("Range") or "")
            if found:
                first, last = int(found.group(1)), min(int(found.group(2) or size - 1), size - 1)
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
            headers["Content-Length"] = str(last - first + 1)
            length = last - first + 1 if operation == "GetObject" else 0
        raw = xml.get(operation)
        if raw is not None:
            headers["Content-Length"] = str(len(raw))
            return AWSResponse(request.url, 200, headers, _Raw(raw))
        return AWSResponse(request.url, 206 if "Content-Range" in headers else 200, headers,
                           Body(length))

    return handler


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, amt: int = 1 << 16, decode_content: bool = True):
        yield self.data

    def read(self, amt: int | None = None) -> bytes:
        data, self.data = self.data, b""
        return data


def child(mode: str, size: int) -> dict[str, Any]:
    """One run in this process: returns seconds up and down and RSS figures."""
    import boto3  # noqa: F401  - imported before the baseline is taken
    if mode == "s3emu":
        import s3emu
        context: Any = s3emu.mock_s3()
    elif mode == "moto":
        from moto import mock_aws
        context = mock_aws()
    else:
        import contextlib
        context = contextlib.nullcontext()
    with context:
        s3 = _client()
        if mode == "botocore":
            s3.meta.events.register("before-send.s3", _canned(size))
        else:
            s3.create_bucket(Bucket=BUCKET)
        baseline = rss_bytes()
        up, down, after_up = _transfer(s3, size)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"mode": mode, "size": size, "up": up, "down": down, "baseline": baseline,
            "after_up": after_up, "peak": rss_bytes(), "cpu": usage.ru_utime + usage.ru_stime,
            "sys": usage.ru_stime, "faults": usage.ru_minflt}


def run(mode: str, size: int) -> dict[str, Any]:
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(here), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", mode,
                           "--size", str(size)], capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict[str, Any]) -> str:
    mib = result["size"] / MiB
    peak = result["peak"] / MiB
    return (f"{result['mode']:9s} {mib:7.0f} MiB  up {mib / result['up']:7.1f} MiB/s  "
            f"down {mib / result['down']:7.1f} MiB/s  peak RSS {peak:7.0f} MiB "
            f"({result['peak'] / result['size']:.2f}x object; {result['baseline'] / MiB:.0f} MiB "
            f"before, {result['after_up'] / MiB:.0f} MiB after the upload; "
            f"cpu {result['cpu']:.1f}s, sys {result['sys']:.1f}s, "
            f"{result['faults'] / 1000:.0f}k page faults)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=1 << 30)
    parser.add_argument("--moto-size", type=parse_size, default=64 * MiB)
    parser.add_argument("--only", choices=("s3emu", "botocore", "moto"), action="append")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.size)))
        return
    modes = args.only or ["s3emu", "botocore", "moto"]
    results = {}
    for mode in modes:
        if mode == "moto":
            try:
                import moto  # noqa: F401
            except ImportError:
                print("moto      not installed: skipped")
                continue
        results[mode] = run(mode, args.moto_size if mode == "moto" else args.size)
        print(report(results[mode]), flush=True)
    if "s3emu" in results and "botocore" in results:
        ours, ceiling = results["s3emu"], results["botocore"]
        print(f"s3emu / botocore no-op: up {ceiling['up'] / ours['up']:.2f}x, "
              f"down {ceiling['down'] / ours['down']:.2f}x of its speed; "
              f"peak RSS {ours['peak'] / ours['size']:.2f}x the object")


if __name__ == "__main__":
    main()
