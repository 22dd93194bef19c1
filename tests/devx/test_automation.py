"""The scheduled automation's logic: the activity-log gate, `kb reviews`, and the workflow wiring."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from tests.conftest import ROOT, run_tool

GATE = ROOT / "scripts/devx/activity_log_gate.py"


def gate(paths: list[str]):
    return run_tool([sys.executable, str(GATE)], input="\n".join(paths) + "\n")


def test_a_page_change_without_a_log_entry_fails() -> None:
    result = gate(["docs/devops/kpis.md", "scripts/kb/cli.py"])
    assert result.returncode == 1
    assert "1 page(s) changed but docs/devops/activity-log.md has no new entry" in result.stdout
    assert "  docs/devops/kpis.md" in result.stdout and "kb log --area" in result.stdout


def test_a_page_change_with_a_log_entry_passes() -> None:
    result = gate(["docs/devops/kpis.md", "docs/devops/activity-log.md"])
    assert result.returncode == 0 and "activity log: ok" in result.stdout


@pytest.mark.parametrize(
    "paths",
    [
        ["scripts/kb/cli.py", "README.md"],
        ["docs/devops/kpis.yml"],
        ["docs/devops/release/history/2026-11-24-gateway-v1.4.0.md"],
        [],
    ],
)
def test_changes_that_are_not_pages_pass(paths: list[str]) -> None:
    assert gate(paths).returncode == 0


def test_kb_reviews_lists_overdue_pages_as_json(repo_copy: Path, capsys, monkeypatch) -> None:
    page = repo_copy / "docs/devops/devx/friction.md"
    text = page.read_text(encoding="utf-8").replace(
        "last_reviewed: 2026-11-24", "last_reviewed: 2026-01-02"
    )
    page.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    assert main(["--root", str(repo_copy), "reviews", "--overdue", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["path"] == "docs/devops/devx/friction.md")
    # 2026-01-02 + 90 days = 2026-04-02; 236 days before 2026-11-24.
    assert row == {
        "path": "docs/devops/devx/friction.md",
        "url": "devops/devx/friction/",
        "title": "Friction log",
        "owner": "@platform-team",
        "last_reviewed": "2026-01-02",
        "due": "2026-04-02",
        "overdue_days": 236,
    }
    assert all(r["overdue_days"] > 0 for r in rows)
    assert rows == sorted(rows, key=lambda r: (-r["overdue_days"], r["due"], r["path"]))


def test_kb_reviews_without_overdue_lists_every_valid_page(capsys, monkeypatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    assert (
        main(["--root", str(ROOT), "reviews", "--format", "json", "--owner", "@release-team"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert {"docs/devops/release/README.md", "docs/devops/release/pipeline.md"} <= {
        r["path"] for r in rows
    }
    assert {r["owner"] for r in rows} == {"@release-team"}


def _workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))


def test_each_scheduled_workflow_is_documented_with_its_trigger() -> None:
    page = (ROOT / "docs/devops/devx/automation.md").read_text(encoding="utf-8")
    for name in ("refresh.yml", "links.yml", "review-reminders.yml", "activity-log-check.yml"):
        data = _workflow(name)
        triggers = data.get(True, data.get("on"))
        assert f"`.github/workflows/{name}`" in page
        for entry in triggers.get("schedule", []) if isinstance(triggers, dict) else []:
            minute, hour = entry["cron"].split()[:2]
            assert f"{int(hour):02d}:{int(minute):02d} UTC" in page, (name, entry["cron"])
    for heading in ("Trigger", "Inputs", "Outputs", "Failure handling"):
        assert page.count(f"\n{heading}\n:   ") == 4, heading


def test_the_workflows_run_the_commands_they_document() -> None:
    steps = lambda name: " ".join(  # noqa: E731 - a one-line helper
        str(s.get("run", "")) for job in _workflow(name)["jobs"].values() for s in job["steps"]
    )
    assert "kb refresh --budget" in steps("refresh.yml")
    assert "gh pr create" in steps("refresh.yml")
    assert "--check-extern" in steps("links.yml")
    assert "kb reviews --overdue --format json" in steps("review-reminders.yml")
    assert "scripts/devx/activity_log_gate.py" in steps("activity-log-check.yml")


def test_vscode_files_are_json_and_documented() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs/devops/devx/editor-and-linters.md").read_text(encoding="utf-8")
    for key in settings:
        if not key.startswith("["):
            assert f"`{key.split('.')[0]}" in page, key
    assert "charliermarsh.ruff" in extensions["recommendations"]
    pymarkdown = json.loads((ROOT / ".pymarkdown.json").read_text(encoding="utf-8"))
    for rule in pymarkdown["plugins"]:
        assert f"`{rule}`" in page, rule
