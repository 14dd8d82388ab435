"""The access decision, in the order S3 documents ("How Amazon S3 authorizes a request").

A bucket's access settings are fields of its :class:`~s3emu.model.settings.BucketSettings`:
``policy`` (the compiled :class:`~s3emu.access.policy.Policy`, None: none), ``ownership``
(Object Ownership; in effect: ``object_ownership``), ``public_access_block`` (in effect:
``block_flags``) and ``acl`` (the bucket's :class:`~s3emu.access.acl.Acl`, None: private).

:func:`decide` answers one request (an action on a resource) for one requester:

1. an explicit Deny in the bucket policy wins (the bucket owner's account may still get, put
   and delete the policy itself, as S3's root user can);
2. object context: in a bucket with ACLs enabled, an object owned by another account than the
   bucket's is readable only by its owner's account or through its ACL;
3. the requester's own documents (:mod:`.identity`: identity-based policies, permissions
   boundary, session policy) are asked: an explicit Deny there denies; a requester they do not
   allow is denied unless it is of the bucket owner's account and the bucket policy allows it
   (within one account either kind of policy suffices; across accounts both must allow). A
   principal without documents (the root user, users added without ``policies``) is allowed
   everything in its own account;
4. users of the bucket owner's account are allowed;
5. other accounts and anonymous requests need an Allow from the policy (ignored for them when
   RestrictPublicBuckets is on and the policy is public) or, when ACLs are enabled, an ACL grant
   of the permission the operation needs (bucket ACL for bucket operations and object writes,
   the object's ACL for object reads; public grants ignored under IgnorePublicAcls).

This module imports only the standard library, the access package, the model's settings and
the operation records.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.settings import BucketSettings
from ..operations import OBJECT_READ, Operation
from .acl import Acl, private
from .policy_conditions import Context
from .policy import Policy, Who

def bucket_acl(owner: str, settings: BucketSettings) -> Acl:
    """The bucket's ACL as stored (private unless set)."""
    return settings.acl or private(owner)


def object_owner(bucket_owner: str, settings: BucketSettings, version: Any) -> str:
    """Who owns an object version: with ACLs disabled, always the bucket owner."""
    if not settings.acls_enabled or not version.owner:
        return bucket_owner
    return version.owner


def object_acl(bucket_owner: str, settings: BucketSettings, version: Any) -> Acl:
    """An object version's ACL in effect (private to its owner unless one was set)."""
    owner = object_owner(bucket_owner, settings, version)
    acl = getattr(version, "acl", None)
    if acl is None or not settings.acls_enabled:
        return private(owner)
    return acl


@dataclass
class Why:
    """What decided an access check: the journal's words ("denied by the bucket policy's
    statement 'Sid'", "allowed by identity-based policy statement ..."), and for a denial by a
    policy AWS's clause of the access-denied message ("because no identity-based policy
    allows the {action} action"). The first note made stays."""

    journal: str = ""
    clause: str = ""

    def note(self, journal: str, clause: str = "") -> None:
        if not self.journal:
            self.journal, self.clause = journal, clause


def identity_words(verdict: str | None, label: str, *, same: bool = True) -> str:
    """The journal's words for what the caller's own documents decided."""
    if verdict == "Allow":
        return f"allowed by {label}"
    if verdict == "Deny":
        return f"denied by {label}"
    return ("denied: no identity-based policy allows it" if same else
            "denied: another account's identity-based policies must allow it")


def decide(*, bucket_owner: str, settings: BucketSettings, who: Who, op: Operation,
           action: str, resource: str, context: Context, target: Any = None,
           why: Why | None = None) -> bool:
    """Whether ``who`` may do ``action`` on ``resource`` (see the module docstring).

    :param why: when given, noted with what decided (:class:`Why`).

    :param op: the operation's record: its kind, the ACL permission that would grant it
        (``acl``; None: no ACL can) and whether the owner's account may always make it.
    :param target: the object version an object read acts on (None if there is none).
    """
    kind, permission = op.kind, op.acl
    policy: Policy | None = settings.policy
    same = who.account == bucket_owner
    verdict, statement = policy.decision(who, action, resource, context) \
        if policy is not None else (None, None)
    if verdict == "Deny":
        if why is not None and statement is not None:
            why.note(f"denied by the bucket policy's statement {statement.label}",
                     "with an explicit deny in a resource-based policy")
        return same and op.owner_account_only
    identity = who.identity
    own, label = "Allow", ""
    if identity is not None and identity.restricted:
        own, clause, label = identity.decision(who, action, resource, context)
        if own == "Deny" or (own is None and not (same and verdict == "Allow")):
            if why is not None:
                why.note(identity_words(own, label, same=same), clause)
            return False
    if why is not None:
        if verdict == "Allow" and statement is not None:
            why.note(f"allowed by the bucket policy's statement {statement.label}")
        elif own == "Allow" and label and same:
            why.note(identity_words(own, label))
    flags = settings.block_flags
    if verdict == "Allow" and not same and flags["RestrictPublicBuckets"] and \
            policy is not None and policy.is_public:
        verdict = None
    enabled = settings.acls_enabled
    authenticated = who.account is not None
    if kind == OBJECT_READ and target is not None and enabled:
        owner = object_owner(bucket_owner, settings, target)
        if owner != bucket_owner:                     # object context: only its owner grants
            if who.account == owner:
                return True
            return permission is not None and object_acl(bucket_owner, settings, target).permits(
                who.canonical_id, permission, authenticated=authenticated,
                ignore_public=flags["IgnorePublicAcls"])
    if same or verdict == "Allow":
        if why is not None:
            why.note("allowed: the bucket owner's account")
        return True
    if not enabled or permission is None or (kind == OBJECT_READ and target is None):
        if why is not None:
            why.note("denied: no bucket policy allows it")
        return False
    acl = object_acl(bucket_owner, settings, target) if kind == OBJECT_READ \
        else bucket_acl(bucket_owner, settings)
    granted = acl.permits(who.canonical_id, permission, authenticated=authenticated,
                          ignore_public=flags["IgnorePublicAcls"])
    if why is not None:
        why.note("allowed by an ACL grant" if granted else
                 "denied: no bucket policy or ACL allows it")
    return granted
