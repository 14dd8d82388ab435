"""Bucket policies: parse and validate the JSON document, then evaluate it per request.

:func:`compile_policy` turns the text PutBucketPolicy receives into a :class:`Policy` or raises
MalformedPolicy with S3's message ("Policies must be valid JSON and the first byte must be
'{'", "Missing required field Principal", "Invalid principal in policy", "Policy has invalid
action", "Policy has invalid resource", "Action does not apply to any resource(s) in
statement", "Policy has an invalid condition key" ...). A resource must name the policy's own
bucket (wildcards allowed).

:meth:`Policy.evaluate` answers ``"Deny"`` if any statement denies, else ``"Allow"`` if one
allows, else None (no opinion). Matching follows IAM: ``Principal`` ``"*"`` (or
``{"AWS": "*"}``) is everyone, the anonymous principal included; an account id or
``arn:aws:iam::ACCOUNT:root`` is every user of the account; ``arn:aws:iam::ACCOUNT:user/NAME``
is the user whose name (``add_user(name=...)``) or access key is NAME; ``{"CanonicalUser":
id}`` is the account with that canonical id. Actions match case-insensitively with ``*`` and
``?``; resources case-sensitively; ``NotPrincipal`` / ``NotAction`` / ``NotResource`` invert.
Policy variables (``${aws:username}``, ``${aws:userid}``, ``${aws:PrincipalAccount}``,
``${*}``, ``${?}``, ``${$}``) are replaced in resources of ``"Version": "2012-10-17"``.

:attr:`Policy.is_public` is S3's "is this policy public" of Block Public Access: a statement
that allows a wildcard principal is public unless a condition pins it to fixed values of
``aws:SourceIp`` (a CIDR other than ``0.0.0.0/0``), ``aws:SourceArn``, ``aws:SourceVpc``,
``aws:SourceVpce``, ``aws:SourceOwner``, ``aws:SourceAccount``, ``aws:PrincipalOrgID``,
``aws:userid`` or ``s3:x-amz-server-side-encryption-aws-kms-key-id``.

This module imports only the standard library, errors, protocol's JSON reader, the memo
helper and the access package.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import MalformedPolicy
from ..memo import memo
from ..protocol import jsontext
from . import actions
from .policy_conditions import Context, Test, all_hold, compile_block, glob_regex

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_FIELDS = ("Version", "Id", "Statement")
_FIELDS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
           "NotResource", "Condition")
_ACCOUNT = re.compile(r"\d{12}\Z")
_ROOT = re.compile(r"arn:aws:iam::(\d{12}):root\Z")
_USER = re.compile(r"arn:aws:iam::(\d{12}):user/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)\Z")
_ROLE = re.compile(r"arn:aws:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]+\Z")
_SESSION = re.compile(r"arn:aws:sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+\Z")
_OTHER_ARN = re.compile(
    r"arn:aws:(?:iam::\d{12}:group|sts::\d{12}:(?:assumed-role|federated-user))/.+\Z")
_CANONICAL = re.compile(r"[0-9a-f]{64}\Z")
_S3_ARN = re.compile(r"arn:aws[a-z-]*:s3:::(.*)\Z", re.DOTALL)
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ACTION = re.compile(r"[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+\Z")

#: Condition keys whose fixed values make an allow non-public (Block Public Access).
_RESTRICTING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
    "aws:principalorgid", "aws:userid", "s3:x-amz-server-side-encryption-aws-kms-key-id"})
_FIXED_OPERATORS = frozenset({"StringEquals", "StringEqualsIgnoreCase", "ArnEquals",
                              "StringLike", "ArnLike"})


@dataclass(frozen=True)
class Who:
    """The requester as policies see it: account id (None when anonymous), canonical id,
    and the names a user ARN may give it."""

    account: str | None
    canonical_id: str | None = None
    names: tuple[str, ...] = ()
    arn: str | None = None
    #: an AWS service principal acting for S3 itself (``logging.s3.amazonaws.com``)
    service: str | None = None
    #: the role a session belongs to (its ARN; a policy naming the role names its sessions)
    role: str | None = None
    #: what the principal's own documents allow (an :class:`.identity.Identity`); None:
    #: everything in its account
    identity: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Principals:
    """A statement's Principal (or NotPrincipal)."""

    everyone: bool
    accounts: frozenset[str]
    users: frozenset[tuple[str, str]]
    canonical: frozenset[str]
    #: ``Service`` principals (S3's own deliveries: server access logs)
    services: frozenset[str] = frozenset()
    #: IAM role ARNs (the role a replication configuration names)
    roles: frozenset[str] = frozenset()

    def match(self, who: Who) -> bool:
        if self.everyone:
            return True
        if who.service is not None:
            return who.service in self.services
        if who.account is None:
            return False
        return (who.account in self.accounts or who.canonical_id in self.canonical
                or any((who.account, name) in self.users for name in who.names)
                or (who.arn is not None and who.arn in self.roles)
                or (who.role is not None and who.role in self.roles))


