"""Identities with permissions, through boto3 with real signed requests: identity-based
policies of users and roles against bucket policies (the same-account / cross-account matrix
of IAM's policy evaluation logic), permissions boundaries, session policies, ListBuckets and
CreateBucket for restricted users, AWS's access-denied messages, the principal condition keys,
and the documents' own validation."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import REGION, error_of

OWNER = "123456789012"
OTHER = "210987654321"
READ = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}
DENY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}
EVERYTHING = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def client(key, secret="secret", token=None):
    return boto3.client("s3", region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token)


def refused(call):
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc), exc.value.response["Error"]["Message"]


@pytest.fixture
def shared(s3):
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="doc", Body=b"x")
    return "shared"


def _bucket_policy(s3, effect, principal):
    s3.put_bucket_policy(Bucket="shared", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": effect, "Principal": {"AWS": principal}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*"}]}))


@pytest.mark.parametrize("account", [OWNER, OTHER])
@pytest.mark.parametrize("identity", ["allow", "deny", "none"])
@pytest.mark.parametrize("resource", ["allow", "deny", "none"])
def test_the_evaluation_matrix(emu, s3, shared, account, identity, resource):
    policies = {"allow": [READ], "deny": [READ, DENY], "none": []}[identity]
    emu.add_user("worker", "secret", account_id=account, name="worker", policies=policies)
    if resource != "none":
        _bucket_policy(s3, resource.capitalize(), f"arn:aws:iam::{account}:user/worker")
    if "deny" in (identity, resource):
        expected = False                               # an explicit deny anywhere wins
    elif account == OWNER:
        expected = "allow" in (identity, resource)     # one account: either policy suffices
    else:
        expected = identity == resource == "allow"     # across accounts: both must allow
    worker = client("worker")
    if expected:
        assert worker.get_object(Bucket="shared", Key="doc")["Body"].read() == b"x"
    else:
        (status, code), _ = refused(lambda: worker.get_object(Bucket="shared", Key="doc"))
        assert (status, code) == (403, "AccessDenied")


def test_same_account_denials_say_why(emu, s3, shared):
    emu.add_user("worker", "secret", name="worker", policies=[READ])
    worker = client("worker")
    _, message = refused(lambda: worker.put_object(Bucket="shared", Key="new", Body=b""))
    assert message == ('User: arn:aws:iam::123456789012:user/worker is not authorized to '
                       'perform: s3:PutObject on resource: "arn:aws:s3:::shared/new" because '
                       'no identity-based policy allows the s3:PutObject action')
    emu.add_user("denied", "secret", name="denied", policies=[READ, DENY])
    _, message = refused(lambda: client("denied").get_object(Bucket="shared", Key="doc"))
    assert message.endswith("with an explicit deny in an identity-based policy")
    _bucket_policy(s3, "Deny", "arn:aws:iam::123456789012:user/worker")
    _, message = refused(lambda: worker.get_object(Bucket="shared", Key="doc"))
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_other_accounts_get_the_plain_message(emu, s3, shared):
    emu.add_user("outsider", "secret", account_id=OTHER, name="outsider", policies=[READ])
    assert refused(lambda: client("outsider").get_object(Bucket="shared", Key="doc")) == (
        (403, "AccessDenied"), "Access Denied")


def test_a_permissions_boundary_limits_what_the_policies_grant(emu, s3, shared):
    emu.add_user("bounded", "secret", name="bounded", policies=[EVERYTHING], boundary=READ)
    bounded = client("bounded")
    assert bounded.get_object(Bucket="shared", Key="doc")["Body"].read() == b"x"
    _, message = refused(lambda: bounded.delete_object(Bucket="shared", Key="doc"))
    assert message.endswith("because no permissions boundary allows the s3:DeleteObject action")


def test_users_without_policies_keep_their_accounts_rights(emu, s3, shared):
    emu.add_user("admin", "secret", name="admin")
    assert client("admin").get_object(Bucket="shared", Key="doc")["Body"].read() == b"x"


def test_list_buckets_and_create_bucket_need_identity_permission(emu, s3, shared):
    emu.add_user("reader", "secret", name="reader", policies=[READ])
    reader = client("reader")
    (status, code), message = refused(reader.list_buckets)
    assert (status, code) == (403, "AccessDenied")
    assert message == ('User: arn:aws:iam::123456789012:user/reader is not authorized to '
                       'perform: s3:ListAllMyBuckets on resource: "*" because no '
                       'identity-based policy allows the s3:ListAllMyBuckets action')
    (status, code), message = refused(lambda: reader.create_bucket(Bucket="mine"))
    assert (status, code) == (403, "AccessDenied")
    assert "s3:CreateBucket" in message
    emu.add_user("maker", "secret", name="maker", policies=[{"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:ListAllMyBuckets"],
                       "Resource": "*"}]}])
    maker = client("maker")
    maker.create_bucket(Bucket="mine")
    assert "mine" in [b["Name"] for b in maker.list_buckets()["Buckets"]]


def test_policy_variables_and_principal_tags(emu, s3, shared):
    s3.put_object(Bucket="shared", Key="home/olga/a", Body=b"o")
    s3.put_object(Bucket="shared", Key="home/ivan/a", Body=b"i")
    s3.put_object(Bucket="shared", Key="team/red/a", Body=b"r")
    emu.add_user("olga", "secret", name="olga", tags={"team": "red"}, policies=[{
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::shared/home/${aws:username}/*"},
            {"Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::shared/team/*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}}]}])
    olga = client("olga")
    assert olga.get_object(Bucket="shared", Key="home/olga/a")["Body"].read() == b"o"
    assert olga.get_object(Bucket="shared", Key="team/red/a")["Body"].read() == b"r"
    assert refused(lambda: olga.get_object(Bucket="shared", Key="home/ivan/a"))[0] == (
        403, "AccessDenied")


@pytest.mark.parametrize("document, problem", [
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                     "Resource": "*"}]}, "no Principal"),
    ({"Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}, "Effect"),
    ({"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]},
     "service:Action"),
    ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}]}, "an ARN"),
    ({"Statement": []}, "empty"),
    ("{not json", "JSON"),
])
def test_malformed_identity_policies_are_refused(emu, document, problem):
    with pytest.raises(ValueError, match=problem):
        emu.add_user("bad", "secret", policies=[document])


@pytest.mark.s3emu(users=[{"access_key": "marked", "secret": "secret", "name": "marked",
                           "policies": [READ]}],
                   roles=[{"name": "marked-role", "policies": [READ]}])
def test_the_marker_adds_identities(emu, s3, shared):
    marked = client("marked")
    assert marked.get_object(Bucket="shared", Key="doc")["Body"].read() == b"x"
    assert refused(lambda: marked.delete_object(Bucket="shared", Key="doc"))[0] == (
        403, "AccessDenied")
    assert f"arn:aws:iam::{OWNER}:role/marked-role" in emu.users.roles


def test_a_users_file_gives_policies_and_roles(tmp_path):
    from helpers import start_serve
    users = tmp_path / "users.json"
    users.write_text(json.dumps({
        "users": [{"access_key": "boss", "secret": "boss-secret"},
                  {"access_key": "reader", "secret": "reader-secret", "name": "reader",
                   "policies": [READ], "tags": {"team": "red"}}],
        "roles": [{"name": "reader-role", "policies": [READ]}]}))
    proc, endpoint, _ = start_serve("--users-file", str(users))
    try:
        boss = boto3.client("s3", region_name=REGION, endpoint_url=endpoint,
                            aws_access_key_id="boss", aws_secret_access_key="boss-secret")
        boss.create_bucket(Bucket="shared")
        boss.put_object(Bucket="shared", Key="doc", Body=b"x")
        reader = boto3.client("s3", region_name=REGION, endpoint_url=endpoint,
                              aws_access_key_id="reader", aws_secret_access_key="reader-secret")
        assert reader.get_object(Bucket="shared", Key="doc")["Body"].read() == b"x"
        assert refused(lambda: reader.put_object(Bucket="shared", Key="new", Body=b""))[0] == (
            403, "AccessDenied")
        sts = boto3.client("sts", region_name=REGION, endpoint_url=endpoint,
                           aws_access_key_id="boss", aws_secret_access_key="boss-secret")
        answer = sts.assume_role(RoleArn=f"arn:aws:iam::{OWNER}:role/reader-role",
                                 RoleSessionName="from-file")
        assert answer["AssumedRoleUser"]["Arn"].endswith("assumed-role/reader-role/from-file")
    finally:
        proc.terminate()
        proc.communicate()


def test_a_bad_document_in_a_users_file_is_one_line(tmp_path):
    import subprocess
    import sys
    from helpers import CHILD_CWD, child_env
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"users": [{"access_key": "a", "secret": "s", "policies": [
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                        "Resource": "*"}]}]}]}))
    done = subprocess.run([sys.executable, "-m", "s3emu", "serve", "--port", "0",
                           "--users-file", str(users)], capture_output=True, text=True,
                          cwd=CHILD_CWD, env=child_env(), timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"s3emu: --users-file {users}: user 'a': an identity policy's statements have no "
        "Principal"]


def test_the_journal_says_what_decided(emu, s3, shared):
    s3.put_bucket_policy(Bucket="shared", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "Readers", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{OTHER}:user/outsider"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"},
            {"Sid": "NoSecrets", "Effect": "Deny", "Principal": "*",
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/secret"}]}))
    s3.put_object(Bucket="shared", Key="secret", Body=b"s")
    emu.add_user("outsider", "secret", account_id=OTHER, name="outsider")
    emu.add_user("worker", "secret", name="worker", policies=[{
        "Version": "2012-10-17", "Statement": [{
            "Sid": "WorkerReads", "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*"}]}])
    outsider, worker = client("outsider"), client("worker")
    emu.journal.clear()
    outsider.get_object(Bucket="shared", Key="doc")
    refused(lambda: outsider.get_object(Bucket="shared", Key="secret"))
    refused(lambda: outsider.put_object(Bucket="shared", Key="doc", Body=b""))
    worker.get_object(Bucket="shared", Key="doc")
    refused(lambda: worker.delete_object(Bucket="shared", Key="doc"))
    refused(worker.list_buckets)
    assert [(e.operation, e.status, e.access) for e in emu.journal] == [
        ("GetObject", 200, "allowed by the bucket policy's statement 'Readers'"),
        ("GetObject", 403, "denied by the bucket policy's statement 'NoSecrets'"),
        ("PutObject", 403, "denied: no bucket policy allows it"),
        ("GetObject", 200, "allowed by identity-based policy statement 'WorkerReads'"),
        ("DeleteObject", 403, "denied: no identity-based policy allows it"),
        ("ListBuckets", 403, "denied: no identity-based policy allows it")]
