"""Identity-based policies, permissions boundaries, session policies and role trust policies:
the IAM documents attached to users and roles (``emu.add_user(..., policies=[...])``,
``emu.add_role(...)``), as IAM's "Policy evaluation logic" reads them.

:func:`compile_document` validates one JSON document (a string or a mapping) and raises
ValueError naming what is wrong: these come from the test's own code or a users file, not
from a request, so there is no S3 error to answer. An identity document has no ``Principal``;
its actions may name any service (``sts:AssumeRole``, ``s3:Get*``, ``*``), its resources any
ARN. A trust policy (``kind="trust"``) is a resource-based policy of the role: it needs a
``Principal`` and names ``sts:`` actions.

:class:`Identity` is what one principal's documents say together (:meth:`Identity.verdict`):
an explicit Deny in any of them denies; otherwise the identity-based policies must allow,
and so must the permissions boundary and the session policy when there are any (they only
ever limit). A principal without documents (``policies=None``: the account's root user, and
every user added before identity policies existed) is :data:`UNRESTRICTED`: it may do
anything in its own account.

This module imports only the standard library, errors and the access package.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..errors import MalformedPolicy
from .policy import Policy, Principals, Statement, parse_principals
from .policy_conditions import Context, compile_block, glob_regex

_FIELDS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
           "NotResource", "Condition")
#: each kind of document with its article, for messages
_A = {"identity": "an identity", "trust": "a trust", "session": "a session"}
_EVERYONE = Principals(True, frozenset(), frozenset(), frozenset())
#: why a request was denied, as AWS's access-denied messages say it
NO_IDENTITY = "because no identity-based policy allows the {action} action"
NO_BOUNDARY = "because no permissions boundary allows the {action} action"
NO_SESSION = "because no session policy allows the {action} action"
DENY_IDENTITY = "with an explicit deny in an identity-based policy"
DENY_BOUNDARY = "with an explicit deny in a permissions boundary"
DENY_SESSION = "with an explicit deny in a session policy"


def compile_document(document: str | Mapping[str, Any], *, kind: str = "identity") -> Policy:
    """An identity policy (``kind="identity"``), permissions boundary or session policy, or
    a role's trust policy (``kind="trust"``); ValueError if it is not a valid one."""
    if kind not in _A:
        raise ValueError(f"no such kind of policy: {kind!r}")
    text = document if isinstance(document, str) else json.dumps(document)
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError(f"{_A[kind]} policy must be a JSON document") from None
    if not isinstance(data, dict) or "Statement" not in data:
        raise ValueError(f"{_A[kind]} policy needs a Statement")
    unknown = set(data) - {"Version", "Id", "Statement"}
    if unknown:
        raise ValueError(f"{_A[kind]} policy has unknown fields: {sorted(unknown)}")
    version = data.get("Version", "2008-10-17")
    if version not in ("2012-10-17", "2008-10-17"):
        raise ValueError(f"{_A[kind]} policy's Version must be 2012-10-17 or 2008-10-17")
    raw = data["Statement"]
    raw = raw if isinstance(raw, list) else [raw]
    if not raw:
        raise ValueError(f"{_A[kind]} policy's Statement is empty")
    try:
        statements = tuple(_statement(s, kind, version == "2012-10-17") for s in raw)
    except MalformedPolicy as error:
        raise ValueError(f"{_A[kind]} policy: {error.message}") from None
    return Policy(text, statements)