def _strings(value: Any, error: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise MalformedPolicy(error)
    return items


def parse_principals(value: Any) -> Principals:
    invalid = "Invalid principal in policy"
    if value == "*":
        return Principals(True, frozenset(), frozenset(), frozenset())
    if not isinstance(value, dict) or not value:
        raise MalformedPolicy(invalid)
    everyone = False
    accounts: set[str] = set()
    users: set[tuple[str, str]] = set()
    canonical: set[str] = set()
    services: set[str] = set()
    roles: set[str] = set()
    for kind, raw in value.items():
        items = _strings(raw, invalid)
        if kind == "AWS":
            for item in items:
                if item == "*":
                    everyone = True
                elif _ACCOUNT.match(item):
                    accounts.add(item)
                elif (root := _ROOT.match(item)) is not None:
                    accounts.add(root.group(1))
                elif (user := _USER.match(item)) is not None:
                    users.add((user.group(1), user.group(2)))
                elif _ROLE.match(item) or _SESSION.match(item):
                    roles.add(item)
                elif not _OTHER_ARN.match(item):
                    raise MalformedPolicy(invalid)
        elif kind == "CanonicalUser":
            if not all(_CANONICAL.match(i) for i in items):
                raise MalformedPolicy(invalid)
            canonical.update(items)
        elif kind == "Service":
            services.update(items)                # S3's own deliveries (access logs)
        elif kind == "Federated":
            continue                              # no such principal ever calls s3emu
        else:
            raise MalformedPolicy(invalid)
    return Principals(everyone, frozenset(accounts), frozenset(users), frozenset(canonical),
                      frozenset(services), frozenset(roles))


def _actions(value: Any) -> tuple[tuple[re.Pattern[str], ...], set[str]]:
    """Compiled action patterns and the resource kinds of the actions they match."""
    patterns = []
    kinds: set[str] = set()
    for item in _strings(value, "Policy has invalid action"):
        if item == "*":
            item = "s3:*"
        if not _ACTION.match(item) or not item.lower().startswith("s3:"):
            raise MalformedPolicy("Policy has invalid action")
        pattern = glob_regex(item.lower())
        matched = [kind for name, (_, kind) in actions.KNOWN.items() if pattern.match(name)]
        if not matched:
            raise MalformedPolicy("Policy has invalid action")
        kinds.update(matched)
        patterns.append(pattern)
    return tuple(patterns), kinds


def _resources(value: Any, bucket: str) -> tuple[tuple[str, ...], set[str]]:
    """Resource patterns and the kinds of resource (bucket, object) they can name."""
    found = []
    kinds: set[str] = set()
    for item in _strings(value, "Policy has invalid resource"):
        if item == "*":
            kinds.update((actions.BUCKET, actions.OBJECT))
            found.append(item)
            continue
        arn = _S3_ARN.match(item)
        if arn is None or not arn.group(1):
            raise MalformedPolicy("Policy has invalid resource")
        rest = arn.group(1)
        name, slash, key = rest.partition("/")
        if "${" not in name and not glob_regex(name).match(bucket):
            raise MalformedPolicy("Policy has invalid resource")
        if not slash and glob_regex(rest).match(bucket):
            kinds.add(actions.BUCKET)
        if slash or name.endswith("*"):
            kinds.add(actions.OBJECT)
        found.append(item)
    return tuple(found), kinds


@dataclass(frozen=True)
class Statement:
    """One compiled statement."""

    sid: str | None
    allow: bool
    principals: Principals
    not_principal: bool
    actions: tuple[re.Pattern[str], ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Test, ...]
    variables: bool
    public: bool

    @property
    def label(self) -> str:
        """How the journal names it: its Sid, quoted, or its effect without one."""
        return f"'{self.sid}'" if self.sid else f"an {'Allow' if self.allow else 'Deny'} " \
            "statement without a Sid"

    def applies(self, who: Who, action: str, resource: str, context: Context) -> bool:
        if self.principals.match(who) == self.not_principal:
            return False
        if any(p.match(action) for p in self.actions) == self.not_action:
            return False
        if any(self._resource_match(r, resource, context)
               for r in self.resources) == self.not_resource:
            return False
        return all_hold(self.conditions, context)

    def _resource_match(self, pattern: str, resource: str, context: Context) -> bool:
        if self.variables and "${" in pattern:
            expanded = _expand(pattern, context)
            return expanded is not None and expanded.match(resource) is not None
        return _glob(pattern).match(resource) is not None


@memo(4096)
def _glob(pattern: str) -> re.Pattern[str]:
    """:func:`glob_regex`, memoized: a policy's patterns are matched on every request it is
    evaluated for, and translating one costs 9 µs (the memo 0.07 µs)."""
    return glob_regex(pattern)


def _expand(pattern: str, context: Context) -> re.Pattern[str] | None:
    """``pattern`` with policy variables replaced by their (literal) values, as a regex;
    None when a variable has no value in the request."""
    out = []
    at = 0
    for match in _VARIABLE.finditer(pattern):
        out.append(glob_regex(pattern[at:match.start()]).pattern[:-2])   # drop the "\\Z"
        name = match.group(1)
        if name in ("*", "?", "$"):
            out.append(re.escape(name))
        else:
            found = context.get(name.lower())
            if not found:
                return None
            out.append(re.escape(found[0]))
        at = match.end()
    out.append(glob_regex(pattern[at:]).pattern)
    return re.compile("".join(out), re.DOTALL)


def _is_public(allow: bool, principals: Principals, not_principal: bool,
               tests: Sequence[Test]) -> bool:
    if not allow or not (principals.everyone or not_principal):
        return False
    for test in tests:
        if test.qualifier or test.if_exists:
            continue
        if test.key == "aws:sourceip" and test.operator == "IpAddress":
            if all(not v.strip().endswith("/0") for v in test.values):
                return False
        elif test.key in _RESTRICTING_KEYS and test.operator in _FIXED_OPERATORS and \
                all("*" not in v and "?" not in v for v in test.values) and \
                (test.key != "aws:userid" or not any(v.endswith(":*") for v in test.values)):
            return False
    return True


def _statement(raw: Any, bucket: str, variables: bool) -> Statement:
    if not isinstance(raw, dict):
        raise MalformedPolicy()
    for name in raw:
        if name not in _FIELDS:
            raise MalformedPolicy(f"Unknown field {name}")
    effect = raw.get("Effect")
    if effect is None:
        raise MalformedPolicy("Missing required field Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicy(f"Invalid effect: {effect}")
    if ("Principal" in raw) == ("NotPrincipal" in raw):
        raise MalformedPolicy("Missing required field Principal" if "Principal" not in raw
                              else "Statement cannot have both Principal and NotPrincipal")
    principal_key = "Principal" if "Principal" in raw else "NotPrincipal"
    principals = parse_principals(raw[principal_key])
    if ("Action" in raw) == ("NotAction" in raw):
        raise MalformedPolicy("Missing required field Action" if "Action" not in raw
                              else "Statement cannot have both Action and NotAction")
    action_key = "Action" if "Action" in raw else "NotAction"
    patterns, action_kinds = _actions(raw[action_key])
    if ("Resource" in raw) == ("NotResource" in raw):
        raise MalformedPolicy("Missing required field Resource" if "Resource" not in raw
                              else "Statement cannot have both Resource and NotResource")
    resource_key = "Resource" if "Resource" in raw else "NotResource"
    resources, resource_kinds = _resources(raw[resource_key], bucket)
    if action_key == "Action" and resource_key == "Resource" and \
            not action_kinds & resource_kinds:
        raise MalformedPolicy("Action does not apply to any resource(s) in statement")
    tests = compile_block(raw["Condition"]) if "Condition" in raw else ()
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise MalformedPolicy()
    allow = effect == "Allow"
    return Statement(sid, allow, principals, principal_key == "NotPrincipal", patterns,
                     action_key == "NotAction", resources, resource_key == "NotResource",
                     tests, variables,
                     _is_public(allow, principals, principal_key == "NotPrincipal", tests))


@dataclass(frozen=True)
class Policy:
    """A validated bucket policy; ``text`` is the document as it was put."""

    text: str
    statements: tuple[Statement, ...]

    #: whether a condition tests the tags of the object acted on (``s3:ExistingObjectTag/``)
    #: / of the request (``s3:RequestObjectTag/``, ``s3:RequestObjectTagKeys``): the request
    #: context offers them only then, so a policy that tests neither costs a request nothing
    tests_existing_tags: bool = field(init=False, default=False)
    tests_request_tags: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        keys = {test.key for statement in self.statements for test in statement.conditions}
        object.__setattr__(self, "tests_existing_tags",
                           any(k.startswith("s3:existingobjecttag/") for k in keys))
        object.__setattr__(self, "tests_request_tags", any(
            k.startswith("s3:requestobjecttag/") or k == "s3:requestobjecttagkeys"
            for k in keys))

    @property
    def is_public(self) -> bool:
        return any(s.public for s in self.statements)

    def evaluate(self, who: Who, action: str, resource: str,
                 context: Context) -> str | None:
        """``"Deny"``, ``"Allow"`` or None for ``action`` (any case) on ``resource``."""
        return self.decision(who, action, resource, context)[0]

    def decision(self, who: Who, action: str, resource: str,
                 context: Context) -> tuple[str | None, Statement | None]:
        """:meth:`evaluate`'s verdict and the statement that gave it (the first that denies,
        else the first that allows)."""
        action = action.lower()
        allowing = None
        for statement in self.statements:
            if statement.applies(who, action, resource, context):
                if not statement.allow:
                    return "Deny", statement
                if allowing is None:
                    allowing = statement
        return ("Allow", allowing) if allowing is not None else (None, None)


def compile_policy(text: str, bucket: str) -> Policy:
    """Validate a bucket policy for ``bucket``; MalformedPolicy with S3's message if bad."""
    if not text.lstrip().startswith("{"):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    try:
        document = jsontext.loads(text)
    except ValueError:
        raise MalformedPolicy("This policy contains invalid Json") from None
    if not isinstance(document, dict):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    for name in document:
        if name not in _TOP_FIELDS:
            raise MalformedPolicy(f"Unknown field {name}")
    version = document.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise MalformedPolicy("Invalid policy document version")
    if "Statement" not in document:
        raise MalformedPolicy("Missing required field Statement")
    raw = document["Statement"]
    raw = raw if isinstance(raw, list) else [raw]
    if not raw:
        raise MalformedPolicy("Could not parse the policy: Statement is empty!")
    statements = tuple(_statement(s, bucket, version == "2012-10-17") for s in raw)
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise MalformedPolicy("Statement IDs (SID) in a single policy must be unique.")
    return Policy(text, statements)
