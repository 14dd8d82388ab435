"""Signed random requests never break s3emu: a property-based fuzzer over the whole app.

Requests are generated (method, bucket and key forms with odd characters and escapes, every
subresource of the routing table with odd values, S3's headers with odd values, bodies for the
XML- and JSON-taking operations and their mutations, aws-chunked framing) and signed with
botocore's own SigV4 signer with the emulator's credentials, so they get past authentication and
reach the handlers; some get a garbled signature instead. Each is served in-process with
authentication on. Every answer must be:

- never a 500, and never an ERROR log line (a traceback) from s3emu;
- an S3 XML error document when it is an error (except HEAD, which has no body);
- a failed request (4xx or 5xx) leaves the stored state exactly as it was.

``make test`` runs it derandomized with a modest budget; ``make fuzz`` sets
``S3EMU_FUZZ_EXAMPLES`` (examples per test) for the large run, and ``S3EMU_FUZZ_TALLY`` (a file
each worker adds its count of requests to) to print how many requests were generated.
"""
from __future__ import annotations

import logging
import os
import string
from urllib.parse import quote

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s3emu
from s3emu.intercept import call_app
from s3emu.protocol.routing import ROUTES

EXAMPLES = int(os.environ.get("S3EMU_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
HOST = "https://s3.amazonaws.com"
BUCKET = "fuzz-bucket"
COUNT = {"requests": 0}

SUBRESOURCES = sorted({name for route in ROUTES for name, _ in route.query} |
                      {"versionId", "prefix", "delimiter", "max-keys", "marker", "start-after",
                       "continuation-token", "encoding-type", "partNumber", "uploadId",
                       "max-parts", "part-number-marker", "max-uploads", "key-marker",
                       "response-content-type", "list-type", "fetch-owner"})
NUMBERS = st.sampled_from(["0", "1", "-1", "+5", "007", "²", "٣", " 5", "5_000", "1e3",
                           "9" * 30, "9" * 5000, "10001", "2147483648", ""])
ODD_TEXT = st.text(st.characters(codec="latin-1"), max_size=30)
VALUES = st.one_of(NUMBERS, ODD_TEXT, st.sampled_from([
    "", "*", "AES256", "aws:kms", "COPY", "REPLACE", "bytes=0-1", "bytes=-5", "bytes=5-",
    "bytes=3-1", "bytes=0-1,3-4", "aws-chunked", "gzip, aws-chunked", "fuzz-bucket/key",
    "/fuzz-bucket/key?versionId=null", "%ZZ", "public-read", "bucket-owner-full-control",
    "Wed, 01 Jan 2025 00:00:00 GMT", "AAAAAA==", '"etag"', "GLACIER", "STANDARD", "url",
    "uri=http://acs.amazonaws.com/groups/global/AllUsers", "id=abc", "true", "Enabled"]))
HEADERS = ["content-md5", "x-amz-copy-source", "x-amz-metadata-directive", "range",
           "if-match", "if-none-match", "if-modified-since", "if-unmodified-since",
           "x-amz-checksum-crc32", "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm",
           "x-amz-tagging", "x-amz-tagging-directive", "x-amz-acl", "x-amz-storage-class",
           "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
           "x-amz-server-side-encryption-context", "x-amz-object-attributes",
           "x-amz-decoded-content-length", "content-encoding", "content-type",
           "x-amz-grant-read", "x-amz-grant-full-control", "x-amz-meta-a", "x-amz-meta-b_c",
           "x-amz-copy-source-range", "x-amz-copy-source-if-match",
           "x-amz-server-side-encryption-customer-algorithm",
           "x-amz-server-side-encryption-customer-key",
           "x-amz-server-side-encryption-customer-key-md5", "x-amz-expected-bucket-owner",
           "x-amz-object-ownership", "x-amz-mp-object-size", "x-amz-max-parts",
           "x-amz-part-number-marker", "x-amz-trailer", "x-amz-write-offset-bytes",
           "x-amz-checksum-type", "x-amz-optional-object-attributes", "cache-control"]

DOCUMENTS = [
    b"<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>",
    b"<Delete><Object><Key>key</Key><VersionId>null</VersionId></Object></Delete>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part>"
    b"</CompleteMultipartUpload>",
    b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
    b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
    b"</CreateBucketConfiguration>",
    b"<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant><Grantee "
    b"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
    b"<ID>x</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList>"
    b"</AccessControlPolicy>",
    b"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
    b"<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
    b"</ServerSideEncryptionConfiguration>",
    b"<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls>"
    b"</PublicAccessBlockConfiguration>",
    b"<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>"
    b"</OwnershipControls>",
    b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
    b'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
    b'"Action":"s3:GetObject","Resource":"arn:aws:s3:::fuzz-bucket/*"}]}',
    b"5\r\nhello\r\n0\r\n\r\n",
    b"5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n",
]


@st.composite
def bodies(draw) -> bytes:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return b""
    if kind == 1:
        return draw(st.binary(max_size=300))
    document = draw(st.sampled_from(DOCUMENTS))
    if kind == 2:
        return document
    if kind == 3:   # truncated
        return document[:draw(st.integers(0, max(0, len(document) - 1)))]
    if kind == 4:   # deep nesting, or entities and a DOCTYPE
        depth = draw(st.sampled_from([70, 1200]))
        return draw(st.sampled_from([b"<a>" * depth + b"</a>" * depth,
                                     b"[" * depth + b"]" * depth,
                                     b'<!DOCTYPE d [<!ENTITY e "x">]><Delete>&e;</Delete>']))
    at = draw(st.integers(0, len(document)))          # a random byte spliced in
    return document[:at] + draw(st.binary(min_size=1, max_size=3)) + document[at:]


KEYS = st.one_of(st.none(), st.sampled_from(["key", "other", "dir/", "a b", "caf\u00e9"]),
                 st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
BUCKETS = st.sampled_from([BUCKET, BUCKET, BUCKET, "missing-bucket", "Bad_Name", "ab",
                           "x" * 70, "new-bucket"])


def _path(bucket: str, key: str | None, raw: str) -> str:
    path = "/" + quote(bucket, safe="")
    if key is not None:
        path += "/" + quote(key.encode("utf-8"), safe="/~")
    return path + raw


def _signed(method: str, url: str, headers: dict[str, str], body: bytes,
            garble: int) -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    S3SigV4Auth(Credentials("testing", "testing"), "s3", "us-east-1").add_auth(request)
    signed = dict(request.headers.items())
    if garble == 1:     # the signature's last hex digit changed
        value = signed["Authorization"]
        signed["Authorization"] = value[:-1] + ("0" if value[-1] != "0" else "1")
    elif garble == 2:
        signed["Authorization"] = "AWS4-HMAC-SHA256 Credential=testing/garbled"
    return signed


def _snapshot(emu: s3emu.Emulator):
    """What a failed request must not change: buckets, object versions, uploads, settings."""
    state = []
    for name, bucket in sorted(emu.store.buckets.items()):
        uploads = tuple(sorted((uid, tuple(sorted((n, id(p)) for n, p in up.parts.items())))
                               for uid, up in bucket.uploads.items()))
        versions = tuple(sorted((key, id(version)) for key, version in bucket.objects.items()))
        state.append((name, bucket.region, versions, uploads, repr(bucket.settings)))
    return state


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def world():
    emu = s3emu.Emulator(min_part_size=1)
    errors = _Errors()
    logging.getLogger("s3emu").addHandler(errors)
    with s3emu.mock_s3(emulator=emu):          # botocore signs with the emulator's clock
        _seed(emu)
        yield emu, errors
    logging.getLogger("s3emu").removeHandler(errors)
    print(f"\nfuzz: {COUNT['requests']} signed requests generated")
    tally = os.environ.get("S3EMU_FUZZ_TALLY")     # make fuzz adds up its workers' counts
    if tally:
        with open(tally, "a", encoding="ascii") as file:
            file.write(f"{COUNT['requests']}\n")


def _seed(emu: s3emu.Emulator) -> None:
    import boto3
    emu.reset()
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="key", Body=b"0123456789", Metadata={"a": "b"})
    s3.put_object(Bucket=BUCKET, Key="dir/", Body=b"")
    s3.create_multipart_upload(Bucket=BUCKET, Key="key")


def _serve(world, method, bucket, key, query, headers, body, garble):
    emu, errors = world
    if sum(len(b.objects) for b in emu.store.buckets.values()) > 200:
        _seed(emu)                                  # keep the snapshot cheap
    raw = ("?" + "&".join(quote(k, safe="") + ("=" + quote(v, safe="") if v else "")
                          for k, v in query.items())) if query else ""
    url = HOST + _path(bucket, key, raw)
    signed = _signed(method, url, dict(headers), body, garble)
    before = _snapshot(emu)
    COUNT["requests"] += 1
    response = call_app(emu, method, url, signed, body)
    payload = response.read()
    assert response.status != 500, (method, url, headers, payload[:300])
    assert not errors.records, [r.getMessage() for r in errors.records]
    if response.status >= 400:
        if method != "HEAD":
            assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'), \
                payload[:300]
        assert _snapshot(emu) == before, (method, url, response.status, payload[:300])


@FUZZ
@given(method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]), bucket=BUCKETS,
       key=KEYS, query=st.dictionaries(st.sampled_from(SUBRESOURCES), VALUES, max_size=3),
       headers=st.dictionaries(st.sampled_from(HEADERS), VALUES, max_size=4), body=bodies(),
       garble=st.sampled_from([0, 0, 0, 0, 1, 2]))
