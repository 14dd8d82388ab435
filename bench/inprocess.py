"""Benchmark: the cost of s3emu's in-process path, per request and per test.

Per request (put / get / head / list / delete of a small object), side by side:

- ``botocore``: botocore's own client-side cost, with a ``before-send`` hook that reads the
  request body (as sending does) and returns the very response s3emu gave (recorded first),
  so both parse the same bytes;
- ``s3emu``: ``s3emu.mock_s3`` serving the request in-process (signature checked);
- ``moto``: moto's ``mock_aws``, when moto is installed.

Per test: mock on, a client, a bucket, mock off (the plugin's ``s3emu`` + ``s3_client``
fixtures do the same), with its parts timed separately, and moto's equivalent.

Calls alternate between s3emu and botocore, then (in a pass of their own) between moto and
botocore, and test cycles between the implementations; medians are reported, so a busy machine
slows the columns compared alike, and moto's heavy calls do not chill the caches s3emu's calls
find. Each ratio is against botocore's calls of the same pass. ``--own`` also times s3emu's
own part of each request (the time spent in :func:`s3emu.intercept.call_app`, what a speed
trick changes: its column resolves a microsecond where the ratios move by several). Prints a
table; ``--json PATH`` also writes the numbers. Asserts nothing about time. Run with
``python bench/inprocess.py [--quick] [--own]``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from typing import Any
from collections.abc import Callable

import boto3
import botocore.config
from botocore.awsrequest import AWSResponse

import s3emu
import s3emu.intercept
from s3emu.mock import MockS3

BUCKET = "bench-inprocess"
BODY = b"x" * 1024
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
OPERATIONS: dict[str, Callable[[Any], Any]] = {
    "put": lambda s3: s3.put_object(Bucket=BUCKET, Key="key", Body=BODY),
    "get": lambda s3: s3.get_object(Bucket=BUCKET, Key="key")["Body"].read(),
    "head": lambda s3: s3.head_object(Bucket=BUCKET, Key="key"),
    "list": lambda s3: s3.list_objects_v2(Bucket=BUCKET),
    # each delete removes an object of its own, put before the delete round (see _prepare)
    "delete": lambda s3: s3.delete_object(Bucket=BUCKET, Key=_doomed(s3)),
}
#: botocore's samples of moto's pass (see :func:`bench_requests`)
MOTO_BASELINE = "botocore (moto's pass)"
#: the keys each client's delete round removes, one per call (by id of the client)
_DOOMED: dict[int, list[str]] = {}


def _doomed(s3: Any) -> str:
    keys = _DOOMED.get(id(s3))
    return keys.pop() if keys else "key"


def _prepare(op: str, s3: Any, count: int, canned: bool) -> None:
    """Before ``op``'s round: for delete, ``count`` objects for ``s3`` to remove (a canned
    client only needs the names)."""
    if op != "delete":
        return
    keys = [f"doomed/{n}" for n in range(count)]
    if not canned:
        for key in keys:
            s3.put_object(Bucket=BUCKET, Key=key, Body=BODY)
    _DOOMED[id(s3)] = keys


def client(session: boto3.Session | None = None) -> Any:
    maker = session.client if session is not None else boto3.client
    return maker("s3", region_name="us-east-1", config=botocore.config.Config(
        retries={"total_max_attempts": 1}), **CREDENTIALS)


class _Raw:
    """A canned raw body for AWSResponse (what botocore reads from urllib3)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Any:
        if self._body:
            yield self._body

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        body, self._body = self._body, b""
        return body


def recorded_responses(s3: Any) -> dict[str, tuple[int, list[tuple[str, str]], bytes]]:
    """s3emu's response to each operation: (status, headers, body), for replaying."""
    seen: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}

    def record(response_dict: Any, **kwargs: Any) -> None:
        name = kwargs["event_name"].rsplit(".", 1)[-1]
        body = response_dict["body"]
        seen[name] = (response_dict["status_code"], list(response_dict["headers"].items()),
                      body if isinstance(body, bytes) else BODY)

    s3.meta.events.register("before-parse.s3", record)
    for run in OPERATIONS.values():
        run(s3)
    s3.meta.events.unregister("before-parse.s3", record)
    return seen


