"""The Emulator: one in-memory S3 with its clock, users, ids and journal; a WSGI callable."""
from __future__ import annotations

from typing import Any, Mapping

from .access.enforce import authorize
from .app import handle
from .auth import verify
from .auth.users import DEFAULT_ACCOUNT_ID, User, Users
from .clock import Clock
from .admin import AdminAccess
from .faults import Faults
from .ids import Ids
from .journal import DEFAULT_LIMIT, Journal
from .model.store import Store
from .throttle import Throttle

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
    :param auth: ``"on"`` (verify signatures like S3, the default) or ``"off"`` (accept any
        signature; unsigned requests act as the default user).
    :param min_part_size: smallest allowed size of a multipart part but the last.
    :param seed: seed of the deterministic ids.
    :param throttle: per-prefix request budgets (:class:`~s3emu.throttle.Throttle`): None
        (off, the default), ``"s3"`` (5,500 reads and 3,500 writes per second per prefix) or
        a dict of :meth:`~s3emu.throttle.Throttle.configure` settings.
    :param block_sse_c: whether buckets that never set ``BlockedEncryptionTypes`` refuse SSE-C
        writes, as S3's buckets created since April 2026 do (except in me-south-1 and
        me-central-1); False stands for an account whose buckets kept SSE-C enabled.
    :param journal_limit: how many requests :attr:`journal` keeps (the latest; default
        10,000; None: all); its counters (``journal.total``, ``journal.tally()``) stay exact.
    :param admin: who may use the admin API under ``/_s3emu/`` (:attr:`admin`): an
        :class:`~s3emu.admin.AdminAccess`, or its ``enabled`` setting (None: in-process and
        over loopback; True: also on a non-loopback address, with a token; False: never).
    """

    def __init__(self, region: str = "us-east-1",
                 credentials: Mapping[str, str] | None = None,
                 clock: Clock | None = None, *, auth: str = "on",
                 min_part_size: int = S3_MIN_PART_SIZE, seed: str = "s3emu",
                 throttle: str | Mapping[str, Any] | None = None,
                 block_sse_c: bool = True, journal_limit: int | None = DEFAULT_LIMIT,
                 admin: AdminAccess | bool | None = None) -> None:
        if auth not in ("on", "off"):
            raise ValueError("auth must be 'on' or 'off'")
        self.region = region
        self.clock = clock or Clock()
        self.auth = auth
        self.min_part_size = min_part_size
        self.seed = seed
        self.block_sse_c = block_sse_c
        self.users = Users()
        #: account e-mail addresses (lower-case) -> account id, for ACL grants by e-mail
        self.account_emails: dict[str, str] = {}
        for access_key, secret in (credentials or {"testing": "testing"}).items():
            self.users.add(access_key, secret)
        self.ids = Ids(seed)
        self.store = Store(self.clock)
        self.journal = Journal(journal_limit)
        #: who may use the admin API (:class:`~s3emu.admin.AdminAccess`)
        self.admin = admin if isinstance(admin, AdminAccess) else AdminAccess(admin)
        #: per-prefix request budgets (off unless configured)
        self.throttle = Throttle(self.clock, throttle)
        #: injected faults (see :mod:`s3emu.faults`)
        self.faults = Faults()

    # -- configuration -------------------------------------------------------------------
    def add_user(self, access_key: str, secret: str, *, account_id: str = DEFAULT_ACCOUNT_ID,
                 name: str | None = None, email: str | None = None) -> User:
        """Add a user (access key and secret) belonging to ``account_id``; ``email`` is the
        account's e-mail address, for ACL grants by ``emailAddress``."""
        if email is not None:
            self.account_emails[email.lower()] = account_id
        return self.users.add(access_key, secret, account_id=account_id, name=name)

    @property
    def default_user(self) -> User:
        return next(iter(self.users))

    def reset(self) -> None:
        """Forget every bucket, object, journal entry and fault, refill every throttle
        budget; keep the configuration (users, clock, throttle settings)."""
        self.store = Store(self.clock)
        self.ids = Ids(self.seed)
        self.journal.clear()
        self.faults.clear()
        self.throttle.reset()

    def load(self, path: Any) -> list[str]:
        """Load the seed data tree at ``path`` (see :mod:`s3emu.seed`); returns bucket names."""
        from .seed import load
        return load(self, path)

    def dump(self, path: Any, *, overwrite: bool = False) -> list[str]:
        """Write every bucket and object to ``path`` as a seed data tree (:mod:`s3emu.seed`)."""
        from .seed import dump
        return dump(self, path, overwrite=overwrite)

    # -- serving ---------------------------------------------------------------------------
    #: ``authenticate(credential, method, where, headers, query, environ, operation)``: the user
    #: a request comes from, its signature verified as S3 does (see :mod:`s3emu.auth.verify`);
    #: anonymous requests get ``ANONYMOUS`` where allowed
    authenticate = verify.authenticate

    #: ``authorize(call)``: raise AccessDenied unless the request may do what it asks (ACLs,
    #: bucket policy, Object Ownership, Block Public Access; see :mod:`s3emu.access`)
    authorize = staticmethod(authorize)

    def bucket_region(self, name: str) -> str | None:
        """The region of bucket ``name``, or None if there is no such bucket."""
        bucket = self.store.buckets.get(name)
        return bucket.region if bucket is not None else None

    #: ``emu(environ, start_response)``: the WSGI application (see :func:`s3emu.app.handle`)
    __call__ = handle

    def __repr__(self) -> str:
        return f"Emulator(region={self.region!r}, buckets={len(self.store.buckets)})"
