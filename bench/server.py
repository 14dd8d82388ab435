"""Standalone server throughput: small GETs from 8 client threads, s3emu against moto's server.

Each server runs in its own process: ``s3emu serve`` (auth on, --quiet) and, when moto is
installed (``pip install -e '.[bench]'``), ``moto_server``. The clients are threads of this
process. Two client kinds, both over keep-alive connections:

- ``raw`` (default): http.client GETs whose SigV4 headers botocore signed once per thread and
  object (S3 accepts a signed request again within its 15 minutes), so the client costs little
  and the servers are measured;
- ``boto3``: one boto3 client per thread, ``get_object`` + ``read()`` (botocore's own cost,
  about 1 ms a call, then dominates: this is what a test suite sees).

Every answer is checked (status 200, the object's length). Prints requests per second for each
server and the ratio. Run
``python bench/server.py [--seconds S] [--threads N] [--client raw|boto3|both]``.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET, SIZE, OBJECTS = "bench", 1024, 16


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_s3emu() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get(
        "PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "s3emu", "serve", "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, cwd=ROOT)
    assert proc.stdout is not None
    match = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline())
    if match is None:
        proc.kill()
        raise SystemExit("s3emu serve printed no endpoint")
    return proc, match.group(0)


def start_moto() -> tuple[subprocess.Popen, str] | None:
    command = shutil.which("moto_server") or shutil.which(
        "moto_server", path=os.path.dirname(sys.executable))
    if command is None:
        return None
    port = free_port()
    proc = subprocess.Popen([command, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    return None


def boto3_client(endpoint: str):
    import boto3
    import botocore.config
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(s3={"addressing_style": "path"},
                                                      retries={"max_attempts": 1},
                                                      max_pool_connections=64))


def seed(endpoint: str) -> None:
    s3 = boto3_client(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    for number in range(OBJECTS):
        s3.put_object(Bucket=BUCKET, Key=f"k{number}", Body=os.urandom(SIZE))


def signed_get(endpoint: str, key: str) -> dict[str, str]:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = f"{endpoint}/{BUCKET}/{key}"
    request = AWSRequest(method="GET", url=url, headers={})
    S3SigV4Auth(Credentials("testing", "testing"), "s3", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    headers["Host"] = urlsplit(url).netloc
    return headers


def raw_worker(endpoint: str, index: int) -> Callable[[], None]:
    parts = urlsplit(endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    keys = [f"k{(index + n) % OBJECTS}" for n in range(4)]
    prepared = [(f"/{BUCKET}/{key}", signed_get(endpoint, key)) for key in keys]
    state = {"n": 0}

    def one() -> None:
        path, headers = prepared[state["n"] % len(prepared)]
        state["n"] += 1
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or len(body) != SIZE:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    return one


def boto3_worker(endpoint: str, index: int) -> Callable[[], None]:
    s3 = boto3_client(endpoint)
    state = {"n": index}

    def one() -> None:
        state["n"] += 1
        body = s3.get_object(Bucket=BUCKET, Key=f"k{state['n'] % OBJECTS}")["Body"].read()
        if len(body) != SIZE:
            raise RuntimeError("short body")
    return one


def measure(endpoint: str, kind: str, threads: int, seconds: float) -> float:
    make = raw_worker if kind == "raw" else boto3_worker
    workers = [make(endpoint, n) for n in range(threads)]
    counts = [0] * threads
    errors: list[BaseException] = []
    start, stop = threading.Event(), threading.Event()

    def run(number: int) -> None:
        one = workers[number]
        one()                                   # warm the connection up
        start.wait()
        try:
            while not stop.is_set():
                one()
                counts[number] += 1
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            stop.set()

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    start.set()
    time.sleep(seconds)
    stop.set()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{endpoint}: {errors[0]!r}")
    return sum(counts) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--client", choices=("raw", "boto3", "both"), default="both")
    args = parser.parse_args()
    kinds = ["raw", "boto3"] if args.client == "both" else [args.client]
    servers = [("s3emu serve", start_s3emu())]
    moto = start_moto()
    if moto is None:
        print("moto_server not installed (pip install -e '.[bench]'): s3emu alone")
    else:
        servers.append(("moto_server", moto))
    try:
        for _, (_, endpoint) in servers:
            seed(endpoint)
        print(f"{args.threads} client threads, GET of {SIZE}-byte objects, keep-alive, "
              f"{args.seconds:g} s each, servers in their own processes")
        print(f"{'client':8} {'server':12} {'GET/s':>9}")
        for kind in kinds:
            rates = {}
            for name, (_, endpoint) in servers:
                rates[name] = measure(endpoint, kind, args.threads, args.seconds)
                print(f"{kind:8} {name:12} {rates[name]:9.0f}", flush=True)
            if len(rates) == 2:
                print(f"{kind:8} {'ratio':12} {rates['s3emu serve'] / rates['moto_server']:8.1f}x")
    finally:
        for _, (proc, _) in servers:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
