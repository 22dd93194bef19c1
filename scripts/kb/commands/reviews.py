"""List pages by review due date; --overdue keeps only pages past it (what the weekly reminder reads).

Every page under docs/ with valid front matter is listed with its owner, last review, due date and
days overdue, most overdue first. `--format json` prints a list of objects (path, url, title, owner,
last_reviewed, due, overdue_days) for scripts such as .github/workflows/review-reminders.yml.
Pages whose front matter is invalid are reported on stderr as `path:line: message` (exit 1).
"""

from __future__ import annotations

import argparse
import json
import sys

from kb.model.pages import load_pages


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reviews",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--overdue", action="store_true", help="only pages past their review date")
    parser.add_argument("--owner", default=None, help="only pages of this team, e.g. @sre-team")
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    repo = args.repo
    rows, problems = [], []
    for page in load_pages(repo):
        if page.meta is None:
            problems.extend(page.problems)
            continue
        meta = page.meta
        overdue = meta.overdue_days(repo.today)
        if (args.overdue and overdue <= 0) or (args.owner and meta.owner != args.owner):
            continue
        rows.append(
            {
                "path": page.path,
                "url": page.url,
                "title": meta.title,
                "owner": meta.owner,
                "last_reviewed": meta.last_reviewed.isoformat(),
                "due": meta.review_due().isoformat(),
                "overdue_days": max(overdue, 0),
            }
        )
    rows.sort(key=lambda r: (-r["overdue_days"], r["due"], r["path"]))
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            late = f"{r['overdue_days']} d overdue" if r["overdue_days"] else "due"
            print(f"{r['due']}  {late:>14}  {r['owner']:<15} {r['path']}")
        print(
            f"{len(rows)} page(s){' overdue' if args.overdue else ''} on {repo.today}",
            file=sys.stderr,
        )
    return 1 if problems else 0
