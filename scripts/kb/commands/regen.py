"""Rewrite the generated regions of README.md and CONTRIBUTING.md from their sources.

--check exits 1 when a region is stale and writes nothing (kb check runs the same test).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.model._io import write_atomic
from kb.model.regions import FILES, regenerate


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("regen", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if anything would change")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    stale = False
    for rel in FILES:
        path = Path(args.repo.root, rel)
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new, problems = regenerate(text, rel, args.repo)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        if new != text:
            stale = True
            if args.check:
                print(f"{rel}:1: generated region is stale; run kb regen", file=sys.stderr)
            else:
                write_atomic(path, new)
                print(f"{rel}: regenerated", file=sys.stderr)
    return 1 if stale and args.check else 0
