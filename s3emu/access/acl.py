"""Access control lists: an owner and its grants, canned ACLs, and ``x-amz-grant-*`` headers.

An :class:`Acl` holds the owner's account id and a tuple of :class:`Grant` (a canonical user id
or a group URI, and a permission). Grants by e-mail address are resolved to the account's
canonical id when they are made, as S3 does. FULL_CONTROL implies every other permission; the
owner may always read and write the ACL (READ_ACP, WRITE_ACP) whatever it says.

Canned ACLs (S3's "Canned ACL" table): ``private``, ``public-read``, ``public-read-write``,
``authenticated-read``, ``aws-exec-read``, ``bucket-owner-read``,
``bucket-owner-full-control`` and ``log-delivery-write``. An ACL is public when it grants
anything to the AllUsers or AuthenticatedUsers group (Block Public Access's meaning).

XML in and out is done by :mod:`s3emu.ops.acl`; this module imports only the standard
library, errors and the auth package's users.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from ..auth.users import canonical_id
from ..errors import InvalidArgument, UnresolvableGrantByEmailAddress

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = (ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY)
PUBLIC_GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS})
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
#: The canonical id S3's ``aws-exec-read`` canned ACL grants READ to (Amazon EC2).
EC2_CANONICAL_ID = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"

CANNED = ("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
          "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write")
#: ``x-amz-grant-*`` request headers and the permission each grants.
GRANT_HEADERS = {"x-amz-grant-read": "READ", "x-amz-grant-write": "WRITE",
                 "x-amz-grant-read-acp": "READ_ACP", "x-amz-grant-write-acp": "WRITE_ACP",
                 "x-amz-grant-full-control": "FULL_CONTROL"}
USER, GROUP = "CanonicalUser", "Group"
_CANONICAL = re.compile(r"[0-9a-f]{64}\Z")
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*(?:"([^"]*)"|([^,"\s]*))\s*(?:,|\Z)',
                      re.IGNORECASE)


@dataclass(frozen=True)
class Grant:
    """One grant: ``kind`` is CanonicalUser (``grantee`` a canonical id) or Group (a URI)."""

    kind: str
    grantee: str
    permission: str


@dataclass(frozen=True)
class Acl:
    """An owner (account id) and its grants."""

    owner: str
    grants: tuple[Grant, ...]

    @property
    def is_public(self) -> bool:
        return any(g.kind == GROUP and g.grantee in PUBLIC_GROUPS for g in self.grants)

    def permits(self, canonical: str | None, permission: str, *, authenticated: bool,
                ignore_public: bool = False) -> bool:
        """Whether the grantee ``canonical`` (None: anonymous) holds ``permission``."""
        if canonical is not None and canonical == canonical_id(self.owner) and \
                permission in ("READ_ACP", "WRITE_ACP"):
            return True
        for grant in self.grants:
            if grant.permission not in (permission, "FULL_CONTROL"):
                continue
            if grant.kind == USER:
                if canonical is not None and grant.grantee == canonical:
                    return True
            elif (grant.grantee == ALL_USERS or (grant.grantee == AUTHENTICATED_USERS
                                                 and authenticated)) and not ignore_public:
                return True
        return False

    def only_full_control_to(self, account: str) -> bool:
        """True when the one grant is FULL_CONTROL to ``account`` (bucket-owner-full-control's
        equivalent, the only ACL a bucket with ACLs disabled accepts)."""
        wanted = Grant(USER, canonical_id(account), "FULL_CONTROL")
        return bool(self.grants) and all(g == wanted for g in self.grants)


def private(owner: str) -> Acl:
    """The default ACL: the owner has FULL_CONTROL."""
    return Acl(owner, (Grant(USER, canonical_id(owner), "FULL_CONTROL"),))


def canned(name: str, owner: str, bucket_owner: str | None = None) -> Acl:
    """The ACL a canned ACL name stands for; ``bucket_owner`` matters for objects."""
    grants = [Grant(USER, canonical_id(owner), "FULL_CONTROL")]
    if name == "public-read":
        grants.append(Grant(GROUP, ALL_USERS, "READ"))
    elif name == "public-read-write":
        grants += [Grant(GROUP, ALL_USERS, "READ"), Grant(GROUP, ALL_USERS, "WRITE")]
    elif name == "authenticated-read":
        grants.append(Grant(GROUP, AUTHENTICATED_USERS, "READ"))
    elif name == "aws-exec-read":
        grants.append(Grant(USER, EC2_CANONICAL_ID, "READ"))
    elif name in ("bucket-owner-read", "bucket-owner-full-control"):
        if bucket_owner is not None and bucket_owner != owner:
            grants.append(Grant(USER, canonical_id(bucket_owner),
                                "READ" if name == "bucket-owner-read" else "FULL_CONTROL"))
    elif name == "log-delivery-write":
        grants += [Grant(GROUP, LOG_DELIVERY, "WRITE"), Grant(GROUP, LOG_DELIVERY, "READ_ACP")]
    elif name != "private":
        raise InvalidArgument(None, ArgumentName="x-amz-acl", ArgumentValue=name)
    return Acl(owner, tuple(grants))


def check_canonical_id(value: str, argument: str) -> str:
    if not _CANONICAL.match(value):
        raise InvalidArgument("Invalid id", ArgumentName=argument, ArgumentValue=value)
    return value


def check_group(uri: str, argument: str) -> str:
    if uri not in GROUPS:
        raise InvalidArgument("Invalid group uri", ArgumentName=argument, ArgumentValue=uri)
    return uri


def resolve_email(email: str, emails: Mapping[str, str]) -> str:
    """The canonical id of the account registered under ``email``."""
    account = emails.get(email.lower())
    if account is None:
        raise UnresolvableGrantByEmailAddress(EmailAddress=email)
    return canonical_id(account)


def grants_from_headers(headers: Mapping[str, str],
                        email: Callable[[str], str]) -> tuple[Grant, ...] | None:
    """The grants of ``x-amz-grant-*`` headers (None when there are none).

    Each header is a comma-separated list of ``id="..."``, ``uri="..."`` or
    ``emailAddress="..."``; anything else is InvalidArgument naming the header.
    """
    grants: list[Grant] = []
    seen = False
    for header, permission in GRANT_HEADERS.items():
        value = headers.get(header)
        if value is None:
            continue
        seen = True
        at = 0
        text = value.strip()
        if not text:
            raise InvalidArgument("Argument format not recognized", ArgumentName=header,
                                  ArgumentValue=value)
        while at < len(text):
            match = _GRANTEE.match(text, at)
            if match is None or match.end() == at:
                raise InvalidArgument("Argument format not recognized", ArgumentName=header,
                                      ArgumentValue=value)
            kind, quoted, bare = match.group(1).lower(), match.group(2), match.group(3)
            given = quoted if quoted is not None else bare
            if kind == "id":
                grants.append(Grant(USER, check_canonical_id(given, header), permission))
            elif kind == "uri":
                grants.append(Grant(GROUP, check_group(given, header), permission))
            else:
                grants.append(Grant(USER, email(given), permission))
            at = match.end()
    return tuple(grants) if seen else None
