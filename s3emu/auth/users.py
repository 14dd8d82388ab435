"""Users (access key + secret) and the accounts they belong to.

Secrets live in memory only, for computing signatures; they are never logged, journaled or
dumped. What is derived from them (SigV4 signing keys, the checks of a credential) is memoized
by the :class:`Users` that holds them, so it is never shared between emulators (see
:mod:`s3emu.memo`). This module imports only the standard library, the memo helper and
:mod:`.signing`; the signers hand it what they memoize (:meth:`Users.memoized`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Callable, Mapping

from ..memo import memo
from .signing import signing_key

#: The default account: what the default ``testing``/``testing`` user belongs to.
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_DISPLAY_NAME = "s3emu"


@dataclass(frozen=True)
class User:
    """An access key, its secret and its account."""

    access_key: str
    secret: str = field(repr=False)
    account_id: str = DEFAULT_ACCOUNT_ID
    display_name: str = DEFAULT_DISPLAY_NAME
    #: what the user may do: an :class:`s3emu.access.identity.Identity` (its identity-based
    #: policies and permissions boundary); None: everything in its own account, as the
    #: account's root user
    identity: Any = field(default=None, repr=False, compare=False)
    #: the principal's tags (``aws:PrincipalTag/*``)
    tags: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: temporary credentials: the :class:`Session` they belong to; None: long-term keys
    session: Any = field(default=None, repr=False, compare=False)

    @property
    def canonical_id(self) -> str:
        """The account's 64-hex canonical user id (stable for an account id)."""
        return canonical_id(self.account_id)

    @property
    def arn(self) -> str:
        """The principal's ARN: the IAM user's, or the assumed role session's."""
        if self.session is not None:
            return str(self.session.arn)
        return f"arn:aws:iam::{self.account_id}:user/{self.display_name}"


