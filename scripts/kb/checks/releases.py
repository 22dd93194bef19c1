"""Checks of the release checklists: the item catalogue and every instance under history/."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.releases import load_releases


@check
def releases(repo: Repository) -> Iterator[Problem]:
    """checklists.yml items name real KPI/SLO ids; instances use known items, SemVer, no duplicates."""
    _, problems = load_releases(repo)
    yield from problems
