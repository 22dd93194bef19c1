"""Append one entry to the activity log (docs/devops/activity-log.md), atomically.

The entry is validated against the log's grammar before anything is written. Give a command's
result after ` => `, e.g. --commands "make test => 212 passed".
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from kb.model import DataError
from kb.model.activity import Entry, append_entry, format_entry
from kb.model.owners import load_owners


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "log",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--area", required=True, help="area of the change, e.g. foundation, exa")
    parser.add_argument("--title", required=True, help="what changed, in a few words")
    parser.add_argument("--owner", default="@platform-team", help="owning team handle")
    parser.add_argument("--files", nargs="*", default=[], metavar="FILE", help="files changed")
    parser.add_argument(
        "--commands",
        nargs="*",
        default=[],
        metavar="CMD",
        help="commands run, each optionally 'command => result'",
    )
    parser.add_argument("--outcome", required=True, help="what is true now")
    parser.add_argument("--next", default="none", dest="next_steps", help="what is left")
    parser.add_argument("--date", default=None, help="entry date (default: today, YYYY-MM-DD)")
    parser.add_argument("--dry-run", action="store_true", help="print the entry, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for flag, value in (
        ("--area", args.area),
        ("--title", args.title),
        ("--outcome", args.outcome),
        ("--next", args.next_steps),
    ):
        if not value.strip():
            print(f"kb log: {flag} must not be empty", file=sys.stderr)
            return 2
    try:
        date = dt.date.fromisoformat(args.date) if args.date else args.repo.today
    except ValueError:
        print(f"kb log: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.owner not in load_owners(args.repo):
        print(f"kb log: owner '{args.owner}' is not in docs/devops/owners.yml", file=sys.stderr)
        return 2
    entry = Entry(
        date=date,
        title=args.title,
        area=args.area,
        owner=args.owner,
        files=tuple(args.files),
        commands=tuple(args.commands),
        outcome=args.outcome,
        next_steps=args.next_steps,
    )
    if args.dry_run:
        print(format_entry(entry), end="")
        return 0
    try:
        written = append_entry(args.repo, entry)
    except DataError as exc:
        for problem in exc.problems:
            print(f"kb log: refused, nothing written: {problem}", file=sys.stderr)
        return 1
    print(f"docs/devops/activity-log.md:{written.line}: logged '{written.title}'", file=sys.stderr)
    return 0
