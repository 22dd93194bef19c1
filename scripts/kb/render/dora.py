"""DORA macros: measured metrics per service on the KPI page, and the events page behind them.

Both read `docs/devops/events/` through `kb.model.events` and compute through `kb.model.dora`, the
code `kb dora` runs, so the page and the command cannot disagree.
"""

from __future__ import annotations

from markupsafe import Markup

from kb.model.dora import METRIC_KEYS, Metrics, compute, default_window, services_of
from kb.model.events import (
    DEPLOYMENTS_FILE,
    EVENTS_DIR,
    INCIDENTS_FILE,
    Change,
    Deployment,
    Incident,
    events_or_raise,
)
from kb.model.kpis import load_kpis
from kb.render._markup import render
from kb.render._registry import RenderContext, macro

EVENTS_PAGE = "devops/events/index.md"
#: kb dora's JSON key -> the metric's id in docs/devops/kpis.yml
KPI_IDS = {
    "change_lead_time_hours": "change-lead-time",
    "deployment_frequency_per_week": "deployment-frequency",
    "change_fail_rate": "change-fail-rate",
    "failed_deployment_recovery_time_hours": "failed-deployment-recovery-time",
    "deployment_rework_rate": "deployment-rework-rate",
}
# Which list of the events page explains each value.
_ANCHOR = {
    "change_lead_time_hours": "deployments",
    "deployment_frequency_per_week": "deployments",
    "change_fail_rate": "deployments",
    "failed_deployment_recovery_time_hours": "deployments",
    "deployment_rework_rate": "deployments",
}


def _show(key: str, metrics: Metrics) -> str:
    value = metrics.values()[key]
    if value is None:
        return "no data"
    if key == "change_lead_time_hours":
        return f"{value:.1f} h ({len(metrics.lead_times)} changes)"
    if key == "deployment_frequency_per_week":
        return f"{value:.2f} a week ({len(metrics.successful_changes)} deployments)"
    if key == "change_fail_rate":
        return f"{value * 100:.0f} % ({len(metrics.failed)} of {len(metrics.changes_deployed)})"
    if key == "failed_deployment_recovery_time_hours":
        extra = f", {len(metrics.unrecovered)} unrecovered" if metrics.unrecovered else ""
        return f"{value:.1f} h ({len(metrics.recoveries)} failures{extra})"
    return f"{value * 100:.0f} % ({len(metrics.rework)} of {len(metrics.deployments)})"


@macro
def dora_measured(ctx: RenderContext) -> str:
    """The five metrics per service from the recorded events, beside the targets and 2024 clusters."""
    events = events_or_raise(ctx.repo)
    kpis = {k.id: k for k in load_kpis(ctx.repo).metrics}
    window = default_window(events, None, None)
    services = services_of(events, None)
    per_service = {s: compute(events, window, s) for s in services}
    rows = []
    for key in METRIC_KEYS:
        kpi = kpis[KPI_IDS[key]]
        rows.append(
            {
                "name": kpi.name,
                "link": ctx.link_to(ctx.page_src, kpi.id),
                "cells": [
                    {
                        "text": _show(key, per_service[s]),
                        "link": ctx.link_to(EVENTS_PAGE, f"{s}-{_ANCHOR[key]}"),
                    }
                    for s in services
                ],
                "target": kpi.target,
                "clusters": kpi.benchmark_2024,
            }
        )
    return render(
        "dora_measured.md.j2",
        window=window,
        services=services,
        rows=rows,
        events_page=ctx.link_to(EVENTS_PAGE),
        source=EVENTS_DIR,
    )


def _kind(dep: Deployment) -> str:
    if dep.rollback:
        return "rollback"
    return "hotfix" if dep.incident else "change"


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "—"


@macro
def dora_events(ctx: RenderContext) -> str:
    """Every production deployment and every incident per service, with what each counts towards."""
    events = events_or_raise(ctx.repo)
    window = default_window(events, None, None)
    sections = []
    for service in services_of(events, None):
        metrics = compute(events, window, service)
        deployments = [
            {
                "dep": d,
                "kind": _kind(d),
                "finished": _time(d.finished),
                "changes": len(d.changes),
                "lead": (
                    ", ".join(
                        f"{(d.finished - c.first_commit).total_seconds() / 3600:.1f}"
                        for c in d.changes
                    )
                    if d.result == "success" and not d.rollback
                    else "—"
                ),
                "failed": d.id in metrics.failed,
                "recovery": (
                    f"{metrics.recoveries[d.id]:.1f} h"
                    if d.id in metrics.recoveries
                    else ("unrecovered" if d.id in metrics.failed else "")
                ),
                "caused": d.failed_deployment,
            }
            for d in sorted(metrics.deployments, key=lambda d: d.finished)
        ]
        incidents = [
            _incident_row(ctx, i) for i in sorted(metrics.incidents, key=lambda i: i.detected)
        ]
        sections.append({"service": service, "deployments": deployments, "incidents": incidents})
    return render(
        "dora_events.md.j2",
        sections=sections,
        window=window,
        files=[f"{EVENTS_DIR}/{DEPLOYMENTS_FILE}", f"{EVENTS_DIR}/{INCIDENTS_FILE}"],
    )


def _incident_row(ctx: RenderContext, inc: Incident) -> dict:
    return {
        "inc": inc,
        # An anchor the runbook headers link to; the id is validated as INC-<digits>.
        "anchor": Markup(f'<span id="{inc.id.lower()}"></span>'),  # noqa: S704
        "detected": _time(inc.detected),
        "mitigated": _time(inc.mitigated),
        "resolved": _time(inc.resolved),
        "postmortem": (
            ctx.link_to(inc.postmortem.removeprefix("docs/"))
            if inc.postmortem and inc.postmortem.startswith("docs/")
            else inc.postmortem
        ),
        "runbooks": [
            {
                "name": name,
                "link": ctx.link_to(f"devops/runbooks/{name}.md"),
                "wrong": name in inc.runbooks_wrong,
            }
            for name in inc.runbooks
        ],
    }


_MODELS = {"deployment": Deployment, "change": Change, "incident": Incident}


def _type_name(annotation) -> str:
    text = getattr(annotation, "__name__", None) if not hasattr(annotation, "__args__") else None
    text = text or str(annotation)
    for old, new in (
        ("typing.", ""),
        ("kb.model.events.", ""),
        (" | None", ""),
        ("AwareDatetime", "time with UTC offset"),
        ("list[", "list of "),
    ):
        text = text.replace(old, new)
    if text.startswith("Literal["):
        text = "one of " + text[len("Literal[") : -1]
    return text.rstrip("]") if text.startswith("list of ") else text


@macro
def event_fields(ctx: RenderContext, kind: str) -> str:
    """The fields of a deployment, change or incident record, from the model that validates them."""
    if kind not in _MODELS:
        raise ValueError(f"event_fields(kind=...) must be one of {', '.join(_MODELS)}")
    fields = [
        {
            "name": name,
            "type": _type_name(info.annotation),
            "required": info.is_required(),
            "description": info.description or "",
        }
        for name, info in _MODELS[kind].model_fields.items()
    ]
    return render(
        "dora_fields.md.j2", fields=fields, model=f"kb.model.events.{_MODELS[kind].__name__}"
    )
