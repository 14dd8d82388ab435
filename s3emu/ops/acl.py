"""ACLs over HTTP: GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl, and the ACL of
what CreateBucket and the object writes create.

The rules, from S3's ACL and Object Ownership documentation:

- an ACL comes from exactly one of ``x-amz-acl`` (a canned ACL), ``x-amz-grant-*`` headers or
  an ``AccessControlPolicy`` body: a canned ACL and grant headers together are InvalidRequest,
  headers and a body together UnexpectedContent, none of them (PutBucketAcl / PutObjectAcl)
  MissingSecurityHeader; a body that is not a valid ``AccessControlPolicy`` (no Owner, a
  Grantee without ``xsi:type``, an unknown Permission) is MalformedACLError; an Owner that is
  not the resource's owner is AccessDenied; a malformed grant header, canonical id or group
  URI is InvalidArgument; an unknown e-mail address UnresolvableGrantByEmailAddress;
- with ACLs disabled (``BucketOwnerEnforced``, the default) every ACL-setting request fails
  with AccessControlListNotSupported except ``bucket-owner-full-control`` or its equivalent
  (one FULL_CONTROL grant to the bucket owner); reading an ACL shows FULL_CONTROL for the
  bucket owner; the bucket owner owns every new object;
- with ``BucketOwnerPreferred`` an object written with ``bucket-owner-full-control`` belongs to
  the bucket owner; otherwise (and with ``ObjectWriter``) to the writer's account;
- with BlockPublicAcls, a public ACL (AllUsers / AuthenticatedUsers grants) is AccessDenied;
- CreateBucket: ``x-amz-object-ownership`` must be one of the three settings
  (InvalidArgument); an ACL other than ``private`` needs ACLs enabled
  (InvalidBucketAclWithObjectOwnership) and, since new buckets block public access, may not
  be public (InvalidBucketAclWithBlockPublicAccessError); ``private`` without an ownership
  header makes a ``BucketOwnerPreferred`` bucket.

Grants by e-mail address resolve against ``Emulator.add_user(..., email=...)``.
"""
from __future__ import annotations

from typing import Any

from ..access.acl import (CANNED, GRANT_HEADERS, GROUP, PERMISSIONS, Acl, Grant, USER, canned,
                          canonical_id, check_canonical_id, check_group, grants_from_headers,
                          private, resolve_email)
from ..access.decide import bucket_acl, object_acl, object_owner
from ..errors import (AccessControlListNotSupported, AccessDenied,
                      InvalidBucketAclWithBlockPublicAccessError,
                      InvalidBucketAclWithObjectOwnership, InvalidArgument, InvalidRequest,
                      MalformedACLError, MalformedXML, MissingSecurityHeader, UnexpectedContent)
from ..model.bucket import Bucket
from ..model.settings import ENFORCED, OWNERSHIPS, PREFERRED, BucketSettings
from ..protocol import xml
from .support.versions import readable_version
from .listing import owner_of
from ..operations import BUCKET, OBJECT_READ
from .support.events import object_event
from .registry import Call, Reply, operation

XSI = "http://www.w3.org/2001/XMLSchema-instance"
BOTH = "Specifying both Canned ACLs and Header Grants is not allowed"
_TYPES = ("CanonicalUser", "AmazonCustomerByEmail", "Group")


def _email(call: Call):
    emails = call.users.emails
    return lambda address: resolve_email(address, emails)


def _canned(call: Call, owner: str, bucket_owner: str) -> tuple[Acl | None, str | None]:
    """The ACL the request's ``x-amz-acl`` / ``x-amz-grant-*`` headers ask for, and the
    canned name (None, None when they ask for nothing)."""
    if not call.header_names.acl:
        return None, None
    name = call.headers.get("x-amz-acl")
    if name is None and GRANT_HEADERS.keys().isdisjoint(call.headers):
        return None, None
    grants = grants_from_headers(call.headers, _email(call))
    if name is not None and grants is not None:
        raise InvalidRequest(BOTH)
    if name is not None:
        if name not in CANNED:
            raise InvalidArgument(None, ArgumentName="x-amz-acl", ArgumentValue=name)
        return canned(name, owner, bucket_owner), name
    if grants is not None:
        return Acl(owner, grants), None
    return None, None


