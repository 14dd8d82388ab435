"""Helpers for the S3 Select tests: a boto3 ``select_object_content`` call and its events,
read by botocore's own EventStream parser."""
from __future__ import annotations

from typing import Any

CSV_USE = {"CSV": {"FileHeaderInfo": "USE"}}
CSV_NONE = {"CSV": {"FileHeaderInfo": "NONE"}}
JSON_LINES = {"JSON": {"Type": "LINES"}}
JSON_DOC = {"JSON": {"Type": "DOCUMENT"}}
TO_CSV: dict[str, Any] = {"CSV": {}}
TO_JSON: dict[str, Any] = {"JSON": {}}


def select_events(s3: Any, bucket: str, key: str, sql: str, inp: dict[str, Any],
                  out: dict[str, Any] | None = None, **extra: Any) -> list[dict[str, Any]]:
    """The events of one Select, as boto3 gives them."""
    response = s3.select_object_content(
        Bucket=bucket, Key=key, Expression=sql, ExpressionType="SQL",
        InputSerialization=inp, OutputSerialization=out or TO_CSV, **extra)
    return list(response["Payload"])


def select(s3: Any, bucket: str, key: str, sql: str, inp: dict[str, Any],
           out: dict[str, Any] | None = None, **extra: Any) -> str:
    """The records a Select returns, joined, as text."""
    events = select_events(s3, bucket, key, sql, inp, out, **extra)
    assert list(events[-1]) == ["End"] and list(events[-2]) == ["Stats"], events[-2:]
    return b"".join(e["Records"]["Payload"] for e in events if "Records" in e).decode()
