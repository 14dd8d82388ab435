"""``s3emu report --endpoint URL [--json]``: a running emulator's usage and cost.

It asks the admin API (``GET /_s3emu/usage`` and ``GET /_s3emu/cost``, with the
``X-S3emu-Admin`` header: ``1``, or the token given with ``--admin-token`` or the
``S3EMU_ADMIN_TOKEN`` environment variable) and prints a table per bucket and storage class, or
both answers as one JSON document. A bad or unreachable endpoint, or a refusal, is one line on
stderr and exit code 1. This module imports only the standard library.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

ADMIN_HEADER = "X-S3emu-Admin"
TIMEOUT = 10


class ReportError(Exception):
    """Why the report could not be fetched (one line)."""


def add_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="print a running emulator's storage usage and cost",
        description="Ask a running s3emu (its admin API) for its storage usage and cost report "
                    "(byte-hours over the emulator clock, requests per pricing tier, "
                    "retrievals, lifecycle transitions, priced at S3's us-east-1 list prices) "
                    "and print them as a table, or as JSON.")
    report.add_argument("--endpoint", required=True, metavar="URL",
                        help="the emulator's endpoint, e.g. http://127.0.0.1:9000")
    report.add_argument("--json", action="store_true",
                        help='print {"usage": ..., "cost": ...} as JSON instead of a table')
    report.add_argument("--admin-token", metavar="TOKEN",
                        default=os.environ.get("S3EMU_ADMIN_TOKEN"),
                        help="the admin token, if the server has one (default: "
                             "$S3EMU_ADMIN_TOKEN; without one the header says 1)")
    report.set_defaults(run=report_command)


def report_command(args: argparse.Namespace) -> int:
    try:
        usage = fetch(args.endpoint, "usage", args.admin_token)
        cost = fetch(args.endpoint, "cost", args.admin_token)
    except ReportError as error:
        print(f"s3emu report: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"usage": usage, "cost": cost}, indent=1, sort_keys=True))
    else:
        print(format_report(usage, cost))
    return 0


def fetch(endpoint: str, what: str, token: str | None = None) -> dict[str, Any]:
    """``GET {endpoint}/_s3emu/{what}`` as JSON; ReportError with a one-line reason."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ReportError(f"{endpoint!r} is not an http(s) URL such as http://127.0.0.1:9000")
    url = f"{endpoint.rstrip('/')}/_s3emu/{what}"
    request = urllib.request.Request(url, headers={ADMIN_HEADER: token or "1"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            data = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise ReportError(f"{url} answered {error.code}: {_reason(error)}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ReportError(f"cannot reach {endpoint}: {reason}") from None
    except ValueError:
        raise ReportError(f"{url} did not answer JSON: is it an s3emu endpoint?") from None
    if not isinstance(data, dict):
        raise ReportError(f"{url} did not answer a JSON object: is it an s3emu endpoint?")
    return data


def _reason(error: urllib.error.HTTPError) -> str:
    try:
        found = json.loads(error.read()).get("error")
    except (ValueError, AttributeError, OSError):
        found = None
    return str(found or error.reason)[:300]


def money(value: float) -> str:
    """USD with six decimals; an amount below a millionth of a dollar in e-notation (the
    few bytes of a test are worth that much)."""
    return f"${value:.6f}" if value == 0 or abs(value) >= 1e-6 else f"${value:.2e}"


def format_report(usage: dict[str, Any], cost: dict[str, Any]) -> str:
    """The readable table: per bucket and storage class, then requests and costs."""
    rows = [("BUCKET", "STORAGE CLASS", "OBJECTS", "BYTES NOW", "BYTE-HOURS", "COST")]
    buckets = usage.get("buckets", {})
    for name in sorted(set(buckets) | set(cost.get("buckets", {}))):
        counted = buckets.get(name, {}).get("storage_classes", {})
        priced = cost.get("buckets", {}).get(name, {}).get("storage_classes", {})
        for storage_class in sorted(set(counted) | set(priced)):
            found = priced.get(storage_class, {})
            rows.append((name, storage_class, str(counted.get(storage_class, {}).get(
                "objects", 0)), str(found.get("bytes", 0)),
                f"{found.get('byte_hours', 0.0):.3f}", money(found.get("cost", 0.0))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    if len(rows) == 1:
        lines.append("(no stored bytes)")
    requests = cost.get("requests", {})
    lines.append("")
    lines.append("requests: " + ", ".join(f"{tier} {requests.get(tier, 0)}"
                                          for tier in ("tier1", "tier2", "free", "restore")))
    transitions = cost.get("transitions", {})
    if transitions:
        lines.append("lifecycle transitions: " + ", ".join(
            f"{name} {count}" for name, count in sorted(transitions.items())))
    retrievals = [(bucket, name, found) for bucket, data in sorted(cost.get("buckets", {}).items())
                  for name, found in sorted(data.get("retrievals", {}).items())]
    for bucket, name, found in retrievals:
        lines.append(f"retrieval {bucket} {name}: {found['requests']} requests, "
                     f"{found['bytes']} bytes, {money(found['cost'])}")
    costs = cost.get("costs", {})
    lines.append("cost: " + ", ".join(f"{name} {money(costs.get(name, 0.0))}" for name in
                                      ("storage", "requests", "retrieval", "transitions")) +
                 f"; total {money(costs.get('total', 0.0))}")
    lines.append(f"(S3 us-east-1 list prices taken {cost.get('prices_taken', '?')}; "
                 f"at {cost.get('at', '?')} on the emulator clock)")
    return "\n".join(line.rstrip() for line in lines)
