"""Checks for the lifecycle data: KPI targets, the automation backlog and their cited sources."""

from __future__ import annotations

from collections.abc import Iterable

from kb.checks import check, owner_handles
from kb.model import DataError, Problem, Repository
from kb.model.backlog import load_backlog
from kb.model.kpis import KPIS_FILE, load_kpis
from kb.model.references import load_references


@check
def lifecycle_kpis(repo: Repository) -> Iterable[Problem]:
    """kpis.yml parses, owners exist and every metric's sources resolve to reference records."""
    try:
        data = load_kpis(repo)
    except DataError as exc:
        return exc.problems
    owners = owner_handles(repo)
    records, _ = load_references(repo)
    problems = []
    for kpi in data.metrics:
        problems += [
            Problem(KPIS_FILE, 1, f"{kpi.id}: source '{s}' is not a reference record")
            for s in kpi.sources
            if s not in records
        ]
    for item in (*data.metrics, *data.slos, *data.retrospectives):
        if owners is not None and item.owner not in owners:
            problems.append(
                Problem(KPIS_FILE, 1, f"{item.id}: owner '{item.owner}' is not in owners.yml")
            )
    return problems


@check
def lifecycle_backlog(repo: Repository) -> Iterable[Problem]:
    """automation-backlog.yml parses, scores agree with the formula and owners exist."""
    try:
        backlog = load_backlog(repo)
    except DataError as exc:
        return exc.problems
    owners = owner_handles(repo)
    if owners is None:
        return []
    return [
        Problem(
            "docs/devops/automation-backlog.yml",
            1,
            f"{c.id}: owner '{c.owner}' is not in owners.yml",
        )
        for c in backlog.candidates
        if c.owner not in owners
    ]
