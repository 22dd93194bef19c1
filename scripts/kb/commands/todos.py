"""List every TODO in the repository with owner, file:line, action, exit condition and ticket."""

from __future__ import annotations

import argparse
import json
import sys

from kb.model.todos import load_todos


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("todos", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument(
        "--owner",
        help="only this owner's TODOs, e.g. @platform-team (the @ may be left out); "
        "a team not in the owners registry is a usage error",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    owner = None
    if args.owner is not None:
        from kb.model.owners import load_owners

        owner = "@" + args.owner.strip().removeprefix("@")
        if owner not in load_owners(args.repo):
            print(
                f"kb todos: --owner {args.owner!r}: no team {owner} in docs/devops/owners.yml",
                file=sys.stderr,
            )
            return 2
    todos, problems = load_todos(args.repo)
    if owner:
        todos = [t for t in todos if t.owner == owner]
    if args.format == "json":
        print(json.dumps([t.as_dict() for t in todos], indent=2, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("owner", "where", "action", "done when", "ticket", box=None)
        for t in todos:
            table.add_row(t.owner, f"{t.path}:{t.line}", t.action, t.exit_condition, t.ticket or "")
        Console(width=200 if not sys.stdout.isatty() else None).print(table)
        print(f"{len(todos)} TODO(s)", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0
