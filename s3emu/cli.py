"""The command line: ``s3emu serve`` (also ``python -m s3emu serve``), ``s3emu ops`` and
``s3emu report`` (:mod:`s3emu.cli_report`).

``serve`` prints the endpoint, then one line per request (see
:func:`s3emu.server.format_line`) on stdout, and stops cleanly (exit code 0) on Ctrl-C / SIGINT
or SIGTERM. Secrets and Authorization headers are never printed.
"""
from __future__ import annotations

import argparse
import json
import os
import logging
import signal
import sys
import threading
from typing import Any, Sequence

from . import __version__, cli_report
from .auth.users import UserSpec, Users, parse_user, read_identities, read_users_file
from .admin import ADMIN_HEADER, AdminAccess, is_loopback_host
from .clock import Clock
from .datadir import INTERVAL, DataDirError, Persistence
from .emulator import BUCKET_DEFAULTS, S3_MIN_PART_SIZE, Emulator
from .journal import DEFAULT_LIMIT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3emu", description="A fast, faithful, deterministic S3 emulator for tests.")
    parser.add_argument("--version", action="version", version=f"s3emu {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="serve S3 over HTTP(S) until interrupted",
        description="Serve an in-memory S3 over HTTP (HTTPS with --tls or --cert/--key) until "
                    "Ctrl-C or SIGTERM. Prints the "
                    "endpoint, then one line per request: METHOD PATH OPERATION STATUS BYTES "
                    "MSms [ERRORCODE]. The clock is the system clock; the credentials are "
                    "access key 'testing', secret 'testing'.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=_port, default=9000,
                       help="port to bind; 0 picks a free one (default: 9000)")
    serve.add_argument("--seed", action="append", default=[], metavar="DIR",
                       help="load a seed data tree at start (see the README's 'Seed data'; "
                            "repeatable)")
    serve.add_argument("--region", default="us-east-1",
                       help="the region the emulator stands for (default: us-east-1)")
    serve.add_argument("--auth", choices=("on", "off"), default="on",
                       help="'on' checks credentials, 'off' accepts any (default: on)")
    serve.add_argument("--quiet", action="store_true",
                       help="do not print a line per request")
    serve.add_argument("--user", action="append", default=[],
                       metavar="AKID:SECRET[:ACCOUNT_ID[:NAME]]",
                       help="add a user (repeatable): access key, secret, optional account id "
                            "(default 123456789012) and display name; users given replace "
                            "the default testing/testing")
    serve.add_argument("--users-file", metavar="PATH",
                       help="read users from PATH: JSON ([{\"access_key\", \"secret\", "
                            "\"account_id\", \"name\"}, ...]) or one "
                            "AKID:SECRET[:ACCOUNT_ID[:NAME]] per line")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate made at start; prints the CA file "
                            "that clients trust (needs: pip install 's3emu[tls]')")
    serve.add_argument("--cert", metavar="PATH",
                       help="serve HTTPS with this PEM certificate (chain); needs --key")
    serve.add_argument("--key", metavar="PATH", help="the PEM private key of --cert")
    serve.add_argument("--allow-insecure-ssec", action="store_true",
                       help="accept SSE-C (customer-provided keys) over plain HTTP, which S3 "
                            "refuses")
    # -- the server's limits (s3emu.Server options of the same names; README "HTTP behaviour")
    limits = serve.add_argument_group("limits")
    for flag, kind, default, text in _LIMIT_FLAGS:
        limits.add_argument(flag, type=kind, default=default, metavar="N",
                            help=f"{text} (default: {default})")
    serve.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None,
                       help="the admin API under /_s3emu/: by default on for loopback Host "
                            "names with the header 'X-S3emu-Admin: 1', and refused when "
                            "--host is not a loopback address; --admin enables it there too "
                            "(with a token, printed at start unless --admin-token is "
                            "given); --no-admin turns it off")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help="admin requests must send 'X-S3emu-Admin: TOKEN' (default: any "
                            "value on loopback; a new token on a non-loopback --host)")
    serve.add_argument("--admin-host", action="append", default=[], metavar="NAME",
                       help="accept admin requests with this Host name too, besides "
                            "localhost, *.localhost, 127.0.0.0/8 and [::1] (repeatable; "
                            "'*' accepts any)")
    # -- the Emulator's options (s3emu.Emulator keywords of the same names)
    serve.add_argument("--bucket-defaults", choices=BUCKET_DEFAULTS, default="current",
                       help="what new buckets start as: 'current' (S3 today: ACLs disabled, "
                            "Block Public Access on, SSE-S3 default encryption, SSE-C "
                            "blocked) or 'legacy' (S3 before April 2023: ObjectWriter with "
                            "ACLs enabled, no Block Public Access, no default encryption, "
                            "SSE-C allowed) (default: current)")
    serve.add_argument("--block-sse-c", action=argparse.BooleanOptionalAction, default=True,
                       help="buckets that never set BlockedEncryptionTypes refuse SSE-C "
                            "writes, as S3's buckets made since April 2026 do; "
                            "--no-block-sse-c stands for an account whose buckets kept SSE-C "
                            "enabled (default: --block-sse-c)")
    serve.add_argument("--min-part-size", type=_byte_count, default=S3_MIN_PART_SIZE,
                       metavar="BYTES",
                       help=f"smallest allowed size of a multipart part but the last "
                            f"(default: {S3_MIN_PART_SIZE}, S3's 5 MiB)")
    serve.add_argument("--throttle", type=_throttle, default=None, metavar="SPEC",
                       help="per-prefix request budgets: 's3' (5,500 reads and 3,500 writes "
                            "per second per prefix), 'off', or a JSON object of "
                            "Throttle.configure keywords, e.g. '{\"reads\": 10, "
                            "\"writes\": 5}' (default: off)")
    serve.add_argument("--clock", type=_instant, default=None, metavar="ISO8601",
                       help="start the emulator's clock at this instant (e.g. "
                            "2025-01-01T00:00:00Z) and let it tick from there; clients that "
                            "sign with the system clock are then skewed (S3 refuses more than "
                            "15 minutes: use --auth off, or move the clock through the admin "
                            "API) (default: the system clock)")
    serve.add_argument("--id-seed", default="s3emu", metavar="TEXT",
                       help="seed of the deterministic request and version ids "
                            "(Emulator seed=; default: s3emu)")
    serve.add_argument("--journal-limit", type=_journal_limit, default=DEFAULT_LIMIT,
                       metavar="N",
                       help=f"keep the latest N requests in the journal; counters stay exact "
                            f"(default: {DEFAULT_LIMIT}; 0: no limit)")
    serve.add_argument("--data-dir", metavar="DIR",
                       help="keep the whole state (buckets, objects, versions, uploads in "
                            "progress, configurations, ACLs, policies, pending background "
                            "work) in DIR across restarts: loaded at start, written after "
                            "changes and at shutdown; DIR is made if missing, and refused if "
                            "it holds other files or a damaged snapshot. --seed applies only "
                            "when DIR holds no state yet (default: in memory only)")
    serve.add_argument("--save-interval", type=_seconds, default=INTERVAL, metavar="SECONDS",
                       help=f"with --data-dir: the least time between two snapshots "
                            f"(default: {INTERVAL:g})")
    serve.set_defaults(run=serve_command)
    ops = commands.add_parser(
        "ops", help="list every S3 operation: handler, IAM action, status",
        description="Print one line per S3 operation s3emu routes: its name, the handler that "
                    "serves it (file:line), the IAM action it is authorized as, and whether "
                    "it is implemented (others answer 501 NotImplemented).")
    ops.add_argument("--missing", action="store_true",
                     help="only the operations not implemented yet")
    ops.set_defaults(run=ops_command)
    cli_report.add_parser(commands)
    return parser


