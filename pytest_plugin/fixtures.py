"""The fixtures of s3emu's pytest plugin.

- ``s3emu`` (function): a new Emulator with botocore, requests and urllib3 patched to it
  (``s3emu.mock_s3``); ``s3_client`` (function): a boto3 S3 client for it.
- ``s3emu_server`` (function): a live ``s3emu.Server`` on 127.0.0.1 and a free port, with
  ``AWS_ENDPOINT_URL_S3``, the emulator's credentials and region exported to the environment
  (for subprocesses) while it runs.
- ``s3emu_session`` / ``s3emu_server_session`` (session): one patched Emulator / one live Server
  for the whole session; state is shared between tests (``emulator.reset()`` empties it).

The ``s3emu`` marker configures the function-scoped fixtures; options (``--s3emu-*``, ini
``s3emu_*``) set the defaults. s3emu and boto3 are imported when a fixture is first used.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from .plugin import JOURNALS, option, record_cost

#: Keyword arguments the ``s3emu`` marker accepts.
MARKER_KEYS = frozenset({"region", "buckets", "seed", "clock", "credentials", "auth",
                         "throttle", "min_part_size", "block_sse_c", "journal_limit",
                         "bucket_defaults", "users", "roles"})
#: Marker arguments passed to the Emulator as they are, when given.
EMULATOR_KEYS = ("throttle", "min_part_size", "block_sse_c", "journal_limit",
                 "bucket_defaults")
#: Environment the server fixture exports while it runs.
SERVER_ENV = ("AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def settings_for(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Emulator settings: options first, then ``s3emu`` markers (the closest one wins)."""
    config = request.config
    settings: dict[str, Any] = {
        "region": option(config, "region"), "clock": None,
        "default_clock": option(config, "clock") or None,
        "auth": option(config, "auth"), "seed": option(config, "seed") or None,
        "buckets": (), "credentials": None,
        "bucket_defaults": option(config, "bucket_defaults")}
    limit = option(config, "journal_limit")
    if limit:
        settings["journal_limit"] = journal_limit(limit)
    if request.scope == "function":
        for mark in reversed(list(request.node.iter_markers("s3emu"))):
            unknown = set(mark.kwargs) - MARKER_KEYS
            if mark.args or unknown:
                pytest.fail(f"@pytest.mark.s3emu takes keyword arguments "
                            f"{', '.join(sorted(MARKER_KEYS))}; got "
                            f"{list(mark.args) + sorted(unknown)}", pytrace=False)
            settings.update(mark.kwargs)
    return settings


def journal_limit(text: str) -> int | None:
    """``--s3emu-journal-limit`` / ini ``s3emu_journal_limit``: N entries, 0 for no limit."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise pytest.UsageError(f"s3emu: journal_limit must be a whole number, not {text!r}")
    return int(text) or None


#: what ``clock=`` / ``--s3emu-clock`` accept besides an ISO 8601 instant: the real time
SYSTEM = "system"


def make_clock(start: Any, *, live: bool = False) -> Any:
    """The clock of an emulator fixture: ``"system"`` follows real time; an instant (ISO 8601
    text or a datetime) starts there, frozen in-process or ticking for a live server; None:
    the default start (in-process) or now (live). A bad value fails the test with a message
    naming the accepted forms."""
    from datetime import datetime

    from s3emu import Clock

    if start == SYSTEM:
        return Clock.system()
    if start is not None and not isinstance(start, (str, datetime)):
        pytest.fail(f"s3emu: clock must be an ISO 8601 instant such as "
                    f"'2025-01-01T00:00:00Z', a datetime, or 'system', not {start!r}",
                    pytrace=False)
    try:
        if live:
            return Clock(start, ticking=True) if start else Clock.system()
        return Clock(start) if start else Clock()
    except ValueError:
        pytest.fail(f"s3emu: clock must be an ISO 8601 instant such as "
                    f"'2025-01-01T00:00:00Z', a datetime, or 'system', not {start!r}",
                    pytrace=False)


def build_emulator(config: pytest.Config, settings: dict[str, Any], *,
                   live: bool = False) -> Any:
    """A new Emulator per ``settings``, seeded and with its buckets created.

    ``live`` (the server fixtures): the clock ticks with real time (from the marker's ``clock``
    if given, else from now), so that clients in other processes, signing with the system
    clock, are not skewed; the ``--s3emu-clock`` default applies to the in-process fixtures
    only, whose clock is frozen until the test moves it.
    """
    from s3emu import Emulator

    start = settings.get("clock") or (None if live else settings.get("default_clock"))
    clock = make_clock(start, live=live)
    extra = {name: settings[name] for name in EMULATOR_KEYS if name in settings}
    emulator = Emulator(region=settings["region"], credentials=settings.get("credentials"),
                        clock=clock, auth=settings.get("auth") or "on", **extra)
    _add_identities(emulator, settings.get("users") or (), settings.get("roles") or ())
    seeds = settings.get("seed") or ()
    for seed in [seeds] if isinstance(seeds, (str, os.PathLike)) else seeds:
        emulator.load(seed_path(config, seed))
    owner = emulator.default_user.account_id
    for name in settings.get("buckets") or ():
        constraint = None if emulator.region == "us-east-1" else emulator.region
        emulator.store.create_bucket(
            name, emulator.region, owner,
            emulator.new_bucket_settings.but(location_constraint=constraint))
    return emulator


def _add_identities(emulator: Any, users: Any, roles: Any) -> None:
    """The marker's ``users`` (``add_user`` arguments: ``access_key``, ``secret``, and
    ``account_id``, ``name``, ``email``, ``policies``, ``boundary``, ``tags``) and ``roles``
    (``add_role`` arguments with ``name``); a bad one fails the test with the reason."""
    for user in users:
        try:
            given = dict(user)
            emulator.add_user(given.pop("access_key"), given.pop("secret"), **given)
        except (KeyError, TypeError, ValueError) as error:
            pytest.fail(f"s3emu: marker users: {user!r}: {error}", pytrace=False)
    for role in roles:
        try:
            emulator.add_role(**role)
        except (TypeError, ValueError) as error:
            pytest.fail(f"s3emu: marker roles: {role!r}: {error}", pytrace=False)


def seed_path(config: pytest.Config, seed: str | os.PathLike[str]) -> Path:
    """Where seed data set ``seed`` is: a path (relative to the rootdir), or a name in the
    seed directory (``--s3emu-seed-dir``, default ``fixtures``)."""
    text = os.fspath(seed)
    root = Path(str(config.rootpath))
    if os.path.isabs(text) or "/" in text or os.sep in text:
        path = root / text
    else:
        path = root / option(config, "seed_dir") / text
    if not path.is_dir():
        pytest.fail(f"s3emu: seed data set {text!r} not found (looked for {str(path)!r})",
                    pytrace=False)
    return path


def count_cost(request: pytest.FixtureRequest, emulator: Any) -> None:
    """With ``--s3emu-cost-report``: add ``emulator``'s cost report to the session's when
    the fixture ends."""
    config = request.config
    if config.getoption("s3emu_cost_report"):
        request.addfinalizer(lambda: record_cost(config, emulator))


def track(request: pytest.FixtureRequest, label: str, emulator: Any) -> None:
    """Show ``emulator``'s requests from now on if the current test fails."""
    node = request.node
    if isinstance(node, pytest.Item):
        node.stash.setdefault(JOURNALS, []).append((label, emulator, emulator.journal.total))


