"""Every single-character change to a signed request is refused.

Correctly signed requests (a header-signed PUT with metadata and a signed payload hash, a
header-signed listing with a query, a presigned GET) are changed one character at a time in
every part the signature covers: the method, the path, the query, each signed header's value
(Authorization included) and the payload. Each change replaces a letter or digit by another of
its kind, so it always changes what the request means (a change of case in a percent-escape,
which S3 canonicalises, is not made). Every changed request must be refused (4xx, never 2xx and
never a 5xx) and must leave the stored object as it was.
"""
from __future__ import annotations

import string

import pytest

from signing import URL, send, sign_v4

BUCKET = "test-bucket"
KEY_PATH = "/test-bucket/dir/obj%20name.txt"
BODY = b"hello, signed world"
_NEXT = {c: s[(s.index(c) + 1) % len(s)]
         for s in (string.ascii_lowercase, string.ascii_uppercase, string.digits) for c in s}


def _variants(text: str):
    """``text`` with one letter or digit changed, for each such position."""
    for at, char in enumerate(text):
        if char in _NEXT:
            yield text[:at] + _NEXT[char] + text[at + 1:]


def _mutations(method, url, headers, body):
    """(what changed, method, url, headers, body) for every single-character change."""
    for other in _variants(method):
        yield "method", other, url, headers, body
    scheme, _, rest = url.partition("://")
    host, _, target = rest.partition("/")
    for other in _variants("/" + target):
        yield "target", method, f"{scheme}://{host}{other}", headers, body
    for name, value in headers.items():
        if name.lower() in ("content-length", "user-agent", "expect"):
            continue
        for other in _variants(value):
            yield f"header {name}", method, url, {**headers, name: other}, body
    if body:
        for at in range(len(body)):
            changed = bytearray(body)
            changed[at] ^= 0x01
            yield "payload", method, url, headers, bytes(changed)


def _stored(emu):
    version = emu.store.bucket(BUCKET).objects.get("dir/obj name.txt")
    return None if version is None else (version.etag, dict(version.metadata))


@pytest.fixture
def signed(emu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="dir/obj name.txt", Body=b"original")
    put_url = URL + KEY_PATH
    put = ("PUT", put_url, sign_v4("PUT", put_url, BODY, {"x-amz-meta-colour": "blue",
                                                          "Content-Type": "text/plain"}), BODY)
    list_url = f"{URL}/{BUCKET}?list-type=2&prefix=dir%2Fobj&max-keys=7"
    listing = ("GET", list_url, sign_v4("GET", list_url), b"")
    presigned = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "dir/obj name.txt"}, ExpiresIn=900)
    get = ("GET", presigned, {}, b"")
    return {"put": put, "list": listing, "presigned": get}


@pytest.mark.parametrize("which", ["put", "list", "presigned"])
def test_the_unchanged_request_is_served(emu, signed, which):
    method, url, headers, body = signed[which]
    assert send(emu, method, url, headers, body)[0] == 200


def test_every_single_character_change_is_refused(emu, signed):
    before = _stored(emu)
    accepted, tried = [], 0
    for which, (method, url, headers, body) in signed.items():
        for part, *request in _mutations(method, url, headers, body):
            tried += 1
            status = send(emu, *request)[0]
            if not 400 <= status < 500:
                accepted.append((which, part, status, request[:2]))
            assert _stored(emu) == before, (which, part, request[:2])
    print(f"{tried} changed requests, stored before: {before}")
    assert before is not None
    assert tried > 480          # about 1,000 changed requests in all
    assert accepted == []
