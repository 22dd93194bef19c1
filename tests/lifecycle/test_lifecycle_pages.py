"""The lifecycle pages: playbook structure, cited sources, KPI anchors and no placeholder text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kb.model.kpis import DORA_METRICS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
STAGES = ["plan", "code", "build", "test", "release", "deploy", "operate", "monitor"]
SECTIONS = [
    "Purpose and when to use",
    "Roles",
    "Steps",
    "Gates",
    "Anti-patterns",
    "Metrics it moves",
]
WORKED_EXAMPLE = {"release", "deploy", "operate"}
PLACEHOLDER = re.compile(r"\bTBD\b|lorem|coming soon", re.IGNORECASE)


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _reference_ids() -> set[str]:
    return {p.stem for p in (ROOT / "third_party" / "references").rglob("*.yaml")}


@pytest.mark.parametrize("stage", STAGES)
def test_playbook_has_the_required_sections_in_order(stage: str):
    meta, body = _split(DOCS / "devops" / "playbooks" / f"{stage}.md")
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    present = [h for h in headings if h in SECTIONS]
    assert present == SECTIONS, f"{stage}.md sections: {headings}"
    assert meta["kind"] == "playbook"
    assert meta["lifecycle"] == stage
    assert stage in meta["tags"]
    assert body.rstrip().endswith("{{ page_sources() }}")
    assert meta.get("render_macros") is True


@pytest.mark.parametrize("stage", STAGES)
def test_playbook_cites_at_least_three_records_that_exist(stage: str):
    meta, _ = _split(DOCS / "devops" / "playbooks" / f"{stage}.md")
    sources = meta["sources"]
    assert len(set(sources)) >= 3
    missing = sorted(set(sources) - _reference_ids())
    assert not missing, f"{stage}.md cites ids with no file in third_party/references: {missing}"


@pytest.mark.parametrize("stage", sorted(WORKED_EXAMPLE))
def test_release_deploy_operate_use_the_gateway_tickets(stage: str):
    _, body = _split(DOCS / "devops" / "playbooks" / f"{stage}.md")
    assert re.search(r"^## Worked example", body, flags=re.MULTILINE)
    for ticket in ("PE-101", "PE-102", "PE-103"):
        assert ticket in body, f"{stage}.md does not mention {ticket}"


@pytest.mark.parametrize("stage", STAGES)
def test_playbook_steps_are_numbered_with_a_command_block(stage: str):
    _, body = _split(DOCS / "devops" / "playbooks" / f"{stage}.md")
    steps = body.split("## Steps", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^1\. ", steps, flags=re.MULTILINE)
    assert "```" in steps


def test_kpi_links_point_at_defined_metric_ids():
    anchors = set(DORA_METRICS) | {
        "slos-and-error-budgets",
        "reviews-that-use-these-numbers",
        "measured-from-our-events",
    }
    for page in (DOCS / "devops").rglob("*.md"):
        for anchor in re.findall(r"kpis\.md#([a-z0-9-]+)", page.read_text(encoding="utf-8")):
            assert anchor in anchors, f"{page.relative_to(ROOT)} links to unknown kpis.md#{anchor}"


def test_lifecycle_table_links_every_playbook():
    _, body = _split(DOCS / "devops" / "lifecycle.md")
    for stage in STAGES:
        assert f"(playbooks/{stage}.md)" in body
    assert "```mermaid" in body


def test_nav_lists_the_playbooks_in_stage_order():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    positions = [nav.index(f"devops/playbooks/{stage}.md") for stage in STAGES]
    assert positions == sorted(positions)


def test_no_placeholder_text_anywhere_in_docs():
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(DOCS.rglob("*"))
        if path.is_file() and path.suffix in {".md", ".yml", ".yaml"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PLACEHOLDER.search(line)
    ]
    assert not hits, "\n".join(hits)
