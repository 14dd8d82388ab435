"""``bucket_defaults="legacy"``: buckets made as S3 made them before April 2023 (ObjectWriter
with ACLs enabled, no Block Public Access, no default encryption, SSE-C allowed), through the
Emulator, the pytest marker and ``s3emu serve --bucket-defaults``; the default stays
``current``; and the serve flags for the Emulator's other options."""
from __future__ import annotations

import base64
import hashlib
import signal

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

import s3emu
from s3emu import cli
from helpers import PLUGIN_ARGS, error_of, start_serve

pytest_plugins = ["pytester"]

legacy = pytest.mark.s3emu(bucket_defaults="legacy")
KEY = b"k" * 32
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(KEY).decode(),
         "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(KEY).digest()).decode()}


def anonymous():
    return boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def test_unknown_value_is_a_value_error_naming_the_accepted_ones():
    with pytest.raises(ValueError, match="'current', 'legacy'.*'2019'"):
        s3emu.Emulator(bucket_defaults="2019")
    emu = s3emu.Emulator()
    assert emu.bucket_defaults == "current"
    with pytest.raises(ValueError, match="bucket_defaults"):
        emu.bucket_defaults = "old"
    emu.bucket_defaults = "legacy"
    assert emu.bucket_defaults == "legacy"


def test_current_is_the_default(s3, bucket):
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    assert all(s3.get_public_access_block(Bucket=bucket)[
        "PublicAccessBlockConfiguration"].values())
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"


@legacy
def test_legacy_buckets_have_no_ownership_controls_and_take_acls(s3, emu):
    s3.create_bucket(Bucket="old-bucket")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket="old-bucket")
    assert error_of(exc) == (404, "OwnershipControlsNotFoundError")
    s3.put_bucket_acl(Bucket="old-bucket", ACL="public-read")
    grants = s3.get_bucket_acl(Bucket="old-bucket")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)
    s3.put_object(Bucket="old-bucket", Key="k", Body=b"x", ACL="public-read")
    assert anonymous().get_object(Bucket="old-bucket", Key="k")["Body"].read() == b"x"


@legacy
def test_legacy_create_bucket_with_a_public_acl(s3):
    s3.create_bucket(Bucket="open-bucket", ACL="public-read")
    assert anonymous().list_objects_v2(Bucket="open-bucket")["KeyCount"] == 0


@legacy
def test_legacy_buckets_have_no_public_access_block(s3):
    s3.create_bucket(Bucket="old-bucket")
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket="old-bucket")
    assert error_of(exc) == (404, "NoSuchPublicAccessBlockConfiguration")


