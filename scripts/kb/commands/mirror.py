"""Mirror Exa's OpenAPI spec into docs/exa/schemas/ and report what changed.

Fetches the spec (default: Exa's canonical address; --spec-url also takes a file:// URL or a local
path), validates it as OpenAPI 3.x, writes one docs/exa/schemas/<operation>.yaml per operation
(field facts and description hashes only: the spec has no licence), the index docs/exa/mirror.yaml
and the change report docs/exa/changes.md (breaking changes first, then fields whose explanation in
docs/exa/explanations.yaml is missing or out of date), and logs the run with `kb log` when anything
changed. Files are written atomically and only when their text changes.

Exit codes: 0 written or up to date; 1 bad or unreadable spec (nothing written), or with --check a
stale mirror or fields needing review; 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

from kb.model._io import locked
from kb.model.exa_spec import CANONICAL_SPEC_URL, MIRROR_INDEX


def _say(message: str) -> None:
    """Progress and problems go to stderr (looked up per call); stdout stays empty."""
    sys.stderr.write(message + "\n")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "mirror",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--spec-url",
        default=CANONICAL_SPEC_URL,
        help=f"where to read the spec: https URL, file:// URL or path (default {CANONICAL_SPEC_URL})",
    )
    parser.add_argument(
        "--mirrors",
        default=CANONICAL_SPEC_URL,
        metavar="URL",
        help="the canonical address the mirror stands for, recorded next to where it was read "
        "(default: Exa's canonical spec URL)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="total time allowed to fetch the spec over http(s), body included (default 30)",
    )
    parser.add_argument(
        "--no-log",
        action="store_true",
        help="do not append an activity-log entry (the caller logs the change itself)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the mirror is stale or a field needs review",
    )
    parser.set_defaults(func=run)


def _usage_problem(spec_url: str) -> str | None:
    scheme = urllib.parse.urlsplit(spec_url).scheme
    if scheme in {"http", "https", "file", ""} or len(scheme) == 1:  # len 1: a Windows drive
        return None
    return f"kb mirror: --spec-url {spec_url!r}: unsupported scheme {scheme!r}; use https, file or a path"


def run(args: argparse.Namespace) -> int:
    problem = _usage_problem(args.spec_url)
    if args.timeout is not None and not 0 < args.timeout <= 600:
        problem = f"kb mirror: --timeout {args.timeout:g}: give seconds between 0 and 600"
    if problem:
        _say(problem)
        return 2
    if args.check or args.dry_run:
        return _run(args)
    # Parallel runs queue: each reads the previous mirror and replaces it as one set.
    with locked(Path(args.repo.root, MIRROR_INDEX).parent):  # docs/.exa.lock
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from kb.mirror import CHANGES_PAGE, build, write  # httpx and the validator: only when run
    from kb.mirror.diff import BREAKING

    repo = args.repo
    result = build(repo, spec_url=args.spec_url, canonical_url=args.mirrors, timeout=args.timeout)
    mirror = result.mirror
    fields = sum(len(op.fields) for op in mirror.operations)
    breaking = sum(1 for c in result.changes if c.severity == BREAKING)
    summary = (
        f"kb mirror: {mirror.source.spec_title} {mirror.source.spec_version}, "
        f"{len(mirror.operations)} operations, {fields} fields; "
        f"{len(result.changes)} changes ({breaking} breaking) since the previous mirror; "
        f"{len(result.review)} fields need review"
    )
    if args.check or args.dry_run:
        for rel in result.changed_files:
            _say(f"{rel}:1: stale; run `kb mirror`" if args.check else f"would write {rel}")
        for rel in result.stale_files:
            _say(
                f"{rel}:1: no longer in the spec; run `kb mirror`"
                if args.check
                else f"would remove {rel}"
            )
        if args.check:
            for item in result.review:
                _say(f"{CHANGES_PAGE}:1: {item.operation}:{item.path}: {item.reason}")
        _say(summary)
        stale = result.changed_files or result.stale_files or result.review
        return 1 if args.check and stale else 0
    written = write(repo, result)
    for rel in written:
        _say(f"wrote {rel}")
    _say(summary)
    if written and not args.no_log:
        _log(args, result, written, summary)
    return 0


def _log(args: argparse.Namespace, result, written: list[str], summary: str) -> None:
    """Append an activity-log entry through `kb log`, the one writer of the log."""
    from kb import cli

    source = result.mirror.source
    outcome = (
        f"mirror of {source.spec_title} {source.spec_version} (sha256 {source.spec_sha256[:12]}) "
        f"read from {source.read_from}; {len(result.changes)} changes, "
        f"{len(result.review)} fields need review"
    )
    code = cli.main(
        [
            "--root",
            str(args.repo.root),
            "log",
            "--area",
            "exa",
            "--title",
            "Exa API mirror refreshed",
            "--files",
            *written,
            "--commands",
            f"kb mirror --spec-url {source.read_from} => {summary.removeprefix('kb mirror: ')}",
            "--outcome",
            outcome,
            "--next",
            "review the fields listed in docs/exa/changes.md" if result.review else "none",
        ]
    )
    if code != 0:
        _say("kb mirror: the mirror is written but `kb log` refused the entry")
