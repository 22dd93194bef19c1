"""Search Exa for the due topics in sources.yaml and write attributed reference records.

Reads third_party/references/sources.yaml (topics, settings, prices) and the refresh state in
third_party/references/.refresh-state.yaml; a topic is due when it has never run, its request
changed, or its last refresh is older than its max_age. Each result becomes
third_party/references/<area>/<id>.yaml, deduplicated by canonical URL; unchanged records are not
rewritten. Requests go through exa-py to $EXA_BASE_URL (default https://api.exa.ai) with the key
in $EXA_API_KEY, which is never printed or written. Exit 0 when every due topic succeeded, 1 when
any failed (one line each on stderr), 2 for a configuration error such as a missing key.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the command runs: exa-py (and openai) cost a second to import
    from kb.model.sources import Topic
    from kb.refresh import Summary

LOG_OWNER = "@research-team"


def _positive(kind: type) -> object:
    def parse(text: str) -> object:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value

    return parse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "refresh",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list the requests and their estimated cost; send and write nothing",
    )
    parser.add_argument(
        "--budget",
        type=_positive(float),
        metavar="USD",
        help="stop before the estimated spend of this run would exceed USD",
    )
    parser.add_argument(
        "--qps",
        type=_positive(float),
        help="client-side request rate limit (default: sources.yaml, 5)",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive(int),
        metavar="N",
        help="requests in flight at once (default: sources.yaml, 8)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        metavar="SECONDS",
        help="per-request network timeout (default: sources.yaml, 30)",
    )
    parser.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="ID",
        help="refresh only this topic (repeatable)",
    )
    parser.add_argument(
        "--force", action="store_true", help="refresh the chosen topics even if they are not due"
    )
    parser.add_argument(
        "--no-log", dest="log", action="store_false", help="do not append an activity-log entry"
    )
    parser.set_defaults(func=run_command)


def _log(repo):
    def append(summary: Summary, due: list[Topic]) -> None:
        from kb.model.activity import Entry, append_entry
        from kb.model.owners import load_owners
        from kb.model.sources import SOURCES_FILE

        owner = LOG_OWNER if LOG_OWNER in load_owners(repo) else "@platform-team"
        files = sorted(set(summary.written)) or [SOURCES_FILE]
        if len(files) > 40:
            files = [*files[:40], f"(and {len(files) - 40} more under third_party/references/)"]
        append_entry(
            repo,
            Entry(
                date=repo.today,
                title=f"kb refresh: {summary.new} new and {summary.changed} changed references",
                area="exa",
                owner=owner,
                files=tuple(files),
                commands=(f"kb refresh => {summary.line().removeprefix('kb refresh: ')}",),
                outcome=(
                    f"{len(due)} topics refreshed through Exa; {summary.results} results, "
                    f"{summary.unchanged} unchanged, {summary.duplicates} duplicates dropped"
                ),
                next_steps="review the new records' summaries before citing them from pages; "
                "run kb check",
            ),
        )

    return append


def run_command(args: argparse.Namespace) -> int:
    from kb.refresh import Options, run

    options = Options(
        dry_run=args.dry_run,
        budget=args.budget,
        qps=args.qps,
        concurrency=args.concurrency,
        timeout=args.timeout,
        force=args.force,
        topics=tuple(args.topic),
        log=args.log,
    )
    return run(
        args.repo,
        options,
        out=sys.stdout,
        err=sys.stderr,
        log_entry=_log(args.repo) if args.log else None,
    )
