"""The alert_escalation() macro: where a runbook's alert goes and who is called, from the data.

The route follows the alert's labels (severity, team) in the rule files and the team's PagerDuty
service and escalation steps in owners.yml, so a runbook never restates a delay by hand.
"""

from __future__ import annotations

from kb.model import DataError, Problem
from kb.model.alerts import load_rules
from kb.model.owners import load_owners
from kb.render._markup import render
from kb.render._registry import RenderContext, macro
from kb.render.knowledge import _this_page


@macro
def alert_escalation(ctx: RenderContext) -> str:
    """Routing and escalation of this runbook's `alert`. Raises DataError when either is unknown."""
    page, meta = _this_page(ctx)
    rules = load_rules(ctx.repo).or_raise()
    alert = rules.alert(meta.alert or "")
    if alert is None:
        raise DataError(Problem(page.path, 1, f"alert '{meta.alert}' is not in the rule files"))
    teams = load_owners(ctx.repo)
    team = teams.get(alert.owner)
    if team is None:
        raise DataError(
            Problem(alert.path, alert.line, f"team '{alert.team}' is not in owners.yml")
        )
    sre = teams.get("@sre-team")
    return render(
        "alert_escalation.md.j2",
        alert=alert,
        team=team,
        sre=sre,
        owners_page=ctx.link_to("devops/owners.md"),
    )
