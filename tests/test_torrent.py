"""GetObjectTorrent: S3 no longer supports BitTorrent; the request is refused, never answered
with a torrent file or the object's bytes."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error_of


def test_torrent_is_discontinued(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    with pytest.raises(ClientError) as exc:
        s3.get_object_torrent(Bucket=bucket, Key="k")
    assert error_of(exc) == (501, "NotImplemented")
    assert "BitTorrent" in exc.value.response["Error"]["Message"]


def test_torrent_of_missing_bucket(s3):
    with pytest.raises(ClientError) as exc:
        s3.get_object_torrent(Bucket="no-such-bucket", Key="k")
    assert error_of(exc) == (404, "NoSuchBucket")


def test_torrent_needs_read_access(emu, s3, bucket):
    emu.add_user("other", "other-secret", account_id="210987654321")
    other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                         aws_secret_access_key="other-secret")
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    with pytest.raises(ClientError) as exc:
        other.get_object_torrent(Bucket=bucket, Key="k")
    assert error_of(exc) == (403, "AccessDenied")
