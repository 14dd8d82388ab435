"""What an S3 operation is: one :class:`Operation` record per operation, holding every fact the
layers need about it, and the table of them all (:data:`OPERATIONS`).

A record is declared once, with its handler when s3emu implements it
(``@operation("PutObject", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE")`` in
:mod:`s3emu.ops`), without one when it does not (:mod:`s3emu.ops.unimplemented`): such an
operation is routed, authenticated and authorized like any other and answered 501
NotImplemented naming it. Authentication reads ``unauthenticated``, ``any_region``,
``signs_itself`` and ``refuses_anonymous``; the access decision reads ``action``,
``versioned_action``, ``kind``, ``acl`` and the flags below; the app reads ``handler`` and
``body_cap``.

``python -m s3emu ops`` prints the table: name, handler (file:line), IAM action, status.

This module imports only the standard library, errors and :mod:`s3emu.protocol.body`.
"""
from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import MaxMessageLengthExceeded
from .protocol.body import Cap

#: How an operation is authorized: a bucket operation (the bucket's ACL), an object read (the
#: object's ACL and owner), an object write (the bucket ACL's WRITE), or an account operation
#: (no bucket: ListBuckets).
BUCKET, OBJECT_READ, OBJECT_WRITE, ACCOUNT = "bucket", "object-read", "object-write", "account"
KINDS = (BUCKET, OBJECT_READ, OBJECT_WRITE, ACCOUNT)
#: ACL permissions an operation may need.
PERMISSIONS = ("READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL")

#: Every configuration body (ACLs, encryption, ownership, ...) unless its record says otherwise.
DEFAULT_BODY_CAP: Cap = (1 << 20, MaxMessageLengthExceeded)
_DEFAULT = object()

Handler = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    """One S3 operation (botocore's name) and how each layer treats it."""

    name: str
    #: the IAM action it is authorized as (``s3:GetObject``)
    action: str
    #: :data:`BUCKET`, :data:`OBJECT_READ`, :data:`OBJECT_WRITE` or :data:`ACCOUNT`
    kind: str
    #: the ACL permission that grants it (None: only the owner's account or a policy can)
    acl: str | None = None
    #: the IAM action with a ``versionId`` in the query (``s3:GetObjectVersion``)
    versioned_action: str | None = None
    #: the most body bytes read and S3's error beyond them (None: uncapped here, object data)
    body_cap: Cap | None = DEFAULT_BODY_CAP
    #: not authorized before its handler: it checks itself, or names no bucket
    authorizes_itself: bool = False
    #: an unsigned request may reach it without any grant (its form carries a signed policy)
    signs_itself: bool = False
    #: no signature is checked, whatever the request carries (a CORS preflight: a browser sends
    #: it unsigned, to the actual request's URL, presigned query string included)
    unauthenticated: bool = False
    #: an unsigned request is refused outright (403 AccessDenied)
    refuses_anonymous: bool = False
    #: a read whose missing key is AccessDenied unless the requester may list the bucket
    missing_key_needs_list: bool = False
    #: only the bucket owner's account may make it (405 from other accounts, whatever the
    #: policy grants), and it may always, whatever the policy denies
    owner_account_only: bool = False
    #: a listing: ``s3:prefix``, ``s3:delimiter`` and ``s3:max-keys`` condition keys apply
    listing: bool = False
    #: its SigV4 scope may name any region (S3 answers it from anywhere)
    any_region: bool = False
    #: the function that serves it (None: s3emu answers 501 NotImplemented)
    handler: Handler | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {KINDS}")
        if self.acl is not None and self.acl not in PERMISSIONS:
            raise ValueError(f"{self.name}: acl {self.acl!r} is not one of {PERMISSIONS}")
        for action in (self.action, self.versioned_action):
            if action is not None and ":" not in action:
                raise ValueError(f"{self.name}: action {action!r} has no service prefix")

    @property
    def implemented(self) -> bool:
        return self.handler is not None

    def action_for(self, query: Mapping[str, str] | None) -> str:
        """The IAM action of a request with ``query`` (the versioned one for ``?versionId``)."""
        if self.versioned_action is not None and query and query.get("versionId"):
            return self.versioned_action
        return self.action

    @property
    def where(self) -> str:
        """``file:line`` of the handler (relative to the package), or ``-``."""
        handler = inspect.unwrap(self.handler) if self.handler is not None else None
        if handler is None:
            return "-"
        code = handler.__code__
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return f"{os.path.relpath(code.co_filename, root)}:{code.co_firstlineno}"


#: Every S3 operation s3emu routes, by name.
OPERATIONS: dict[str, Operation] = {}


def declare(name: str, *, action: str, kind: str, handler: Handler | None = None,
            body_cap: Any = _DEFAULT, **facts: Any) -> Operation:
    """Add the record of operation ``name`` (declared once) and return it."""
    if name in OPERATIONS:
        raise ValueError(f"operation {name} declared twice")
    if body_cap is not _DEFAULT:
        facts["body_cap"] = body_cap
    record = OPERATIONS[name] = Operation(name, action, kind, handler=handler, **facts)
    return record


def named(name: str) -> Operation:
    """The record of operation ``name``; KeyError for a name s3emu does not route."""
    return OPERATIONS[name]

