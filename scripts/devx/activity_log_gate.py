"""Fail a pull request that changes pages without adding an activity-log entry.

  gh api repos/OWNER/REPO/pulls/N/files --paginate --jq '.[].filename' \
    | python3 scripts/devx/activity_log_gate.py

Reads the changed paths, one per line, on stdin. A page is any Markdown file under docs/ except the
log itself and release records (docs/devops/release/history/, which are data written by
`kb release`). When a page changed and docs/devops/activity-log.md did not, print the pages and the
`kb log` command to run, and exit 1; otherwise exit 0. Standard library only (runs on the bare runner).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

LOG = "docs/devops/activity-log.md"
EXEMPT_PREFIXES = ("docs/devops/release/history/",)


def pages_needing_log(paths: Iterable[str]) -> list[str]:
    """The changed pages that call for a log entry; empty when the log changed too."""
    changed = [p.strip() for p in paths if p.strip()]
    if LOG in changed:
        return []
    return sorted(
        p
        for p in changed
        if p.startswith("docs/")
        and p.endswith(".md")
        and p != LOG
        and not p.startswith(EXEMPT_PREFIXES)
    )


def main(lines: Iterable[str] | None = None) -> int:
    pages = pages_needing_log(sys.stdin if lines is None else lines)
    if not pages:
        print("activity log: ok")
        return 0
    print(f"activity log: {len(pages)} page(s) changed but {LOG} has no new entry:")
    for page in pages:
        print(f"  {page}")
    print(
        'Add one: kb log --area <area> --title "<what changed>" --files <paths> '
        '--outcome "<what is true now>"'
    )
    print("Typo-only change? A maintainer can add the label skip-activity-log.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
