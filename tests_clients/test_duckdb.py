"""DuckDB's httpfs extension against a live s3emu.

DuckDB downloads its extensions from its own site at run time (``INSTALL httpfs``). That site
is out of reach here (and in many CI sandboxes), so the tests load the extension from the
``duckdb-extension-httpfs`` wheel on PyPI, whose version must equal DuckDB's
(``requirements-clients.txt`` pins both). DuckDB checks the extension's signature as usual.

DuckDB cannot create, copy or delete buckets or objects: boto3 does those; DuckDB writes
(``COPY ... TO``, with multipart uploads once ``s3_uploader_max_filesize`` makes 5 MiB parts),
lists (``glob``), and reads whole objects (``read_blob``) and byte ranges (Parquet).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_httpfs

from support import Endpoint, assert_multipart, keys_of


def connect(endpoint: Endpoint) -> duckdb.DuckDBPyConnection:
    version = duckdb.__version__
    extension = Path(duckdb_extension_httpfs.__file__).parent / "extensions" / \
        f"v{version}" / "httpfs.duckdb_extension"
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    con.execute(f"""CREATE SECRET s3emu (TYPE s3, KEY_ID '{endpoint.access_key}',
        SECRET '{endpoint.secret}', REGION '{endpoint.region}',
        ENDPOINT '{endpoint.host_port}', URL_STYLE 'path', USE_SSL false)""")
    return con


def test_duckdb(endpoint: Endpoint, big: bytes) -> None:
    s3 = endpoint.boto3()
    bucket = endpoint.bucket("duckdb")
    s3.create_bucket(Bucket=bucket)                       # DuckDB cannot create buckets
    con = connect(endpoint)
    url = f"s3://{bucket}"

    con.execute(f"COPY (SELECT 1 AS id, 'a' AS name) TO '{url}/dir/small.csv'")   # PutObject
    assert s3.get_object(Bucket=bucket, Key="dir/small.csv")["Body"].read() == \
        b"id,name\n1,a\n"

    con.execute("SET s3_uploader_max_filesize = '50GB'")  # parts of 50 GB / 10,000 = 5 MB
    con.execute(f"""COPY (SELECT repeat('x', 1000) || i::VARCHAR AS line FROM range(22000) t(i))
                    TO '{url}/dir/big.csv' (HEADER false)""")
    size = s3.head_object(Bucket=bucket, Key="dir/big.csv")["ContentLength"]
    assert size > 20 << 20
    assert assert_multipart(endpoint, bucket, "dir/big.csv", size) >= 4
    written = s3.get_object(Bucket=bucket, Key="dir/big.csv")["Body"].read()
    assert written.count(b"\n") == 22000

    s3.put_object(Bucket=bucket, Key="dir/sub/big.bin", Body=big)
    blob = con.execute(f"SELECT content FROM read_blob('{url}/dir/sub/big.bin')").fetchone()
    assert blob[0] == big                                                   # read back
    counted = con.execute(f"SELECT count(*) FROM read_csv('{url}/dir/big.csv', header = false)")
    assert counted.fetchone() == (22000,)

    listed = con.execute(f"SELECT file FROM glob('{url}/dir/*') ORDER BY file").fetchall()
    assert listed == [(f"{url}/dir/big.csv",), (f"{url}/dir/small.csv",)]    # prefix

    con.execute(f"""COPY (SELECT i AS id, 'g' || (i % 3)::VARCHAR AS grp, i * 0.5 AS value
                    FROM range(3000) t(i)) TO '{url}/table.parquet' (FORMAT parquet)""")
    assert con.execute(f"SELECT count(*), sum(id) FROM '{url}/table.parquet'").fetchone() == \
        (3000, sum(range(3000)))
    assert con.execute(f"SELECT value FROM '{url}/table.parquet' WHERE id = 2999"
                       ).fetchone() == (1499.5,)                            # ranged reads
    con.execute(f"""COPY (FROM '{url}/table.parquet') TO '{url}/dataset'
                    (FORMAT parquet, PARTITION_BY (grp))""")
    assert sorted(keys_of(endpoint, bucket, "dataset/")) == [
        f"dataset/grp=g{i}/data_0.parquet" for i in range(3)]
    assert con.execute(f"""SELECT grp, count(*) FROM read_parquet('{url}/dataset/*/*.parquet',
                           hive_partitioning = true) GROUP BY grp ORDER BY grp""").fetchall() == \
        [("g0", 1000), ("g1", 1000), ("g2", 1000)]

    con.execute(f"COPY (FROM '{url}/dir/small.csv') TO '{url}/copy.csv'")  # a copy, by DuckDB
    assert s3.get_object(Bucket=bucket, Key="copy.csv")["Body"].read() == b"id,name\n1,a\n"

    for key in keys_of(endpoint, bucket):                  # DuckDB cannot delete
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
