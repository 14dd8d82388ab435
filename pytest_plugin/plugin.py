"""The pytest hooks of s3emu: command-line and ini options (group ``s3emu``), the ``s3emu``
marker, the emulator's request log added to the report of a failed test, and (with
``--s3emu-cost-report``) the session's storage cost totals in the terminal summary.

Hooks only: the fixtures are in :mod:`.fixtures` (loaded through ``pytest_plugins``). Nothing
here imports s3emu, boto3 or botocore, so a test run that uses no s3emu fixture pays nothing.
"""
from __future__ import annotations

import sys
from typing import Any, Iterator

import pytest

pytest_plugins = [f"{__package__}.fixtures"]

#: Per test item: ``[(label, emulator, journal total at the start), ...]`` of the fixtures it
#: used.
JOURNALS: pytest.StashKey[list[tuple[str, Any, int]]] = pytest.StashKey()

#: The cost reports (``to_dict()`` without prices) of the emulators the session's fixtures
#: made, taken as each fixture ends (``--s3emu-cost-report``); under xdist each worker sends
#: its own to the controller.
COSTS: pytest.StashKey[list[dict[str, Any]]] = pytest.StashKey()

#: The most requests shown in a failure report (the last ones).
REPORT_LIMIT = 200

#: option name -> (metavar, help, default); each is ``--s3emu-NAME`` and ini ``s3emu_NAME``.
OPTIONS = {
    "region": ("REGION", "region of the emulator (default: us-east-1)", "us-east-1"),
    "clock": ("ISO8601|system", "instant the emulator's clock starts at, for the in-process "
              "fixtures, or 'system' to follow real time (default: 2025-01-01T00:00:00Z, "
              "frozen until the test moves it; the server fixtures follow real time)", ""),
    "auth": ("on|off", "'on' verifies request signatures, 'off' accepts any (default: on)",
             "on"),
    "seed": ("NAME|PATH", "seed data set loaded into every emulator fixture: a name in the "
             "seed directory, or a path (default: none)", ""),
    "seed_dir": ("DIR", "where seed data set names are looked up, relative to the rootdir "
                 "(default: fixtures)", "fixtures"),
    "journal_limit": ("N", "requests each emulator's journal keeps (the latest; counters stay "
                      "exact; default: 10000; 0: no limit)", ""),
    "bucket_defaults": ("current|legacy", "what new buckets start as: 'current' (S3 today) "
                        "or 'legacy' (S3 before April 2023: ACLs enabled, no Block Public "
                        "Access, no default encryption, SSE-C allowed) (default: current)",
                        "current"),
    "report": ("failed|never", "'failed' adds the emulator's request log to the report of a "
               "failed test, 'never' does not (default: failed)", "failed"),
}
#: The values an option may take, where they are few.
CHOICES = {"auth": ("on", "off"), "report": ("failed", "never"),
           "bucket_defaults": ("current", "legacy")}

MARKER = ("s3emu(region=None, buckets=(), seed=None, clock=None, credentials=None, auth=None, "
          "bucket_defaults=None, users=(), roles=()): "
          "configure the s3emu, s3_client and s3emu_server fixtures for this test: the "
          "emulator's region, buckets to create, a seed data set to load (name or path), the "
          "clock's start (ISO 8601, or 'system' for real time), credentials "
          "{access_key: secret}, 'on'/'off' signature checks, journal_limit=N (requests the "
          "journal keeps), bucket_defaults="
          "'current'|'legacy' (new buckets as S3 makes them today, or as before April 2023), "
          "users=[{access_key, secret, account_id, name, policies, boundary, tags}] and "
          "roles=[{name, policies, trust, ...}] (identities with IAM policies)")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("s3emu", "s3emu: an in-process S3 emulator")
    for name, (metavar, text, default) in OPTIONS.items():
        flag = "--s3emu-" + name.replace("_", "-")
        group.addoption(flag, dest="s3emu_" + name, default=None, metavar=metavar, help=text)
        parser.addini("s3emu_" + name, text, default=default)
    group.addoption("--s3emu-cost-report", action="store_true", dest="s3emu_cost_report",
                    default=False,
                    help="print the session's storage cost totals (byte-hours per storage "
                         "class, requests per pricing tier, transitions, estimated cost at "
                         "S3's us-east-1 list prices) over the emulators its fixtures made")


def option(config: pytest.Config, name: str) -> str:
    """An s3emu option's value: the command line's if given, else the ini file's."""
    value = config.getoption("s3emu_" + name)
    text = str(value if value is not None else config.getini("s3emu_" + name)).strip()
    if name in CHOICES and text not in CHOICES[name]:
        raise pytest.UsageError(f"s3emu: {name} must be one of {', '.join(CHOICES[name])}, "
                                f"not {text!r}")
    return text


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    for name in CHOICES:
        option(config, name)  # a bad value is a usage error now, not in every test


