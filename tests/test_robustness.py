"""Bad input gets S3's error, never a traceback: random requests against the in-process app
(auth off, so they reach the handlers) never answer 500 InternalError, and always answer
either a success or S3's XML error document; deeply nested JSON, XML elements of the wrong
shape and XML entities get S3's 4xx."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import string
import xml.etree.ElementTree as ET

import pytest
import requests
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s3emu
from s3emu.intercept import call_app
from s3emu.protocol.routing import ROUTES

SUBRESOURCES = sorted({name for route in ROUTES for name, _ in route.query} | {
    "versionId", "max-keys", "max-buckets", "max-parts", "max-uploads", "part-number-marker",
    "partNumber"})
HEADERS = ["content-md5", "x-amz-copy-source", "x-amz-metadata-directive", "range",
           "if-match", "if-none-match", "if-modified-since", "x-amz-checksum-crc32",
           "x-amz-sdk-checksum-algorithm", "x-amz-tagging", "x-amz-acl", "x-amz-storage-class",
           "x-amz-server-side-encryption", "x-amz-object-attributes",
           "x-amz-decoded-content-length",
           "content-encoding", "x-amz-content-sha256", "x-amz-grant-read", "x-amz-meta-a",
           "x-amz-copy-source-range", "x-amz-server-side-encryption-customer-algorithm",
           "x-amz-server-side-encryption-customer-key", "x-amz-expected-bucket-owner",
           "x-amz-mp-object-size", "x-amz-server-side-encryption-context"]
VALUES = st.one_of(st.sampled_from(["", "*", "AES256", "COPY", "REPLACE", "bytes=0-1", "1",
                                    "-1", "aws-chunked", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                    "bucket/key", "/b/k?versionId=x", "public-read", "%ZZ",
                                    "Wed, 01 Jan 2025 00:00:00 GMT", "AAAAAA==", "ETag",
                                    "²", "٣", "+5", "5_000", "9" * 4301, "bytes=0-" + "9" * 4301,
                                    "bytes=²-3", "W1tbW1tdXV1dXQ=="]),
                   st.text(string.printable, max_size=40))
BODIES = st.one_of(st.just(b""), st.binary(max_size=200),
                   st.sampled_from([b"<Delete><Object><Key>a</Key></Object></Delete>",
                                    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                                    b"</Part></CompleteMultipartUpload>",
                                    b"<Tagging><TagSet/></Tagging>", b"<a>", b"{}",
                                    b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\n"]))


def _emulator() -> s3emu.Emulator:
    emu = s3emu.Emulator(auth="off", min_part_size=1)
    with s3emu.mock_s3(emulator=emu):
        import boto3
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="key", Body=b"0123456789")
        s3.create_multipart_upload(Bucket="bkt", Key="key")
    return emu


EMU = _emulator()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
       path=st.sampled_from(["/", "/bkt", "/bkt/key", "/bkt/other", "/missing/key", "/bkt/a%20b"]),
       query=st.dictionaries(st.sampled_from(SUBRESOURCES), VALUES, max_size=3),
       headers=st.dictionaries(st.sampled_from(HEADERS), VALUES, max_size=4),
       body=BODIES)
def test_random_requests_never_fail_internally(method, path, query, headers, body):
    from urllib.parse import urlencode
    url = "https://s3.amazonaws.com" + path + ("?" + urlencode(query) if query else "")
    headers = {**headers, "Authorization": "AWS testing:x"}
    response = call_app(EMU, method, url, headers, body)
    payload = response.read()
    assert response.status != 500, payload
    if response.status >= 400 and method != "HEAD":
        assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>')


# -- nesting, element shapes, entities (issue 15, defect 3) --------------------------------------
URL = "https://s3.amazonaws.com"


def _fresh() -> s3emu.Emulator:
    emu = s3emu.Emulator(auth="off", min_part_size=1)
    call_app(emu, "PUT", URL + "/bkt", {}, b"").read()
    call_app(emu, "PUT", URL + "/bkt/key", {}, b"0123456789").read()
    return emu


def _upload(emu: s3emu.Emulator) -> tuple[str, str]:
    """An upload of ``bkt/key`` with part 1; its id and the part's ETag."""
    out = call_app(emu, "POST", URL + "/bkt/key?uploads", {}, b"").read()
    upload = ET.fromstring(out).find("{*}UploadId").text
    response = call_app(emu, "PUT", URL + f"/bkt/key?partNumber=1&uploadId={upload}", {}, b"x")
    response.read()
    return upload, dict(response.headers)["ETag"]


