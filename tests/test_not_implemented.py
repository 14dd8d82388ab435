"""Headers S3 would act on and s3emu does not implement are answered 501 NotImplemented naming
the header, never accepted and dropped; and x-amz-source-expected-bucket-owner is applied."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error_of


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    return bucket


CASES = {
    "put-event-hold": (lambda s3, b: s3.put_object(Bucket=b, Key="n", Body=b"x",
                                                   ObjectLockEventHold="ON"),
                       "x-amz-object-lock-event-hold"),
    "put-write-offset": (lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x",
                                                     WriteOffsetBytes=1),
                         "x-amz-write-offset-bytes"),
    "put-checksum-md5": (lambda s3, b: s3.put_object(Bucket=b, Key="n", Body=b"x",
                                                     ChecksumMD5="nXsMr3hs0drL0YFVRSEAjw=="),
                         "x-amz-checksum-md5"),
    "delete-if-match-size": (lambda s3, b: s3.delete_object(Bucket=b, Key="k", IfMatchSize=1),
                             "x-amz-if-match-size"),
    "copy-annotation-directive": (lambda s3, b: s3.copy_object(
        Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"}, AnnotationDirective="COPY"),
        "x-amz-object-annotation-directive"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_headers_s3_acts_on_answer_501_naming_them(s3, obj, name):
    call, header = CASES[name]
    with pytest.raises(ClientError) as exc:
        call(s3, obj)
    assert error_of(exc) == (501, "NotImplemented")
    assert exc.value.response["Error"]["Header"] == header
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=obj)["Contents"]] == ["k"]


def test_source_expected_bucket_owner_is_checked(s3, obj):
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=obj, Key="c", CopySource={"Bucket": obj, "Key": "k"},
                       ExpectedSourceBucketOwner="999988887777")
    assert error_of(exc) == (403, "AccessDenied")
    s3.copy_object(Bucket=obj, Key="c", CopySource={"Bucket": obj, "Key": "k"},
                   ExpectedSourceBucketOwner="123456789012")