def canned_client(responses: dict[str, tuple[int, list[tuple[str, str]], bytes]]) -> Any:
    s3 = client()

    def before_send(request: Any, **kwargs: Any) -> AWSResponse:
        if hasattr(request.body, "read"):  # sending reads the body (aws-chunked, checksum)
            request.body.read()
        status, headers, body = responses[kwargs["event_name"].rsplit(".", 1)[-1]]
        return AWSResponse(request.url, status, dict(headers), _Raw(body))

    s3.meta.events.register("before-send.s3", before_send)
    return s3


def timed(function: Callable[..., Any], durations: list[float]) -> Callable[..., Any]:
    """``function``, appending the duration (s) of each call to ``durations``."""
    clock = time.perf_counter

    def timed_call(*args: Any) -> Any:
        started = clock()
        try:
            return function(*args)
        finally:
            durations.append(clock() - started)

    return timed_call


def bench_requests(calls: int, own: bool = False,
                   versioned: bool = False) -> dict[str, dict[str, float]]:
    """Median microseconds per call, by implementation and operation (and with ``own``,
    s3emu's own part of its calls, as implementation ``own``).

    All implementations stay active together (each client reaches only its own). For each
    operation, s3emu's calls alternate with botocore's, so a busy machine slows both alike;
    then, in a pass of its own, moto's alternate with botocore's again (as
    :data:`MOTO_BASELINE`): a moto call can take milliseconds (a versioned PUT, 4 ms), which
    would leave s3emu's next call with cold caches that botocore's would not see.
    """
    clients: dict[str, Any] = {}
    mocks: list[Any] = []
    real_call_app = s3emu.intercept.call_app
    emulator_mock = MockS3()
    emulator_mock.start()
    mocks.append(emulator_mock)
    s3 = client()
    s3.create_bucket(Bucket=BUCKET)
    if versioned:   # every PUT a new version, every GET / HEAD the newest of a stack
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    clients["botocore"] = canned_client(recorded_responses(s3))
    clients["s3emu"] = s3
    try:
        try:
            from moto import mock_aws
        except ImportError:
            pass
        else:
            moto_mock = mock_aws()
            moto_mock.start()
            mocks.append(moto_mock)
            moto_s3 = client(boto3.Session())  # a session made under moto has its hook
            moto_s3.create_bucket(Bucket=BUCKET)
            if versioned:
                moto_s3.put_bucket_versioning(Bucket=BUCKET,
                                              VersioningConfiguration={"Status": "Enabled"})
            clients["moto"] = moto_s3
        samples: dict[str, dict[str, list[float]]] = {name: {op: [] for op in OPERATIONS}
                                                      for name in clients}
        durations: list[float] = []
        if own:     # s3emu's own part: the time its in-process patch spends in call_app
            s3emu.intercept.call_app = timed(real_call_app, durations)
            samples["own"] = {op: [] for op in OPERATIONS}
        if "moto" in clients:   # moto's own pass: its calls next to botocore's, not s3emu's
            samples[MOTO_BASELINE] = {op: [] for op in OPERATIONS}
        clock = time.perf_counter
        for op, run in OPERATIONS.items():
            for name, s3 in clients.items():
                _prepare(op, s3, calls + 20, canned=name == "botocore")
            for s3 in clients.values():
                for _ in range(20):  # warm
                    run(s3)
            passes = [(("botocore", "botocore"), ("s3emu", "s3emu"))]
            if "moto" in clients:
                passes.append(((MOTO_BASELINE, "botocore"), ("moto", "moto")))
            for pairing in passes:
                for _ in range(calls):
                    for name, which in pairing:
                        s3 = clients[which]
                        started = clock()
                        run(s3)
                        samples[name][op].append(clock() - started)
                        if own and name == "s3emu":
                            samples["own"][op].append(durations[-1])
    finally:
        s3emu.intercept.call_app = real_call_app
        for mock in reversed(mocks):
            mock.stop()
    return {name: {op: statistics.median(v) * 1e6 for op, v in ops.items()}
            for name, ops in samples.items()}