#: the session-scoped fixtures whose requests a failed test's report shows (from its call on)
SESSION_FIXTURES = ("s3emu_session", "s3emu_server_session")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Show in a failed test's report the requests of the session fixtures it uses and of the
    ``mock_s3`` it starts (a decorator or a ``with``), from its call on."""
    journals = item.stash.setdefault(JOURNALS, [])
    funcargs = getattr(item, "funcargs", {})
    for name in SESSION_FIXTURES:
        value = funcargs.get(name)
        if value is not None:
            emulator = getattr(value, "emulator", value)       # a Server, or an Emulator
            journals.append((name, emulator, emulator.journal.total))
    mock = sys.modules.get("s3emu.mock")     # loaded if the tests use mock_s3: else no cost
    stop = None
    if mock is not None:
        seen = {id(emulator) for _, emulator, _ in journals}

        def started(emulator: Any) -> None:
            if id(emulator) not in seen:
                seen.add(id(emulator))
                journals.append(("mock_s3", emulator, emulator.journal.total))
        stop = mock.on_start(started)
    try:
        yield
    finally:
        if stop is not None:
            stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed or option(item.config, "report") == "never":
        return
    for label, emulator, start in item.stash.get(JOURNALS, []):
        missing, entries = emulator.journal.since(start)
        report.sections.append((f"s3emu requests ({label})",
                                format_journal(entries, missing)))


def format_journal(entries: list[Any], missing: int = 0) -> str:
    """The requests as a table: operation, bucket, key, status, error code; ``missing``
    earlier ones are no longer in the journal's window."""
    if not entries and not missing:
        return "(no requests)"
    shown = entries[-REPORT_LIMIT:]
    rows = [("#", "operation", "bucket", "key", "status", "error")]
    first = missing + len(entries) - len(shown) + 1
    for number, entry in enumerate(shown, first):
        rows.append((str(number), entry.operation or entry.method, entry.bucket or "-",
                     _short(entry.key or "-"), str(entry.status), entry.error_code or ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
             for row in rows]
    if missing + len(entries) > len(shown):
        lines.insert(1, f"... {missing + len(entries) - len(shown)} earlier requests not shown")
    return "\n".join(line.rstrip() for line in lines)


def _short(key: str, limit: int = 80) -> str:
    return key if len(key) <= limit else key[:limit - 3] + "..."


# -- the session's cost report (--s3emu-cost-report) ---------------------------------------------
def record_cost(config: pytest.Config, emulator: Any) -> None:
    """Add ``emulator``'s cost report to the session's (called as its fixture ends)."""
    report = emulator.cost_report().to_dict()
    report.pop("prices", None)
    config.stash.setdefault(COSTS, []).append(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and session.config.getoption("s3emu_cost_report"):
        workeroutput["s3emu_costs"] = session.config.stash.get(COSTS, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist's controller: take a worker's cost reports."""
    found = getattr(node, "workeroutput", {}).get("s3emu_costs")
    if found:
        node.config.stash.setdefault(COSTS, []).extend(found)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.getoption("s3emu_cost_report") or hasattr(config, "workeroutput"):
        return
    from s3emu.cost import session_totals
    totals = session_totals(config.stash.get(COSTS, []))
    terminalreporter.write_sep("=", "s3emu cost report")
    for line in format_totals(totals).splitlines():
        terminalreporter.write_line(line)


def format_totals(totals: dict[str, Any]) -> str:
    """The session's totals as lines of text."""
    lines = [f"emulators: {totals['emulators']}"]
    for name, byte_hours in sorted(totals["byte_hours"].items()):
        lines.append(f"byte-hours {name}: {byte_hours:.3f}")
    requests = totals["requests"]
    lines.append("requests: " + ", ".join(f"{tier} {requests.get(tier, 0)}"
                                          for tier in ("tier1", "tier2", "free", "restore")))
    if totals["transitions"]:
        lines.append("lifecycle transitions: " + ", ".join(
            f"{name} {count}" for name, count in sorted(totals["transitions"].items())))
    from s3emu.cli_report import money
    costs = totals["costs"]
    lines.append("estimated cost: " + ", ".join(
        f"{name} {money(costs.get(name, 0.0))}" for name in
        ("storage", "requests", "retrieval", "transitions")) +
        f"; total {money(costs.get('total', 0.0))}")
    return "\n".join(lines)