def _error(response) -> tuple[int, dict[str, str]]:
    payload = response.read()
    return response.status, {child.tag: child.text or "" for child in ET.fromstring(payload)}


def _nested(depth: int) -> str:
    return '{"Version": "2012-10-17", "Statement": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [65, 1000, 5000])
def test_deeply_nested_bucket_policy_is_malformed(s3, bucket, depth):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy=_nested(depth))
    error = excinfo.value.response["Error"]
    assert (excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"],
            error["Message"]) == (400, "MalformedPolicy", "This policy contains invalid Json")


@pytest.mark.parametrize("depth", [1000, 5000])
def test_deeply_nested_post_policy_is_invalid(emu, bucket, depth):
    """The POST policy is read before any signature is checked (unauthenticated)."""
    document = '{"expiration": "2025-01-01T01:00:00Z", "conditions": ' + "[" * depth + \
        "]" * depth + "}"
    policy = base64.b64encode(document.encode()).decode()
    signature = base64.b64encode(hmac.new(b"testing", policy.encode(), hashlib.sha1).digest())
    fields = {"key": "k", "AWSAccessKeyId": "testing", "policy": policy,
              "signature": signature.decode()}
    response = requests.post(f"{URL}/{bucket}", data=fields, files={"file": ("f", b"data")})
    error = {child.tag: child.text for child in ET.fromstring(response.content)}
    assert (response.status_code, error["Code"], error["Message"]) == \
        (400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")


@pytest.mark.parametrize("context", [
    '{"a":' * 1000 + '"b"' + "}" * 1000, "[" * 5000 + "]" * 5000, '{"a": {"b": "c"}}',
    '{"a": ["b"]}', '{"a": 1}', '["a"]', '"a"'])
def test_encryption_context_that_is_not_a_string_map(s3, bucket, context):
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms",
                      SSEKMSEncryptionContext=base64.b64encode(context.encode()).decode())
    error = excinfo.value.response["Error"]
    assert (excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"],
            error["ArgumentName"], error["ArgumentValue"]) == \
        (400, "InvalidArgument", "x-amz-server-side-encryption-context", "null")


@pytest.mark.parametrize("part", [
    "<PartNumber><a>1</a></PartNumber><ETag>{etag}</ETag>",
    '<PartNumber a="b">1</PartNumber><ETag>{etag}</ETag>',
    "<PartNumber>1</PartNumber><PartNumber>1</PartNumber><ETag>{etag}</ETag>",
    "<PartNumber>1</PartNumber><ETag><x>{etag}</x></ETag>",
    '<PartNumber>1</PartNumber><ETag q="1">{etag}</ETag>',
    "<PartNumber>1</PartNumber><ETag>{etag}</ETag><ETag>{etag}</ETag>",
    "<PartNumber>1</PartNumber><ETag>{etag}</ETag><ChecksumCRC32><a/></ChecksumCRC32>",
    "<PartNumber>²</PartNumber><ETag>{etag}</ETag>",
    "<PartNumber>1_0</PartNumber><ETag>{etag}</ETag>",
    "<PartNumber>" + "9" * 4301 + "</PartNumber><ETag>{etag}</ETag>",
])
def test_complete_multipart_upload_element_shapes(part):
    emu = _fresh()
    upload, etag = _upload(emu)
    body = f"<CompleteMultipartUpload><Part>{part.format(etag=etag)}</Part>" \
           "</CompleteMultipartUpload>"
    response = call_app(emu, "POST", URL + f"/bkt/key?uploadId={upload}", {}, body.encode())
    status, error = _error(response)
    assert (status, error["Code"]) == (400, "MalformedXML")
    listed = call_app(emu, "GET", URL + f"/bkt/key?uploadId={upload}", {}, b"")
    assert listed.status == 200 and b"<PartNumber>1</PartNumber>" in listed.read()