@pytest.fixture
def s3emu(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new Emulator serving botocore, requests and urllib3 in-process (no sockets)."""
    from s3emu.mock import MockS3

    emulator = build_emulator(request.config, settings_for(request))
    track(request, "s3emu", emulator)
    count_cost(request, emulator)
    with MockS3(emulator):
        yield emulator


@pytest.fixture
def s3_emulator(s3emu: Any) -> Any:
    """The ``s3emu`` fixture's Emulator under a name that leaves the ``s3emu`` module usable
    in the test (``s3emu.Clock``, ``s3emu.mock_s3``): both names give the same emulator."""
    return s3emu


@pytest.fixture
def s3_client(s3emu: Any) -> Any:
    """A boto3 S3 client for the ``s3emu`` emulator (its region and first user's keys)."""
    return client_for(s3emu)


def client_for(emulator: Any, endpoint_url: str | None = None) -> Any:
    import boto3

    user = emulator.default_user
    return boto3.client("s3", region_name=emulator.region, endpoint_url=endpoint_url,
                        aws_access_key_id=user.access_key, aws_secret_access_key=user.secret)


@pytest.fixture
def s3emu_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A live Server (127.0.0.1, a free port) with a new Emulator; while it runs,
    ``AWS_ENDPOINT_URL_S3``, credentials and region are exported for subprocesses."""
    from s3emu import Server

    emulator = build_emulator(request.config, settings_for(request), live=True)
    track(request, "s3emu_server", emulator)
    count_cost(request, emulator)
    with Server(emulator) as server:
        user = emulator.default_user
        saved = {name: os.environ.get(name) for name in SERVER_ENV}
        _set_env({"AWS_ENDPOINT_URL_S3": server.endpoint_url,
                  "AWS_ACCESS_KEY_ID": user.access_key, "AWS_SECRET_ACCESS_KEY": user.secret,
                  "AWS_DEFAULT_REGION": emulator.region, "AWS_SESSION_TOKEN": None,
                  "AWS_SECURITY_TOKEN": None})
        try:
            yield server
        finally:
            _set_env(saved)


@pytest.fixture(scope="session")
def s3emu_session(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One patched Emulator for the whole session (options apply, markers do not)."""
    from s3emu.mock import MockS3

    emulator = build_emulator(request.config, settings_for(request))
    count_cost(request, emulator)
    with MockS3(emulator):
        yield emulator


@pytest.fixture(scope="session")
def s3emu_server_session(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One live Server for the whole session (no environment is exported)."""
    from s3emu import Server

    emulator = build_emulator(request.config, settings_for(request), live=True)
    count_cost(request, emulator)
    with Server(emulator) as server:
        yield server


def _set_env(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
