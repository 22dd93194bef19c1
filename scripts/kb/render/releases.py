"""Release macros: the checklists from checklists.yml, the release history and the workflow references.

`release_checklist()` renders one checklist with the KPI or SLO each item protects, linked to its
section of docs/devops/kpis.md; `release_history()` summarises every instance under
docs/devops/release/history/; `release_references()` lists the records of
third_party/references/releases/ with our notes.
"""

from __future__ import annotations

from typing import Any

from kb.model import DataError
from kb.model.references import references_or_raise
from kb.model.releases import (
    CHECKLISTS_FILE,
    HISTORY_DIR,
    load_catalogue,
    load_releases,
    skipped_most_often,
    targets,
)
from kb.render._markup import render
from kb.render._registry import RenderContext, macro

KPIS_PAGE = "devops/kpis.md"
REFERENCES_AREA = "releases"


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100):d} %"


@macro
def release_checklist(ctx: RenderContext, checklist: str = "pre-release") -> str:
    """One checklist (pre-release, release or post-release) as a table with what each item protects."""
    catalogue = load_catalogue(ctx.repo)
    found = next((c for c in catalogue.checklists if c.id == checklist), None)
    if found is None:
        names = ", ".join(c.id for c in catalogue.checklists)
        raise ValueError(f"release_checklist(): unknown checklist {checklist!r}; one of {names}")
    known = targets(ctx.repo)
    rows = [
        {
            "item": item,
            "targets": [
                {"name": known[t].name, "url": ctx.link_to(KPIS_PAGE, known[t].anchor)}
                for t in item.protects
            ],
        }
        for item in found.items
    ]
    return render("releases_checklist.md.j2", checklist=found, rows=rows, source=CHECKLISTS_FILE)


@macro
def release_history(ctx: RenderContext) -> str:
    """Every release instance (newest first): state, counts, completion; then the gates skipped most."""
    releases, problems = load_releases(ctx.repo)
    if problems:
        raise DataError(problems)
    catalogue = load_catalogue(ctx.repo)
    rows = [
        {
            "opened": r.opened,
            "service": r.service,
            "version": r.version,
            "url": ctx.link_to(r.src),
            "state": "complete" if r.complete else "open",
            "checked": r.count("checked"),
            "skipped": r.count("skipped"),
            "open": r.count("open"),
            "completion": _percent(r.completion),
        }
        for r in sorted(releases, key=lambda r: (r.opened, r.service, r.version), reverse=True)
    ]
    skipped: list[dict[str, Any]] = []
    for item_id, count, reason in skipped_most_often(releases):
        found = catalogue.item(item_id)
        skipped.append(
            {
                "id": item_id,
                "text": found[1].text if found else "",
                "checklist": found[0].title if found else "",
                "count": count,
                "share": f"{count} of {len(releases)}",
                "reason": reason,
            }
        )
    total = sum(len(r.items) for r in releases)
    checked = sum(r.count("checked") for r in releases)
    return render(
        "releases_history.md.j2",
        releases=rows,
        complete=sum(1 for r in releases if r.complete),
        overall=_percent(checked / total) if total else "0 %",
        skipped=skipped,
        source=f"{HISTORY_DIR}/",
    )


@macro
def release_references(ctx: RenderContext) -> str:
    """The public release workflows we learned from, with the summary and our notes."""
    records = references_or_raise(ctx.repo)
    chosen = sorted(
        (r.ref for r in records.values() if r.area == REFERENCES_AREA), key=lambda ref: ref.title
    )
    return render(
        "releases_references.md.j2",
        records=chosen,
        source=f"third_party/references/{REFERENCES_AREA}/",
    )