def _grant(item: Any, emails) -> Grant:
    if not isinstance(item, dict) or not isinstance(item.get("Grantee"), dict):
        raise MalformedACLError()
    grantee, permission = item["Grantee"], item.get("Permission")
    kind = grantee.get("type") or grantee.get("@type")
    if permission not in PERMISSIONS or kind not in _TYPES:
        raise MalformedACLError()
    if kind == "CanonicalUser" and isinstance(grantee.get("ID"), str):
        return Grant(USER, check_canonical_id(grantee["ID"], "CanonicalUser/ID"), permission)
    if kind == "Group" and isinstance(grantee.get("URI"), str):
        return Grant(GROUP, check_group(grantee["URI"], "Group/URI"), permission)
    if kind == "AmazonCustomerByEmail" and isinstance(grantee.get("EmailAddress"), str):
        return Grant(USER, emails(grantee["EmailAddress"]), permission)
    raise MalformedACLError()


def parse_policy(body: bytes, owner: str, emails) -> Acl:
    """An ``AccessControlPolicy`` document as the ACL of a resource owned by ``owner``."""
    try:
        doc = xml.parse(body, "AccessControlPolicy")
    except MalformedXML:
        raise MalformedACLError() from None
    given = doc.get("Owner")
    if not isinstance(given, dict) or not isinstance(given.get("ID"), str):
        raise MalformedACLError()
    if given["ID"] != canonical_id(owner):
        raise AccessDenied()
    listed = doc.get("AccessControlList")
    if listed is not None and not isinstance(listed, (dict, str)):
        raise MalformedACLError()
    items = xml.as_list(listed.get("Grant")) if isinstance(listed, dict) else []
    return Acl(owner, tuple(_grant(item, emails) for item in items))


def requested_acl(call: Call, owner: str, bucket_owner: str) -> tuple[Acl, str | None]:
    """The ACL a PutBucketAcl / PutObjectAcl request sets, and its canned name if any."""
    acl, name = _canned(call, owner, bucket_owner)
    body = call.verified_body()
    if acl is not None:
        if body.strip():
            raise UnexpectedContent()
        return acl, name
    if not body.strip():
        raise MissingSecurityHeader(MissingHeaderName="x-amz-acl")
    return parse_policy(body, owner, _email(call)), None


def _owner_full_control(acl: Acl, name: str | None, bucket_owner: str) -> bool:
    return name == "bucket-owner-full-control" or (
        name is None and acl.only_full_control_to(bucket_owner))


def _check_settable(bucket: Bucket, acl: Acl, name: str | None) -> None:
    """The Object Ownership and Block Public Access rules for setting ``acl``."""
    settings = bucket.settings
    if not settings.acls_enabled:
        if not _owner_full_control(acl, name, bucket.owner):
            raise AccessControlListNotSupported()
    elif acl.is_public and settings.block_flags["BlockPublicAcls"]:
        raise AccessDenied()


def written_by(call: Call, bucket: Bucket | None = None) -> dict[str, Any]:
    """``owner`` and ``acl`` of an object this request writes to ``bucket`` (default: the
    request's) from ``x-amz-acl`` / ``x-amz-grant-*``, Object Ownership and Block Public
    Access."""
    bucket = call.store.bucket(call.bucket_name) if bucket is None else bucket
    writer = call.user.account_id
    acl, name = _canned(call, writer, bucket.owner)
    if acl is not None:
        _check_settable(bucket, acl, name)
    mode = bucket.settings.object_ownership
    if mode == ENFORCED:
        return {"owner": bucket.owner, "acl": None}
    if mode == PREFERRED and name == "bucket-owner-full-control":
        return {"owner": bucket.owner, "acl": canned(name, bucket.owner, bucket.owner)}
    return {"owner": writer, "acl": acl}


