"""The SLO layer holds what the pages promise: SLIs, alerts, objectives and floors match the rules."""

from __future__ import annotations

import re

import pytest

from kb.model import DataError, Repository
from kb.model.alerts import load_rules, pending_alerts
from kb.model.kpis import load_kpis, parse_kpis
from kb.model.shared_values import load_shared
from kb.render._registry import RenderContext
from kb.render.alerts import alert_table
from kb.render.kpis import slo_table
from tests.conftest import ROOT

REPO = Repository(ROOT)
RULES = load_rules(REPO).or_raise()
RECORDS = {r.name: r.expr for r in RULES.records}


def _vector(record: str) -> float:
    match = re.fullmatch(r"\s*vector\(([\d.]+)\)\s*", RECORDS[record])
    assert match, RECORDS[record]
    return float(match[1])


@pytest.mark.parametrize("slo", load_kpis(REPO).slos, ids=lambda s: s.id)
def test_every_active_slo_names_rules_and_alerts_that_exist(slo) -> None:
    if slo.status == "proposed":
        assert not slo.alerts
        return
    assert slo.recording_rule in RECORDS
    for name in slo.alerts:
        alert = RULES.alert(name)
        assert alert is not None, name
        family = slo.recording_rule.rsplit(":", 1)[0]  # e.g. gateway:slo_availability_errors
        assert family in alert.expr, f"{name} does not read {family}"
    if slo.stopgap_recording_rule:
        assert slo.stopgap_recording_rule in RECORDS


def test_the_availability_sli_text_matches_what_the_rule_counts() -> None:
    slo = next(s for s in load_kpis(REPO).slos if s.id == "gateway-availability")
    expr = RECORDS[slo.recording_rule]
    # The rule counts job="gateway": the edge and the federation layer both report under it.
    assert 'job="gateway"' in expr and "/health|/ready|/metrics" in expr
    assert "edge" in slo.sli and "federation" in slo.sli and 'job="gateway"' in slo.sli


def test_objectives_and_the_traffic_floor_agree_with_the_rule_series() -> None:
    slos = {s.id: s for s in load_kpis(REPO).slos}
    assert _vector("gateway:slo_availability:objective") == pytest.approx(
        slos["gateway-availability"].objective / 100
    )
    assert _vector("gateway:slo_latency:objective") == pytest.approx(
        slos["gateway-latency"].objective / 100
    )
    floor = load_shared(REPO)["burn-rate-traffic-floor"].text
    assert _vector("gateway:slo_burn_rate:traffic_floor_rps") == float(floor.split()[0])
    for name in (
        "GatewayAvailabilityFastBurn",
        "GatewayAvailabilitySlowBurn",
        "GatewayLatencyFastBurn",
    ):
        assert "gateway:slo_burn_rate:traffic_floor_rps" in RULES.alert(name).expr, name


def test_an_active_slo_without_alerts_is_rejected() -> None:
    text = (ROOT / "docs/devops/kpis.yml").read_text("utf-8")
    broken = text.replace("    alerts: [GatewayLatencyFastBurn, GatewayLatencySlowBurn]\n", "", 1)
    with pytest.raises(DataError, match="an active SLO names its recording_rule and its alerts"):
        parse_kpis(broken, "docs/devops/kpis.yml")


def test_a_proposed_slo_lists_no_burn_rate_alerts_on_the_kpi_page() -> None:
    html = slo_table(RenderContext(repo=REPO, page_src="devops/kpis.md"))
    burn_rows = [
        line for line in html.splitlines() if line.startswith("| <code>graphql-availability")
    ]
    assert len(burn_rows) == 1  # the SLO row only; no burn-rate rows
    assert "**proposed**" in burn_rows[0]


def test_alerts_that_wait_for_pe_105_are_marked_pending_where_listed() -> None:
    pending = pending_alerts(REPO)
    assert {"GatewayAvailabilityFastBurn", "GatewaySubgraphUnavailable"} <= set(pending)
    assert "GatewayNotReady" not in pending and "PostgresDown" not in pending
    table = alert_table(RenderContext(repo=REPO, page_src="devops/alerts.md"))
    marked = 0
    for line in table.splitlines():
        for name, ticket in pending.items():
            if f"[{name}]" in line or f">{name}<" in line:
                assert f"pending {ticket}" in line, line
                marked += 1
    assert marked == len(pending)
    kpis = slo_table(RenderContext(repo=REPO, page_src="devops/kpis.md"))
    assert "pending PE-105" in kpis
