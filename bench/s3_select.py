"""Benchmark: S3 Select rows/s through boto3 and the in-process app.

A CSV object of N rows (``id,name,score,city``; about 40 bytes a row) and the same rows as
JSON LINES are PUT through ``s3emu.mock_s3``, then queried with select_object_content:
every row back, a WHERE keeping a tenth, an aggregate, and the CSV gzip-compressed. Prints
rows scanned per second and the response size of each, and the process's peak RSS growth
(the Select streams: it stays near the object's own size, held once by the model); asserts
nothing about time. Run with ``python bench/s3_select.py [rows]`` (default 200,000). (Not
``select.py``: a script of that name would shadow the standard library's ``select`` module.)
"""
from __future__ import annotations

import gzip
import json
import resource
import sys
import time

import boto3

import s3emu

BUCKET = "bench-select"
CSV = {"CSV": {"FileHeaderInfo": "USE"}}
QUERIES = [
    ("csv  SELECT *", "rows.csv", "SELECT * FROM S3Object", CSV),
    ("csv  WHERE (1/10)", "rows.csv",
     "SELECT s.id, s.name FROM S3Object s WHERE CAST(s.score AS INT) < 10", CSV),
    ("csv  COUNT/AVG", "rows.csv", "SELECT COUNT(*), AVG(s.score) FROM S3Object s", CSV),
    ("csv.gz WHERE LIKE", "rows.csv.gz", "SELECT s.id FROM S3Object s WHERE s.city LIKE 'O%'",
     {**CSV, "CompressionType": "GZIP"}),
    ("json SELECT *", "rows.json", "SELECT * FROM S3Object", {"JSON": {"Type": "LINES"}}),
    ("json WHERE", "rows.json", "SELECT s.name FROM S3Object s WHERE s.score < 10",
     {"JSON": {"Type": "LINES"}}),
]
CITIES = ["Paris", "Oslo", "Lima", "Rome", "Kyiv"]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int) -> None:
    csv_body = "id,name,score,city\n" + "".join(
        f"{i},name{i % 977},{i % 100},{CITIES[i % 5]}\n" for i in range(rows))
    json_body = "".join(json.dumps({"id": i, "name": f"name{i % 977}", "score": i % 100,
                                    "city": CITIES[i % 5]}) + "\n" for i in range(rows))
    with s3emu.mock_s3():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="rows.csv", Body=csv_body.encode())
        s3.put_object(Bucket=BUCKET, Key="rows.csv.gz", Body=gzip.compress(csv_body.encode()))
        s3.put_object(Bucket=BUCKET, Key="rows.json", Body=json_body.encode())
        del csv_body, json_body
        before = peak_mib()
        print(f"{rows:,} rows; peak RSS before the queries: {before:.0f} MiB")
        print(f"{'query':<20} {'seconds':>8} {'rows/s':>10} {'returned':>12}")
        for name, key, sql, inp in QUERIES:
            started = time.perf_counter()
            response = s3.select_object_content(
                Bucket=BUCKET, Key=key, Expression=sql, ExpressionType="SQL",
                InputSerialization=inp, OutputSerialization={"CSV": {}})
            returned = 0
            for event in response["Payload"]:
                if "Records" in event:
                    returned += len(event["Records"]["Payload"])
            took = time.perf_counter() - started
            print(f"{name:<20} {took:8.2f} {rows / took:10,.0f} {returned:12,}")
        print(f"peak RSS growth during the queries: {peak_mib() - before:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
