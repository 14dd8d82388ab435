"""Inventory reports on the emulator clock: written at the midnight a Daily (or, on Sundays, a
Weekly) enabled configuration is due, as S3 lays them out (data file, manifest, checksum,
hive symlink), with the rows and fields asked for; refused without the destination's policy."""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json

import pytest

OWNER = "123456789012"
DEST = "arn:aws:s3:::inventory-dest"


@pytest.fixture
def source(s3):
    s3.create_bucket(Bucket="inventoried")
    s3.create_bucket(Bucket="inventory-dest")
    s3.put_bucket_policy(Bucket="inventory-dest", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::inventory-dest/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": OWNER}}}]}))
    return "inventoried"


def configure(s3, bucket, id="daily", frequency="Daily", versions="Current", fields=(),
              prefix=None, enabled=True, dest_prefix="reports"):
    document = {"Id": id, "IsEnabled": enabled, "IncludedObjectVersions": versions,
                "Schedule": {"Frequency": frequency},
                "Destination": {"S3BucketDestination": {"Bucket": DEST, "Format": "CSV",
                                                        "Prefix": dest_prefix}}}
    if fields:
        document["OptionalFields"] = list(fields)
    if prefix is not None:
        document["Filter"] = {"Prefix": prefix}
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id=id,
                                          InventoryConfiguration=document)


def keys(s3):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket="inventory-dest").get(
        "Contents", []))


def report(s3, manifest_key):
    manifest = json.loads(s3.get_object(Bucket="inventory-dest", Key=manifest_key)["Body"]
                          .read())
    [data] = manifest["files"]
    body = s3.get_object(Bucket="inventory-dest", Key=data["key"])["Body"].read()
    assert (len(body), hashlib.md5(body).hexdigest()) == (data["size"], data["MD5checksum"])
    rows = list(csv.reader(io.StringIO(gzip.decompress(body).decode())))
    return manifest, rows


def test_a_daily_report_is_written_at_the_next_midnight(emu, s3, source):
    s3.put_object(Bucket=source, Key="a b.txt", Body=b"hello")
    s3.put_object(Bucket=source, Key="dir/c", Body=b"x" * 10, StorageClass="STANDARD_IA")
    configure(s3, source, fields=("Size", "StorageClass", "ETag"))
    emu.clock.advance(hours=23, minutes=59, seconds=59)
    assert keys(s3) == []
    emu.clock.advance(seconds=1)
    found = keys(s3)
    base = "reports/inventoried/daily"
    manifest_key = f"{base}/2025-01-02T00-00Z/manifest.json"
    assert manifest_key in found and f"{base}/2025-01-02T00-00Z/manifest.checksum" in found
    assert f"{base}/hive/dt=2025-01-02-00-00/symlink.txt" in found
    manifest, rows = report(s3, manifest_key)
    assert (manifest["sourceBucket"], manifest["destinationBucket"], manifest["fileFormat"],
            manifest["version"], manifest["creationTimestamp"]) == (
        source, DEST, "CSV", "2016-11-30", "1735776000000")
    assert manifest["fileSchema"] == "Bucket, Key, Size, ETag, StorageClass"
    assert rows == [[source, "a%20b.txt", "5", hashlib.md5(b"hello").hexdigest(), "STANDARD"],
                    [source, "dir/c", "10", hashlib.md5(b"x" * 10).hexdigest(),
                     "STANDARD_IA"]]
    checksum = s3.get_object(Bucket="inventory-dest", Key=manifest_key.replace(
        "manifest.json", "manifest.checksum"))["Body"].read().decode()
    raw = s3.get_object(Bucket="inventory-dest", Key=manifest_key)["Body"].read()
    assert checksum == hashlib.md5(raw).hexdigest()
    emu.clock.advance(days=1)
    assert f"{base}/2025-01-03T00-00Z/manifest.json" in keys(s3)
    assert [e.status for e in emu.journal if e.operation == "S3.INVENTORY.REPORT"] == [200, 200]


def test_all_versions_and_a_prefix_filter(emu, s3, source):
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=source, Key="logs/k", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=source, Key="logs/k", Body=b"22")["VersionId"]
    marker = s3.delete_object(Bucket=source, Key="logs/gone")      # a lone marker
    s3.put_object(Bucket=source, Key="other", Body=b"x")
    configure(s3, source, versions="All", fields=("Size",), prefix="logs/")
    emu.clock.advance(days=1)
    manifest, rows = report(s3, "reports/inventoried/daily/2025-01-02T00-00Z/manifest.json")
    assert manifest["fileSchema"] == "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size"
    assert rows == [[source, "logs/gone", marker["VersionId"], "true", "true", ""],
                    [source, "logs/k", second, "true", "false", "2"],
                    [source, "logs/k", first, "false", "false", "1"]]


def test_weekly_reports_come_on_sundays(emu, s3, source):
    configure(s3, source, id="weekly", frequency="Weekly")
    emu.clock.advance(days=3, hours=23, minutes=59)   # 2025-01-05 is the first Sunday
    assert keys(s3) == []
    emu.clock.advance(minutes=1)
    assert "reports/inventoried/weekly/2025-01-05T00-00Z/manifest.json" in keys(s3)


def test_a_disabled_configuration_writes_nothing(emu, s3, source):
    configure(s3, source, enabled=False)
    emu.clock.advance(days=3)
    assert keys(s3) == []


def test_without_the_destination_policy_nothing_is_written(emu, s3, source):
    s3.delete_bucket_policy(Bucket="inventory-dest")
    configure(s3, source)
    emu.clock.advance(days=1)
    assert keys(s3) == []
    [failed] = [e for e in emu.journal if e.operation == "S3.INVENTORY.REPORT"]
    assert (failed.status, failed.error_code) == (403, "AccessDenied")


def test_the_intelligent_tiering_access_tier_column(emu, s3, source):
    big = b"x" * (128 * 1024)
    s3.put_object(Bucket=source, Key="fresh", Body=big, StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=source, Key="plain", Body=b"x")
    s3.put_object(Bucket=source, Key="small", Body=b"x", StorageClass="INTELLIGENT_TIERING")
    emu.clock.advance(days=40)
    s3.put_object(Bucket=source, Key="new", Body=big, StorageClass="INTELLIGENT_TIERING")
    configure(s3, source, fields=("IntelligentTieringAccessTier",))
    emu.clock.advance(days=1)
    [manifest_key] = [k for k in keys(s3) if k.endswith("manifest.json")]
    _, rows = report(s3, manifest_key)
    assert [row[1:] for row in rows] == [["fresh", "INFREQUENT_ACCESS"], ["new", "FREQUENT_ACCESS"],
                                         ["plain", ""], ["small", "FREQUENT_ACCESS"]]
