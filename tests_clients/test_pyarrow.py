"""pyarrow's S3FileSystem (the AWS SDK for C++) against a live s3emu.

The C++ SDK sends ``Expect: 100-continue``, uploads with ``Transfer-Encoding: chunked`` and
``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` bodies carrying an ``x-amz-checksum-crc64nvme`` trailer,
and treats a 200 answer whose XML root it does not expect as an error.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from support import PART_SIZE, Endpoint, assert_multipart, bucket_exists, keys_of


def filesystem(endpoint: Endpoint) -> pafs.S3FileSystem:
    return pafs.S3FileSystem(
        access_key=endpoint.access_key, secret_key=endpoint.secret, region=endpoint.region,
        endpoint_override=endpoint.url, scheme="http",
        allow_bucket_creation=True, allow_bucket_deletion=True)


def test_pyarrow(endpoint: Endpoint, big: bytes) -> None:
    fs = filesystem(endpoint)
    bucket = endpoint.bucket("pyarrow")
    fs.create_dir(bucket)                                              # CreateBucket
    assert bucket_exists(endpoint, bucket)

    with fs.open_output_stream(f"{bucket}/dir/small.txt") as out:
        out.write(b"hello from the C++ SDK")
    with fs.open_output_stream(f"{bucket}/dir/big.bin") as out:      # parts of 10 MiB
        for start in range(0, len(big), PART_SIZE):
            out.write(big[start:start + PART_SIZE])
    assert assert_multipart(endpoint, bucket, "dir/big.bin", len(big)) >= 2
    with fs.open_output_stream(f"{bucket}/dir/sub/deeper.txt") as out:
        out.write(b"x")

    listing = fs.get_file_info(pafs.FileSelector(f"{bucket}/dir"))  # prefix + delimiter
    assert sorted((info.path, info.type) for info in listing) == [
        (f"{bucket}/dir/big.bin", pafs.FileType.File),
        (f"{bucket}/dir/small.txt", pafs.FileType.File),
        (f"{bucket}/dir/sub", pafs.FileType.Directory)]

    with fs.open_input_file(f"{bucket}/dir/big.bin") as source:
        assert source.size() == len(big)
        assert source.read() == big
        assert source.read_at(1000, 12345) == big[12345:13345]       # ranged reads
        assert source.read_at(10, len(big) - 10) == big[-10:]
    with fs.open_input_stream(f"{bucket}/dir/small.txt") as source:
        assert source.read() == b"hello from the C++ SDK"

    fs.copy_file(f"{bucket}/dir/small.txt", f"{bucket}/copy.txt")      # CopyObject
    with fs.open_input_stream(f"{bucket}/copy.txt") as source:
        assert source.read() == b"hello from the C++ SDK"
    fs.delete_file(f"{bucket}/copy.txt")                               # DeleteObject
    assert fs.get_file_info(f"{bucket}/copy.txt").type == pafs.FileType.NotFound

    table = pa.table({"id": list(range(2000)), "group": [f"g{i % 4}" for i in range(2000)],
                      "value": [i * 0.5 for i in range(2000)]})
    pq.write_table(table, f"{bucket}/table.parquet", filesystem=fs)
    assert pq.read_table(f"{bucket}/table.parquet", filesystem=fs).equals(table)
    assert pq.read_table(f"{bucket}/table.parquet", filesystem=fs,
                         columns=["value"]).column("value").to_pylist() == \
        table.column("value").to_pylist()

    ds.write_dataset(table, f"{bucket}/dataset", filesystem=fs, format="parquet",
                     partitioning=["group"], partitioning_flavor="hive")
    files = [key for key in keys_of(endpoint, bucket, "dataset/") if not key.endswith("/")]
    assert files == [f"dataset/group=g{i}/part-0.parquet" for i in range(4)]  # and markers
    dataset = ds.dataset(f"{bucket}/dataset", filesystem=fs, format="parquet",
                         partitioning="hive")
    assert dataset.to_table().num_rows == 2000
    g2 = dataset.to_table(filter=ds.field("group") == "g2").sort_by("id")
    assert g2.column("id").to_pylist() == list(range(2, 2000, 4))

    fs.delete_dir(bucket)                                    # DeleteObjects, DeleteBucket
    assert not bucket_exists(endpoint, bucket)
