"""Drills: every page-severity alert has a drill scenario and a passing drill on record.

A runbook a pager sends someone to at night must have been exercised: `kb drill ALERT` fires the
alert on its scenario (infra/observability/drills/), checks the runbook's queries and records the
run in docs/devops/drills.yml, which the runbook's header shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.alerts import load_rules
from kb.model.verification import DRILLS_FILE, load_drills

DRILLS_DIR = "infra/observability/drills"


@check
def drills(repo: Repository) -> Iterable[Problem]:
    """Page-severity alerts have a scenario and a drill on record whose last run passed."""
    records = load_drills(repo.root)
    for alert in load_rules(repo).alerts:
        scenario = repo.root / DRILLS_DIR / f"{alert.name.lower()}.yml"
        if not scenario.exists():
            yield Problem(
                alert.path,
                alert.line,
                f"alert {alert.name} has no drill scenario ({DRILLS_DIR}/{alert.name.lower()}.yml)",
            )
            continue
        if alert.severity != "page":
            continue
        runs = records.get(alert.name) or []
        if not runs:
            yield Problem(
                alert.path,
                alert.line,
                f"page-severity alert {alert.name} was never drilled: run `kb drill {alert.name}` "
                f"and commit {DRILLS_FILE}",
            )
        elif runs[-1].result != "passed":
            yield Problem(
                DRILLS_FILE,
                1,
                f"the last drill of page-severity alert {alert.name} ({runs[-1].date}) failed",
            )
