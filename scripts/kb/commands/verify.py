"""Run every command block on the operational pages against a local stack and report by status.

Starts Prometheus (real rules, scenario TSDB), Alertmanager, redis-server, PostgreSQL 15, the Exa
fake and moto on 127.0.0.1, checks each block (verified / parsed / not verifiable here), stops
the stack and prints the counts. Failures print as `path:line: block N: what failed`. With no
PATH, every operational page is checked and docs/devops/verification.yml (the per-block marks the
pages show) is rewritten when it changed; `--check` only says whether it is stale.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from kb.model._io import write_atomic
from kb.model.verification import (
    VERIFICATION_FILE,
    dump_results,
    load_verification,
    unverifiable_rose,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("verify", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="pages to check (default: all)")
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 if {VERIFICATION_FILE} would change"
    )
    parser.add_argument("--quiet", action="store_true", help="print only failures and counts")
    parser.add_argument(
        "--raise-ceiling",
        action="store_true",
        help="accept more 'not verifiable here' blocks than the committed record (say why in the "
        "commit); without it the count may only fall",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb.verify.runner import verify_pages
    from kb.verify.stack import Stack, StackError

    repo = args.repo
    paths = []
    for given in args.paths:
        path = Path(given)
        path = path if path.is_absolute() else Path.cwd() / path
        if not path.is_file():
            print(f"{given}:1: no such page", file=sys.stderr)
            return 2
        paths.append(path.resolve())
    started = time.perf_counter()
    try:
        with Stack(repo.root) as stack:
            up = time.perf_counter() - started
            results = verify_pages(repo, stack, paths or None)
    except StackError as exc:
        print(f"kb verify: {exc}", file=sys.stderr)
        return 2
    checks = time.perf_counter() - started - up
    failures = [line for result in results for line in result.problems()]
    for line in failures:
        print(line, file=sys.stderr)
    counts = Counter(r.outcome.status for r in results)
    commands = sum(counts[k] for k in ("verified", "parsed", "unverifiable", "failed"))
    if not args.quiet:
        for result in results:
            if result.outcome.status != "sample":
                print(f"{result.block.where}: {result.outcome.label}")
    print(
        f"{commands} command blocks: {counts['verified']} verified, {counts['parsed']} parsed, "
        f"{counts['unverifiable']} not verifiable here, {counts['failed']} failing "
        f"({counts['sample']} samples that are not commands); "
        f"stack start-up {up:.1f}s, checks {checks:.1f}s",
        file=sys.stderr,
    )
    if not paths:
        text = dump_results(results)
        target = repo.root / VERIFICATION_FILE
        rose = unverifiable_rose(load_verification(repo.root), counts["unverifiable"])
        if rose and not args.raise_ceiling:
            print(rose, file=sys.stderr)
            return 1
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                print(
                    f"{VERIFICATION_FILE}:1: stale; run `kb verify` and commit it", file=sys.stderr
                )
                return 1
        elif write_atomic(target, text):
            print(f"wrote {VERIFICATION_FILE}", file=sys.stderr)
        load_verification.cache_clear()
    return 1 if failures else 0
