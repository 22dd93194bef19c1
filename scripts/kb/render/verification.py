"""Verification on the site: the runbook header's "last drilled" line and the status page.

Both read the data `kb verify` and `kb drill` write (docs/devops/verification.yml,
docs/devops/drills.yml) and never run anything themselves.
"""

from __future__ import annotations

from kb.model.alerts import load_rules, load_runbooks
from kb.model.blocks import operational_pages
from kb.model.verification import (
    DRILLS_FILE,
    VERIFICATION_FILE,
    last_drill,
    load_drills,
    load_verification,
)
from kb.render._markup import md_link, render
from kb.render._registry import RenderContext, macro

STATUSES = ("verified", "parsed", "unverifiable", "failed")


def drill_line(ctx: RenderContext, alert: str | None) -> str:
    """The header line of a runbook saying when its alert was last drilled ('' for other pages)."""
    if not alert:
        return ""
    record = last_drill(ctx.repo.root, alert)
    return render(
        "drill_line.md.j2",
        alert=alert,
        record=record,
        status_url=ctx.url_to("devops/verification.md"),
    )


@macro
def verification_status(ctx: RenderContext) -> str:
    """Per operational page: its command blocks by status and (runbooks) the last drill."""
    data = load_verification(ctx.repo.root)
    pages = data.get("pages", {})
    drills = load_drills(ctx.repo.root)
    alerts = {rb.page.path: rb.alert for rb in load_runbooks(ctx.repo) if rb.alert}
    severity = {a.name: a.severity for a in load_rules(ctx.repo).alerts}
    rows = []
    for path in operational_pages(ctx.repo):
        rel = ctx.repo.rel(path)
        blocks = pages.get(rel, [])
        if not blocks and rel not in alerts:
            continue
        counts = {s: [b for b in blocks if b["status"] == s] for s in STATUSES}
        alert = alerts.get(rel)
        runs = drills.get(alert or "", [])
        src = rel.removeprefix("docs/")
        rows.append(
            {
                "page": md_link(src.removesuffix(".md"), ctx.link_to(src)),
                "counts": {s: len(v) for s, v in counts.items()},
                "unverifiable": [
                    b["mark"].removeprefix("not verifiable here: ") for b in counts["unverifiable"]
                ],
                "alert": alert,
                "severity": severity.get(alert or "", ""),
                "drill": runs[-1] if runs else None,
            }
        )
    return render(
        "verification_status.md.j2",
        rows=rows,
        summary=data.get("summary", {}),
        source=VERIFICATION_FILE,
        drills_source=DRILLS_FILE,
    )
