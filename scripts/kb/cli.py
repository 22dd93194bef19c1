"""kb: check, log, list and refresh the Plasma Engine knowledge base.

Exit codes: 0 ok, 1 findings or failure, 2 usage or configuration error. Problems print on
stderr as `path:line: message`; no command prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
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


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` runs and no temporary file is left."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kb` with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    pinned = os.environ.get("KB_TODAY")
    if pinned:
        try:
            dt.date.fromisoformat(pinned)
        except ValueError:
            print(f"kb: KB_TODAY={pinned!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return EXIT_USAGE
    try:
        args.repo = Repository.find(args.root or os.environ.get("KB_ROOT") or None)
    except FileNotFoundError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if threading_main():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return int(args.func(args))
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_FINDINGS
    except (RecursionError, MemoryError) as exc:  # a limit no loader caught: still one line
        print(f"kb: input too large or too deeply nested ({type(exc).__name__})", file=sys.stderr)
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print(
            "kb: interrupted; files already written are complete, nothing is half-written",
            file=sys.stderr,
        )
        return 130


def threading_main() -> bool:
    """True on the main thread (the only one that may install signal handlers)."""
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
