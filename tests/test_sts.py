"""Roles and temporary credentials through boto3's STS client, served by the emulator
in-process and by ``s3emu serve``: AssumeRole (trust policy, the caller's own policies,
DurationSeconds and RoleSessionName rules, session policies and tags, role chaining, 501 for
what s3emu does not do), GetSessionToken, GetCallerIdentity; S3 requests with temporary
credentials (the session token required and checked, ExpiredToken once the emulator clock
passes the expiry, presigned URLs too) and the role's policies deciding."""
from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import REGION, error_of

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/reader"
READ_PUBLIC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/public/*"]}]}


def sts(key="testing", secret="testing", token=None, endpoint_url=None):
    return boto3.client("sts", region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        endpoint_url=endpoint_url)


def s3_with(credentials, endpoint_url=None, token=True):
    return boto3.client("s3", region_name=REGION, endpoint_url=endpoint_url,
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"] if token else None)


def refused(call):
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc), exc.value.response["Error"]["Message"]


@pytest.fixture
def data(emu, s3):
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="public/a", Body=b"a")
    s3.put_object(Bucket="data", Key="private/b", Body=b"b")
    emu.add_role("reader", policies=[READ_PUBLIC])
    return "data"


def assume(**more):
    return sts().assume_role(RoleArn=more.pop("RoleArn", ROLE),
                             RoleSessionName=more.pop("RoleSessionName", "worker"), **more)


def test_a_role_session_may_do_what_the_role_allows(emu, data):
    answer = assume()
    assert answer["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/worker"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["Expiration"] == emu.clock.now().replace(microsecond=0) + \
        timedelta(hours=1)
    worker = s3_with(credentials)
    assert worker.get_object(Bucket="data", Key="public/a")["Body"].read() == b"a"
    (status, code), message = refused(
        lambda: worker.get_object(Bucket="data", Key="private/b"))
    assert (status, code) == (403, "AccessDenied")
    assert message == (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/worker is not "
                       'authorized to perform: s3:GetObject on resource: '
                       '"arn:aws:s3:::data/private/b" because no identity-based policy '
                       "allows the s3:GetObject action")
    identity = sts(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                   credentials["SessionToken"]).get_caller_identity()
    assert (identity["Arn"], identity["Account"], identity["UserId"]) == (
        answer["AssumedRoleUser"]["Arn"], ACCOUNT, answer["AssumedRoleUser"]["AssumedRoleId"])


def test_the_credentials_expire_on_the_emulator_clock(emu, data):
    credentials = assume(DurationSeconds=900)["Credentials"]
    worker = s3_with(credentials)
    emu.clock.advance(seconds=899)
    assert worker.get_object(Bucket="data", Key="public/a")["Body"].read() == b"a"
    url = worker.generate_presigned_url("get_object", Params={"Bucket": "data",
                                                              "Key": "public/a"},
                                        ExpiresIn=3600)
    emu.clock.advance(seconds=1)
    assert refused(lambda: worker.get_object(Bucket="data", Key="public/a")) == (
        (400, "ExpiredToken"), "The provided token has expired.")
    answer = requests.get(url)          # the URL's own expiry is later: the token's wins
    assert (answer.status_code, b"<Code>ExpiredToken</Code>" in answer.content) == (400, True)


def test_the_session_token_is_required_and_checked(emu, data):
    credentials = assume()["Credentials"]
    assert refused(lambda: s3_with(credentials, token=False).list_objects_v2(Bucket="data"))[
        0] == (403, "InvalidAccessKeyId")
    wrong = dict(credentials, SessionToken=credentials["SessionToken"][:-4] + "AAAA")
    assert refused(lambda: s3_with(wrong).list_objects_v2(Bucket="data")) == (
        (400, "InvalidToken"), "The provided token is malformed or otherwise invalid.")
    long_term = boto3.client("s3", region_name=REGION, aws_access_key_id="testing",
                             aws_secret_access_key="testing", aws_session_token="anything")
    assert refused(lambda: long_term.list_buckets())[0] == (400, "InvalidToken")


def test_the_trust_policy_and_the_callers_policies_decide(emu, data):
    emu.add_role("locked", trust={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ops"},
        "Action": "sts:AssumeRole"}]})
    (status, code), message = refused(lambda: assume(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/locked"))
    assert (status, code) == (403, "AccessDenied")
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/s3emu is not authorized to perform: "
                       f"sts:AssumeRole on resource: arn:aws:iam::{ACCOUNT}:role/locked")
    emu.add_user("ops", "ops-secret", name="ops")
    sts("ops", "ops-secret").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/locked",
                                         RoleSessionName="ops-session")
    emu.add_user("limited", "secret", name="limited", policies=[READ_PUBLIC])
    assert refused(lambda: sts("limited", "secret").assume_role(
        RoleArn=ROLE, RoleSessionName="limited-session"))[0] == (403, "AccessDenied")
    assert refused(lambda: assume(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/nobody"))[0] == (
        403, "AccessDenied")


@pytest.mark.parametrize("more, message", [
    ({"DurationSeconds": 3601},
     "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
    ({"RoleSessionName": "no spaces"}, "at 'roleSessionName' failed to satisfy constraint"),
])
def test_assume_role_parameters_are_validated(emu, data, more, message):
    (status, code), text = refused(lambda: assume(**more))
    assert (status, code) == (400, "ValidationError")
    assert message in text


def test_a_longer_maximum_and_role_chaining(emu, data):
    emu.add_role("long", max_session_duration=7200, policies=[READ_PUBLIC, {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}])
    long_role = f"arn:aws:iam::{ACCOUNT}:role/long"
    credentials = assume(RoleArn=long_role, DurationSeconds=7200)["Credentials"]
    chained = sts(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                  credentials["SessionToken"])
    (status, code), text = refused(lambda: chained.assume_role(
        RoleArn=long_role, RoleSessionName="again", DurationSeconds=3601))
    assert (status, code) == (400, "ValidationError")
    assert "role chaining" in text
    again = chained.assume_role(RoleArn=long_role, RoleSessionName="again")
    assert again["AssumedRoleUser"]["Arn"].endswith("assumed-role/long/again")


def test_a_session_policy_limits_the_role(emu, data):
    only_a = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data"}]})
    worker = s3_with(assume(Policy=only_a)["Credentials"])
    assert worker.list_objects_v2(Bucket="data")["KeyCount"] == 2
    (status, code), message = refused(lambda: worker.get_object(Bucket="data", Key="public/a"))
    assert (status, code) == (403, "AccessDenied")
    assert message.endswith("because no session policy allows the s3:GetObject action")
    assert refused(lambda: assume(Policy="{broken"))[0] == (400, "MalformedPolicyDocument")


def test_session_tags_are_principal_tags(emu, s3, data):
    s3.put_bucket_policy(Bucket="data", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::data/private/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/clearance": "high"}}}]}))
    high = s3_with(assume(Tags=[{"Key": "clearance", "Value": "high"}])["Credentials"])
    assert high.get_object(Bucket="data", Key="private/b")["Body"].read() == b"b"
    low = s3_with(assume(RoleSessionName="low", Tags=[{"Key": "clearance", "Value": "low"}])[
        "Credentials"])
    assert refused(lambda: low.get_object(Bucket="data", Key="private/b"))[0] == (
        403, "AccessDenied")


def test_what_s3emu_does_not_do_is_501(emu, data):
    (status, code), message = refused(lambda: assume(
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]))
    assert (status, code) == (501, "NotImplemented")
    assert "PolicyArns" in message
    assert refused(lambda: assume(SerialNumber="arn:aws:iam::123456789012:mfa/u",
                                  TokenCode="123456"))[0] == (501, "NotImplemented")


def test_get_session_token(emu, data):
    emu.add_user("reader", "secret", name="reader", policies=[READ_PUBLIC])
    credentials = sts("reader", "secret").get_session_token(DurationSeconds=900)["Credentials"]
    reader = s3_with(credentials)
    assert reader.get_object(Bucket="data", Key="public/a")["Body"].read() == b"a"
    assert refused(lambda: reader.get_object(Bucket="data", Key="private/b"))[0] == (
        403, "AccessDenied")
    session = sts(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                  credentials["SessionToken"])
    assert session.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/reader"
    assert refused(session.get_session_token) == (
        (403, "AccessDenied"), "Cannot call GetSessionToken with session credentials")
    emu.clock.advance(seconds=900)
    assert refused(lambda: reader.list_objects_v2(Bucket="data"))[0] == (400, "ExpiredToken")
    (status, code), _ = refused(session.get_caller_identity)
    assert (status, code) == (400, "ExpiredToken")


def test_sts_signatures_are_checked(emu, data):
    assert refused(lambda: sts("testing", "wrong").get_caller_identity())[0] == (
        403, "SignatureDoesNotMatch")
    assert refused(lambda: sts("nobody", "x").get_caller_identity())[0] == (
        403, "InvalidClientTokenId")


def test_the_live_server_answers_sts(server):
    server.emulator.add_role("reader", policies=[READ_PUBLIC])
    admin_s3 = boto3.client("s3", region_name=REGION, endpoint_url=server.endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    admin_s3.create_bucket(Bucket="data")
    admin_s3.put_object(Bucket="data", Key="public/a", Body=b"a")
    answer = sts(endpoint_url=server.endpoint_url).assume_role(RoleArn=ROLE,
                                                               RoleSessionName="remote")
    worker = s3_with(answer["Credentials"], endpoint_url=server.endpoint_url)
    assert worker.get_object(Bucket="data", Key="public/a")["Body"].read() == b"a"
    assert refused(lambda: worker.put_object(Bucket="data", Key="x", Body=b""))[0] == (
        403, "AccessDenied")


def test_presigned_posts_carry_the_session_token(emu, data):
    emu.add_role("uploader", policies=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"}]}])
    credentials = assume(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/uploader",
                         DurationSeconds=900)["Credentials"]
    post = s3_with(credentials).generate_presigned_post("data", "uploads/a", ExpiresIn=3600)
    assert "x-amz-security-token" in post["fields"]
    answer = requests.post(post["url"], data=post["fields"], files={"file": b"hello"})
    assert answer.status_code == 204
    forged = dict(post["fields"], **{"x-amz-security-token": "forged"})
    answer = requests.post(post["url"], data=forged, files={"file": b"hello"})
    assert (answer.status_code, b"<Code>InvalidToken</Code>" in answer.content) == (400, True)
    emu.clock.advance(seconds=900)
    answer = requests.post(post["url"], data=post["fields"], files={"file": b"hello"})
    assert (answer.status_code, b"<Code>ExpiredToken</Code>" in answer.content) == (400, True)


def test_with_auth_off_any_signature_will_do():
    import s3emu
    with s3emu.mock_s3(auth="off") as emu:
        emu.add_role("reader", policies=[READ_PUBLIC])
        answer = sts("nobody", "whatever").assume_role(RoleArn=ROLE, RoleSessionName="anyone")
        assert answer["AssumedRoleUser"]["Arn"].endswith("assumed-role/reader/anyone")


def test_sts_calls_are_no_s3_requests_on_the_cost_report(emu, data):
    before = emu.cost_report().requests
    assume()
    sts().get_caller_identity()
    assert emu.cost_report().requests == before
