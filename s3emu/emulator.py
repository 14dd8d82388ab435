"""The Emulator: the public facade of one in-memory S3 — configuration, reset / load / dump,
serving (a WSGI callable). It builds the :class:`~s3emu.services.Services` the layers below
receive; none of them holds the Emulator."""
from __future__ import annotations

from typing import Any, Callable, Generic, Iterable, Mapping, TypeVar, overload

from dataclasses import replace

import weakref
from functools import partial

from .access_logs import AccessLogs
from .admin import AdminAccess, is_admin, serve as serve_admin
from .app import App
from .background import Jobs, inventory, lifecycle, tiering
from .access.identity import UNRESTRICTED, Identity, compile_document, identity_of
from .auth.users import DEFAULT_ACCOUNT_ID, Role, User, Users
from .clock import Clock
from .events import Events
from .faults import Faults
from .ids import Ids
from .journal import DEFAULT_LIMIT, Journal
from .messages import Inbound, Outcome, answer_wsgi, inbound_of
from .notifications import Notifications
from .replication import Replication
from .model.settings import NEW_BUCKETS, BucketSettings
from .model.store import Store
from .scheduler import Scheduler
from .services import Services
from .settings import BUCKET_DEFAULTS, S3_MIN_PART_SIZE, Settings
from .throttle import Throttle
from .cost import CostReport, cost_report
from .usage import Usage, usage_of

__all__ = ["BUCKET_DEFAULTS", "Emulator", "S3_MIN_PART_SIZE"]


_T = TypeVar("_T")


class _Service(Generic[_T]):
    """An Emulator attribute that is one of its services (read-only)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, emu: None, owner: type | None = None) -> _Service[_T]: ...
    @overload
    def __get__(self, emu: Emulator, owner: type | None = None) -> _T: ...

    def __get__(self, emu: Emulator | None, owner: type | None = None) -> Any:
        return self if emu is None else getattr(emu._services, self.name)


def _identity(policies: Any, boundary: Any) -> Identity | None:
    """What a user's documents allow (None: no documents, everything in its account)."""
    identity = identity_of(policies, boundary)
    return None if identity is UNRESTRICTED else identity


def _fresh_state(clock: Clock, seed: str, journal: Journal) -> dict[str, Any]:
    """The services that start empty (the Services fields they fill): a store, the ids it
    makes its version ids with (seeded), the events of its objects with their consumers
    (notifications), and the scheduler of the background work on it (the daily lifecycle
    pass)."""
    ids = Ids(seed)
    scheduler = Scheduler(clock)
    store = Store(clock, ids.version_id, scheduler.now)
    events = Events()
    notifications = Notifications(store, journal)
    events.listen(notifications)
    replication = Replication(store, journal, scheduler, events)
    events.listen(replication)
    scheduler.daily(partial(lifecycle.run_pass, store, journal, events), "lifecycle")
    scheduler.daily(partial(tiering.run_pass, store, journal, events), "intelligent tiering")
    scheduler.daily(partial(inventory.run_reports, store, journal,
                            ids.request_id), "inventory")
    return {"store": store, "ids": ids, "scheduler": scheduler, "events": events,
            "notifications": notifications, "replication": replication,
            "jobs": Jobs(store, journal, events, scheduler),
            "access_logs": AccessLogs(store, journal, scheduler,
                                      ids.request_id)}


def _follower(emu: Emulator) -> Callable[[], bool]:
    """What the clock calls when it moves: ``emu``'s background work now due runs
    (:mod:`s3emu.scheduler`). It holds the emulator weakly (a clock may outlive it, or be
    shared by several) and answers False once the emulator is gone."""
    ref = weakref.ref(emu)

    def moved() -> bool:
        found = ref()
        if found is None:
            return False
        found.services.store.meter.clock_moved(found.clock.now())
        found.services.scheduler.run_due()
        return True
    return moved


