"""KPI macros for docs/devops/kpis.md: DORA metrics, 2024 clusters, SLOs and review cadence.

Every table is rendered from `docs/devops/kpis.yml` through `kb.model.kpis`; the page holds no
hand-written numbers that could drift from the data file.
"""

from __future__ import annotations

from markupsafe import Markup

from kb.model.kpis import KPIS_FILE, load_kpis
from kb.render._markup import render
from kb.render._registry import RenderContext, macro


def _percent(ratio: float) -> str:
    """A ratio as a percentage without float noise: 0.0144 -> '1.44 %'."""
    return f"{ratio * 100:.4g} %"


def _number(value: float) -> str:
    return f"{value:g}"


@macro
def kpi_table(ctx: RenderContext) -> str:
    """Summary table of the five DORA metrics: factor, target, review trigger, owner."""
    data = load_kpis(ctx.repo)
    return render("kpis_table.md.j2", metrics=data.metrics, source=KPIS_FILE)


@macro
def kpi_details(ctx: RenderContext, *, level: int = 3) -> str:
    """One section per metric, headed with the metric's id as its anchor (`kpis.md#<id>`)."""
    if level not in (2, 3, 4):
        raise ValueError("kpi_details(level=...) must be 2, 3 or 4")
    data = load_kpis(ctx.repo)
    hashes = Markup("#" * level)  # noqa: S704 - a fixed run of "#", no data in it
    return render("kpis_details.md.j2", metrics=data.metrics, hashes=hashes, source=KPIS_FILE)


@macro
def dora_clusters(ctx: RenderContext) -> str:
    """The 2024 DORA cluster table for the four clustered metrics, with the caveats below it."""
    data = load_kpis(ctx.repo)
    clustered = [m for m in data.metrics if m.benchmark_2024 is not None]
    rows = [
        {
            "cluster": cluster.id.capitalize(),
            "share": f"{cluster.share_percent} %",
            "cells": [getattr(m.benchmark_2024, cluster.id) for m in clustered],
        }
        for cluster in data.clusters_2024
    ]
    return render(
        "kpis_clusters.md.j2",
        metrics=clustered,
        rows=rows,
        caveats=data.benchmark_caveats,
        source=KPIS_FILE,
    )


@macro
def slo_table(ctx: RenderContext) -> str:
    """SLOs with their computed error budgets and burn-rate alert thresholds."""
    data = load_kpis(ctx.repo)
    slos = [
        {
            "slo": slo,
            "objective": f"{_number(slo.objective)} %",
            "budget": _percent(slo.budget_ratio),
            "minutes": f"{_number(slo.budget_minutes)} min" if slo.kind == "availability" else "",
            "alerts": [
                {
                    "notify": alert.notify,
                    "share": _percent(alert.budget_share),
                    "windows": f"{alert.long_window} and {alert.short_window}",
                    "rate": _number(alert.burn_rate),
                    "threshold": _percent(alert.error_ratio),
                }
                for alert in (slo.burn_alerts() if slo.status == "active" else [])
            ],
        }
        for slo in data.slos
    ]
    from kb.model.shared_values import SHARED_FILE, load_shared

    floor = ""
    if (ctx.repo.root / SHARED_FILE).is_file():
        floor = load_shared(ctx.repo)["burn-rate-traffic-floor"].text
    return render("kpis_slos.md.j2", slos=slos, source=KPIS_FILE, floor=floor)


@macro
def review_cadence(ctx: RenderContext) -> str:
    """The recurring reviews that look at these numbers."""
    data = load_kpis(ctx.repo)
    return render("kpis_reviews.md.j2", reviews=data.retrospectives, source=KPIS_FILE)
