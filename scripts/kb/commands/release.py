"""Open, record and complete release checklist instances; sync the release workflows.

  kb release new v1.4.0 --service gateway          create docs/devops/release/history/<date>-gateway-v1.4.0.md
  kb release check-item v1.4.0 --service gateway pre-main-green [ITEM ...] [--note TEXT]
  kb release skip-item v1.4.0 --service gateway rel-latency-check --reason TEXT
  kb release reopen-item v1.4.0 --service gateway ITEM   undo a check or a skip
  kb release status v1.4.0 --service gateway       items still open (exit 1 if any)
  kb release complete v1.4.0 --service gateway     mark the record complete (exit 1 if items are open)
  kb release sync-workflows [--check]              copy ci/release/<name>.yml to .github/workflows/release-<name>.yml

Every write validates the whole instance first and replaces the file atomically, under a lock on
the history folder (parallel runs queue; none loses another's change): an unknown item id or a skip
without a reason writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import jinja2

from kb.model import DataError, Problem
from kb.model._io import locked, write_atomic
from kb.model.assumptions import load_assumptions
from kb.model.owners import load_owners
from kb.model.releases import (
    HISTORY_DIR,
    SEMVER,
    SERVICE,
    Release,
    find_release,
    instance_name,
    known_services,
    load_catalogue,
    parse_instance,
    set_item,
    set_status,
    targets,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "render" / "templates"
CI_SOURCES = "ci/release"
GITHUB_WORKFLOWS = ".github/workflows"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "release",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="<action>")
    actions.required = True

    def with_release(name: str, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument("version", help="the release version, vMAJOR.MINOR.PATCH (e.g. v1.4.0)")
        p.add_argument("--service", required=True, help="service name, e.g. gateway")
        return p

    new = with_release("new", "create the checklist instance for a release, every item unchecked")
    new.add_argument("--owner", default="@release-team", help="owning team (default @release-team)")
    new.add_argument("--date", default=None, help="opening date, YYYY-MM-DD (default: today)")
    new.add_argument("--dry-run", action="store_true", help="print the page, write nothing")

    tick = with_release("check-item", "record items as checked (verified)")
    tick.add_argument("items", nargs="+", metavar="ITEM", help="item ids, e.g. pre-main-green")
    tick.add_argument("--note", default="", help="what you saw, kept on the item line")
    tick.add_argument("--date", default=None, help="date checked (default: today)")

    skip = with_release("skip-item", "record items as skipped; a reason is required")
    skip.add_argument("items", nargs="+", metavar="ITEM", help="item ids")
    skip.add_argument("--reason", required=True, help="why the gate does not apply or was waived")
    skip.add_argument("--date", default=None, help="date skipped (default: today)")

    reopen = with_release("reopen-item", "set items back to open (undo a check or a skip)")
    reopen.add_argument("items", nargs="+", metavar="ITEM", help="item ids")

    with_release("status", "print the items still open; exit 1 if there are any")
    with_release(
        "complete", "mark the instance complete (status: active); exit 1 if items are open"
    )

    sync = actions.add_parser(
        "sync-workflows",
        help="copy ci/release workflows to .github/workflows",
        description="Copy ci/release/<name>.yml to "
        ".github/workflows/release-<name>.yml (GitHub runs reusable "
        "workflows only from there).",
    )
    sync.add_argument(
        "--check", action="store_true", help="exit 1 if a copy is stale, write nothing"
    )
    parser.set_defaults(func=run)


def _date(text: str | None, today: dt.date) -> dt.date | None:
    if text is None:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _usage(message: str) -> int:
    print(f"kb release: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.action == "sync-workflows":
        return _sync(args)
    if not SEMVER.match(args.version):
        return _usage(
            f"version '{args.version}' is not SemVer: write vMAJOR.MINOR.PATCH, e.g. v1.4.0"
        )
    if not SERVICE.match(args.service):
        return _usage(f"service '{args.service}' is not a lower-case service name")
    # One lock for every record: `new` must see the records another `new` just wrote, and an
    # update re-reads its record under the lock, so parallel writers never lose each other's items.
    with locked(Path(args.repo.root, HISTORY_DIR)):
        args.repo._memo.clear()
        if args.action == "new":
            return _new(args)
        return _update(args)


def _new(args: argparse.Namespace) -> int:
    repo = args.repo
    opened = _date(args.date, repo.today)
    if opened is None:
        return _usage(f"--date '{args.date}' is not YYYY-MM-DD")
    if args.owner not in load_owners(repo):
        return _usage(f"owner '{args.owner}' is not in docs/devops/owners.yml")
    services = known_services(repo)
    if args.service not in services:
        return _usage(
            f"service '{args.service}' has no page under docs/services/ "
            f"(known: {', '.join(sorted(services)) or 'none'})"
        )
    existing = find_release(repo, args.service, args.version)
    if existing is not None:
        print(
            f"{existing.path}:1: release {args.service} {args.version} already has a checklist",
            file=sys.stderr,
        )
        return 1
    catalogue = load_catalogue(repo)
    known = targets(repo)
    rel = f"{HISTORY_DIR}/{instance_name(opened, args.service, args.version)}"
    checklists = [
        {
            "title": c.title,
            "when": " ".join(c.when.split()),
            "rows": [
                {
                    "id": i.id,
                    "text": " ".join(i.text.split()),
                    "how": " ".join(i.how.split()) if i.how else "",
                    "protects": ", ".join(
                        f"[{known[t].name}](../../kpis.md#{known[t].anchor})" for t in i.protects
                    ),
                }
                for i in c.items
            ],
        }
        for c in catalogue.checklists
    ]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # noqa: S701 - writes Markdown, not HTML; every value is ours
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # An item naming an assumed value (the production hostname) shows the assumption's note,
    # as every page using it must (kb check: assumptions).
    rows = " ".join(f"{r['text']} {r['how']}" for c in checklists for r in c["rows"])
    assumed = [a.id for a in load_assumptions(repo).values() if any(n in rows for n in a.names)]
    text = env.get_template("releases_instance.md.j2").render(
        service=args.service,
        version=args.version,
        opened=opened.isoformat(),
        owner=args.owner,
        checklists=checklists,
        assumptions=assumed,
    )
    check = parse_instance(text, rel, rel.removeprefix("docs/"), catalogue)
    if check.problems:  # the template failing its own grammar is a bug here, not user error
        for problem in check.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.dry_run:
        print(text, end="")
        return 0
    target = Path(repo.root, rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # never replace an existing record
            handle.write(text)
    except FileExistsError:
        print(f"{rel}:1: already exists; kb release new never overwrites a record", file=sys.stderr)
        return 1
    print(f"{rel}: created with {len(check.items)} open items", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace) -> tuple[Release, Path, str] | None:
    release = find_release(args.repo, args.service, args.version)
    if release is None:
        print(
            f"kb release: no checklist for {args.service} {args.version}; "
            f"run `kb release new {args.version} --service {args.service}`",
            file=sys.stderr,
        )
        return None
    file = Path(args.repo.root, release.path)
    return release, file, file.read_text(encoding="utf-8")


def _update(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if loaded is None:
        return 1
    release, file, text = loaded
    if release.problems:
        for problem in release.problems:
            print(problem, file=sys.stderr)
        print("kb release: fix the record first; nothing written", file=sys.stderr)
        return 1
    by_id = {i.id: i for i in release.items}
    if args.action in {"status", "complete"}:
        still_open = [i for i in release.items if i.state == "open"]
        for item in still_open:
            print(f"{release.path}:{item.line}: item '{item.id}' is still open", file=sys.stderr)
        summary = (
            f"{release.service} {release.version}: {release.count('checked')} checked, "
            f"{release.count('skipped')} skipped, {len(still_open)} open "
            f"of {len(release.items)}"
        )
        print(summary)
        if still_open:
            return 1
        if args.action == "complete" and write_atomic(file, set_status(text, "active")):
            print(f"{release.path}: complete", file=sys.stderr)
        return 0
    unknown = [i for i in args.items if i not in by_id]
    if unknown:
        for item_id in unknown:
            print(
                Problem(release.path, 1, f"unknown checklist item '{item_id}' in this record"),
                file=sys.stderr,
            )
        print("kb release: nothing written", file=sys.stderr)
        return 1
    when = _date(getattr(args, "date", None), args.repo.today)
    if when is None:
        return _usage(f"--date '{args.date}' is not YYYY-MM-DD")
    if args.action == "skip-item" and not args.reason.strip():
        print(f"{release.path}:1: a skipped item needs a reason; nothing written", file=sys.stderr)
        return 1
    state = {"check-item": "checked", "skip-item": "skipped", "reopen-item": "open"}[args.action]
    note = args.note if state == "checked" else getattr(args, "reason", "")
    new_text = text
    for item_id in args.items:
        new_text = set_item(new_text, by_id[item_id].line, state, when, note)
    if state == "open" and release.status == "active":  # reopening makes it incomplete again
        new_text = set_status(new_text, "draft")
    after = parse_instance(new_text, release.path, release.src, load_catalogue(args.repo))
    if after.problems:
        for problem in after.problems:
            print(problem, file=sys.stderr)
        print("kb release: nothing written", file=sys.stderr)
        return 1
    write_atomic(file, new_text)
    print(
        f"{release.path}: {', '.join(args.items)} {state}; "
        f"{after.count('open')} of {len(after.items)} still open",
        file=sys.stderr,
    )
    return 0


def _sync(args: argparse.Namespace) -> int:
    try:
        changed = sync_workflows(args.repo.root, check=args.check)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    for path in changed:
        print(f"{path}: {'stale' if args.check else 'written'}", file=sys.stderr)
    return 1 if (args.check and changed) else 0


def workflow_copies(root: Path) -> dict[Path, Path]:
    """ci/release/<name>.yml -> .github/workflows/release-<name>.yml, for every workflow there."""
    source_dir = Path(root, CI_SOURCES)
    return {
        source: Path(root, GITHUB_WORKFLOWS, f"release-{source.stem}.yml")
        for source in sorted(source_dir.glob("*.yml"))
        if "\njobs:" in "\n" + source.read_text(encoding="utf-8")
    }


def sync_workflows(root: Path, check: bool = False) -> list[str]:
    """Refresh the copies (or, with check, only list the stale ones); returns their paths."""
    changed = []
    for source, target in workflow_copies(root).items():
        text = source.read_text(encoding="utf-8")
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        changed.append(target.relative_to(root).as_posix())
        if not check:
            write_atomic(target, text)
    return changed