ENTITY_BODIES = [
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<Delete><Object><Key>&x;</Key></Object></Delete>",
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
    b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;'
    b'&c;&c;&c;&c;&c;&c;">]><Delete><Object><Key>&d;</Key></Object></Delete>',
    b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:1/x.dtd">'
    b"<Delete><Object><Key>k</Key></Object></Delete>",
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
    b"<Delete><Object><Key>k</Key></Object></Delete>",
]


@pytest.mark.parametrize("body", ENTITY_BODIES, ids=["xxe", "expansion", "external-dtd",
                                                     "parameter-entity"])
@pytest.mark.parametrize("path", ["/bkt?delete", "/bkt?acl"])
def test_xml_entities_are_refused(body, path):
    emu = _fresh()
    method = "POST" if "delete" in path else "PUT"
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
    status, error = _error(call_app(emu, method, URL + path, headers, body))
    if status == 400 and error["Code"] != "MalformedXML":        # the ACL body's root differs
        assert error["Code"] in ("MalformedACLError",)
    else:
        assert (status, error["Code"]) == (400, "MalformedXML")
    assert call_app(emu, "GET", URL + "/bkt/key", {}, b"").read() == b"0123456789"


#: one valid document per XML-taking operation, mutated element by element below
XML_DOCUMENTS = {
    ("PUT", "/bkt?acl"): '<AccessControlPolicy><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7f'
    'aeebf76c078efc7c6caea54ba06a</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="ht'
    'tp://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>75aa57f09aa0c8caeab'
    '4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Grantee><Permission>FULL_CONTROL</Pe'
    'rmission></Grant></AccessControlList></AccessControlPolicy>',
    ("PUT", "/bkt?encryption"): "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncr"
    "yptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/x</KMSMasterKey"
    "ID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>"
    "</ServerSideEncryptionConfiguration>",
    ("PUT", "/bkt?publicAccessBlock"): "<PublicAccessBlockConfiguration><BlockPublicAcls>true<"
    "/BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls></PublicAccessBlockConfigurati"
    "on>",
    ("PUT", "/bkt?ownershipControls"): "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerE"
    "nforced</ObjectOwnership></Rule></OwnershipControls>",
    ("PUT", "/newbkt"): "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationCon"
    "straint></CreateBucketConfiguration>",
    ("POST", "/bkt?delete"): "<Delete><Object><Key>key</Key><VersionId>null</VersionId></Objec"
    "t><Quiet>true</Quiet></Delete>",
    ("POST", "/bkt/key?uploadId=UPLOAD"): "<CompleteMultipartUpload><Part><PartNumber>1</PartN"
    "umber><ETag>ETAG</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipart"
    "Upload>",
}


def _shapes(doc: str):
    """``doc`` with one element at a time given a child, an attribute, a twin, no text, text
    beside its children, or replaced by text."""
    for m in re.finditer(r"<(\w+)>([^<]+)</\1>", doc):
        name, text = m.groups()
        before, after = doc[:m.start()], doc[m.end():]
        yield from (before + f"<{name}><x>{text}</x></{name}>" + after,
                    before + f'<{name} a="b">{text}</{name}>' + after,
                    before + f"<{name}>{text}</{name}>" * 2 + after,
                    before + f"<{name}/>" + after,
                    before + f"<{name}><x/><y/></{name}>" + after)
    for m in re.finditer(r"<(\w+)( [^>]*)?>(?=<)", doc):
        yield doc[:m.end()] + "text" + doc[m.end():]
        yield doc[:m.start()] + f'<{m.group(1)} q="1"' + doc[m.start() + len(m.group(1)) + 1:]
    for m in re.finditer(r"<(\w+)[^>]*>.*?</\1>", doc):
        yield doc[:m.start()] + f"<{m.group(1)}>t</{m.group(1)}>" + doc[m.end():]
        yield doc[:m.start()] + m.group() * 2 + doc[m.end():]