def _timed_cycle(make_mock: Callable[[], Any], make_client: Callable[[], Any]) -> dict[str, float]:
    """One test's worth of work (mock on, client, bucket, mock off), each part timed (s)."""
    t0 = time.perf_counter()
    mock = make_mock()
    mock.start()
    t1 = time.perf_counter()
    s3 = make_client()
    t2 = time.perf_counter()
    s3.create_bucket(Bucket=BUCKET)
    t3 = time.perf_counter()
    mock.stop()
    t4 = time.perf_counter()
    return {"start": t1 - t0, "client": t2 - t1, "bucket": t3 - t2, "stop": t4 - t3,
            "total": t4 - t0}


def s3emu_test_cycle() -> dict[str, float]:
    return _timed_cycle(MockS3, lambda: boto3.client("s3"))


def moto_test_cycle() -> dict[str, float]:
    from moto import mock_aws

    return _timed_cycle(mock_aws, lambda: boto3.client("s3", region_name="us-east-1"))


def bench_tests(cycles: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per part of a test cycle, by implementation (cycles alternate)."""
    runners = {"s3emu": s3emu_test_cycle}
    if importlib.util.find_spec("moto") is not None:
        runners["moto"] = moto_test_cycle
    boto3.client("s3", region_name="us-east-1")  # the default session exists in a test run
    for runner in runners.values():
        runner()  # warm: service models are loaded once per process
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in runners}
    for _ in range(cycles):
        for name, runner in runners.items():
            samples[name].append(runner())
    return {name: {part: statistics.median(c[part] for c in runs) * 1e3 for part in runs[0]}
            for name, runs in samples.items()}


def baseline(name: str) -> str:
    """The botocore samples an implementation's are compared with: those taken in its pass."""
    return MOTO_BASELINE if name == "moto" else "botocore"


def report(requests: dict[str, dict[str, float]], tests: dict[str, dict[str, float]]) -> str:
    names = [n for n in requests if n != MOTO_BASELINE]
    compared = [n for n in names if n not in ("botocore", "own")]
    lines = ["Per request (µs, median; ratio to botocore's own cost; own: s3emu's own part)",
             f"{'op':<6}" + "".join(f"{n:>12}" for n in names) +
             "".join(f"{n + '/botocore':>18}" for n in compared)]
    for op in OPERATIONS:
        lines.append(f"{op:<6}" + "".join(f"{requests[n][op]:>12.{int(n == 'own')}f}"
                                          for n in names) +
                     "".join(f"{requests[n][op] / requests[baseline(n)][op]:>18.2f}"
                             for n in compared))
    lines += ["", "Per test: mock on, client, bucket, mock off (ms, median)",
              f"{'':<8}" + "".join(f"{p:>9}" for p in ("start", "client", "bucket", "stop",
                                                        "total"))]
    for name, parts in tests.items():
        lines.append(f"{name:<8}" + "".join(f"{parts[p]:>9.2f}" for p in (
            "start", "client", "bucket", "stop", "total")))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    parser.add_argument("--own", action="store_true",
                        help="also time s3emu's own part of each request (in call_app)")
    parser.add_argument("--versioned", action="store_true",
                        help="the bucket has versioning Enabled")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    calls, cycles = (100, 5) if args.quick else (1500, 40)
    requests = bench_requests(calls, own=args.own, versioned=args.versioned)
    tests = bench_tests(cycles)
    print(f"s3emu {s3emu.__version__}, botocore {botocore.__version__}, "
          f"Python {sys.version.split()[0]}")
    print(report(requests, tests))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"per_request_us": requests, "per_test_ms": tests}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