def ops_command(args: argparse.Namespace) -> int:
    """``s3emu ops``: the table of operation records, generated from the code."""
    from . import ops as _ops  # noqa: F401  (declares every record)
    from .operations import OPERATIONS
    records = sorted(OPERATIONS.values(), key=lambda r: r.name)
    if args.missing:
        records = [r for r in records if not r.implemented]
    rows = [(r.name, r.where, r.action, "implemented" if r.implemented else "501")
            for r in records]
    widths = [max([len(h), *(len(row[i]) for row in rows)])
              for i, h in enumerate(("OPERATION", "HANDLER", "IAM ACTION", "STATUS"))]
    for row in [("OPERATION", "HANDLER", "IAM ACTION", "STATUS"), *rows]:
        _print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    done = sum(r.implemented for r in OPERATIONS.values())
    _print(f"{done} of {len(OPERATIONS)} operations implemented")
    return 0


def _journal_limit(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise argparse.ArgumentTypeError(f"not a whole number of entries: {text!r}")
    return int(text) or None


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds (0-86400): {text!r}")
    return value


def _byte_count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 15:
        raise argparse.ArgumentTypeError(f"not a whole number of bytes: {text!r}")
    return int(text)


def _throttle(text: str) -> str | dict[str, Any] | None:
    """``--throttle``: ``s3``, ``off`` or a JSON object of Throttle.configure keywords (whose
    names and values the Emulator checks)."""
    if text in ("s3", "off"):
        return None if text == "off" else text
    try:
        spec = json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not 's3', 'off' or a JSON object: {text!r}") from None
    if not isinstance(spec, dict):
        raise argparse.ArgumentTypeError(f"not 's3', 'off' or a JSON object: {text!r}")
    return spec


def _instant(text: str) -> Clock:
    try:
        return Clock(text, ticking=True)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _users(args: argparse.Namespace) -> list[UserSpec]:
    """Users from ``--user`` and ``--users-file`` (messages never quote a secret)."""
    found = []
    for number, spec in enumerate(args.user, 1):
        try:
            found.append(parse_user(spec))
        except ValueError as error:
            raise ValueError(f"--user #{number}: {error}") from None
    if args.users_file:
        with open(args.users_file, encoding="utf-8") as stream:
            try:
                found.extend(read_users_file(stream.read()))
            except ValueError as error:
                raise ValueError(f"--users-file {args.users_file}: {error}") from None
    return found


def _add_identities(args: argparse.Namespace, emulator: Emulator) -> None:
    """The identity policies, boundaries and tags of ``--users-file``'s users, and its roles
    (a JSON file's ``policies`` / ``boundary`` / ``tags`` / ``email`` and ``"roles"``)."""
    if not args.users_file:
        return
    with open(args.users_file, encoding="utf-8") as stream:
        extras, roles = read_identities(stream.read())
    for access_key, more in extras.items():
        user = emulator.users.get(access_key)
        assert user is not None
        try:
            emulator.add_user(access_key, user.secret, account_id=user.account_id,
                              name=user.display_name, **more)
        except ValueError as error:
            raise ValueError(f"user {access_key!r}: {error}") from None
    for role in roles:
        try:
            emulator.add_role(**role)
        except ValueError as error:
            raise ValueError(f"role {role['name']!r}: {error}") from None


def _check_users(persistence: Persistence, emulator: Emulator) -> None:
    """Warn about the users a loaded state was written with that are not given now (their
    secrets are never saved: users come from --user / --users-file at every start)."""
    assert persistence.loaded is not None
    missing = [f"{key!r} (account {account})" for key, account in persistence.loaded.users
               if key not in emulator.users]
    if missing:
        print(f"s3emu: warning: {persistence.path} was written with user(s) "
              f"{', '.join(missing)}, not given now (--user / --users-file); their buckets "
              f"stay, but they cannot sign requests", file=sys.stderr)


def _check_tls(args: argparse.Namespace) -> str | None:
    """What is wrong with the TLS options (None if nothing)."""
    if (args.cert is None) != (args.key is None):
        return "--cert and --key go together"
    if args.cert and args.tls:
        return "--tls makes a certificate; give either --tls or --cert/--key"
    if args.cert:
        from .tls import server_context
        try:
            server_context(args.cert, args.key)
        except (OSError, ValueError) as error:
            return f"cannot load --cert/--key: {error}"
    return None


_LIMIT_FLAGS = (
    ("--idle-timeout", float, 60.0, "seconds a connection may wait for its next request"),
    ("--head-timeout", float, 20.0, "seconds to receive a request head, from its first byte"),
    ("--body-timeout", float, 20.0, "seconds a client may stay silent mid-body; also the grace "
                                    "before --min-body-rate applies"),
    ("--min-body-rate", int, 1024, "bytes per second a body must average after that grace"),
    ("--max-connections", int, 2048, "connections open at once; more get 503 SlowDown"),
    ("--workers", int, 32, "requests served at once (threads)"),
)


def _limits(args: argparse.Namespace) -> dict[str, Any]:
    return {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_"))
            for flag, *_ in _LIMIT_FLAGS}


def serve_command(args: argparse.Namespace) -> int:
    from .server import Server

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="s3emu: %(levelname)s: %(message)s")
    try:
        users = _users(args)
    except (OSError, ValueError) as error:
        print(f"s3emu: {error}", file=sys.stderr)
        return 2
    try:
        access = AdminAccess(args.admin, args.admin_token, args.admin_host)
    except ValueError as error:
        print(f"s3emu: --admin-token: {error}", file=sys.stderr)
        return 2
    known = None
    if users:
        known = Users()
        for access_key, secret, account_id, name in users:
            known.add(access_key, secret, account_id=account_id, name=name)
    try:
        emulator = Emulator(region=args.region, auth=args.auth,
                            clock=args.clock or Clock.system(),
                            journal_limit=args.journal_limit, admin=access, users=known,
                            bucket_defaults=args.bucket_defaults,
                            block_sse_c=args.block_sse_c, min_part_size=args.min_part_size,
                            throttle=args.throttle, seed=args.id_seed)
    except (TypeError, ValueError) as error:    # e.g. a --throttle keyword it does not know
        print(f"s3emu: {error}", file=sys.stderr)
        return 2
    try:
        _add_identities(args, emulator)
    except (OSError, ValueError, TypeError) as error:
        print(f"s3emu: --users-file {args.users_file}: {error}", file=sys.stderr)
        return 2
    tls_problem = _check_tls(args)
    if tls_problem:
        print(f"s3emu: {tls_problem}", file=sys.stderr)
        return 2
    try:
        server = Server(emulator, args.host, args.port, log=False if args.quiet else _print,
                        tls=args.tls, cert=args.cert, key=args.key,
                        allow_insecure_ssec=args.allow_insecure_ssec, admin=args.admin,
                        **_limits(args))
    except ValueError as error:  # a limit out of range
        print(f"s3emu: {error}", file=sys.stderr)
        return 2
    persistence = None
    if args.data_dir is not None:
        try:
            persistence = Persistence.open(emulator, args.data_dir, args.save_interval)
        except DataDirError as error:
            print(f"s3emu: --data-dir: {error}", file=sys.stderr)
            return 2
        server.persistence = persistence
    if persistence is not None and persistence.loaded is not None:
        _check_users(persistence, emulator)
        if args.seed:
            print(f"s3emu: --seed ignored: {persistence.path} holds a state already",
                  file=sys.stderr)
    else:
        for seed in args.seed:
            try:
                emulator.load(seed)
            except (OSError, ValueError) as error:
                print(f"s3emu: --seed {seed}: {error}", file=sys.stderr)
                if persistence is not None:
                    persistence.close(save=False)
                return 2
    stopping = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, lambda *_: stopping.set())
    try:
        try:
            server.start()
        except OSError as error:
            print(f"s3emu: cannot listen on {args.host}:{args.port}: "
                  f"{error.strerror or error}", file=sys.stderr)
            if persistence is not None:
                persistence.close(save=False)
            return 1
        except RuntimeError as error:  # no 'cryptography' to make a certificate
            print(f"s3emu: {error}", file=sys.stderr)
            if persistence is not None:
                persistence.close(save=False)
            return 2
        where = server.endpoint_url
        if not is_loopback_host(args.host):
            bound = f"[{args.host}]" if ":" in args.host else args.host
            where = (f"{'https' if server.tls else 'http'}://{bound}:{server.port} "
                     f"(all interfaces; from this machine {server.endpoint_url})"
                     if args.host in ("0.0.0.0", "::", "") else
                     f"{'https' if server.tls else 'http'}://{bound}:{server.port}")
            print(f"s3emu: warning: listening on {args.host}, not a loopback address: the "
                  f"emulator (test credentials{'' if server.tls else ', plain HTTP'}) is "
                  f"reachable from the network", file=sys.stderr)
        _print(f"s3emu {__version__} serving S3 on {where} "
               f"(region {args.region}, auth {args.auth}, "
               f"{args.bucket_defaults} bucket defaults, "
               f"access key {', '.join(repr(u.access_key) for u in emulator.users)}); "
               f"Ctrl-C to stop")
        if persistence is not None:
            _print(f"data directory {persistence.path}: "
                   + (f"state loaded ({len(emulator.store.buckets)} bucket(s))"
                      if persistence.loaded is not None else "new"))
        if server.ca_path:
            _print(f"TLS: self-signed certificate; clients trust the CA file {server.ca_path} "
                   f"(boto3 verify=PATH, aws --ca-bundle PATH or AWS_CA_BUNDLE=PATH)")
        if emulator.admin.token is not None and args.admin_token is None:  # made at start
            _print(f"admin API: {server.endpoint_url}/_s3emu/ with the header "
                   f"'{ADMIN_HEADER}: {emulator.admin.token}'")
        elif emulator.admin.exposed_on is not None and not emulator.admin.enabled:
            print(f"s3emu: the admin API is off on {args.host} (not a loopback address); "
                  f"--admin enables it", file=sys.stderr)
        admin = emulator.admin
        if admin.enabled is not False and (admin.exposed_on is None or admin.enabled):
            _print(f"dashboard: {server.endpoint_url}/_s3emu/ui/")
        while not stopping.wait(3600):
            pass
    finally:
        try:
            server.stop()
        except Exception as error:   # the last snapshot could not be written (disk full)
            print(f"s3emu: --data-dir: writing the state failed: {error}", file=sys.stderr)
            code = 1
        else:
            code = 0
        for number, handler in previous.items():
            signal.signal(number, handler)
    if code == 0:
        _print("s3emu stopped")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        return 0
    except BrokenPipeError:    # `s3emu ops | head`: the reader has had enough
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout until the process exits
        return 0
