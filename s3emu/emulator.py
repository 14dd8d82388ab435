"""The Emulator: one in-memory S3 with its clock, users, ids and journal; a WSGI callable."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .app import handle
from .auth.users import DEFAULT_ACCOUNT_ID, User, Users
from .clock import Clock
from .errors import InvalidAccessKeyId
from .ids import Ids
from .journal import Journal
from .model.store import Store

if TYPE_CHECKING:
    from .auth.identify import Credential
    from .protocol.addressing import Address

#: S3's minimum size for every part of a multipart upload but the last.
S3_MIN_PART_SIZE = 5 * 1024 * 1024


class Emulator:
    """An in-memory S3.

    :param region: the region the emulator stands for (``x-amz-bucket-region`` of buckets
        created without a LocationConstraint on a regional endpoint, the default signing
        region).
    :param credentials: ``{access_key: secret}`` for users of the default account; default
        ``{"testing": "testing"}``.
    :param clock: the clock; default a frozen :class:`Clock` at 2025-01-01T00:00:00Z.
    :param auth: ``"on"`` (verify signatures, the default) or ``"off"`` (accept any).
    :param min_part_size: smallest allowed size of a multipart part but the last.
    :param seed: seed of the deterministic ids.
    """

    def __init__(self, region: str = "us-east-1",
                 credentials: Mapping[str, str] | None = None,
                 clock: Clock | None = None, *, auth: str = "on",
                 min_part_size: int = S3_MIN_PART_SIZE, seed: str = "s3emu") -> None:
        if auth not in ("on", "off"):
            raise ValueError("auth must be 'on' or 'off'")
        self.region = region
        self.clock = clock or Clock()
        self.auth = auth
        self.min_part_size = min_part_size
        self.seed = seed
        self.users = Users()
        for access_key, secret in (credentials or {"testing": "testing"}).items():
            self.users.add(access_key, secret)
        self.ids = Ids(seed)
        self.store = Store(self.clock)
        self.journal = Journal()

    # -- configuration -------------------------------------------------------------------
    def add_user(self, access_key: str, secret: str, *, account_id: str = DEFAULT_ACCOUNT_ID,
                 name: str | None = None) -> User:
        """Add a user (access key and secret) belonging to ``account_id``."""
        return self.users.add(access_key, secret, account_id=account_id, name=name)

    @property
    def default_user(self) -> User:
        return next(iter(self.users))

    def reset(self) -> None:
        """Forget every bucket, object and journal entry; keep the configuration."""
        self.store = Store(self.clock)
        self.ids = Ids(self.seed)
        self.journal.clear()

    # -- serving ---------------------------------------------------------------------------
    def authenticate(self, credential: Credential, method: str, where: Address,
                     headers: Mapping[str, str], query: Mapping[str, str],
                     environ: dict[str, Any]) -> User:
        """The user a signed request comes from; InvalidAccessKeyId for an unknown key."""
        user = self.users.get(credential.access_key)
        if user is None:
            if self.auth == "off":
                return self.default_user
            raise InvalidAccessKeyId(AWSAccessKeyId=credential.access_key)
        return user

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        return handle(self, environ, start_response)

    def __repr__(self) -> str:
        return f"Emulator(region={self.region!r}, buckets={len(self.store.buckets)})"
