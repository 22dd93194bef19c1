"""Compute the five DORA delivery metrics from deployment and incident records.

  kb dora                                   every service, over every recorded event
  kb dora --service gateway --since 2026-11-02 --until 2026-11-29
  kb dora --events tests/dora/data/two-services --format json

DATE is YYYY-MM-DD; the window is whole UTC days, both ends included (default: from the first to
the last recorded production deployment or incident). --events reads another folder with the layout of docs/devops/events/
(services.yml, deployments.yml, incidents.yml). JSON keys: change_lead_time_hours (median),
deployment_frequency_per_week, change_fail_rate, failed_deployment_recovery_time_hours (median),
deployment_rework_rate (ratios, not percentages), deployments, incidents; `services` holds the same
keys per service. A metric with nothing to measure is null. Invalid records print as path:line:
message and exit 1; nothing is computed from a folder with bad records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from kb.model.dora import METRIC_KEYS, compute, default_window, services_of
from kb.model.events import EVENTS_DIR, load_events, runbook_names


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "dora",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--since", metavar="DATE", help="first day of the window (UTC)")
    parser.add_argument("--until", metavar="DATE", help="last day of the window (UTC)")
    parser.add_argument("--service", metavar="S", help="one service (default: every service)")
    parser.add_argument(
        "--events", metavar="DIR", help=f"events folder (default: {EVENTS_DIR} of the repository)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def _day(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Usage(f"{flag} '{text}' is not YYYY-MM-DD") from None


class _Usage(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    try:
        since, until = _day(args.since, "--since"), _day(args.until, "--until")
    except _Usage as exc:
        print(f"kb dora: {exc}", file=sys.stderr)
        return 2
    if since and until and until < since:
        print("kb dora: --until is before --since", file=sys.stderr)
        return 2
    root = args.repo.root
    folder = Path(args.events).resolve() if args.events else Path(root, EVENTS_DIR)
    if not folder.is_dir():
        print(f"kb dora: events folder '{args.events or EVENTS_DIR}' not found", file=sys.stderr)
        return 2
    # Runbook names are checked only against the repository's own runbooks.
    own = folder.resolve() == Path(root, EVENTS_DIR).resolve()
    events = load_events(root, folder, runbooks=runbook_names(args.repo) if own else None)
    if events.problems:
        for problem in events.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.service and args.service not in events.services:
        print(
            f"kb dora: unknown service '{args.service}' (services: "
            f"{', '.join(sorted(events.services)) or 'none'})",
            file=sys.stderr,
        )
        return 2
    window = default_window(events, since, until)
    overall = compute(events, window, args.service)
    report = {
        "events": events.folder,
        "since": window.since.isoformat() if window else None,
        "until": window.until.isoformat() if window else None,
        "service": args.service,
        **overall.values(),
        "services": {
            s: compute(events, window, s).values() for s in services_of(events, args.service)
        },
    }
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print(_table(report))
    return 0


_LABELS = {
    "change_lead_time_hours": ("Change lead time (median)", "h"),
    "deployment_frequency_per_week": ("Deployment frequency", "/week"),
    "change_fail_rate": ("Change fail rate", "%"),
    "failed_deployment_recovery_time_hours": ("Failed deployment recovery (median)", "h"),
    "deployment_rework_rate": ("Deployment rework rate", "%"),
}


def _cell(key: str, value) -> str:
    if value is None:
        return "-"
    unit = _LABELS[key][1]
    if unit == "%":
        return f"{value * 100:.1f} %"
    return f"{value:.2f} {unit}"


def _table(report: dict) -> str:
    if report["since"] is None:
        return f"No production deployments in {report['events']} yet: nothing to measure."
    services = report["services"]
    columns = list(services)
    if report["service"] is None and len(columns) > 1:
        columns.append("(all)")
    header = ["metric", *columns]
    rows = [header]
    for key in METRIC_KEYS:
        row = [_LABELS[key][0]]
        for name in columns:
            source = report if name == "(all)" else services[name]
            row.append(_cell(key, source[key]))
        rows.append(row)
    for key in ("deployments", "incidents"):
        rows.append([key, *(str((report if c == "(all)" else services[c])[key]) for c in columns)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [f"{report['events']}: {report['since']} to {report['until']} (UTC)"]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
