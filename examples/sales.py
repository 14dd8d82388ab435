"""A small piece of "application code" to show how s3emu tests it: daily sales exports (CSV)
land in an S3 bucket under ``incoming/``; :func:`summarize_sales` lists them, adds them up per
region and writes a JSON summary next to them, and :func:`share_summary` hands out a presigned
link to it. Nothing here knows about s3emu.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

SUMMARY_KEY = "summaries/latest.json"


def upload_reports(s3: Any, bucket: str, paths: Iterable[Path],
                   prefix: str = "incoming/") -> list[str]:
    """Upload local CSV exports under ``prefix``; returns the keys written."""
    keys = []
    for path in paths:
        key = prefix + Path(path).name
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": "text/csv"})
        keys.append(key)
    return keys


def list_reports(s3: Any, bucket: str, prefix: str = "incoming/") -> list[str]:
    """Keys of the CSV exports under ``prefix``, in key order (every page)."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", ()) if o["Key"].endswith(".csv"))
    return keys


def summarize_sales(s3: Any, bucket: str, prefix: str = "incoming/") -> dict[str, Any]:
    """Revenue and units per region over every export under ``prefix``, stored as JSON at
    :data:`SUMMARY_KEY` and returned."""
    revenue: dict[str, Decimal] = {}
    units: dict[str, int] = {}
    keys = list_reports(s3, bucket, prefix)
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        for row in csv.DictReader(io.StringIO(body)):
            region = row["region"]
            units[region] = units.get(region, 0) + int(row["units"])
            revenue[region] = revenue.get(region, Decimal(0)) + \
                int(row["units"]) * Decimal(row["unit_price"])
    summary = {"reports": keys, "units": units,
               "revenue": {region: str(total) for region, total in sorted(revenue.items())}}
    s3.put_object(Bucket=bucket, Key=SUMMARY_KEY, Body=json.dumps(summary).encode(),
                  ContentType="application/json")
    return summary


def share_summary(s3: Any, bucket: str, expires_in: int = 3600) -> str:
    """A presigned GET link to the latest summary."""
    return s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": SUMMARY_KEY},
                                      ExpiresIn=expires_in)
