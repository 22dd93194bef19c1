"""Golden tests of the KPI and backlog macros: fixture data in, exact Markdown out.

Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.model import Repository
from kb.render._registry import RenderContext, load_all

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
MACROS = [
    "kpi_table",
    "kpi_details",
    "dora_clusters",
    "slo_table",
    "review_cadence",
    "automation_backlog",
]


@pytest.fixture
def ctx(tmp_path: Path) -> RenderContext:
    devops = tmp_path / "docs" / "devops"
    devops.mkdir(parents=True)
    shutil.copy(HERE / "data" / "kpis.yml", devops / "kpis.yml")
    shutil.copy(HERE / "data" / "automation-backlog.yml", devops / "automation-backlog.yml")
    return RenderContext(repo=Repository(tmp_path), page_src="devops/kpis.md")


@pytest.mark.parametrize("name", MACROS)
def test_macro_output_matches_golden(ctx: RenderContext, name: str):
    output = load_all()[name](ctx)
    golden = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_backlog_escapes_data_and_sorts_by_score(ctx: RenderContext):
    output = load_all()["automation_backlog"](ctx)
    rows = [line for line in output.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [row.split(" | ")[1] for row in rows] == [
        "[Top candidate with a &#124; pipe and &#60;b&#62;markup&#60;/b&#62;](#top-score)",
        "[Score with thirds](#thirds)",
        "[Low-scoring candidate](#low-score)",
    ]
    assert "<b>" not in output


def test_kpi_details_give_each_metric_its_anchor(ctx: RenderContext):
    output = load_all()["kpi_details"](ctx)
    for kpi_id in ("change-lead-time", "deployment-rework-rate", "failed-deployment-recovery-time"):
        assert f"{{ #{kpi_id} }}" in output


def test_unknown_macro_argument_raises(ctx: RenderContext):
    with pytest.raises(TypeError):
        load_all()["kpi_table"](ctx, colour="red")