def bucket_settings(call: Call, start: BucketSettings) -> dict[str, Any]:
    """Object Ownership and ACL of a bucket CreateBucket makes (``ownership`` and ``acl``
    fields of its settings), checked before it is made; ``start``: the settings new buckets
    start from (today's: ACLs disabled, public ACLs blocked)."""
    headers = call.headers
    mode = headers.get("x-amz-object-ownership")
    if mode is not None and mode not in OWNERSHIPS:
        raise InvalidArgument(f"Invalid x-amz-object-ownership header: {mode}",
                              ArgumentName="x-amz-object-ownership", ArgumentValue=mode)
    acl, name = _canned(call, call.user.account_id, call.user.account_id)
    enforced = start.ownership == ENFORCED
    if acl is not None and name == "private":
        return {"ownership": mode or (PREFERRED if enforced else start.ownership), "acl": None}
    if acl is not None:
        if (mode or start.object_ownership) == ENFORCED:
            raise InvalidBucketAclWithObjectOwnership()
        if acl.is_public and start.block_flags["BlockPublicAcls"]:
            raise InvalidBucketAclWithBlockPublicAccessError()
    return {"ownership": mode or start.ownership, "acl": acl}


def render(call: Call, acl: Acl) -> dict[str, Any]:
    """The children of an ``AccessControlPolicy`` response."""
    accounts = {canonical_id(u.account_id): u.account_id for u in call.users}
    grants = []
    for grant in acl.grants:
        if grant.kind == GROUP:
            grantee: dict[str, Any] = {"URI": grant.grantee}
        else:
            account = accounts.get(grant.grantee)
            grantee = owner_of(call, account) if account else {"ID": grant.grantee}
        grantee["@attrs"] = {"xmlns:xsi": XSI, "xsi:type": grant.kind}
        grants.append({"Grantee": grantee, "Permission": grant.permission})
    return {"Owner": owner_of(call, acl.owner), "AccessControlList": {"Grant": grants}}


@operation("GetBucketAcl", action="s3:GetBucketAcl", kind=BUCKET, acl="READ_ACP")
def get_bucket_acl(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    settings = bucket.settings
    acl = bucket_acl(bucket.owner, settings) if settings.acls_enabled else private(bucket.owner)
    return Reply(xml=("AccessControlPolicy", render(call, acl)))


@operation("PutBucketAcl", action="s3:PutBucketAcl", kind=BUCKET, acl="WRITE_ACP")
def put_bucket_acl(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    acl, name = requested_acl(call, bucket.owner, bucket.owner)
    _check_settable(bucket, acl, name)
    if bucket.settings.acls_enabled:
        bucket.configure(acl=acl)
    return Reply()


@operation("GetObjectAcl", action="s3:GetObjectAcl", versioned_action="s3:GetObjectVersionAcl",
           kind=OBJECT_READ, acl="READ_ACP")
def get_object_acl(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    version = readable_version(bucket, call.object_key, call.query.get("versionId"), call.method)
    acl = object_acl(bucket.owner, bucket.settings, version)
    return Reply(xml=("AccessControlPolicy", render(call, acl)))


@operation("PutObjectAcl", action="s3:PutObjectAcl", versioned_action="s3:PutObjectVersionAcl",
           kind=OBJECT_READ, acl="WRITE_ACP")
def put_object_acl(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    version = readable_version(bucket, call.object_key, call.query.get("versionId"), call.method)
    owner = object_owner(bucket.owner, bucket.settings, version)
    acl, name = requested_acl(call, owner, bucket.owner)
    _check_settable(bucket, acl, name)
    if bucket.settings.acls_enabled:
        changed = version.evolve(acl=acl)
        bucket.replace_version(version, changed)
        object_event(call, bucket, "ObjectAcl:Put", changed)
    return Reply()
