"""Prometheus rules: promtool accepts them, every alert has unit tests that fire it and keep it
silent, and every series a rule reads is recorded by a rule or exported by a known source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kb.model import Repository
from kb.model.alerts import load_rules
from tests.conftest import ROOT, require_tool, run_tool
from tests.observability.promql import series_names

PROMETHEUS = ROOT / "infra" / "observability" / "prometheus"
RULES = sorted((PROMETHEUS / "rules").glob("*.yml"))
UNIT_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
EXPORTED = ROOT / "infra" / "observability" / "exported-metrics.yml"


def known_series() -> set[str]:
    """Recording-rule names plus every metric listed in exported-metrics.yml."""
    rules = load_rules(Repository(ROOT)).or_raise()
    exported = yaml.safe_load(EXPORTED.read_text(encoding="utf-8"))
    return {r.name for r in rules.records} | {m for names in exported.values() for m in names}


def unit_test_cases() -> list[tuple[str, str, bool]]:
    """(test file, alertname, fires) for every alert_rule_test in the unit tests."""
    cases = []
    for path in UNIT_TESTS:
        for test in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for case in test.get("alert_rule_test", []):
                cases.append((path.name, case["alertname"], bool(case.get("exp_alerts"))))
    return cases


def test_there_are_rules_and_unit_tests() -> None:
    assert RULES and UNIT_TESTS


def test_promtool_check_rules() -> None:
    promtool = require_tool("promtool")
    result = run_tool([promtool, "check", "rules", *map(str, RULES)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("unit_test", UNIT_TESTS, ids=lambda p: p.stem)
def test_promtool_unit_tests_pass(unit_test: Path) -> None:
    promtool = require_tool("promtool")
    result = run_tool([promtool, "test", "rules", unit_test.name], cwd=unit_test.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_fires_in_a_unit_test() -> None:
    alerts = load_rules(Repository(ROOT)).or_raise().alert_names
    firing = {name for _, name, fires in unit_test_cases() if fires}
    assert alerts - firing == set(), "alerts no unit test fires"


def test_every_alert_stays_silent_in_a_unit_test() -> None:
    rules = load_rules(Repository(ROOT)).or_raise()
    # A heartbeat fires by design; its test is that it fires (and that nothing else can stop it).
    alerts = {a.name for a in rules.alerts if a.severity != "heartbeat"}
    silent = {name for _, name, fires in unit_test_cases() if not fires}
    assert alerts - silent == set(), "alerts no unit test keeps silent"


def test_unit_tests_name_only_existing_alerts() -> None:
    alerts = load_rules(Repository(ROOT)).or_raise().alert_names
    assert {name for _, name, _ in unit_test_cases()} - alerts == set()


def test_every_rule_file_has_a_unit_test() -> None:
    tested = set()
    for path in UNIT_TESTS:
        for rule_file in yaml.safe_load(path.read_text(encoding="utf-8"))["rule_files"]:
            tested.add((path.parent / rule_file).resolve())
    assert {p.resolve() for p in RULES} - tested == set()


def test_unit_tests_fail_when_a_threshold_changes(tmp_path: Path) -> None:
    """The unit tests pin behaviour: a fast burn needing 10x the errors breaks them."""
    promtool = require_tool("promtool")
    shutil.copytree(PROMETHEUS, tmp_path / "prometheus")
    rules = tmp_path / "prometheus" / "rules" / "gateway-slo.yml"
    text = rules.read_text(encoding="utf-8")
    assert "(14.4 * (1 - gateway:slo_availability:objective))" in text
    rules.write_text(
        text.replace(
            "(14.4 * (1 - gateway:slo_availability:objective))",
            "(144 * (1 - gateway:slo_availability:objective))",
        )
    )
    result = run_tool(
        [promtool, "test", "rules", "gateway-slo-test.yml"], cwd=tmp_path / "prometheus" / "tests"
    )
    assert result.returncode != 0
    assert "GatewayAvailabilityFastBurn" in result.stdout + result.stderr


def test_rules_read_only_recorded_or_exported_series() -> None:
    known = known_series()
    rules = load_rules(Repository(ROOT)).or_raise()
    unknown = {
        f"{rule.path}:{rule.line} {name}"
        for rule in [*rules.alerts, *rules.records]
        for name in series_names(rule.expr) - known
    }
    assert unknown == set()


def test_the_heartbeat_always_fires_and_routes_only_to_the_checker() -> None:
    rules = load_rules(Repository(ROOT)).or_raise()
    heartbeats = [a for a in rules.alerts if a.severity == "heartbeat"]
    assert [a.name for a in heartbeats] == ["Watchdog"]
    assert heartbeats[0].expr.strip() == "vector(1)"
    assert heartbeats[0].for_ == "0s"
