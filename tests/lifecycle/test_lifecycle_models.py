"""The KPI and automation-backlog loaders: good data loads, bad data fails with one exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import DataError
from kb.model.backlog import compute_score, parse_backlog
from kb.model.kpis import parse_kpis

DATA = Path(__file__).parent / "data"
KPIS = (DATA / "kpis.yml").read_text(encoding="utf-8")
BACKLOG = (DATA / "automation-backlog.yml").read_text(encoding="utf-8")
KPATH = "docs/devops/kpis.yml"
BPATH = "docs/devops/automation-backlog.yml"


def _line(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def _kpi_error(text: str) -> str:
    with pytest.raises(DataError) as info:
        parse_kpis(text, KPATH)
    return str(info.value)


def _backlog_error(text: str) -> str:
    with pytest.raises(DataError) as info:
        parse_backlog(text, BPATH)
    return str(info.value)


def test_fixture_kpis_load_with_the_five_dora_metrics():
    data = parse_kpis(KPIS, KPATH)
    assert [m.id for m in data.metrics] == [
        "change-lead-time",
        "deployment-frequency",
        "failed-deployment-recovery-time",
        "change-fail-rate",
        "deployment-rework-rate",
    ]


@pytest.mark.parametrize(
    ("objective", "minutes"), [(99.9, 43.2), (99.5, 216.0), (99.95, 21.6), (99.99, 4.32)]
)
def test_error_budget_minutes_over_30_days(objective, minutes):
    text = KPIS.replace("objective: 99.9\n", f"objective: {objective}\n", 1)
    slo = parse_kpis(text, KPATH).slos[0]
    assert slo.budget_minutes == minutes


def test_burn_rate_thresholds_follow_the_workbook():
    slo = parse_kpis(KPIS, KPATH).slos[0]
    alerts = [
        (a.notify, a.long_window, a.short_window, a.burn_rate, a.error_ratio)
        for a in slo.burn_alerts()
    ]
    assert alerts == [
        ("page", "1h", "5m", 14.4, 0.0144),
        ("page", "6h", "30m", 6.0, 0.006),
        ("ticket", "3d", "6h", 1.0, 0.001),
    ]


def test_unknown_key_in_a_metric_is_rejected_at_its_line():
    text = KPIS.replace("    factor: throughput\n", "    factor: throughput\n    colour: red\n", 1)
    line = _line(text, "colour: red")
    assert _kpi_error(text) == f"{KPATH}:{line}: unknown key 'metrics[0].colour'"


def test_a_missing_dora_metric_is_rejected():
    text = KPIS.replace("  - id: deployment-rework-rate\n", "  - id: rework-share\n", 1)
    line = _line(text, "id: rework-share")
    assert (
        _kpi_error(text)
        == f"{KPATH}:{_line(text, 'metrics:')}: metrics: missing the DORA metric 'deployment-rework-rate'"
    )
    with pytest.raises(DataError) as info:
        parse_kpis(text, KPATH)
    assert f"{KPATH}:{line}: metrics[4].id: 'rework-share' is not one of DORA's five metrics" in [
        str(p) for p in info.value.problems
    ]


def test_a_bad_factor_names_the_allowed_values():
    text = KPIS.replace("    factor: instability\n", "    factor: stability\n", 1)
    line = _line(text, "factor: stability")
    assert _kpi_error(text) == (
        f"{KPATH}:{line}: 'metrics[3].factor' input should be 'throughput' or 'instability', got 'stability'"
    )


def test_objective_of_100_percent_is_rejected():
    text = KPIS.replace("objective: 99.9\n", "objective: 100\n", 1)
    line = _line(text, "objective: 100")
    assert _kpi_error(text) == f"{KPATH}:{line}: 'slos[0].objective': input should be less than 100"


def test_invalid_yaml_reports_its_line():
    text = KPIS.replace("clusters_2024:\n", "clusters_2024: [\n", 1)
    assert _kpi_error(text).startswith(f"{KPATH}:")
    assert ": invalid YAML: " in _kpi_error(text)


def test_fixture_backlog_ranks_by_score():
    backlog = parse_backlog(BACKLOG, BPATH)
    assert [c.id for c in backlog.ranked()] == ["top-score", "thirds", "low-score"]


def test_score_formula():
    assert compute_score(5, 4, 3) == 6.67
    assert compute_score(5, 5, 1) == 25.0


def test_a_stored_score_that_disagrees_is_rejected():
    text = BACKLOG.replace("    score: 6.67\n", "    score: 7.0\n", 1)
    line = _line(text, "score: 7.0")
    assert _backlog_error(text) == (
        f"{BPATH}:{line}: candidates[2].score: 7 disagrees with value * frequency / effort = 5 * 4 / 3 = 6.67"
    )


def test_unknown_key_in_a_candidate_is_rejected():
    text = BACKLOG.replace("    effort: 3\n", "    effort: 3\n    priority: high\n", 1)
    line = _line(text, "priority: high")
    assert _backlog_error(text) == f"{BPATH}:{line}: unknown key 'candidates[2].priority'"


def test_an_unknown_stage_is_rejected():
    text = BACKLOG.replace("    stage: monitor\n", "    stage: observe\n", 1)
    line = _line(text, "stage: observe")
    assert _backlog_error(text).startswith(
        f"{BPATH}:{line}: 'candidates[2].stage' input should be 'plan', "
    )


def test_a_value_outside_one_to_five_is_rejected():
    text = BACKLOG.replace("    value: 1\n", "    value: 9\n", 1)
    line = _line(text, "value: 9")
    assert _backlog_error(text) == (
        f"{BPATH}:{line}: 'candidates[0].value': input should be less than or equal to 5"
    )


def test_duplicate_candidate_ids_are_rejected():
    text = BACKLOG.replace("  - id: thirds\n", "  - id: low-score\n", 1)
    second = [n for n, ln in enumerate(text.splitlines(), 1) if ln.strip() == "- id: low-score"][1]
    assert _backlog_error(text) == f"{BPATH}:{second}: candidates[2].id: duplicate id 'low-score'"


def test_the_repository_data_files_load():
    root = Path(__file__).resolve().parents[2]
    parse_kpis((root / KPATH).read_text(encoding="utf-8"), KPATH)
    parse_backlog((root / BPATH).read_text(encoding="utf-8"), BPATH)