class _Setting:
    """An Emulator attribute that reads one field of its frozen
    :class:`~s3emu.settings.Settings`; setting it makes new settings (between requests)."""

    def __init__(self, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, emu: Emulator | None, owner: type | None = None) -> Any:
        return self if emu is None else getattr(emu.settings, self.name)

    def __set__(self, emu: Emulator, value: Any) -> None:
        if self.read_only:
            raise AttributeError(f"{self.name} is fixed when the Emulator is made")
        emu._configure(**{self.name: value})


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
    :param bucket_defaults: what new buckets start as: ``"current"`` (the default: S3's
        buckets today, with ACLs disabled, Block Public Access on, SSE-S3 default encryption
        and SSE-C blocked) or ``"legacy"`` (S3's before April 2023: Object Ownership
        ObjectWriter with ACLs enabled, no Block Public Access, no default encryption, SSE-C
        allowed); anything else is a ValueError.
    :param journal_limit: how many requests :attr:`journal` keeps (the latest; default
        10,000; None: all); its counters (``journal.total``, ``journal.tally()``) stay exact.
    :param admin: who may use the admin API under ``/_s3emu/`` (:attr:`admin`): an
        :class:`~s3emu.admin.AdminAccess`, or its ``enabled`` setting (None: in-process and
        over loopback; True: also on a non-loopback address, with a token; False: never).
    :param users: the users of every account (:class:`~s3emu.auth.users.Users`), instead of
        ``credentials``; the first one added is :attr:`default_user`.
    """

    def __init__(self, region: str = "us-east-1",
                 credentials: Mapping[str, str] | None = None,
                 clock: Clock | None = None, *, auth: str = "on",
                 min_part_size: int = S3_MIN_PART_SIZE, seed: str = "s3emu",
                 throttle: str | Mapping[str, Any] | None = None,
                 block_sse_c: bool = True, bucket_defaults: str = "current",
                 journal_limit: int | None = DEFAULT_LIMIT,
                 admin: AdminAccess | bool | None = None, users: Users | None = None) -> None:
        if users is not None and credentials is not None:
            raise TypeError("pass either credentials or users, not both")
        if users is None:
            users = Users()
            for access_key, secret in (credentials or {"testing": "testing"}).items():
                users.add(access_key, secret)
        elif not len(users):
            raise ValueError("users holds no user")
        settings = Settings(region=region, auth=auth, min_part_size=min_part_size, seed=seed,
                            block_sse_c=block_sse_c, bucket_defaults=bucket_defaults)
        clock = clock or Clock()
        journal = Journal(journal_limit)
        self._services = Services(
            settings=settings, clock=clock, users=users, journal=journal,
            throttle=Throttle(clock, throttle), faults=Faults(),
            **_fresh_state(clock, seed, journal))
        clock.on_move(_follower(self))
        self._app = App(self._services)
        #: who may use the admin API (:class:`~s3emu.admin.AdminAccess`)
        self.admin = admin if isinstance(admin, AdminAccess) else AdminAccess(admin)

    # -- the services ----------------------------------------------------------------------
    @property
    def services(self) -> Services:
        """The services the app works with (settings, store, clock, ids, users, ...)."""
        return self._services

    settings: _Service[Settings] = _Service()
    clock: _Service[Clock] = _Service()
    store: _Service[Store] = _Service()
    ids: _Service[Ids] = _Service()
    users: _Service[Users] = _Service()
    journal: _Service[Journal] = _Service()
    #: per-prefix request budgets (off unless configured)
    throttle: _Service[Throttle] = _Service()
    #: injected faults (see :mod:`s3emu.faults`)
    faults: _Service[Faults] = _Service()
    #: the background work due on the clock (lifecycle, ...): ``emu.scheduler.pending()``
    scheduler: _Service[Scheduler] = _Service()
    #: what S3 delivered to event notification destinations: ``emu.notifications.messages(arn)``
    #: (see :mod:`s3emu.notifications`); a new one after :meth:`reset`
    notifications: _Service[Notifications] = _Service()

    def _rebuild(self, **changes: object) -> None:
        self._services = replace(self._services, **changes)  # type: ignore[arg-type]
        self._app = App(self._services)

    def _configure(self, **changes: object) -> None:
        self._rebuild(settings=replace(self._services.settings, **changes))  # type: ignore

    # -- configuration (settings may be changed between requests) ----------------------------
    #: the region it stands for (see the class docstring); settable between requests
    region = _Setting()
    #: ``"on"`` or ``"off"``; settable between requests
    auth = _Setting()
    #: the smallest multipart part but the last; settable between requests
    min_part_size = _Setting()
    #: whether buckets that never set ``BlockedEncryptionTypes`` refuse SSE-C; settable
    block_sse_c = _Setting()
    #: ``"current"`` or ``"legacy"``: what new buckets start as; settable between requests
    bucket_defaults = _Setting()
    #: the seed of the deterministic ids (fixed once made)
    seed = _Setting(read_only=True)

    @property
    def account_emails(self) -> dict[str, str]:
        """Account e-mail addresses (lower-case) -> account id, for ACL grants by e-mail."""
        return self.users.emails

    # -- configuration -------------------------------------------------------------------
    def add_user(self, access_key: str, secret: str, *, account_id: str = DEFAULT_ACCOUNT_ID,
                 name: str | None = None, email: str | None = None,
                 policies: Any = None, boundary: Any = None,
                 tags: dict[str, str] | None = None) -> User:
        """Add a user (access key and secret) belonging to ``account_id``; ``email`` is the
        account's e-mail address, for ACL grants by ``emailAddress``.

        :param policies: the user's identity-based policies (JSON documents, as strings or
            dicts; one or a list): the user may do only what they allow (and bucket policies
            grant). None (the default): everything in its own account, as the root user.
        :param boundary: a permissions boundary limiting what ``policies`` grant.
        :param tags: the principal's tags (``aws:PrincipalTag/*`` in conditions).
        """
        return self.users.add(access_key, secret, account_id=account_id, name=name,
                              email=email, identity=_identity(policies, boundary), tags=tags)

    def add_role(self, name: str, *, account_id: str = DEFAULT_ACCOUNT_ID,
                 policies: Any = (), trust: Any = None, boundary: Any = None,
                 max_session_duration: int = 3600, tags: dict[str, str] | None = None,
                 path: str = "/") -> Role:
        """Add an IAM role that STS ``AssumeRole`` hands out sessions of.

        :param policies: its permission policies (JSON documents).
        :param trust: its trust policy; None: any principal of its own account may assume it.
        :param max_session_duration: the longest session, in seconds (3600 .. 43200).
        """
        if not 3600 <= max_session_duration <= 43200:
            raise ValueError("max_session_duration must be between 3600 and 43200 seconds")
        if not (path.startswith("/") and path.endswith("/")):
            raise ValueError("a role's path starts and ends with '/'")
        if trust is None:
            trust = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sts:AssumeRole"}]}
        role = Role(name, account_id, identity_of(policies, boundary),
                    compile_document(trust, kind="trust"), max_session_duration,
                    "AROA" + self.ids.request_id()[:17], dict(tags or {}), path)
        self.users.roles[role.arn] = role
        return role

    @property
    def new_bucket_settings(self) -> BucketSettings:
        """The settings a new bucket starts with (per :attr:`bucket_defaults`)."""
        return NEW_BUCKETS[self.bucket_defaults]

    @property
    def default_user(self) -> User:
        return self.users.default

    def reset(self) -> None:
        """Forget every bucket, object, journal entry and fault, refill every throttle
        budget; keep the configuration (users, clock, throttle settings)."""
        self._rebuild(**_fresh_state(self.clock, self.seed, self.journal))
        self.journal.clear()
        self.faults.clear()
        self.throttle.reset()

    def _replace_state(self, state: Mapping[str, Any]) -> None:
        """Take ``state`` (what :func:`_fresh_state` makes, loaded by :mod:`s3emu.snapshot`)
        instead of the current one."""
        self._rebuild(**state)

    def usage(self) -> Usage:
        """What the store holds, per bucket, storage class and top-level prefix: objects,
        bytes, noncurrent versions, delete markers, uploads in progress (:mod:`s3emu.usage`)."""
        return usage_of(self.store)

    def cost_report(self, prices: Mapping[str, Any] | None = None) -> CostReport:
        """What the storage would have cost on S3 since the emulator was made or reset:
        byte-hours per bucket and storage class over the clock, requests per pricing tier,
        retrievals, lifecycle transitions, priced with S3's us-east-1 list prices or
        ``prices`` (any of them; see :mod:`s3emu.cost`)."""
        return cost_report(self.store, self.journal, self.clock.now(), prices)

    def load(self, path: Any) -> list[str]:
        """Load the seed data tree at ``path`` (see :mod:`s3emu.seed`); returns bucket names."""
        from .seed import load
        return load(self.store, path, owner=self.default_user.account_id,
                    region=self.region, start=self.new_bucket_settings)

    def dump(self, path: Any, *, overwrite: bool = False) -> list[str]:
        """Write every bucket and object to ``path`` as a seed data tree (:mod:`s3emu.seed`)."""
        from .seed import dump
        return dump(self.store, path, overwrite=overwrite)

    # -- serving ---------------------------------------------------------------------------
    def bucket_region(self, name: str) -> str | None:
        """The region of bucket ``name``, or None if there is no such bucket."""
        return self.store.region_of(name)

    def serve(self, inbound: Inbound) -> Outcome:
        """Serve one request handed over by an edge (in-process, the standalone server):
        the admin API under ``/_s3emu/`` (:mod:`s3emu.admin`), else S3 (:class:`~.app.App`)."""
        if is_admin(inbound):
            return serve_admin(self, inbound)
        return self._app.serve(inbound)

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[Any]:
        """``emu(environ, start_response)``: the WSGI application, for any WSGI server."""
        return answer_wsgi(self.serve(inbound_of(environ)), start_response)

    def __repr__(self) -> str:
        return f"Emulator(region={self.region!r}, buckets={len(self.store.buckets)})"
