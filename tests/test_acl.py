"""ACLs: GetBucketAcl / PutBucketAcl / GetObjectAcl / PutObjectAcl, canned ACLs, grant headers,
AccessControlPolicy documents, ACLs on object writes and CreateBucket, and their errors."""
from __future__ import annotations

import json

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from s3emu.access.acl import canonical_id
from s3emu.auth.users import DEFAULT_ACCOUNT_ID

from helpers import error_of

OTHER = "210987654321"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OWNER_ID = canonical_id(DEFAULT_ACCOUNT_ID)
OTHER_ID = canonical_id(OTHER)


def client(key="testing", secret="testing"):
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret)


@pytest.fixture
def other(emu):
    emu.add_user("other", "other-secret", account_id=OTHER, name="other",
                  email="other@example.com")
    return client("other", "other-secret")


@pytest.fixture
def anonymous(emu):
    return boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


@pytest.fixture
def acl_bucket(s3):
    """A bucket with ACLs enabled (ObjectWriter) and no public access block."""
    s3.create_bucket(Bucket="acl-bucket", ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket="acl-bucket")
    return "acl-bucket"


def grants(response):
    found = []
    for grant in response["Grants"]:
        grantee = grant["Grantee"]
        found.append((grantee["Type"], grantee.get("ID") or grantee.get("URI"),
                      grant["Permission"]))
    return sorted(found)


# -- defaults: ACLs disabled ----------------------------------------------------------------------
def test_new_bucket_acl_is_owner_full_control(s3, bucket):
    response = s3.get_bucket_acl(Bucket=bucket)
    assert response["Owner"] == {"ID": OWNER_ID, "DisplayName": "s3emu"}
    assert grants(response) == [("CanonicalUser", OWNER_ID, "FULL_CONTROL")]
    assert response["Grants"][0]["Grantee"]["DisplayName"] == "s3emu"


def test_acl_xml_shape(emu, s3, bucket):
    url = s3.generate_presigned_url("get_bucket_acl", Params={"Bucket": bucket})
    body = requests.get(url).text
    assert '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' in body
    assert ('<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:type="CanonicalUser">') in body
    assert "<AccessControlList><Grant>" in body and "<Permission>FULL_CONTROL</Permission>" in body


@pytest.mark.parametrize("acl", ["public-read", "private", "authenticated-read"])
def test_acls_disabled_refuse_bucket_acls(s3, bucket, acl):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_acl(Bucket=bucket, ACL=acl)
    assert error_of(exc) == (400, "AccessControlListNotSupported")
    assert exc.value.response["Error"]["Message"] == "The bucket does not allow ACLs"


def test_acls_disabled_refuse_object_acls_but_bucket_owner_full_control(s3, bucket):
    for call in (lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"),
                 lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private"),
                 lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x",
                                       GrantRead=f'id="{OTHER_ID}"'),
                 lambda: s3.create_multipart_upload(Bucket=bucket, Key="k",
                                                    ACL="authenticated-read")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == (400, "AccessControlListNotSupported")
    assert "k" not in s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=bucket, Key="k", GrantFullControl=f'id="{OWNER_ID}"')
    with pytest.raises(ClientError) as exc:
        s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    assert error_of(exc) == (400, "AccessControlListNotSupported")
    assert grants(s3.get_object_acl(Bucket=bucket, Key="k")) == [
        ("CanonicalUser", OWNER_ID, "FULL_CONTROL")]


