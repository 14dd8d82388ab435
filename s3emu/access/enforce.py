"""Enforcement: the access decision applied to a request (a handler's ``Call``).

:func:`authorize` runs once per request, after authentication and before the handler; it
raises 403 AccessDenied when :func:`s3emu.access.decide.decide` says no. When the requester's
account owns the bucket, the bucket has no policy and ACLs are disabled (the default), it
costs two dictionary look-ups. Operations that authorize themselves call in here:
CopyObject and UploadPartCopy check the source with :func:`require` (``s3:GetObject``),
DeleteObjects asks :func:`allowed` for each key, PostObject checks the form's signer with
:func:`require`. Reading a key that does not exist (GetObject, HeadObject,
GetObjectAttributes) is AccessDenied rather than NoSuchKey unless the requester may list the
bucket (``s3:ListBucket``), as S3 answers. ``x-amz-expected-bucket-owner`` naming another
account is AccessDenied. Get/Put/DeleteBucketPolicy granted to another account are 405
MethodNotAllowed (only the bucket owner's account may make them). On a Requester Pays bucket,
a requester outside the owner's account must agree to pay (``x-amz-request-payer``) before
the policy and ACLs are asked; an anonymous one is refused.

The request context offered to policy conditions (keys are case-insensitive):
``aws:SourceIp``, ``aws:SecureTransport``, ``aws:CurrentTime``, ``aws:EpochTime``,
``aws:UserAgent``, ``aws:Referer``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
``aws:PrincipalType``, ``aws:username``, ``aws:userid``; ``s3:prefix``, ``s3:delimiter``,
``s3:max-keys`` (listings), ``s3:VersionId``, ``s3:x-amz-acl``, ``s3:x-amz-grant-*`` and the
other ``s3:x-amz-*`` request headers, ``s3:ExistingObjectTag/<key>`` (the object's tags),
``s3:RequestObjectTag/<key>`` and ``s3:RequestObjectTagKeys`` (``x-amz-tagging``, or the
body of PutObjectTagging), the tag keys offered only when the bucket policy tests them,
``s3:signatureversion``, ``s3:authType``, ``s3:ResourceAccount``.

This module imports the standard library, errors, the auth package's users, the access
package and the protocol's Tagging document; it reads a Call's attributes but does not import ops.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import parse_qsl

from ..errors import AccessDenied, MalformedXML, MethodNotAllowed
from ..protocol.tagging import parse_tagging
from .acl import canonical_id
from ..operations import BUCKET, OBJECT_READ, Operation, named
from .actions import resource_arn
from ..model.settings import ENFORCED, REQUESTER
from .decide import Why, decide, identity_words
from .policy import Who

if TYPE_CHECKING:
    from ..auth.users import User
    from ..model.bucket import Bucket

#: Request headers offered as ``s3:<header>`` condition keys.
_HEADER_KEYS = (
    "x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
    "x-amz-grant-write-acp", "x-amz-grant-full-control", "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-storage-class",
    "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-content-sha256",
    "x-amz-website-redirect-location", "x-amz-object-ownership",
    "x-amz-server-side-encryption-customer-algorithm", "x-amz-checksum-algorithm",
    "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
    "x-amz-object-lock-legal-hold")


def who_of(user: User) -> Who:
    """The requester as policies see it (anonymous: no account)."""
    if not user.access_key:
        return Who(None)
    session = user.session
    if session is not None and session.role_arn is not None:      # an assumed role
        return Who(user.account_id, canonical_id(user.account_id), (), session.arn,
                   role=session.role_arn, identity=user.identity)
    return Who(user.account_id, canonical_id(user.account_id),
               (user.display_name, user.access_key), user.arn, identity=user.identity)


def principal_keys(user: User) -> dict[str, list[str]]:
    """The condition keys that describe a signed request's principal: ``aws:PrincipalArn``,
    ``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:userid``, ``aws:username`` (IAM
    users), ``aws:PrincipalTag/*``, and for temporary credentials ``aws:TokenIssueTime`` and
    ``aws:MultiFactorAuthPresent`` (false: s3emu has no MFA devices)."""
    session = user.session
    role = session is not None and session.role_arn is not None
    keys = {"aws:principalaccount": [user.account_id], "aws:principalarn": [
        session.role_arn if role else user.arn],
        "aws:principaltype": ["AssumedRole" if role else "User"],
        "aws:userid": [session.user_id if session is not None else user.access_key]}
    if not role:
        keys["aws:username"] = [user.display_name]
    for tag, value in user.tags.items():
        keys[f"aws:principaltag/{tag.lower()}"] = [value]
    if session is not None:
        keys["aws:tokenissuetime"] = [session.issued.strftime("%Y-%m-%dT%H:%M:%SZ")]
        keys["aws:multifactorauthpresent"] = ["false"]
    return keys


#: ``s3:signatureversion`` and ``s3:authType`` of each credential scheme.
_SIGNATURES = {"sigv4": ("AWS4-HMAC-SHA256", "REST-HEADER"), "sigv2": ("AWS", "REST-HEADER"),
               "sigv4-query": ("AWS4-HMAC-SHA256", "REST-QUERY-STRING"),
               "sigv2-query": ("AWS", "REST-QUERY-STRING")}


def context_of(call: Any, bucket: Bucket, op: Operation,
               target: Any = None) -> dict[str, list[str]]:
    """The condition keys of a request (lower-case names, lists of values)."""
    headers, query, user = call.headers, call.query, call.user
    now = call.clock.now()
    context: dict[str, list[str]] = {
        "aws:sourceip": [str(call.environ.get("REMOTE_ADDR") or "127.0.0.1")],
        "aws:securetransport": ["true" if call.secure else "false"],
        "aws:currenttime": [now.strftime("%Y-%m-%dT%H:%M:%SZ")],
        "aws:epochtime": [str(int(now.timestamp()))],
        "s3:resourceaccount": [bucket.owner],
    }
    for header, key in (("user-agent", "aws:useragent"), ("referer", "aws:referer")):
        if header in headers:
            context[key] = [headers[header]]
    if user.access_key:
        context.update(principal_keys(user))
    else:
        context["aws:principaltype"] = ["Anonymous"]
    signed = _SIGNATURES.get(call.auth.credential.scheme)
    if op.signs_itself or call.operation.signs_itself:
        signed = ("AWS4-HMAC-SHA256", "POST") if user.access_key else None
    if signed is not None:
        context["s3:signatureversion"], context["s3:authtype"] = [signed[0]], [signed[1]]
    if op.listing:
        context["s3:prefix"] = [query.get("prefix", "")]
        for name in ("delimiter", "max-keys"):
            if name in query:
                context[f"s3:{name}"] = [query[name]]
    if query.get("versionId"):
        context["s3:versionid"] = [query["versionId"]]
    for header in _HEADER_KEYS:
        if header in headers:
            context[f"s3:{header}"] = [headers[header]]
    policy = bucket.settings.policy
    if policy is not None and policy.tests_request_tags:
        pairs = _request_tags(call, op)
        if pairs is not None:
            context["s3:requestobjecttagkeys"] = [k for k, _ in pairs]
            for tag, value in pairs:
                context[f"s3:requestobjecttag/{tag.lower()}"] = [value]
    if target is not None and policy is not None and policy.tests_existing_tags:
        for tag, value in target.tags.items():
            context[f"s3:existingobjecttag/{tag.lower()}"] = [value]
    return context


def _request_tags(call: Any, op: Operation) -> list[tuple[str, str]] | None:
    """The tags a request sets: its ``x-amz-tagging`` header (PutObject, CopyObject,
    CreateMultipartUpload, a POST form's ``tagging``) or PutObjectTagging's body; None when it
    sets none (a body that is no Tagging document sets none: the handler refuses it)."""
    if op.name == "PutObjectTagging" and call.operation is op:
        try:
            return parse_tagging(call.verified_body())
        except MalformedXML:
            return None
    if "x-amz-tagging" in call.headers:
        return parse_qsl(call.headers["x-amz-tagging"], keep_blank_values=True)
    return None


def _current(bucket: Bucket, key: str, version_id: str | None) -> Any:
    """The object version a read would act on, or None if there is none."""
    version = bucket.version(key, version_id) if version_id else bucket.find(key)
    if version is None or version.delete_marker:
        return None
    return version


def allowed(call: Any, bucket: Bucket, op: Operation | str, key: str | None,
            query: Mapping[str, str] | None = None, *, target: Any = None,
            action: str | None = None, why: Why | None = None) -> bool:
    """Whether ``call``'s requester may do ``op`` (a record, or an operation's name) on
    ``bucket`` / ``key``; ``action``: an IAM action checked as part of it (e.g.
    ``s3:BypassGovernanceRetention`` for a DeleteObject) instead of the operation's own."""
    op = named(op) if isinstance(op, str) else op
    query = call.query if query is None else query
    settings = bucket.settings
    return decide(
        bucket_owner=bucket.owner, settings=settings, who=who_of(call.user), op=op,
        action=action or op.action_for(query),
        resource=resource_arn(bucket.name, None if op.kind == BUCKET else key),
        context=context_of(call, bucket, op, target)
        if settings.policy is not None or call.user.identity is not None else {},
        target=target, why=why)


def require(call: Any, bucket: Bucket, op: Operation | str, key: str | None,
            query: Mapping[str, str] | None = None) -> None:
    """Raise AccessDenied unless ``call``'s requester may do ``op`` (a record, or an
    operation's name) on ``bucket`` / ``key``."""
    op = named(op) if isinstance(op, str) else op
    query = call.query if query is None else query
    if bucket.settings.request_payment == REQUESTER and call.user.account_id != bucket.owner:
        _agrees_to_pay(call)          # a copy's source bucket too (authorize checked the target)
    target = None
    if op.kind == OBJECT_READ and key is not None:
        target = _current(bucket, key, query.get("versionId"))
        if target is None and op.missing_key_needs_list:
            # no such key: 404 for whoever may list the bucket (unless explicitly denied)
            if _explicitly_denied(call, bucket, op, key, query) or \
                    not allowed(call, bucket, "ListObjects", None, {}):
                raise AccessDenied()
            return
    why = Why()
    decided = allowed(call, bucket, op, key, query, target=target, why=why)
    if op is call.operation and why.journal:
        call.access = why.journal
    if not decided:
        raise AccessDenied(denial(call.user, bucket, op, key, query, why.clause))
    if op.owner_account_only and call.user.account_id != bucket.owner:
        # allowed, but not from the owner's account: S3's 405 for the policy calls
        raise MethodNotAllowed(Method=call.method, ResourceType="BUCKETPOLICY")


def _explicitly_denied(call: Any, bucket: Bucket, op: Operation, key: str,
                       query: Mapping[str, str]) -> bool:
    policy = bucket.settings.policy
    return policy is not None and policy.evaluate(
        who_of(call.user), op.action_for(query), resource_arn(bucket.name, key),
        context_of(call, bucket, op)) == "Deny"


def _agrees_to_pay(call: Any) -> None:
    """Requester Pays, for a requester outside the bucket owner's account: anonymous
    requests are refused, the others must say ``x-amz-request-payer: requester`` (header or
    presigned query parameter); the reply then says it charged them."""
    payer = call.headers.get("x-amz-request-payer") or call.query.get("x-amz-request-payer")
    if not call.user.access_key or (payer or "").lower() != "requester":
        raise AccessDenied()
    call.request_charged = True


def denial(user: User, bucket: Bucket, op: Operation, key: str | None,
           query: Mapping[str, str], clause: str) -> str:
    """The AccessDenied message: AWS's detailed one ("User: ARN is not authorized to perform:
    ACTION on resource: "ARN" because no identity-based policy allows the ACTION action", the
    ``clause`` the decision noted) for a principal with identity policies in the bucket
    owner's account, S3's plain "Access Denied" otherwise (other accounts and anonymous callers
    learn nothing more)."""
    if user.identity is None or user.account_id != bucket.owner:
        return "Access Denied"
    return explained(user, op.action_for(query),
                     resource_arn(bucket.name, None if op.kind == BUCKET else key), clause)


def explained(user: User, action: str, resource: str, reason: str) -> str:
    if not reason:
        return "Access Denied"
    return (f'User: {user.arn} is not authorized to perform: {action} on resource: '
            f'"{resource}" {reason.format(action=action)}')


def _check_identity(call: Any, action: str, resource: str) -> None:
    """A request that names no existing bucket (ListBuckets, CreateBucket) by a principal
    with identity policies: those policies must allow it."""
    user = call.user
    if user.identity is None:
        return
    who = who_of(user)
    context = principal_keys(user)
    verdict, reason, label = user.identity.decision(who, action, resource, context)
    call.access = identity_words(verdict, label)
    if verdict != "Allow":
        raise AccessDenied(explained(user, action, resource, reason))


def authorize(call: Any) -> None:
    """The access check of one request, before its handler runs."""
    if not call.bucket:
        if call.user.identity is not None and call.operation.action:
            _check_identity(call, call.operation.action, "*")
        return
    bucket = call.store.buckets.get(call.bucket)
    if bucket is None:
        if call.user.identity is not None and call.operation.action:
            _check_identity(call, call.operation.action, resource_arn(call.bucket, None))
        return                                        # the handler answers NoSuchBucket
    expected = call.headers.get("x-amz-expected-bucket-owner")
    if expected is not None and expected != bucket.owner:
        raise AccessDenied()
    op = call.operation
    settings = bucket.settings
    if settings.request_payment == REQUESTER and call.user.account_id != bucket.owner and \
            not op.signs_itself:      # a POST form: its signer is checked (require, in post.py)
        _agrees_to_pay(call)
    if op.authorizes_itself:
        return
    if call.user.account_id == bucket.owner and settings.policy is None and \
            settings.ownership == ENFORCED and call.user.identity is None:
        return                                        # the owner's account, nothing to apply
    require(call, bucket, op, call.key)
