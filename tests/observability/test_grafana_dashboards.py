"""Grafana: a file provider provisions the dashboards, and every panel query reads only series
that a recording rule defines or a known exporter provides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.observability.promql import series_names
from tests.observability.test_prometheus_rules import known_series

GRAFANA = ROOT / "infra" / "observability" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))


def targets(dashboard: dict) -> list[tuple[str, str]]:
    """(panel title, expr) for every query of every panel, rows included."""
    found = []
    for panel in dashboard["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            for target in inner.get("targets", []):
                found.append((inner["title"], target["expr"]))
    return found


def test_provisioning_uses_a_file_provider() -> None:
    files = sorted((GRAFANA / "provisioning" / "dashboards").glob("*.yml"))
    assert files
    for path in files:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert config["apiVersion"] == 1
        for provider in config["providers"]:
            assert provider["type"] == "file"
            assert provider["options"]["path"].startswith("/")


def test_there_is_an_slo_and_a_platform_dashboard() -> None:
    uids = {json.loads(p.read_text(encoding="utf-8"))["uid"] for p in DASHBOARDS}
    assert {"plasma-gateway-slo", "plasma-platform-overview"} <= uids


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_panels_have_unique_ids_and_queries(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert all(panel.get("targets") for panel in dashboard["panels"])


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_query_reads_known_series(path: Path) -> None:
    known = known_series()
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    unknown = {
        f"{title}: {name}"
        for title, expr in targets(dashboard)
        for name in series_names(expr) - known
    }
    assert unknown == set()


def test_slo_dashboard_shows_slis_budget_and_burn_rates() -> None:
    dashboard = json.loads((GRAFANA / "dashboards" / "gateway-slo.json").read_text("utf-8"))
    used = set().union(*(series_names(expr) for _, expr in targets(dashboard)))
    assert {
        "gateway:slo_availability_errors:ratio_rate30d",
        "gateway:slo_availability_error_budget:remaining_ratio30d",
        "gateway:slo_latency_error_budget:remaining_ratio30d",
        "gateway:slo_availability_errors:ratio_rate1h",
        "gateway:slo_latency_slow:ratio_rate1h",
    } <= used


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        (
            'sum by (le) (rate(http_server_request_duration_seconds_bucket{job="gateway"}[5m]))',
            {"http_server_request_duration_seconds_bucket"},
        ),
        ("a:b:ratio_rate1h / (1 - c:objective) > 14.4", {"a:b:ratio_rate1h", "c:objective"}),
        ("count(up == 0) or vector(0)", {"up"}),
        ('rate(x_total{a=~"5.."}[$__rate_interval]) * 1e3 offset 5m', {"x_total"}),
        ('max by (pod) (typo_metric{le="0.5"})', {"typo_metric"}),
    ],
)
def test_series_lexer(expr: str, names: set[str]) -> None:
    assert series_names(expr) == names


def test_an_unknown_metric_is_not_known() -> None:
    assert "typo_metric" not in known_series()
