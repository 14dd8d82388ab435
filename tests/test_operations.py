"""One record per operation (s3emu.operations): every routed name has one, every action is an
IAM action S3 knows, and `s3emu ops` prints the table."""
from __future__ import annotations

import subprocess
import sys

import pytest

import s3emu.ops  # noqa: F401  (declares every record)
from s3emu.access.actions import KNOWN, OTHER_SERVICES
from s3emu.operations import ACCOUNT, KINDS, OPERATIONS, Operation, declare
from s3emu.protocol.routing import ROUTES
from helpers import CHILD_CWD, child_env

ROUTED = sorted({route.op for route in ROUTES})


def test_every_routed_operation_has_a_record():
    assert sorted(OPERATIONS) == ROUTED


@pytest.mark.parametrize("name", ROUTED)
def test_every_action_is_a_known_iam_action(name):
    record = OPERATIONS[name]
    for action in filter(None, (record.action, record.versioned_action)):
        assert action.lower() in KNOWN or action in OTHER_SERVICES, action
    assert record.kind in KINDS


def test_records_say_what_the_layers_used_to_keep_in_tables():
    get = OPERATIONS["GetObject"]
    assert (get.action, get.versioned_action, get.acl) == \
        ("s3:GetObject", "s3:GetObjectVersion", "READ")
    assert get.action_for({"versionId": "v1"}) == "s3:GetObjectVersion"
    assert get.action_for({}) == "s3:GetObject"
    assert get.missing_key_needs_list
    assert OPERATIONS["ListBuckets"].kind == ACCOUNT
    assert OPERATIONS["PostObject"].signs_itself and OPERATIONS["PostObject"].body_cap is None
    assert OPERATIONS["CreateBucket"].refuses_anonymous and OPERATIONS["CreateBucket"].any_region
    assert {n for n, r in OPERATIONS.items() if r.owner_account_only} == \
        {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"}
    assert {n for n, r in OPERATIONS.items() if r.listing} == \
        {"ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads"}


def test_implemented_operations_have_their_handler_and_the_rest_none():
    implemented = {n for n, r in OPERATIONS.items() if r.implemented}
    assert {"PutObject", "GetObject", "ListObjectsV2", "CompleteMultipartUpload"} <= implemented
    assert not OPERATIONS["GetBucketMetadataTableConfiguration"].implemented
    assert OPERATIONS["PutObject"].where.startswith("s3emu/ops/objects.py:")
    assert OPERATIONS["GetBucketMetadataTableConfiguration"].where == "-"


def test_a_record_is_declared_once_and_checked():
    with pytest.raises(ValueError, match="declared twice"):
        declare("PutObject", action="s3:PutObject", kind="object-write")
    with pytest.raises(ValueError, match="kind"):
        Operation("X", "s3:X", "sideways")
    with pytest.raises(ValueError, match="acl"):
        Operation("X", "s3:X", "bucket", acl="READ_ALL")
    with pytest.raises(ValueError, match="service prefix"):
        Operation("X", "GetObject", "bucket")


def test_unimplemented_operation_answers_501_naming_it(s3_client):
    s3_client.create_bucket(Bucket="records")
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as caught:
        s3_client.get_bucket_metadata_table_configuration(Bucket="records")
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "GetBucketMetadataTableConfiguration" in error["Error"]["Message"]


def test_ops_command_prints_the_table():
    done = subprocess.run([sys.executable, "-m", "s3emu", "ops"], capture_output=True,
                          text=True, cwd=CHILD_CWD, env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["OPERATION", "HANDLER", "IAM", "ACTION", "STATUS"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert set(rows) == set(ROUTED)
    assert rows["PutObject"][0].startswith("s3emu/ops/objects.py:")
    assert rows["PutObject"][1:] == ["s3:PutObject", "implemented"]
    assert rows["GetBucketMetadataTableConfiguration"] == [
        "-", "s3:GetBucketMetadataTableConfiguration", "501"]
    implemented = sum(r.implemented for r in OPERATIONS.values())
    assert lines[-1] == f"{implemented} of {len(OPERATIONS)} operations implemented"
    missing = subprocess.run([sys.executable, "-m", "s3emu", "ops", "--missing"],
                             capture_output=True, text=True, cwd=CHILD_CWD, env=child_env(),
                             timeout=60).stdout.splitlines()
    assert all(line.endswith("501") for line in missing[1:-1])
    assert len(missing) - 2 == len(OPERATIONS) - implemented
