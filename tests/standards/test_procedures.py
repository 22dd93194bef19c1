"""SOPs are runnable checklists, and incident-response pages agree with the owners registry.

An SOP (docs/devops/sops/*.md, kind `sop`) is a numbered task list with paste-ready commands, a
verification step and a Rollback section. The escalation page's "By symptom" table names each team
with the PagerDuty service docs/devops/owners.yml gives it, and the gateway SEV-1 checklist links the
runbooks an engineer needs.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DOCS = ROOT / "docs" / "devops"
SOPS = sorted(p for p in (DOCS / "sops").glob("*.md") if p.name != "README.md")
STEP = re.compile(r"^- \[ \] \*\*(\d+)\.\*\* \S", re.MULTILINE)


def front_matter(page: Path) -> dict:
    _, block, _ = page.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(block)


def test_the_six_sops_exist():
    assert {p.stem for p in SOPS} == {
        "onboard-a-service",
        "rotate-a-secret",
        "respond-to-a-vulnerable-dependency",
        "cut-a-release",
        "restore-a-database",
        "decommission-a-service",
    }


@pytest.mark.parametrize("page", SOPS, ids=lambda p: p.stem)
def test_sop_is_a_numbered_checklist_with_verification_and_rollback(page: Path):
    text = page.read_text(encoding="utf-8")
    assert front_matter(page)["kind"] == "sop"
    steps = [int(n) for n in STEP.findall(text)]
    assert steps, f"{page.name}: no `- [ ] **1.**` steps"
    # Pages with several procedures (rotate-a-secret) restart at 1 per procedure.
    runs = [steps[0]] + [b for a, b in itertools.pairwise(steps) if b != a + 1]
    assert set(runs) == {1}, f"{page.name}: steps are not numbered 1, 2, 3 … in order: {steps}"
    assert "```bash" in text, f"{page.name}: no paste-ready bash block"
    assert re.search(r"\*\*Verify", text), f"{page.name}: no **Verify** step"
    assert re.search(r"^(## Rollback|\*\*Rollback\*\*)", text, re.MULTILINE), (
        f"{page.name}: no Rollback section"
    )


def test_restore_sop_states_the_recovery_objectives():
    text = (DOCS / "sops" / "restore-a-database.md").read_text(encoding="utf-8")
    assert "RTO) of 4 hours" in text
    assert "RPO) of 1 hour" in text
    assert "aws rds restore-db-instance-to-point-in-time" in text


def test_escalation_table_matches_owners_registry():
    owners = yaml.safe_load((DOCS / "owners.yml").read_text(encoding="utf-8"))["teams"]
    service_of = {team["handle"]: team["pagerduty_service"] for team in owners}
    text = (DOCS / "incident-response" / "escalation.md").read_text(encoding="utf-8")
    table = text.split("## By symptom", 1)[1].split("\n## ", 1)[0]
    pairs = re.findall(r"`(@[a-z-]+)` \(`(plasma-[a-z]+)`\)", table)
    assert pairs, "the By symptom table names no `@team` (`plasma-service`) pairs"
    for handle, service in pairs:
        assert handle in service_of, f"{handle} is not in owners.yml"
        assert service_of[handle] == service, f"{handle} pages {service_of[handle]}, not {service}"
    for handle in re.findall(r"`(@[a-z-]+)`", table):
        assert handle in service_of, f"{handle} is not in owners.yml"


def test_gateway_sev1_checklist_links_the_gateway_runbooks():
    text = (DOCS / "incident-response" / "README.md").read_text(encoding="utf-8")
    checklist = text.split("## Run a SEV-1 for the gateway", 1)[1].split("\n## ", 1)[0]
    for alert in (
        "gatewayavailabilityfastburn",
        "gatewaynotready",
        "gatewaysubgraphunavailable",
        "redisdown",
    ):
        assert f"../runbooks/{alert}.md" in checklist, f"SEV-1 checklist does not link {alert}"
    assert checklist.count("- [ ]") >= 8


def test_severity_levels_define_sev1_to_sev4():
    text = (DOCS / "incident-response" / "severity-levels.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (SEV-\d) ", text, re.MULTILINE)
    assert headings == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
