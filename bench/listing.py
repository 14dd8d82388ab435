"""Benchmark: list a bucket of 100,000 keys page by page through boto3 and the in-process app.

The bucket is filled directly in the model (fast), then listed with boto3's ListObjectsV2 and
ListObjects paginators (1,000 keys a page) served in-process by ``s3emu.mock_s3``, with and
without a delimiter, and once more by calling the WSGI app directly (no botocore: the
emulator's own cost, since botocore's XML and timestamp parsing dominates the boto3 numbers).
Prints pages/s and the total time of each listing; asserts nothing about time. Run with
``python bench/listing.py [number-of-keys]``.
"""
from __future__ import annotations

import re
import sys
import time
from urllib.parse import quote

import boto3

import s3emu
from s3emu.auth.users import DEFAULT_ACCOUNT_ID
from s3emu.intercept import call_app
from s3emu.model.blob import Blob
from s3emu.model.objects import ObjectVersion

BUCKET = "bench-listing"


def fill(emu: s3emu.Emulator, count: int) -> None:
    """``count`` keys: most under 100 folders, a tenth at the top level, inserted in order."""
    bucket, _ = emu.store.create_bucket(BUCKET, "us-east-1", DEFAULT_ACCOUNT_ID)
    blob = Blob([b"x" * 16])
    now = emu.clock.now()
    keys = sorted([f"dir{n % 100:02d}/file{n:07d}.dat" for n in range(count - count // 10)]
                  + [f"top{n:07d}" for n in range(count // 10)])
    for key in keys:
        bucket.put(ObjectVersion(key=key, blob=blob, etag='"0123456789abcdef0123456789abcdef"',
                                 last_modified=now, owner=DEFAULT_ACCOUNT_ID))


def run(s3, op: str, **params: object) -> tuple[int, int, float]:
    """List everything with ``op``'s paginator: (pages, entries, seconds)."""
    started = time.perf_counter()
    pages = entries = 0
    for page in s3.get_paginator(op).paginate(Bucket=BUCKET, **params):
        pages += 1
        entries += len(page.get("Contents", ())) + len(page.get("CommonPrefixes", ()))
    return pages, entries, time.perf_counter() - started


_NEXT = re.compile(rb"<NextContinuationToken>([^<]*)</NextContinuationToken>")


def run_direct(emu: s3emu.Emulator, query: str = "") -> tuple[int, int, float]:
    """List everything with unsigned ListObjectsV2 calls straight to the WSGI app (with
    ``auth="off"`` for the run, so they act as the default user: the listing's own cost)."""
    previous, emu.auth = emu.auth, "off"
    try:
        return _list_direct(emu, query)
    finally:
        emu.auth = previous


def _list_direct(emu: s3emu.Emulator, query: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    pages = size = 0
    token = None
    while True:
        url = f"http://s3.amazonaws.com/{BUCKET}?list-type=2{query}"
        if token:
            url += "&continuation-token=" + quote(token, safe="")
        response = call_app(emu, "GET", url, [], b"")
        body = response.read()
        assert response.status == 200, body[:300]
        pages += 1
        size += len(body)
        found = _NEXT.search(body)
        if found is None:
            return pages, size, time.perf_counter() - started
        token = found.group(1).decode()


def main(count: int = 100_000) -> None:
    with s3emu.mock_s3() as emu:
        started = time.perf_counter()
        fill(emu, count)
        print(f"filled {count:,} keys in the model in {time.perf_counter() - started:.2f}s")
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
        cases = [
            ("ListObjectsV2", "list_objects_v2", {}),
            ("ListObjects", "list_objects", {}),
            ("ListObjectsV2 delimiter=/", "list_objects_v2", {"Delimiter": "/"}),
            ("ListObjectsV2 prefix=dir42/ delimiter=/", "list_objects_v2",
             {"Prefix": "dir42/", "Delimiter": "/"}),
            ("ListObjectsV2 max-keys=100", "list_objects_v2",
             {"PaginationConfig": {"PageSize": 100}}),
        ]
        for label, op, params in cases:
            pages, entries, seconds = run(s3, op, **params)
            print(f"{label:42s} {pages:5d} pages {entries:7,d} entries "
                  f"{seconds:7.2f}s {pages / seconds:8.1f} pages/s")
        for label, query in (("WSGI direct ListObjectsV2", ""),
                             ("WSGI direct ListObjectsV2 delimiter=/", "&delimiter=%2F")):
            pages, size, seconds = run_direct(emu, query)
            print(f"{label:42s} {pages:5d} pages {size / 1e6:6.1f} MB xml "
                  f"{seconds:7.2f}s {pages / seconds:8.1f} pages/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