def canonical_id(account_id: str) -> str:
    return hashlib.sha256(f"s3emu-canonical:{account_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Role:
    """An IAM role: who may assume it (its trust policy), what its sessions may do."""

    name: str
    account_id: str
    #: its permission policies and boundary (an ``s3emu.access.identity.Identity``)
    identity: Any = field(repr=False)
    #: its trust policy (an ``s3emu.access.policy.Policy`` with principals)
    trust: Any = field(repr=False)
    #: the longest session AssumeRole may ask for, in seconds (3600 .. 43200)
    max_session: int = 3600
    #: its unique id (``AROA...``), the first half of its sessions' ``aws:userid``
    role_id: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    path: str = "/"

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"


@dataclass(frozen=True)
class Session:
    """What temporary credentials belong to: an assumed role's session, or a user's session
    token (GetSessionToken)."""

    #: the principal's ARN (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``, or the user's)
    arn: str
    token: str = field(repr=False)
    issued: datetime
    expires: datetime
    #: ``aws:userid`` (``AROA...:SESSION`` for a role; the user's key otherwise)
    user_id: str
    #: the role assumed (its ARN), None for GetSessionToken
    role_arn: str | None = None


#: The principal of an unsigned request.
ANONYMOUS = User("", "", account_id="anonymous", display_name="anonymous")


class Users:
    """The emulator's users, by access key, the accounts' e-mail addresses, and the memos of
    what is derived from the users' secrets."""

    def __init__(self) -> None:
        self._by_key: dict[str, User] = {}
        #: IAM roles by ARN (``emu.add_role``), assumed through STS
        self.roles: dict[str, Role] = {}
        #: account e-mail addresses (lower-case) -> account id, for ACL grants by e-mail
        self.emails: dict[str, str] = {}
        #: :func:`.signing.signing_key`, memoized: ``(secret, date, region[, service])`` ->
        #: the SigV4 signing key (four HMACs saved per presigned or POST request)
        self.signing_key = memo(64)(signing_key)
        #: functions of these users and their arguments, memoized (:meth:`memoized`)
        self._memos: dict[Callable[..., Any], Callable[..., Any]] = {}

    def add(self, access_key: str, secret: str, *, account_id: str = DEFAULT_ACCOUNT_ID,
            name: str | None = None, email: str | None = None, identity: Any = None,
            tags: Mapping[str, str] | None = None, session: Session | None = None) -> User:
        user = User(access_key, secret, account_id,
                    name or (DEFAULT_DISPLAY_NAME if account_id == DEFAULT_ACCOUNT_ID
                             else f"account-{account_id}"), identity, dict(tags or {}), session)
        self._by_key[access_key] = user
        self._memos.clear()             # they name users: one may have been replaced
        if email is not None:
            self.emails[email.lower()] = account_id
        return user

    def memoized(self, function: Callable[..., Any], maxsize: int = 64) -> Callable[..., Any]:
        """``function`` (its first argument: these users) bound to these users and memoized
        for them (e.g. :func:`.sigv4.checked_credential`), forgotten when a user is added."""
        found = self._memos.get(function)
        if found is None:
            found = self._memos[function] = memo(maxsize)(partial(function, self))
        return found

    @property
    def default(self) -> User:
        """The first user added: who unsigned requests act as when auth is off."""
        return next(iter(self._by_key.values()))

    def get(self, access_key: str) -> User | None:
        return self._by_key.get(access_key)

    def __contains__(self, access_key: object) -> bool:
        return access_key in self._by_key

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


#: ``(access key, secret, account id, display name or None)`` as given on a command line.
UserSpec = tuple[str, str, str, "str | None"]


def parse_user(spec: str) -> UserSpec:
    """``AKID:SECRET[:ACCOUNT_ID[:NAME]]``; ValueError (never quoting the secret) if malformed."""
    parts = spec.strip().split(":", 3)
    if len(parts) < 2 or not parts[0] or not parts[1] or (len(parts) > 2 and not parts[2]):
        raise ValueError("expected AKID:SECRET[:ACCOUNT_ID[:NAME]]")
    account = parts[2] if len(parts) > 2 else DEFAULT_ACCOUNT_ID
    return parts[0], parts[1], account, (parts[3] or None) if len(parts) > 3 else None


def read_users_file(text: str) -> list[UserSpec]:
    """Users from a file's text: JSON (a list of ``{"access_key", "secret", "account_id",
    "name"}`` objects, or ``{"users": [...]}``) or one ``AKID:SECRET[:ACCOUNT_ID[:NAME]]`` per
    line (blank lines and ``#`` comments ignored). ValueError names the bad entry's position."""
    import json
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        data = json.loads(text)
        entries = data.get("users") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise ValueError('expected a list of users or {"users": [...]}')
        found = []
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("access_key") \
                    or not entry.get("secret"):
                raise ValueError(f"user {number}: needs access_key and secret")
            found.append((str(entry["access_key"]), str(entry["secret"]),
                          str(entry.get("account_id") or DEFAULT_ACCOUNT_ID),
                          entry.get("name") or None))
        return found
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                found.append(parse_user(line))
            except ValueError as error:
                raise ValueError(f"line {number}: {error}") from None
    return found


#: what a users file may say of a user besides its keys: ``Emulator.add_user`` arguments
_IDENTITY_FIELDS = ("policies", "boundary", "tags", "email")
#: what it may say of a role: ``Emulator.add_role`` arguments
_ROLE_FIELDS = frozenset({"name", "account_id", "policies", "trust", "boundary",
                          "max_session_duration", "tags", "path"})


def read_identities(text: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """What a JSON users file says beyond keys: per access key the ``add_user`` arguments
    (``policies``, ``boundary``, ``tags``, ``email``) and the roles (``{"roles": [{"name": ...,
    "policies": [...], "trust": {...}, ...}]}``, ``add_role``'s arguments). Files of
    ``AKID:SECRET`` lines say nothing more. ValueError names a bad entry."""
    import json
    if not text.lstrip().startswith(("[", "{")):
        return {}, []
    data = json.loads(text)
    entries = data.get("users") if isinstance(data, dict) else data
    extras = {}
    for entry in entries or ():
        found = {name: entry[name] for name in _IDENTITY_FIELDS if name in entry}
        if found:
            extras[str(entry["access_key"])] = found
    roles = data.get("roles", []) if isinstance(data, dict) else []
    if not isinstance(roles, list):
        raise ValueError('"roles" must be a list')
    for number, role in enumerate(roles, 1):
        if not isinstance(role, dict) or not role.get("name"):
            raise ValueError(f"role {number}: needs a name")
        unknown = set(role) - _ROLE_FIELDS
        if unknown:
            raise ValueError(f"role {number}: unknown fields {sorted(unknown)}")
    return extras, roles
