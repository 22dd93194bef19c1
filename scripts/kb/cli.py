"""kb: check, log, list and refresh the Plasma Engine knowledge base.

Exit codes: 0 ok, 1 findings or failure, 2 usage or configuration error. Problems print on
stderr as `path:line: message`; no command prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kb.commands import load_all
from kb.model import DataError, Repository

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line form
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The `kb` parser with every discovered subcommand."""
    parser = _Parser(
        prog="kb",
        description=__doc__.splitlines()[0],
        epilog="Run `kb <command> --help` for a command's options.",
    )
    parser.add_argument(
        "--root",
        default=None,
        help="repository root (default: the folder above the working directory holding mkdocs.yml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>", parser_class=_Parser)
    sub.required = True
    for module in load_all():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kb` with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.repo = Repository.find(args.root or os.environ.get("KB_ROOT") or None)
    except FileNotFoundError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print(
            "kb: interrupted; files already written are complete, nothing is half-written",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
