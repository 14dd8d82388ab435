"""The access matrix: principals (owner, another user of the owner's account, another account,
anonymous) x operations x bucket configurations (private, public-read ACL, a policy opening a
prefix, an explicit deny, Block Public Access on), through boto3 clients with their own
credentials and an unsigned client."""
from __future__ import annotations

import functools
import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

OTHER = "210987654321"
BUCKET = "matrix"
ARN = f"arn:aws:s3:::{BUCKET}"
PRINCIPALS = ("owner", "teammate", "other", "anonymous")

OPERATIONS = {
    "get": lambda c: c.get_object(Bucket=BUCKET, Key="pub/a")["Body"].read(),
    "get-secret": lambda c: c.get_object(Bucket=BUCKET, Key="secret/a")["Body"].read(),
    "get-missing": lambda c: c.get_object(Bucket=BUCKET, Key="pub/missing"),
    "head": lambda c: c.head_object(Bucket=BUCKET, Key="pub/a"),
    "put": lambda c: c.put_object(Bucket=BUCKET, Key="pub/new", Body=b"new"),
    "delete": lambda c: c.delete_object(Bucket=BUCKET, Key="pub/a"),
    "list": lambda c: c.list_objects_v2(Bucket=BUCKET),
    "list-pub": lambda c: c.list_objects_v2(Bucket=BUCKET, Prefix="pub/"),
    "get-acl": lambda c: c.get_bucket_acl(Bucket=BUCKET),
    "get-ownership": lambda c: c.get_bucket_ownership_controls(Bucket=BUCKET),
}

OWN = {"get": 200, "get-secret": 200, "get-missing": 404, "head": 200, "put": 200,
       "delete": 204, "list": 200, "list-pub": 200, "get-acl": 200, "get-ownership": 200}
NOTHING = dict.fromkeys(OPERATIONS, 403)
PUBLIC_READ = {**NOTHING, "get": 200, "get-missing": 404, "head": 200, "list": 200,
               "list-pub": 200}
PREFIX_POLICY = {**NOTHING, "get": 200, "head": 200, "list-pub": 200}
DENY_SECRET = {**OWN, "get-secret": 403}
OTHER_UNDER_DENY = {**NOTHING, "get": 200, "get-missing": 404, "head": 200, "list": 200,
                    "list-pub": 200}

EXPECTED = {
    "private": {"owner": OWN, "teammate": OWN, "other": NOTHING, "anonymous": NOTHING},
    "public-read-acl": {"owner": OWN, "teammate": OWN, "other": PUBLIC_READ,
                        "anonymous": PUBLIC_READ},
    "prefix-policy": {"owner": OWN, "teammate": OWN, "other": PREFIX_POLICY,
                      "anonymous": PREFIX_POLICY},
    "explicit-deny": {"owner": DENY_SECRET, "teammate": DENY_SECRET,
                      "other": OTHER_UNDER_DENY, "anonymous": NOTHING},
    "bpa-on": {"owner": OWN, "teammate": OWN, "other": NOTHING, "anonymous": NOTHING},
}


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _configure(s3, name):
    if name in ("public-read-acl", "bpa-on"):
        s3.create_bucket(Bucket=BUCKET, ObjectOwnership="ObjectWriter")
        s3.delete_public_access_block(Bucket=BUCKET)
        s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
        s3.put_object(Bucket=BUCKET, Key="pub/a", Body=b"a", ACL="public-read")
        s3.put_object(Bucket=BUCKET, Key="secret/a", Body=b"s")
        if name == "bpa-on":
            s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True})
        return
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="pub/a", Body=b"a")
    s3.put_object(Bucket=BUCKET, Key="secret/a", Body=b"s")
    if name == "prefix-policy":
        s3.delete_public_access_block(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=_policy(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"{ARN}/pub/*"},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": ARN,
             "Condition": {"StringLike": {"s3:prefix": "pub/*"}}}))
    elif name == "explicit-deny":
        s3.put_bucket_policy(Bucket=BUCKET, Policy=_policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"{ARN}/secret/*"},
            {"Effect": "Allow", "Principal": {"AWS": OTHER},
             "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [ARN, f"{ARN}/*"]}))


def _clients(emu):
    emu.add_user("teammate", "teammate-secret", name="teammate")
    emu.add_user("other", "other-secret", account_id=OTHER, name="other")

    def signed(key, secret):
        return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret)
    return {"owner": signed("testing", "testing"),
            "teammate": signed("teammate", "teammate-secret"),
            "other": signed("other", "other-secret"),
            "anonymous": boto3.client("s3", region_name="us-east-1",
                                      config=Config(signature_version=UNSIGNED))}


def _status(call) -> int:
    try:
        response = call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"]
    if isinstance(response, bytes):
        return 200
    return response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("configuration", list(EXPECTED))
def test_matrix(emu, configuration, principal):
    clients = _clients(emu)
    _configure(clients["owner"], configuration)
    caller = clients[principal]
    got = {}
    for name, operation in OPERATIONS.items():
        if name in ("put", "delete"):
            continue                    # they change the bucket: checked last, below
        got[name] = _status(functools.partial(operation, caller))
    got["put"] = _status(lambda: OPERATIONS["put"](caller))
    got["delete"] = _status(lambda: OPERATIONS["delete"](caller))
    assert got == EXPECTED[configuration][principal]
    written = emu.store.bucket(BUCKET).objects
    assert ("pub/new" in written) == (got["put"] == 200)
    assert ("pub/a" in written) == (got["delete"] != 204)


def test_denials_are_s3_access_denied(emu):
    clients = _clients(emu)
    _configure(clients["owner"], "private")
    for principal in ("other", "anonymous"):
        with pytest.raises(ClientError) as exc:
            clients[principal].get_object(Bucket=BUCKET, Key="pub/a")
        error = exc.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("AccessDenied", "Access Denied")
    with pytest.raises(ClientError) as exc:
        clients["anonymous"].list_objects_v2(Bucket="no-such-bucket")
    assert exc.value.response["Error"]["Code"] == "NoSuchBucket"


def test_unauthorized_requests_change_nothing(emu):
    clients = _clients(emu)
    _configure(clients["owner"], "private")
    before = emu.store.bucket(BUCKET).settings
    for principal in ("other", "anonymous"):
        caller = clients[principal]
        for call in (lambda caller=caller: caller.put_bucket_policy(Bucket=BUCKET, Policy=_policy(
                         {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                          "Resource": f"{ARN}/*"})),
                     lambda caller=caller: caller.delete_public_access_block(Bucket=BUCKET),
                     lambda caller=caller: caller.put_bucket_ownership_controls(
                         Bucket=BUCKET, OwnershipControls={
                             "Rules": [{"ObjectOwnership": "ObjectWriter"}]}),
                     lambda caller=caller: caller.delete_bucket(Bucket=BUCKET)):
            assert _status(call) == 403
    assert emu.store.bucket(BUCKET).settings == before
