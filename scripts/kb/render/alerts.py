"""Alert tables from the Prometheus rules: per service, and the alert <-> runbook matrix."""

from __future__ import annotations

import html
import re
from pathlib import Path

from markupsafe import Markup

from kb.model import DataError, Problem
from kb.model.alerts import RULES_DIR, RUNBOOKS_DIR, load_rules, load_runbooks, pending_alerts
from kb.model.owners import load_owners
from kb.render._markup import escape_md_spaced, render
from kb.render._registry import RenderContext, macro

OWNERS_PAGE = "devops/owners.md"


# Prometheus fills `{{ $labels.pod }}` or `{{ $value | humanize }}` in when the alert fires.
_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_LABEL = re.compile(r"^\$labels\.([A-Za-z_][A-Za-z0-9_]*)")


def alert_text(text: str) -> Markup:
    """An alert annotation with its Prometheus template fields shown as `<label>` placeholders.

    Everything else is escaped; a reader never sees `{{ $labels.namespace }}` as prose.
    """
    parts = _TEMPLATE.split(text)
    out = Markup("")
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out += escape_md_spaced(part)
            continue
        label = _LABEL.match(part)
        name = label[1] if label else "value"
        placeholder = html.escape(f"<{name}>")
        out += Markup(f'<code class="kb-placeholder">{placeholder}</code>')  # noqa: S704
    return out


def _rule_url(ctx: RenderContext, path: str, line: int) -> str:
    base = str(ctx.repo_url or "").rstrip("/")
    return f"{base}/blob/main/{path}#L{line}" if base else ""


def _owner(ctx: RenderContext, handle: str, where: tuple[str, int]) -> tuple[str, str]:
    if handle not in load_owners(ctx.repo):
        raise DataError(
            Problem(*where, f"team '{handle.lstrip('@')}' is not in the owners registry")
        )
    return handle, ctx.link_to(OWNERS_PAGE, handle.lstrip("@"))


def _runbook_link(ctx: RenderContext, runbook_file: str) -> str:
    if not Path(ctx.repo.root, runbook_file).is_file():
        return ""
    return ctx.link_to(runbook_file.removeprefix("docs/"))


@macro
def alert_table(ctx: RenderContext, *, service: str | None = None) -> str:
    """Alerts (optionally of one `service` label): severity, team, `for`, summary, runbook link."""
    rules = load_rules(ctx.repo).or_raise()
    alerts = [a for a in rules.alerts if service is None or a.service == service]
    if service is not None and not alerts:
        raise DataError(
            Problem(
                ctx.page_path or RULES_DIR,
                1,
                f"alert_table(service={service!r}): no alert has that service label",
            )
        )
    rows = []
    pending = pending_alerts(ctx.repo)
    for a in sorted(alerts, key=lambda a: (a.severity != "page", a.name)):
        owner, owner_link = _owner(ctx, a.owner, (a.path, a.line))
        rows.append(
            {
                "name": a.name,
                "severity": a.severity,
                "owner": owner,
                "owner_link": owner_link,
                "for_": a.for_ if a.for_ not in {"0s", "0m", "0"} else "—",
                "summary": alert_text(a.annotations.get("summary", "")),
                "runbook": _runbook_link(ctx, a.runbook_file),
                "rule_url": _rule_url(ctx, a.path, a.line),
                "pending": pending.get(a.name, ""),
            }
        )
    args = "" if service is None else f"service={service!r}"
    return render("alerts_table.md.j2", rows=rows, args=args, source=f"{RULES_DIR}/")


@macro
def runbook_matrix(ctx: RenderContext) -> str:
    """Every alert and every runbook page, side by side, with severity, owner and review state."""
    rules = load_rules(ctx.repo).or_raise()
    runbooks = {rb.path: rb for rb in load_runbooks(ctx.repo)}
    rows, gaps, overdue = [], 0, 0
    pending = pending_alerts(ctx.repo)
    for a in sorted(rules.alerts, key=lambda a: (a.service, a.severity != "page", a.name)):
        owner, owner_link = _owner(ctx, a.owner, (a.path, a.line))
        rb = runbooks.pop(a.runbook_file, None)
        row = {
            "name": a.name,
            "severity": a.severity,
            "owner": owner,
            "owner_link": owner_link,
            "rule_url": _rule_url(ctx, a.path, a.line),
            "orphan": False,
            "pending": pending.get(a.name, ""),
            "runbook": "",
            "runbook_title": "",
            "status": "—",
            "last_reviewed": "—",
            "overdue": None,
        }
        if rb is None:
            gaps += 1
        else:
            row.update(_review(ctx, rb))
            overdue += 1 if (row["overdue"] or 0) > 0 else 0
        rows.append(row)
    for rb in runbooks.values():  # pages whose alert no rule defines
        gaps += 1
        row = {
            "name": rb.alert or rb.stem,
            "severity": "—",
            "owner": "—",
            "owner_link": "",
            "rule_url": "",
            "orphan": True,
            "pending": "",
        }
        row.update(_review(ctx, rb))
        rows.append(row)
    return render(
        "alerts_matrix.md.j2",
        rows=rows,
        alerts=len(rules.alerts),
        runbooks=len(load_runbooks(ctx.repo)),
        gaps=gaps,
        overdue=overdue,
        today=ctx.repo.today.isoformat(),
        rules=f"{RULES_DIR}/",
        pages=f"{RUNBOOKS_DIR}/",
    )


def _review(ctx: RenderContext, rb) -> dict:
    meta = rb.page.meta
    if meta is None:  # invalid front matter: kb check reports it; show the page without a state
        return {
            "runbook": ctx.link_to(rb.page.src),
            "runbook_title": rb.stem,
            "status": "invalid",
            "last_reviewed": "—",
            "overdue": None,
        }
    return {
        "runbook": ctx.link_to(rb.page.src),
        "runbook_title": meta.title,
        "status": meta.status,
        "last_reviewed": meta.last_reviewed.isoformat(),
        "overdue": meta.overdue_days(ctx.repo.today),
    }
