"""Scaffold a page from a template with valid front matter and the required sections.

Kinds and where they go: playbook → docs/devops/playbooks/, runbook → docs/devops/runbooks/
(NAME is the alert name), checklist → docs/devops/release/, sop → docs/devops/sops/.
The new page is a draft whose open sections are owned TODOs; an existing file is never replaced.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kb.model import _yaml
from kb.model.frontmatter import STAGES
from kb.model.owners import load_owners
from kb.model.pages import parse_page

SCAFFOLDS = Path(__file__).resolve().parents[1] / "scaffolds"
FOLDERS = {
    "playbook": "docs/devops/playbooks",
    "runbook": "docs/devops/runbooks",
    "checklist": "docs/devops/release",
    "sop": "docs/devops/sops",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=sorted(FOLDERS))
    parser.add_argument("name", help="page name (kebab-case), or the alert name for a runbook")
    parser.add_argument("--title", help="page title (default: from NAME)")
    parser.add_argument(
        "--owner",
        default=None,
        help="owning team (default: @platform-team; runbooks: the service's team)",
    )
    parser.add_argument("--service", default="gateway", help="runbook: service (default gateway)")
    parser.add_argument(
        "--severity", choices=["page", "ticket"], default="ticket", help="runbook: alert severity"
    )
    parser.add_argument("--stage", choices=STAGES, default="plan", help="playbook: stage")
    parser.add_argument("--dry-run", action="store_true", help="print the page, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    repo = args.repo
    if args.kind == "runbook":
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", args.name):
            print(
                f"kb new: runbook NAME must be an alert name in CamelCase, got {args.name!r}",
                file=sys.stderr,
            )
            return 2
        stem = args.name.lower()
    else:
        stem = re.sub(r"[^a-z0-9]+", "-", args.name.lower()).strip("-")
        if not stem:
            print(f"kb new: NAME {args.name!r} has no letters or digits", file=sys.stderr)
            return 2
    owner = args.owner or (
        "@gateway-team"
        if args.kind == "runbook" and args.service == "gateway"
        else "@platform-team"
    )
    if owner not in load_owners(repo):
        print(f"kb new: owner '{owner}' is not in docs/devops/owners.yml", file=sys.stderr)
        return 2
    rel = f"{FOLDERS[args.kind]}/{stem}.md"
    target = Path(repo.root, rel)
    if target.exists():
        print(f"{rel}:1: already exists; kb new never overwrites a page", file=sys.stderr)
        return 1
    title = args.title or (
        args.name if args.kind == "runbook" else stem.replace("-", " ").capitalize()
    )
    if not title.strip() or any(ord(c) < 32 or ord(c) == 127 for c in title):
        print(f"kb new: --title {title!r} must be one non-empty line of text", file=sys.stderr)
        return 2
    text = (
        (SCAFFOLDS / f"{args.kind}.md")
        .read_text(encoding="utf-8")
        .format(
            title=_yaml.scalar(title),  # quoted by the YAML dumper: `#`, `: `, `{` survive
            owner=owner,
            today=repo.today.isoformat(),
            alert=args.name,
            service=args.service,
            severity=args.severity,
            stage=args.stage,
        )
    )
    page = parse_page(text, rel, rel.removeprefix("docs/"))
    if page.problems:  # NAME, --owner and the choices are checked above: the title is at fault
        for problem in page.problems:
            print(f"kb new: --title {title!r}: {problem.message}", file=sys.stderr)
        return 2
    if args.dry_run:
        print(text, end="")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        print(f"{rel}:1: already exists; kb new never overwrites a page", file=sys.stderr)
        return 1
    print(f"{rel}: created; add it to nav in mkdocs.yml, then fill in the TODOs", file=sys.stderr)
    return 0
