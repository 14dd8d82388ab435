"""polars (Rust object_store) against a live s3emu.

object_store signs with ``x-amz-checksum-crc64nvme`` headers, reads a Parquet footer with a
suffix range larger than small files (``Range: bytes=-262144``), then ranged column chunks.
polars has no call to create, copy or delete objects or buckets: boto3 creates and removes the
bucket, everything else is done by polars. polars lists with a prefix and no delimiter
(``list-type=2&prefix=dir%2F``) and matches globs itself. ``POLARS_UPLOAD_CHUNK_SIZE`` (read when
polars uploads) makes it upload the 21 MiB file in parts, as it does files above 64 MiB by
default.
"""
from __future__ import annotations

import os

os.environ.setdefault("POLARS_UPLOAD_CHUNK_SIZE", str(8 << 20))

import polars as pl  # noqa: E402

from support import Endpoint, assert_multipart, keys_of  # noqa: E402


def storage_options(endpoint: Endpoint) -> dict[str, str]:
    return {"aws_access_key_id": endpoint.access_key,
            "aws_secret_access_key": endpoint.secret, "aws_region": endpoint.region,
            "aws_endpoint_url": endpoint.url, "aws_allow_http": "true"}


def test_polars(endpoint: Endpoint, big: bytes) -> None:
    s3 = endpoint.boto3()
    bucket = endpoint.bucket("polars")
    s3.create_bucket(Bucket=bucket)                     # polars cannot create buckets
    options = storage_options(endpoint)
    url = f"s3://{bucket}"

    small = pl.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"]})
    small.write_csv(f"{url}/dir/small.csv", storage_options=options)   # PutObject
    assert s3.get_object(Bucket=bucket, Key="dir/small.csv")["Body"].read() == \
        b"id,name\n1,a\n2,b\n3,c\n"
    assert pl.read_csv(f"{url}/dir/small.csv", storage_options=options).equals(small)

    blobs = pl.DataFrame({"i": list(range(21)),
                          "blob": [big[i << 20:(i + 1) << 20] for i in range(21)]})
    blobs.write_parquet(f"{url}/dir/big.parquet", storage_options=options,
                        compression="uncompressed")           # multipart upload
    size = s3.head_object(Bucket=bucket, Key="dir/big.parquet")["ContentLength"]
    assert size > len(big)
    assert assert_multipart(endpoint, bucket, "dir/big.parquet", size) >= 2
    back = pl.read_parquet(f"{url}/dir/big.parquet", storage_options=options)
    assert b"".join(back.sort("i")["blob"].to_list()) == big             # read back
    one = pl.scan_parquet(f"{url}/dir/big.parquet", storage_options=options) \
        .filter(pl.col("i") == 20).select("blob").collect()              # ranged reads
    assert one["blob"][0] == big[20 << 20:]

    table = pl.DataFrame({"id": list(range(1000)), "group": [f"g{i % 3}" for i in range(1000)],
                          "value": [i * 0.25 for i in range(1000)]})
    table.write_parquet(f"{url}/table.parquet", storage_options=options)
    assert pl.read_parquet(f"{url}/table.parquet", storage_options=options).equals(table)
    footer_only = pl.scan_parquet(f"{url}/table.parquet", storage_options=options)
    assert footer_only.select(pl.len()).collect().item() == 1000

    table.write_parquet(f"{url}/dataset", storage_options=options, partition_by="group")
    assert sorted(keys_of(endpoint, bucket, "dataset/")) == [
        f"dataset/group=g{i}/00000000.parquet" for i in range(3)]
    scanned = pl.scan_parquet(f"{url}/dataset/**/*.parquet", storage_options=options,
                              hive_partitioning=True)                   # listing
    assert scanned.filter(pl.col("group") == "g1").select(pl.len()).collect().item() == 333
    assert scanned.collect().sort("id").select("id", "value").equals(
        table.select("id", "value"))
    in_dir = pl.scan_csv(f"{url}/dir/*.csv", storage_options=options).collect()
    assert in_dir.equals(small)                          # prefix "dir/": only small.csv

    for key in keys_of(endpoint, bucket):                # polars cannot delete
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