@legacy
def test_legacy_buckets_have_no_default_encryption(s3):
    s3.create_bucket(Bucket="old-bucket")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_encryption(Bucket="old-bucket")
    assert error_of(exc) == (404, "ServerSideEncryptionConfigurationNotFoundError")
    put = s3.put_object(Bucket="old-bucket", Key="plain", Body=b"x")
    assert "ServerSideEncryption" not in put
    assert put["ETag"] == '"' + hashlib.md5(b"x").hexdigest() + '"'
    assert "ServerSideEncryption" not in s3.head_object(Bucket="old-bucket", Key="plain")
    assert "ServerSideEncryption" not in s3.get_object(Bucket="old-bucket", Key="plain")
    upload = s3.create_multipart_upload(Bucket="old-bucket", Key="parts")
    assert "ServerSideEncryption" not in upload
    copy = s3.copy_object(Bucket="old-bucket", Key="copy",
                          CopySource={"Bucket": "old-bucket", "Key": "plain"})
    assert "ServerSideEncryption" not in copy
    # asked for, encryption still applies
    put = s3.put_object(Bucket="old-bucket", Key="asked", Body=b"x",
                        ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"


@legacy
def test_legacy_default_encryption_once_set_and_after_delete(s3):
    s3.create_bucket(Bucket="old-bucket")
    s3.put_bucket_encryption(Bucket="old-bucket", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    assert s3.put_object(Bucket="old-bucket", Key="a", Body=b"x")[
        "ServerSideEncryption"] == "AES256"
    s3.delete_bucket_encryption(Bucket="old-bucket")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_encryption(Bucket="old-bucket")
    assert error_of(exc) == (404, "ServerSideEncryptionConfigurationNotFoundError")
    assert "ServerSideEncryption" not in s3.put_object(Bucket="old-bucket", Key="b", Body=b"x")


@legacy
def test_legacy_buckets_allow_sse_c(s3):
    s3.create_bucket(Bucket="old-bucket")
    put = s3.put_object(Bucket="old-bucket", Key="k", Body=b"secret", **SSE_C)
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert s3.get_object(Bucket="old-bucket", Key="k", **SSE_C)["Body"].read() == b"secret"


def test_current_buckets_block_sse_c(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"secret", **SSE_C)
    assert error_of(exc) == (403, "AccessDenied")


@pytest.mark.s3emu(bucket_defaults="legacy", buckets=["marked-bucket"])
def test_marker_buckets_are_made_with_the_defaults(s3, emu):
    assert emu.bucket_defaults == "legacy"
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket="marked-bucket")
    assert error_of(exc)[0] == 404
    assert "ServerSideEncryption" not in s3.put_object(Bucket="marked-bucket", Key="k",
                                                       Body=b"x")


def test_seed_data_is_loaded_with_the_defaults(tmp_path):
    (tmp_path / "seeded-bucket").mkdir()
    (tmp_path / "seeded-bucket" / "k.txt").write_bytes(b"x")
    emu = s3emu.Emulator(bucket_defaults="legacy")
    emu.load(tmp_path)
    settings = emu.store.bucket("seeded-bucket").settings
    assert settings.acls_enabled and not any(settings.block_flags.values())
    assert settings.default_encryption is None


def test_the_setting_applies_to_buckets_made_afterwards(emu, s3):
    s3.create_bucket(Bucket="new-bucket")
    emu.bucket_defaults = "legacy"
    s3.create_bucket(Bucket="old-bucket")
    assert s3.get_public_access_block(Bucket="new-bucket")
    with pytest.raises(ClientError):
        s3.get_public_access_block(Bucket="old-bucket")


def test_pytest_option_sets_the_default(pytester):
    pytester.makepyfile("""
        def test_it(s3emu):
            assert s3emu.bucket_defaults == "legacy"
    """)
    result = pytester.runpytest(*PLUGIN_ARGS, "--s3emu-bucket-defaults", "legacy")
    result.assert_outcomes(passed=1)
    bad = pytester.runpytest(*PLUGIN_ARGS, "--s3emu-bucket-defaults", "old")
    assert bad.ret != 0
    assert "bucket_defaults must be one of current, legacy" in bad.stderr.str()


# -- s3emu serve -----------------------------------------------------------------------------
start_cli = start_serve


def test_serve_bucket_defaults_legacy_and_the_other_flags():
    proc, endpoint, first = start_cli("--bucket-defaults=legacy", "--no-block-sse-c",
                                      "--min-part-size", "1024", "--id-seed", "other",
                                      "--throttle", '{"reads": 1000, "writes": 1000}')
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="old-bucket")
        with pytest.raises(ClientError) as exc:
            s3.get_public_access_block(Bucket="old-bucket")
        assert error_of(exc)[0] == 404
        assert "ServerSideEncryption" not in s3.put_object(Bucket="old-bucket", Key="k",
                                                           Body=b"x")
        assert requests.get(f"{endpoint}/old-bucket/k").status_code == 403  # still private
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
    assert "legacy bucket defaults" in first


def test_serve_help_documents_every_emulator_option(capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    for flag in ("--bucket-defaults", "--block-sse-c", "--no-block-sse-c", "--min-part-size",
                 "--throttle", "--id-seed", "--clock", "--journal-limit", "--region", "--auth",
                 "--user", "--admin"):
        assert flag in out


@pytest.mark.parametrize("args, says", [
    (["--bucket-defaults", "2019"], "invalid choice: '2019'"),
    (["--min-part-size", "5MB"], "not a whole number of bytes"),
    (["--throttle", "fast"], "not 's3', 'off' or a JSON object"),
    (["--throttle", "[1]"], "not 's3', 'off' or a JSON object"),
    (["--clock", "yesterday"], "not an ISO 8601 instant"),
])
def test_serve_bad_flag_values_are_usage_errors(args, says, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--port", "0", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_serve_bad_throttle_keyword_is_one_line(capsys):
    assert cli.main(["serve", "--port", "0", "--throttle", '{"speed": 1}']) == 2
    err = capsys.readouterr().err
    assert err.startswith("s3emu: ") and err.count("\n") == 1


def test_serve_clock_starts_where_asked():
    proc, endpoint, _ = start_cli("--clock", "2020-06-01T00:00:00Z", "--auth", "off")
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="clock-bucket")
        s3.put_object(Bucket="clock-bucket", Key="k", Body=b"x")
        made = s3.head_object(Bucket="clock-bucket", Key="k")["LastModified"]
        assert (made.year, made.month, made.day) == (2020, 6, 1)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