def test_signed_random_requests(world, method, bucket, key, query, headers, body, garble):
    _serve(world, method, bucket, key, query, headers, body, garble)


#: (method, query, has key) of the operations that take a body, to aim bodies at handlers
BODY_TARGETS = [("POST", {"delete": ""}, False), ("POST", {"uploadId": "x"}, True),
                ("PUT", {"tagging": ""}, True), ("PUT", {"tagging": ""}, False),
                ("PUT", {"acl": ""}, False), ("PUT", {"acl": ""}, True),
                ("PUT", {"policy": ""}, False), ("PUT", {"encryption": ""}, False),
                ("PUT", {"publicAccessBlock": ""}, False),
                ("PUT", {"ownershipControls": ""}, False), ("PUT", {"versioning": ""}, False),
                ("PUT", {}, False), ("PUT", {}, True), ("POST", {"uploads": ""}, True)]


@FUZZ
@given(target=st.sampled_from(BODY_TARGETS), body=bodies(),
       headers=st.dictionaries(st.sampled_from(["content-md5", "x-amz-checksum-crc32",
                                                "content-encoding", "x-amz-sdk-checksum-algorithm",
                                                "x-amz-decoded-content-length", "content-type"]),
                               VALUES, max_size=2))
def test_bodies_for_operations_that_take_one(world, target, body, headers):
    method, query, has_key = target
    _serve(world, method, BUCKET, "key" if has_key else None, query, headers, body, 0)


@FUZZ
@given(name=st.text(st.sampled_from(string.ascii_lowercase + "-_"), min_size=1, max_size=12),
       value=st.text(st.characters(codec="latin-1"), max_size=60),
       repeat=st.booleans())
def test_header_values_of_any_kind(world, name, value, repeat):
    headers = [("x-amz-meta-" + name, value)] + ([("x-amz-meta-" + name, value)] if repeat else [])
    headers_dict = dict(headers)
    _serve(world, "PUT", BUCKET, "meta", {}, headers_dict, b"data", 0)
