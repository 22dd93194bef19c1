"""Assumed names must show their assumption note on every page that uses them."""

from __future__ import annotations

from collections.abc import Iterable

from kb.checks import check, owner_handles
from kb.model import DataError, Problem, Repository
from kb.model.assumptions import ASSUMPTIONS_FILE, load_assumptions, uses

#: Pages that list assumptions rather than use them.
_SKIP = ("docs/devops/activity-log.md", "docs/exa/")


@check
def assumptions(repo: Repository) -> Iterable[Problem]:
    """A page using an assumed name shows {{ assumption(id) }}; ids and owners exist."""
    try:
        known = load_assumptions(repo)
    except DataError as exc:
        yield from exc.problems
        return
    handles = owner_handles(repo)
    for item in known.values():
        if handles is not None and item.owner not in handles:
            yield Problem(
                ASSUMPTIONS_FILE, 1, f"{item.id}: owner '{item.owner}' is not in owners.yml"
            )
    for file in sorted(repo.docs.rglob("*.md")):
        rel = repo.rel(file)
        if rel.startswith(_SKIP):
            continue
        text = file.read_text(encoding="utf-8")
        shown = set()
        for line, assumption_id in uses(text):
            if assumption_id not in known:
                yield Problem(
                    rel, line, f"assumption('{assumption_id}') is not in {ASSUMPTIONS_FILE}"
                )
            shown.add(assumption_id)
        for item in known.values():
            if item.id in shown:
                continue
            for name in item.names:
                at = text.find(name)
                if at >= 0:
                    line = text.count("\n", 0, at) + 1
                    yield Problem(
                        rel,
                        line,
                        f"uses the assumed name '{name}' without the visible note: add "
                        f'{{{{ assumption("{item.id}") }}}} near it ({ASSUMPTIONS_FILE})',
                    )
                    break