@pytest.mark.parametrize("method,path", list(XML_DOCUMENTS), ids=[p for _, p in XML_DOCUMENTS])
def test_xml_element_shapes_never_fail_internally(method, path):
    """Every element of every XML-taking operation's document, reshaped: S3's 4xx (or a
    success), never a 500."""
    seen = 0
    for shaped in _shapes(XML_DOCUMENTS[(method, path)]):
        emu = _fresh()
        target = path
        if "UPLOAD" in path:
            upload, etag = _upload(emu)
            target, shaped = path.replace("UPLOAD", upload), shaped.replace("ETAG", etag)
        body = shaped.encode()
        headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
        response = call_app(emu, method, URL + target, headers, body)
        payload = response.read()
        assert response.status < 500, (shaped, payload)
        if response.status >= 400:
            assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>')
        seen += 1
    assert seen >= 5


@pytest.mark.parametrize("tagging", [
    "<Tagging><TagSet>x</TagSet></Tagging>", "<Tagging><TagSet><Tag>x</Tag></TagSet></Tagging>",
    "<Tagging><TagSet><Tag><Key><a/></Key><Value>v</Value></Tag></TagSet></Tagging>",
    '<Tagging><TagSet><Tag><Key a="b">k</Key><Value>v</Value></Tag></TagSet></Tagging>',
    "<Tagging><TagSet><Tag><Key>k</Key><Value><v/></Value></Tag></TagSet></Tagging>"])
def test_post_object_tagging_shapes_are_malformed(tagging):
    emu = _fresh()
    form = requests.Request("POST", URL + "/bkt", data={"key": "k", "tagging": tagging},
                            files={"file": ("f", b"data")}).prepare()
    status, error = _error(call_app(emu, "POST", URL + "/bkt", dict(form.headers), form.body))
    assert (status, error["Code"]) == (400, "MalformedXML")
    assert call_app(emu, "GET", URL + "/bkt/k", {}, b"").status == 404


@pytest.mark.parametrize("shape", ["<LocationConstraint><x>eu-west-1</x></LocationConstraint>",
                                   '<LocationConstraint a="b">eu-west-1</LocationConstraint>',
                                   "<LocationConstraint>eu-west-1</LocationConstraint>" * 2])
def test_create_bucket_location_of_the_wrong_shape_is_malformed(shape):
    """Not read as "no LocationConstraint" (a bucket in us-east-1)."""
    emu = _fresh()
    body = f"<CreateBucketConfiguration>{shape}</CreateBucketConfiguration>".encode()
    status, error = _error(call_app(emu, "PUT", URL + "/newbkt", {}, body))
    assert (status, error["Code"]) == (400, "MalformedXML")
    assert call_app(emu, "HEAD", URL + "/newbkt", {}, b"").status == 404


@pytest.mark.parametrize("shape", ["<VersionId><x>null</x></VersionId>",
                                   '<VersionId a="b">null</VersionId>',
                                   "<VersionId>null</VersionId><VersionId>null</VersionId>"])
def test_delete_objects_version_of_the_wrong_shape_is_malformed(shape):
    """Not read as "no VersionId" (which deletes the current object)."""
    emu = _fresh()
    body = f"<Delete><Object><Key>key</Key>{shape}</Object></Delete>".encode()
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
    status, error = _error(call_app(emu, "POST", URL + "/bkt?delete", headers, body))
    assert (status, error["Code"]) == (400, "MalformedXML")
    assert call_app(emu, "GET", URL + "/bkt/key", {}, b"").read() == b"0123456789"


@pytest.mark.parametrize("method,path,root", [("POST", "/bkt?delete", "Delete"),
                                              ("PUT", "/bkt?encryption",
                                               "ServerSideEncryptionConfiguration")])
def test_deeply_nested_xml_is_malformed(method, path, root):
    emu = _fresh()
    body = f"<{root}><Object>{'<a>' * 50000}{'</a>' * 50000}</Object></{root}>".encode()
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
    status, error = _error(call_app(emu, method, URL + path, headers, body))
    assert (status, error["Code"]) == (400, "MalformedXML")