def test_acls_disabled_bucket_owner_owns_other_accounts_objects(emu, s3, bucket, other):
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({   # ACLs stay disabled
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    other.put_object(Bucket=bucket, Key="theirs", Body=b"x", ACL="bucket-owner-full-control")
    assert emu.store.bucket(bucket).objects["theirs"].owner == DEFAULT_ACCOUNT_ID
    assert s3.get_object(Bucket=bucket, Key="theirs")["Body"].read() == b"x"
    owner = s3.get_object_acl(Bucket=bucket, Key="theirs")["Owner"]
    assert owner["ID"] == OWNER_ID


# -- canned ACLs ----------------------------------------------------------------------------------
@pytest.mark.parametrize("acl, expected", [
    ("private", []),
    ("public-read", [("Group", ALL_USERS, "READ")]),
    ("public-read-write", [("Group", ALL_USERS, "READ"), ("Group", ALL_USERS, "WRITE")]),
    ("authenticated-read", [("Group", AUTHENTICATED, "READ")]),
    ("log-delivery-write", [("Group", LOG_DELIVERY, "READ_ACP"),
                            ("Group", LOG_DELIVERY, "WRITE")]),
])
def test_canned_bucket_acls(s3, acl_bucket, acl, expected):
    s3.put_bucket_acl(Bucket=acl_bucket, ACL=acl)
    assert grants(s3.get_bucket_acl(Bucket=acl_bucket)) == sorted(
        [("CanonicalUser", OWNER_ID, "FULL_CONTROL")] + expected)


@pytest.mark.parametrize("acl, expected", [
    ("bucket-owner-read", [("CanonicalUser", OWNER_ID, "READ")]),
    ("bucket-owner-full-control", [("CanonicalUser", OWNER_ID, "FULL_CONTROL")]),
    ("public-read", [("Group", ALL_USERS, "READ")]),
])
def test_canned_object_acls_written_by_another_account(s3, acl_bucket, other, acl, expected):
    s3.put_bucket_acl(Bucket=acl_bucket, GrantWrite=f'id="{OTHER_ID}"')
    other.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL=acl)
    response = other.get_object_acl(Bucket=acl_bucket, Key="k")
    assert response["Owner"]["ID"] == OTHER_ID
    assert grants(response) == sorted([("CanonicalUser", OTHER_ID, "FULL_CONTROL")] + expected)


def test_object_acl_on_put_copy_and_multipart(s3, acl_bucket):
    s3.put_object(Bucket=acl_bucket, Key="put", Body=b"x", ACL="public-read")
    s3.copy_object(Bucket=acl_bucket, Key="copy", CopySource=f"{acl_bucket}/put",
                   ACL="authenticated-read")
    upload = s3.create_multipart_upload(Bucket=acl_bucket, Key="mpu", ACL="public-read")
    etag = s3.upload_part(Bucket=acl_bucket, Key="mpu", UploadId=upload["UploadId"],
                          PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket=acl_bucket, Key="mpu", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert ("Group", ALL_USERS, "READ") in grants(s3.get_object_acl(Bucket=acl_bucket,
                                                                    Key="put"))
    assert ("Group", AUTHENTICATED, "READ") in grants(s3.get_object_acl(Bucket=acl_bucket,
                                                                        Key="copy"))
    assert ("Group", ALL_USERS, "READ") in grants(s3.get_object_acl(Bucket=acl_bucket,
                                                                    Key="mpu"))
    s3.copy_object(Bucket=acl_bucket, Key="put", CopySource=f"{acl_bucket}/copy",
                   MetadataDirective="REPLACE")
    assert grants(s3.get_object_acl(Bucket=acl_bucket, Key="put")) == [
        ("CanonicalUser", OWNER_ID, "FULL_CONTROL")]


def test_unknown_canned_acl(s3, acl_bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="everyone")
    assert error_of(exc) == (400, "InvalidArgument")
    assert exc.value.response["Error"]["ArgumentName"] == "x-amz-acl"


# -- explicit grants ------------------------------------------------------------------------------
def test_grant_headers_by_id_uri_and_email(s3, acl_bucket, other):
    s3.put_bucket_acl(Bucket=acl_bucket, GrantRead=f'id="{OTHER_ID}", uri="{AUTHENTICATED}"',
                      GrantWriteACP='emailAddress="Other@Example.com"',
                      GrantFullControl=f"id={OWNER_ID}")
    assert grants(s3.get_bucket_acl(Bucket=acl_bucket)) == sorted([
        ("CanonicalUser", OTHER_ID, "READ"), ("Group", AUTHENTICATED, "READ"),
        ("CanonicalUser", OTHER_ID, "WRITE_ACP"), ("CanonicalUser", OWNER_ID, "FULL_CONTROL")])
    acl = s3.get_bucket_acl(Bucket=acl_bucket)
    shown = [g["Grantee"] for g in acl["Grants"] if g["Grantee"].get("ID") == OTHER_ID]
    assert shown[0]["DisplayName"] == "other"


@pytest.mark.parametrize("header, value, code", [
    ("GrantRead", "nonsense", "InvalidArgument"),
    ("GrantRead", 'id="not-a-canonical-id"', "InvalidArgument"),
    ("GrantRead", 'uri="http://acs.amazonaws.com/groups/global/Nobody"', "InvalidArgument"),
    ("GrantWrite", 'emailAddress="nobody@example.com"', "UnresolvableGrantByEmailAddress"),
])
def test_bad_grant_headers(s3, acl_bucket, header, value, code):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_acl(Bucket=acl_bucket, **{header: value})
    assert error_of(exc) == (400, code)


def test_canned_acl_and_grant_headers_together(s3, acl_bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_acl(Bucket=acl_bucket, ACL="private", GrantRead=f'id="{OTHER_ID}"')
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == (
        "Specifying both Canned ACLs and Header Grants is not allowed")


def policy_document(*items, owner=OWNER_ID):
    return {"Owner": {"ID": owner}, "Grants": list(items)}


def test_access_control_policy_document(s3, acl_bucket, other):
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    s3.put_object_acl(Bucket=acl_bucket, Key="k", AccessControlPolicy=policy_document(
        {"Grantee": {"Type": "CanonicalUser", "ID": OWNER_ID}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
        {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "other@example.com"},
         "Permission": "READ_ACP"}))
    assert grants(s3.get_object_acl(Bucket=acl_bucket, Key="k")) == sorted([
        ("CanonicalUser", OWNER_ID, "FULL_CONTROL"), ("Group", ALL_USERS, "READ"),
        ("CanonicalUser", OTHER_ID, "READ_ACP")])
    assert grants(other.get_object_acl(Bucket=acl_bucket, Key="k"))   # READ_ACP granted
    with pytest.raises(ClientError) as exc:
        other.put_object_acl(Bucket=acl_bucket, Key="k", ACL="private")
    assert error_of(exc) == (403, "AccessDenied")


@pytest.mark.parametrize("body", [
    b"<AccessControlPolicy><AccessControlList/></AccessControlPolicy>",          # no Owner
    b"<AccessControlPolicy><Owner><ID>%s</ID></Owner><AccessControlList><Grant><Grantee>"
    b"<ID>%s</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList>"
    b"</AccessControlPolicy>",                                                    # no xsi:type
    b"<AccessControlPolicy><Owner><ID>%s</ID></Owner><AccessControlList><Grant><Grantee "
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>'
    + ALL_USERS.encode() + b"</URI></Grantee><Permission>EVERYTHING</Permission></Grant>"
    b"</AccessControlList></AccessControlPolicy>",                                # permission
    b"<AccessControlPolicy><Owner>",                                              # not XML
])
def test_malformed_access_control_policy(emu, s3, acl_bucket, body):
    if b"%s" in body:
        body = body.replace(b"%s", OWNER_ID.encode())
    url = s3.generate_presigned_url("put_bucket_acl", Params={"Bucket": acl_bucket})
    response = requests.put(url, data=body)
    assert response.status_code == 400
    assert "<Code>MalformedACLError</Code>" in response.text


def test_access_control_policy_for_another_owner(s3, acl_bucket):
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_acl(Bucket=acl_bucket, AccessControlPolicy=policy_document(
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            owner=OTHER_ID))
    assert error_of(exc) == (403, "AccessDenied")


def test_headers_and_body_together(emu, s3, acl_bucket):
    url = s3.generate_presigned_url("put_bucket_acl",
                                    Params={"Bucket": acl_bucket, "ACL": "private"})
    response = requests.put(url, data=b"<AccessControlPolicy/>",
                            headers={"x-amz-acl": "private"})
    assert (response.status_code, "<Code>UnexpectedContent</Code>" in response.text) == (
        400, True)


def test_no_acl_at_all(emu, s3, acl_bucket):
    url = s3.generate_presigned_url("put_bucket_acl", Params={"Bucket": acl_bucket})
    response = requests.put(url)
    assert response.status_code == 400
    assert "<Code>MissingSecurityHeader</Code>" in response.text
    assert "<MissingHeaderName>x-amz-acl</MissingHeaderName>" in response.text


def test_object_acl_of_missing_key_and_version(s3, acl_bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_object_acl(Bucket=acl_bucket, Key="missing")
    assert error_of(exc) == (404, "NoSuchKey")
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object_acl(Bucket=acl_bucket, Key="k", VersionId="A" * 32)
    assert error_of(exc) == (404, "NoSuchVersion")
    with pytest.raises(ClientError) as exc:
        s3.put_object_acl(Bucket=acl_bucket, Key="k", VersionId="bad", ACL="private")
    assert error_of(exc) == (400, "InvalidArgument")
    assert grants(s3.get_object_acl(Bucket=acl_bucket, Key="k", VersionId="null"))


# -- ACLs grant access ----------------------------------------------------------------------------
def test_object_writer_owns_its_object(s3, acl_bucket, other):
    s3.put_bucket_acl(Bucket=acl_bucket, GrantWrite=f'id="{OTHER_ID}"')
    other.put_object(Bucket=acl_bucket, Key="theirs", Body=b"x")
    with pytest.raises(ClientError) as exc:                 # bucket owner: no object grant
        s3.get_object(Bucket=acl_bucket, Key="theirs")
    assert error_of(exc) == (403, "AccessDenied")
    other.put_object_acl(Bucket=acl_bucket, Key="theirs", ACL="bucket-owner-read")
    assert s3.get_object(Bucket=acl_bucket, Key="theirs")["Body"].read() == b"x"
    s3.delete_object(Bucket=acl_bucket, Key="theirs")       # the bucket owner may delete


def test_bucket_owner_preferred(emu, s3, acl_bucket, other):
    s3.put_bucket_ownership_controls(Bucket=acl_bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_acl(Bucket=acl_bucket, GrantWrite=f'id="{OTHER_ID}"')
    other.put_object(Bucket=acl_bucket, Key="given", Body=b"x", ACL="bucket-owner-full-control")
    other.put_object(Bucket=acl_bucket, Key="kept", Body=b"x")
    objects = emu.store.bucket(acl_bucket).objects
    assert (objects["given"].owner, objects["kept"].owner) == (DEFAULT_ACCOUNT_ID, OTHER)
    assert s3.get_object_acl(Bucket=acl_bucket, Key="given")["Owner"]["ID"] == OWNER_ID


def test_public_read_object_for_anonymous(s3, acl_bucket, anonymous):
    s3.put_object(Bucket=acl_bucket, Key="open", Body=b"hello", ACL="public-read")
    s3.put_object(Bucket=acl_bucket, Key="closed", Body=b"secret")
    assert anonymous.get_object(Bucket=acl_bucket, Key="open")["Body"].read() == b"hello"
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=acl_bucket, Key="closed")
    assert error_of(exc) == (403, "AccessDenied")
    with pytest.raises(ClientError) as exc:
        anonymous.get_object_acl(Bucket=acl_bucket, Key="open")
    assert error_of(exc) == (403, "AccessDenied")


def test_authenticated_read_is_for_signed_requests_only(s3, acl_bucket, other, anonymous):
    s3.put_object(Bucket=acl_bucket, Key="k", Body=b"x", ACL="authenticated-read")
    assert other.get_object(Bucket=acl_bucket, Key="k")["Body"].read() == b"x"
    with pytest.raises(ClientError) as exc:
        anonymous.get_object(Bucket=acl_bucket, Key="k")
    assert error_of(exc) == (403, "AccessDenied")


# -- CreateBucket ---------------------------------------------------------------------------------
def test_create_bucket_private_acl_enables_acls(s3):
    s3.create_bucket(Bucket="with-private", ACL="private")
    controls = s3.get_bucket_ownership_controls(Bucket="with-private")["OwnershipControls"]
    assert controls["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    s3.create_bucket(Bucket="enforced-private", ACL="private",
                     ObjectOwnership="BucketOwnerEnforced")
    controls = s3.get_bucket_ownership_controls(Bucket="enforced-private")["OwnershipControls"]
    assert controls["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


@pytest.mark.parametrize("kwargs, code", [
    ({"ACL": "public-read"}, "InvalidBucketAclWithObjectOwnership"),
    ({"ACL": "authenticated-read", "ObjectOwnership": "BucketOwnerEnforced"},
     "InvalidBucketAclWithObjectOwnership"),
    ({"GrantRead": f'id="{OTHER_ID}"'}, "InvalidBucketAclWithObjectOwnership"),
    ({"ACL": "public-read", "ObjectOwnership": "ObjectWriter"},
     "InvalidBucketAclWithBlockPublicAccessError"),
    ({"ObjectOwnership": "Sometimes"}, "InvalidArgument"),
])
def test_create_bucket_acl_errors(emu, s3, kwargs, code):
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket="refused", **kwargs)
    assert error_of(exc) == (400, code)
    assert "refused" not in emu.store.buckets


def test_create_bucket_with_grants_and_acls_enabled(s3):
    s3.create_bucket(Bucket="granted", ObjectOwnership="ObjectWriter",
                     GrantRead=f'id="{OTHER_ID}"')
    assert ("CanonicalUser", OTHER_ID, "READ") in grants(s3.get_bucket_acl(Bucket="granted"))


def test_anonymous_browser_upload_to_a_public_write_bucket(emu, s3, acl_bucket):
    unsigned = {"key": "drop/${filename}"}
    response = requests.post(f"https://s3.amazonaws.com/{acl_bucket}", data=unsigned,
                             files={"file": ("a.txt", b"x")})
    assert response.status_code == 403
    s3.put_bucket_acl(Bucket=acl_bucket, ACL="public-read-write")
    response = requests.post(f"https://s3.amazonaws.com/{acl_bucket}", data=unsigned,
                             files={"file": ("a.txt", b"x")})
    assert response.status_code == 204
    assert emu.store.bucket(acl_bucket).objects["drop/a.txt"].owner == "anonymous"
