"""Validate pages, data, TODOs, the activity log and generated files; print path:line: message.

With PATHs, only problems in files under those paths are printed (every check still runs, since
many problems span files). Exit 0 when clean, 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time

from kb.checks import load_all


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("check", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="limit the report to these paths")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="CHECK",
        help="run only this check (repeatable); see --list",
    )
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    parser.set_defaults(func=run)


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).exists()


def run(args: argparse.Namespace) -> int:
    checks = load_all()
    if args.list:
        for name, fn in sorted(checks.items()):
            print(f"{name:22} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    unknown = sorted(set(args.only) - set(checks))
    if unknown:
        print(f"kb check: unknown check {', '.join(unknown)}; see kb check --list", file=sys.stderr)
        return 2
    missing = [p for p in args.paths if not (args.repo.root / p).exists() and not _exists(p)]
    if missing:
        for path in missing:
            print(f"kb check: {path}: no such file or folder", file=sys.stderr)
        return 2
    selected = {n: f for n, f in checks.items() if not args.only or n in args.only}
    prefixes = [p.rstrip("/") for p in (args.repo.rel(p) for p in args.paths)]
    started = time.perf_counter()
    problems = set()
    for fn in selected.values():
        problems.update(fn(args.repo))
    shown = sorted(
        p
        for p in problems
        if not prefixes or any(p.path == x or p.path.startswith(x + "/") for x in prefixes)
    )
    for problem in shown:
        print(problem, file=sys.stderr)
    elapsed = time.perf_counter() - started
    verdict = f"{len(shown)} problem(s)" if shown else "ok"
    print(f"kb check: {verdict} ({len(selected)} checks, {elapsed:.2f} s)", file=sys.stderr)
    return 1 if shown else 0
