"""Seed data keeps versioned state: version stacks with their ids, delete markers, versioning
status, MFA delete and Object Lock settings, and each version's lock."""
from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

import s3emu


def _versions(s3, bucket):
    listed = s3.list_object_versions(Bucket=bucket)
    return ([(v["Key"], v["VersionId"], v["IsLatest"], v["ETag"], v["Size"])
             for v in listed.get("Versions", [])],
            [(m["Key"], m["VersionId"], m["IsLatest"]) for m in listed.get("DeleteMarkers", [])])


def test_dump_and_load_keep_version_stacks_markers_and_locks(tmp_path):
    emu = s3emu.Emulator()
    with s3emu.mock_s3(emulator=emu):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="vers")
        s3.put_object(Bucket="vers", Key="k", Body=b"null")
        s3.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="vers", Key="k", Body=b"one")
        s3.put_object(Bucket="vers", Key="k", Body=b"two!")
        s3.put_object(Bucket="vers", Key="dir/gone", Body=b"g")
        s3.delete_object(Bucket="vers", Key="dir/gone")
        s3.create_bucket(Bucket="vault", ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(Bucket="vault", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}}})
        until = emu.clock.now() + timedelta(days=5)
        s3.put_object(Bucket="vault", Key="l", Body=b"l", ObjectLockMode="COMPLIANCE",
                      ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
        before = {b: _versions(s3, b) for b in ("vers", "vault")}
        emu.dump(tmp_path)
    assert (tmp_path / "vers" / "k").read_bytes() == b"two!"     # the tree stays browsable
    loaded = s3emu.Emulator()
    loaded.load(tmp_path)
    with s3emu.mock_s3(emulator=loaded):
        s3 = boto3.client("s3", region_name="us-east-1")
        assert {b: _versions(s3, b) for b in ("vers", "vault")} == before
        assert s3.get_bucket_versioning(Bucket="vers")["Status"] == "Enabled"
        assert s3.get_object_lock_configuration(Bucket="vault")["ObjectLockConfiguration"] == {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}}}
        head = s3.head_object(Bucket="vault", Key="l")
        assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
                head["ObjectLockLegalHoldStatus"]) == ("COMPLIANCE", until, "ON")
        oldest = before["vers"][0][-1][1]
        assert s3.get_object(Bucket="vers", Key="k", VersionId=oldest)["Body"].read() == b"null"
        s3.put_object(Bucket="vers", Key="k", Body=b"three")           # still versioned
        assert len(_versions(s3, "vers")[0]) == len(before["vers"][0]) + 1


@pytest.mark.s3emu(buckets=["plain"])
def test_an_unversioned_dump_has_no_version_files(s3emu, s3_client, tmp_path):
    s3_client.put_object(Bucket="plain", Key="a", Body=b"a")
    s3emu.dump(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "plain", "plain/a"]
