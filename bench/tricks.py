"""Benchmark: what each of s3emu's speed tricks saves per request (see ``s3emu/memo.py``).

One process, one emulator, the four requests of ``inprocess.py`` (put / get / head / list of a
1 KiB object). For each trick, each request is made twice in a row, once with the trick and once
without it (the order alternating), each after one of botocore's own calls (its canned client),
so the CPU caches are as cold as in a test; the time spent in
:func:`s3emu.intercept.call_app` is taken. A busy machine slows both halves of a pair alike, so
the median of the pairs' differences resolves a fraction of a microsecond where whole-request
ratios move by several.

A trick is switched off by putting back the function it speeds up (a memo's ``__wrapped__``,
the standard library's HMAC, one request id at a time, botocore's public ``items()``, the
general aws-chunked decoder, the standard library's XML escaping). Prints a
table; asserts nothing about time. Run with ``python bench/tricks.py [--pairs N] [TRICK ...]``.
"""
from __future__ import annotations

import argparse
import hmac
import statistics
import sys
from functools import partial
from typing import Any
from xml.sax.saxutils import escape
from collections.abc import Callable

import inprocess

import s3emu.intercept
from s3emu.auth import sigv4
from s3emu.mock import MockS3
from s3emu.ops.support import header_names
from s3emu.protocol import chunked, dates, xml

Switch = tuple[Callable[[], None], Callable[[], None]]


def swap(owner: Any, name: str, off: Any) -> Switch:
    """Turning ``owner.name`` to ``off`` and back."""
    on = getattr(owner, name)
    return (lambda: setattr(owner, name, on)), (lambda: setattr(owner, name, off))


def swap_everywhere(function: Any, off: Any) -> Switch:
    """Turning ``function`` to ``off`` and back in every s3emu module that imported it."""
    places = [(module, name) for module in list(sys.modules.values())
              if getattr(module, "__name__", "").startswith("s3emu")
              for name, value in list(vars(module).items()) if value is function]

    def turn(to: Any) -> None:
        for module, name in places:
            setattr(module, name, to)

    return partial(turn, function), partial(turn, off)


def one_request_id(ids: Any) -> Callable[[], tuple[str, str]]:
    """``ids.request_ids`` made one at a time (the same ids, without the batch)."""
    mask = (1 << 64) - 1

    def request_ids() -> tuple[str, str]:
        z = (next(ids._requests) + ids._offset) * 0x9E3779B97F4A7C15 & mask
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & mask
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB & mask
        request_id = f"{z ^ (z >> 31):016X}"
        return request_id, ids.host_id(request_id)

    return request_ids


def stdlib_sign_hex(secret: str, date: str, region: str) -> Callable[[Any, str], str]:
    """``sign_hex`` through the standard library's HMAC, for one signing key."""
    key = hmac.digest(f"AWS4{secret}".encode(), date.encode(), "sha256")
    for part in (region, "s3", "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return lambda _key, text: hmac.digest(key, text.encode("utf-8", "surrogateescape"),
                                         "sha256").hex()


def switches(emu: Any) -> dict[str, Switch]:
    services = emu._services
    users, ids = services.users, services.ids
    date = services.clock.now().strftime("%Y%m%d")   # what the mock signs with
    return {
        "credential": swap(users, "memoized",
                           lambda function, maxsize=64: partial(function, users)),
        "http_date": swap_everywhere(dates.http_date, dates.http_date.__wrapped__),
        "iso8601": swap_everywhere(dates.iso8601, dates.iso8601.__wrapped__),
        "query": swap(sigv4, "canonical_queries", sigv4.canonical_queries.__wrapped__),
        "names": swap(header_names, "_names", header_names.HeaderNames),
        "env_keys": swap(s3emu.intercept, "_env_key", s3emu.intercept._env_key.__wrapped__),
        "botocore_headers": swap(s3emu.intercept, "_botocore_dict", lambda _: None),
        "hmac": swap(sigv4, "sign_hex", stdlib_sign_hex("testing", date, "us-east-1")),
        "request_ids": swap(ids, "request_ids", one_request_id(ids)),
        "one_chunk": swap(chunked, "decode_one_chunk", lambda _: None),
        "xml_escape": swap(xml, "_escape", escape),
    }


def paired_gains(pairs: int, chosen: list[str]) -> dict[str, dict[str, float]]:
    """Per trick and request: the median of (without - with) over ``pairs`` pairs, µs."""
    mock = MockS3()
    mock.start()
    real_call_app = s3emu.intercept.call_app
    durations: list[float] = []
    try:
        s3 = inprocess.client()
        s3.create_bucket(Bucket=inprocess.BUCKET)
        botocore = inprocess.canned_client(inprocess.recorded_responses(s3))
        s3emu.intercept.call_app = inprocess.timed(real_call_app, durations)
        table = switches(mock.emulator)
        gains: dict[str, dict[str, float]] = {}
        for name in chosen or list(table):
            on, off = table[name]
            gains[name] = {}
            for op, run in inprocess.OPERATIONS.items():
                for _ in range(20):  # warm
                    run(botocore)
                    run(s3)
                differences = []
                for i in range(pairs):
                    took = {}
                    for turn in ((on, off) if i % 2 else (off, on)):
                        turn()
                        run(botocore)
                        run(s3)
                        took[turn] = durations[-1]
                    differences.append(took[off] - took[on])
                on()
                gains[name][op] = statistics.median(differences) * 1e6
    finally:
        s3emu.intercept.call_app = real_call_app
        mock.stop()
    return gains


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=600, help="pairs per trick and request")
    parser.add_argument("tricks", nargs="*", help="which tricks (default: all)")
    args = parser.parse_args(argv)
    gains = paired_gains(args.pairs, args.tricks)
    print("Saved per request by each trick (µs, median of paired differences)")
    print(f"{'trick':<18}" + "".join(f"{op:>8}" for op in inprocess.OPERATIONS))
    for name, by_op in gains.items():
        print(f"{name:<18}" + "".join(f"{by_op[op]:>8.1f}" for op in inprocess.OPERATIONS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
