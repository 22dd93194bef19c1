"""Open, update and resolve incident records in docs/devops/events/incidents.yml.

  kb incident new --service gateway --severity SEV-2 --title "5xx after v1.5.0" [--caused-by ID]
  kb incident update INC-7 [--severity SEV-1] [--mitigated TIME] [--runbook NAME] [--caused-by ID]
  kb incident resolve INC-7 --postmortem URL [--resolved TIME] [--runbook-wrong NAME]

TIME is ISO 8601 with an offset (2026-11-10T14:00:00+01:00 or ...Z); it defaults to now. The new
record gets the next free INC number unless --id is given. --runbook names a page of
docs/devops/runbooks/ (file name without .md) used during the incident; --runbook-wrong records that
the postmortem found that runbook wrong, which flags it on the review dashboard.

Every write holds a lock on the file, validates the whole folder with the change applied, and
replaces the file atomically; an invalid change writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from kb.model._errors import DataError
from kb.model._io import locked, write_atomic
from kb.model.events import (
    EVENTS_DIR,
    INCIDENT_ID,
    INCIDENTS_FILE,
    SEVERITIES,
    Incident,
    load_events,
    runbook_names,
)

#: Seconds to wait for another `kb incident` on the same file before giving up.
LOCK_TIMEOUT = 120
_FIELDS = (
    "id",
    "title",
    "service",
    "severity",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "caused_by",
    "runbooks",
    "runbooks_wrong",
    "postmortem",
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "incident",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="<action>")
    actions.required = True

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--events", metavar="DIR", help=f"events folder (default: {EVENTS_DIR})")
        p.add_argument("--caused-by", metavar="ID", help="the deployment id that caused it")
        p.add_argument(
            "--runbook", action="append", default=[], metavar="NAME", help="a runbook used"
        )
        p.add_argument("--postmortem", metavar="URL", help="link to the postmortem")
        p.add_argument("--started", metavar="TIME", help="when impact began")
        p.add_argument("--mitigated", metavar="TIME", help="when impact stopped")

    new = actions.add_parser("new", help="open an incident record")
    new.add_argument("--id", help="INC-<n> (default: the next free number)")
    new.add_argument("--service", required=True)
    new.add_argument("--severity", required=True, choices=SEVERITIES)
    new.add_argument("--title", required=True)
    new.add_argument("--detected", metavar="TIME", help="when it was detected (default: now)")
    common(new)

    update = actions.add_parser("update", help="change fields of an open or resolved incident")
    update.add_argument("id", metavar="INC-N")
    update.add_argument("--severity", choices=SEVERITIES)
    update.add_argument("--title")
    update.add_argument("--detected", metavar="TIME")
    update.add_argument("--runbook-wrong", action="append", default=[], metavar="NAME")
    common(update)

    resolve = actions.add_parser("resolve", help="record the resolution (and mitigation if unset)")
    resolve.add_argument("id", metavar="INC-N")
    resolve.add_argument("--resolved", metavar="TIME", help="when it was resolved (default: now)")
    resolve.add_argument("--runbook-wrong", action="append", default=[], metavar="NAME")
    common(resolve)
    parser.set_defaults(func=run)


class _Usage(Exception):
    pass


def _time(text: str | None, flag: str, now: dt.datetime) -> dt.datetime | None:
    if text is None:
        return None
    if text == "now":
        return now
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Usage(f"{flag} '{text}' is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise _Usage(f"{flag} '{text}' has no UTC offset: add Z or +HH:MM")
    return value.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run(args: argparse.Namespace) -> int:
    root = args.repo.root
    folder = Path(args.events).resolve() if args.events else Path(root, EVENTS_DIR)
    file = folder / INCIDENTS_FILE
    if not file.is_file():
        print(f"kb incident: {file} not found", file=sys.stderr)
        return 2
    own = folder.resolve() == Path(root, EVENTS_DIR).resolve()
    runbooks = runbook_names(args.repo) if own else None
    # The one lock of kb.model._io (re-entrant), so write_atomic inside takes the same lock.
    try:
        with locked(file, timeout=LOCK_TIMEOUT):
            return _locked_run(args, root, folder, file, runbooks)
    except DataError as exc:
        print(f"{exc}; nothing written", file=sys.stderr)
        return 1


def _locked_run(args, root: Path, folder: Path, file: Path, runbooks) -> int:
    """Read, change, validate and replace incidents.yml; the caller holds the lock."""
    events = load_events(root, folder, runbooks=runbooks)
    if events.problems:
        for problem in events.problems:
            print(problem, file=sys.stderr)
        print("kb incident: fix the records first; nothing written", file=sys.stderr)
        return 1
    records = [_record(i) for i in events.incidents]
    try:
        message = _apply(args, records, _now())
    except _Usage as exc:
        print(f"kb incident: {exc}", file=sys.stderr)
        return 2
    text = _render(file.read_text(encoding="utf-8"), records)
    after = load_events(root, folder, runbooks=runbooks, incidents_text=text)
    if after.problems:
        for problem in after.problems:
            print(problem, file=sys.stderr)
        print("kb incident: nothing written", file=sys.stderr)
        return 1
    write_atomic(file, text)
    print(f"{events.folder}/{INCIDENTS_FILE}: {message}", file=sys.stderr)
    return 0


def _record(incident: Incident) -> dict:
    return incident.model_dump()


def _apply(args: argparse.Namespace, records: list[dict], now: dt.datetime) -> str:
    by_id = {r["id"]: r for r in records}
    if args.action == "new":
        number = 1 + max((int(r["id"].split("-")[1]) for r in records), default=0)
        incident_id = args.id or f"INC-{number}"
        if not INCIDENT_ID.match(incident_id):
            raise _Usage(f"--id '{incident_id}' is not INC-<number>")
        if incident_id in by_id:
            raise _Usage(f"{incident_id} already exists; use kb incident update")
        detected = _time(args.detected, "--detected", now) or now
        record = {
            "id": incident_id,
            "title": args.title,
            "service": args.service,
            "severity": args.severity,
            "started": _time(args.started, "--started", now) or detected,
            "detected": detected,
            "mitigated": None,
            "resolved": None,
            "caused_by": None,
            "runbooks": [],
            "runbooks_wrong": [],
            "postmortem": None,
        }
        records.append(record)
        verb = "opened"
    else:
        if args.id not in by_id:
            raise _Usage(f"no incident {args.id} in {INCIDENTS_FILE}")
        record = by_id[args.id]
        incident_id = args.id
        for key in ("severity", "title"):
            if getattr(args, key, None):
                record[key] = getattr(args, key)
        if getattr(args, "detected", None):
            record["detected"] = _time(args.detected, "--detected", now)
        if args.started:
            record["started"] = _time(args.started, "--started", now)
        verb = "updated"
    if args.mitigated:
        record["mitigated"] = _time(args.mitigated, "--mitigated", now)
    if args.caused_by:
        record["caused_by"] = args.caused_by
    if args.postmortem:
        record["postmortem"] = args.postmortem
    for name in args.runbook:
        if name not in record["runbooks"]:
            record["runbooks"].append(name)
    for name in getattr(args, "runbook_wrong", []):
        if name not in record["runbooks"]:
            record["runbooks"].append(name)
        if name not in record["runbooks_wrong"]:
            record["runbooks_wrong"].append(name)
    if args.action == "resolve":
        record["resolved"] = _time(args.resolved, "--resolved", now) or now
        if record["mitigated"] is None:
            record["mitigated"] = record["resolved"]
        verb = "resolved"
    return f"{incident_id} {verb}"


def _scalar(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    # JSON strings are YAML double-quoted scalars: any title is written as text, never as YAML.
    return json.dumps(value, ensure_ascii=False)


def _render(previous: str, records: list[dict]) -> str:
    """incidents.yml with `records`, keeping the file's leading comment."""
    header = []
    for line in previous.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    lines = [*header, "incidents:" if records else "incidents: []"]
    for record in records:
        first = True
        for key in _FIELDS:
            value = record.get(key)
            if value is None or value == []:
                continue
            if isinstance(value, list):
                text = "[" + ", ".join(_scalar(v) for v in value) + "]"
            else:
                text = _scalar(value)
            lines.append(f"{'  - ' if first else '    '}{key}: {text}")
            first = False
    return "\n".join(lines) + "\n"
