"""The memo helper, and the memos that hold one emulator's data staying with that emulator."""
from __future__ import annotations

import pathlib
import re

import boto3
import pytest
from botocore.exceptions import ClientError

import s3emu
from s3emu.auth.users import Users
from s3emu.memo import memo


def client(secret: str):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="shared",
                        aws_secret_access_key=secret)


def test_a_memo_is_bounded_and_drops_the_least_recently_used():
    calls = []

    @memo(2)
    def double(x):
        calls.append(x)
        return 2 * x

    assert [double(1), double(2), double(1), double(3), double(1)] == [2, 4, 2, 6, 2]
    assert calls == [1, 2, 3]           # 1 was used last: 2 went when 3 came
    assert double(2) == 4 and calls == [1, 2, 3, 2]
    assert double.cache_info().maxsize == 2


def test_emulators_do_not_share_what_is_derived_from_secrets():
    first = s3emu.Emulator(credentials={"shared": "one"})
    second = s3emu.Emulator(credentials={"shared": "two"})
    with s3emu.mock_s3(emulator=first):
        client("one").create_bucket(Bucket="bucket-one")
        # signed with the first emulator's secret a moment ago: the second one refuses it
        with s3emu.mock_s3(emulator=second):
            with pytest.raises(ClientError) as caught:
                client("one").list_objects_v2(Bucket="bucket-one")
            assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
            client("two").create_bucket(Bucket="bucket-two")
        client("one").list_objects_v2(Bucket="bucket-one")


def test_replacing_a_users_secret_forgets_its_checked_credential():
    users = Users()
    users.add("shared", "one")
    emu = s3emu.Emulator(users=users)
    with s3emu.mock_s3(emulator=emu):
        client("one").create_bucket(Bucket="bucket-one")
        users.add("shared", "two")
        with pytest.raises(ClientError) as caught:
            client("one").list_objects_v2(Bucket="bucket-one")
        assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
        client("two").list_objects_v2(Bucket="bucket-one")


def test_every_memo_is_made_by_the_helper():
    root = pathlib.Path(s3emu.__file__).parent
    others = [str(path.relative_to(root)) for path in root.rglob("*.py")
              if path.name != "memo.py" and re.search(r"\blru_cache\b|functools\.cache\b|"
                                                      r"@cache\b", path.read_text())]
    assert others == [], "memoize through s3emu.memo.memo"