def _strings(value: Any, what: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise ValueError(f"{what} must be a string or a list of strings")
    return items


def _statement(raw: Any, kind: str, variables: bool) -> Statement:
    if not isinstance(raw, dict):
        raise ValueError("each statement must be an object")
    unknown = set(raw) - set(_FIELDS)
    if unknown:
        raise ValueError(f"a statement has unknown fields: {sorted(unknown)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise ValueError("a statement's Effect must be Allow or Deny")
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if kind == "trust" and not has_principal:
        raise ValueError("a trust policy's statements need a Principal")
    if kind != "trust" and has_principal:
        raise ValueError(f"{_A[kind]} policy's statements have no Principal")
    principals, not_principal = _EVERYONE, False
    if has_principal:
        name = "Principal" if "Principal" in raw else "NotPrincipal"
        principals, not_principal = parse_principals(raw[name]), name == "NotPrincipal"
    if ("Action" in raw) == ("NotAction" in raw):
        raise ValueError("a statement needs exactly one of Action and NotAction")
    action_key = "Action" if "Action" in raw else "NotAction"
    patterns = []
    for item in _strings(raw[action_key], action_key):
        if item != "*" and (":" not in item or not item.partition(":")[0]):
            raise ValueError(f"invalid action {item!r}: expected service:Action")
        patterns.append(glob_regex("*" if item == "*" else item.lower()))
    if kind == "trust":
        resources: tuple[str, ...] = ("*",)
        resource_key = "Resource"
        if "Resource" in raw or "NotResource" in raw:
            raise ValueError("a trust policy names no Resource")
    else:
        if ("Resource" in raw) == ("NotResource" in raw):
            raise ValueError("a statement needs exactly one of Resource and NotResource")
        resource_key = "Resource" if "Resource" in raw else "NotResource"
        resources = tuple(_strings(raw[resource_key], resource_key))
        for item in resources:
            if item != "*" and not item.startswith("arn:"):
                raise ValueError(f"invalid resource {item!r}: expected an ARN or *")
    tests = compile_block(raw["Condition"]) if "Condition" in raw else ()
    sid = raw.get("Sid")
    return Statement(sid if isinstance(sid, str) else None, effect == "Allow", principals,
                     not_principal, tuple(patterns), action_key == "NotAction", resources,
                     resource_key == "NotResource", tests, variables, False)


@dataclass(frozen=True)
class Identity:
    """The documents that decide what one principal may do: its identity-based policies
    (None: unrestricted in its own account), its permissions boundary and, for temporary
    credentials, the session policy."""

    policies: tuple[Policy, ...] | None = None
    boundary: Policy | None = None
    session: Policy | None = None

    @property
    def restricted(self) -> bool:
        return self.policies is not None

    def verdict(self, who: Any, action: str, resource: str,
                context: Context) -> tuple[str | None, str]:
        """``("Deny" | "Allow" | None, reason)``: an explicit deny anywhere, an allow that
        the boundary and the session policy also allow, or no allow (with which document
        lacks it, for the access-denied message)."""
        verdict, reason, _ = self.decision(who, action, resource, context)
        return verdict, reason

    def decision(self, who: Any, action: str, resource: str,
                 context: Context) -> tuple[str | None, str, str]:
        """:meth:`verdict` and, for the journal, which statement decided (``"identity-based
        policy statement 'Sid'"``; empty when no statement did)."""
        if self.policies is None:
            return "Allow", "", "the principal's own account"
        found = [p.decision(who, action, resource, context) for p in self.policies]
        for verdict, statement in found:
            if verdict == "Deny" and statement is not None:
                return "Deny", DENY_IDENTITY, f"identity-based policy statement {statement.label}"
        limits = ((self.boundary, DENY_BOUNDARY, NO_BOUNDARY, "permissions boundary"),
                  (self.session, DENY_SESSION, NO_SESSION, "session policy"))
        decided = [(document.decision(who, action, resource, context) if document is not None
                    else None, denied, missing, kind) for document, denied, missing, kind in limits]
        for outcome, denied, _, kind in decided:
            if outcome is not None and outcome[0] == "Deny" and outcome[1] is not None:
                return "Deny", denied, f"{kind} statement {outcome[1].label}"
        allowing = next((s for v, s in found if v == "Allow" and s is not None), None)
        if allowing is None:
            return None, NO_IDENTITY, ""
        for outcome, _, missing, _ in decided:
            if outcome is not None and outcome[0] != "Allow":
                return None, missing, ""
        return "Allow", "", f"identity-based policy statement {allowing.label}"


#: a principal with full rights in its own account (the root user; users without policies)
UNRESTRICTED = Identity()


def identity_of(policies: Iterable[str | Mapping[str, Any]] | None,
                boundary: str | Mapping[str, Any] | None = None) -> Identity:
    """An :class:`Identity` from documents as a user gives them (None: unrestricted)."""
    if policies is None:
        if boundary is not None:
            raise ValueError("a permissions boundary limits identity policies: give policies")
        return UNRESTRICTED
    if isinstance(policies, (str, Mapping)):
        policies = [policies]
    return Identity(tuple(compile_document(p) for p in policies),
                    None if boundary is None else compile_document(boundary))
