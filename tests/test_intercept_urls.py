"""The in-process patch splits request URLs by hand (a speed trick): the same parts as
``urllib.parse.urlsplit`` for every URL, the usual ones and those it hands to urlsplit."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from s3emu.intercept import split_url

URLS = [
    "https://b.s3.amazonaws.com/k?x-id=PutObject",
    "https://s3.us-east-1.amazonaws.com/b/a/b%20c?list-type=2&prefix=a%2F",
    "http://127.0.0.1:9000",
    "http://127.0.0.1:9000?list-type=2",
    "HTTPS://B.S3.AMAZONAWS.COM/Key",
    "https://[::1]:9000/b/k",
    "http://user:secret@h:1/x?y",
    "https://h/a?b?c",
    "https://h/k;a=1?x",
    "https://h/",
    # handed to urlsplit: fragment, query before a path, control characters, other schemes
    "http://h/k#fragment",
    "http://h?x#y",
    "http://h/a\tb\nc",
    "  http://h/x",
    "svn+ssh://h/x",
    "mailto:someone",
    "//h/x",
    "http:/x",
]


@pytest.mark.parametrize("url", URLS)
def test_split_url_gives_urlsplit_parts(url):
    parts = urlsplit(url)
    assert split_url(url) == (parts.scheme, parts.netloc, parts.path, parts.query)


def test_keys_with_reserved_characters_keep_their_path(s3, bucket):
    for key in ("a?b", "a#b", "a;b", "sp ace/ü"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed) == sorted(["a?b", "a#b", "a;b", "sp ace/ü"])
