"""Write the repository inventory (docs/devops/inventory.yml) for the Inventory page.

Lists every tracked file grouped by top-level folder with kind, size and last commit date.
--check exits 1 when the stored data lists other files, kinds or sizes (commit dates alone do
not make it stale), writing nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.model._io import locked, write_atomic
from kb.model.inventory import INVENTORY_FILE, compute, dump, is_stale


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("inventory", help=__doc__.splitlines()[0], description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the data would change")
    mode.add_argument("--dry-run", action="store_true", help="print the data, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.repo.root, INVENTORY_FILE)
    with locked(path):  # parallel runs queue: each computes and writes whole
        return _run(args, path)


def _run(args: argparse.Namespace, path: Path) -> int:
    text = dump(compute(args.repo))
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if args.dry_run:
        print(text, end="")
        return 0
    if args.check:
        if is_stale(args.repo, current):
            print(f"{INVENTORY_FILE}:1: inventory is stale; run kb inventory", file=sys.stderr)
            return 1
        return 0
    changed = write_atomic(path, text)
    print(f"{INVENTORY_FILE}: {'updated' if changed else 'unchanged'}", file=sys.stderr)
    return 0
