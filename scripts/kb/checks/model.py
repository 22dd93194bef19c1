"""Checks of the knowledge model: pages, owners, references, TODOs and the activity log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from kb.checks import check, owner_handles
from kb.model import DataError, Problem, Repository
from kb.model._yaml import line_of
from kb.model.activity import load_log
from kb.model.owners import OWNERS_FILE, load_owners
from kb.model.pages import load_pages
from kb.model.references import load_references
from kb.model.todos import load_todos


@check
def owners(repo: Repository) -> Iterator[Problem]:
    """The owners registry parses and every team is complete."""
    try:
        load_owners(repo)
    except DataError as exc:
        yield from exc.problems


@check
def pages(repo: Repository) -> Iterator[Problem]:
    """Front matter of every page: schema, owner in the registry, dates, cited sources."""
    handles = owner_handles(repo)
    records, broken = load_references(repo)
    # A record that exists but is invalid is reported once, by the references check.
    known = set(records) | {PurePosixPath(p.path).stem for p in broken}
    for page in load_pages(repo):
        yield from page.problems
        meta = page.meta
        if meta is None:
            continue
        raw = page.raw_meta
        if handles is not None and meta.owner not in handles:
            yield Problem(
                page.path,
                1 + line_of(raw, ("owner",)),
                f"owner '{meta.owner}' is not in {OWNERS_FILE}",
            )
        if meta.last_reviewed > repo.today:
            yield Problem(
                page.path,
                1 + line_of(raw, ("last_reviewed",)),
                f"last_reviewed {meta.last_reviewed} is after today ({repo.today})",
            )
        for index, source in enumerate(meta.sources):
            if source not in known:
                yield Problem(
                    page.path,
                    1 + line_of(raw, ("sources", index)),
                    f"source '{source}' is not a record in third_party/references",
                )
        if meta.sources and "page_sources()" not in page.body:
            yield Problem(
                page.path,
                page.body_line,
                "page cites sources but never renders them: end it with "
                "{{ page_sources() }} and set render_macros: true",
            )
        if "{{" in page.body and not meta.render_macros and "page_header()" in page.body:
            yield Problem(page.path, 1, "page calls macros but lacks 'render_macros: true'")


@check
def references(repo: Repository) -> Iterator[Problem]:
    """Every reference record is valid and ids are unique."""
    _, problems = load_references(repo)
    yield from problems


@check
def todos(repo: Repository) -> Iterator[Problem]:
    """Every TODO follows the grammar and names a team from the registry."""
    found, problems = load_todos(repo)
    yield from problems
    handles = owner_handles(repo)
    if handles is None:
        return
    for todo in found:
        if todo.owner not in handles:
            yield Problem(
                todo.path, todo.line, f"TODO owner '{todo.owner}' is not in {OWNERS_FILE}"
            )


@check
def activity_log(repo: Repository) -> Iterator[Problem]:
    """The activity log follows its grammar, oldest entry first, owners in the registry."""
    entries, problems = load_log(repo)
    yield from problems
    handles = owner_handles(repo)
    for entry in entries:
        if handles is not None and entry.owner not in handles:
            yield Problem(
                "docs/devops/activity-log.md",
                entry.line,
                f"owner '{entry.owner}' is not in {OWNERS_FILE}",
            )
        if entry.date > repo.today:
            yield Problem(
                "docs/devops/activity-log.md",
                entry.line,
                f"entry dated {entry.date} is after today ({repo.today})",
            )


@check
def inventory(repo: Repository) -> Iterator[Problem]:
    """docs/devops/inventory.yml lists the tracked files as they are (run `kb inventory`)."""
    from pathlib import Path

    from kb.model.inventory import INVENTORY_FILE, is_stale

    path = Path(repo.root, INVENTORY_FILE)
    try:
        stale = is_stale(repo, path.read_text(encoding="utf-8") if path.is_file() else None)
    except DataError as exc:
        yield from exc.problems
        return
    if stale:
        yield Problem(INVENTORY_FILE, 1, "inventory is stale; run kb inventory")


@check
def generated_regions(repo: Repository) -> Iterator[Problem]:
    """Generated regions in README.md and CONTRIBUTING.md match their sources (kb regen)."""
    from kb.model.regions import stale_regions

    yield from stale_regions(repo)
