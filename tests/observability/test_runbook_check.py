"""`kb check` fails, with one `path:line: message` each, on every way an alert and its runbook
can drift apart, and passes on the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.cli import main
from kb.model import Repository
from kb.model.alerts import load_rules
from tests.conftest import ROOT

RUNBOOK = Path("docs/devops/runbooks/redisdown.md")
RULES = Path("infra/observability/prometheus/rules/platform.yml")
URL = "https://plasma-engine.github.io/plasma-engine-kb/devops/runbooks/redisdown/"


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--root", str(root), "check", *extra])
    return code, capsys.readouterr().err


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` containing `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_repository_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = check(ROOT, capsys, "--only", "runbooks")
    assert code == 0, err


def test_an_alert_without_a_runbook_fails(repo_copy: Path, capsys) -> None:
    (repo_copy / RUNBOOK).unlink()
    alert = load_rules(Repository(repo_copy)).alert("RedisDown")
    assert alert is not None
    code, err = check(repo_copy, capsys)
    assert code == 1
    assert (
        f"{RULES}:{alert.line}: alert RedisDown has no runbook: create {RUNBOOK} (kb new runbook)"
    ) in err.splitlines()


def test_a_runbook_naming_no_alert_fails(repo_copy: Path, capsys) -> None:
    edit(repo_copy / RUNBOOK, "alert: RedisDown", "alert: RedisGone")
    line = line_of(repo_copy / RUNBOOK, "alert: RedisGone")
    code, err = check(repo_copy, capsys)
    assert code == 1
    assert (
        f"{RUNBOOK}:{line}: runbook names alert 'RedisGone', which no rule in "
        "infra/observability/prometheus/rules defines"
    ) in err.splitlines()


def test_a_runbook_missing_a_section_fails(repo_copy: Path, capsys) -> None:
    edit(repo_copy / RUNBOOK, "## Impact\n", "## Consequences\n")
    code, err = check(repo_copy, capsys)
    assert code == 1
    assert f"{RUNBOOK}:1: runbook lacks the '## Impact' section" in err.splitlines()


def test_a_runbook_with_sections_out_of_order_fails(repo_copy: Path, capsys) -> None:
    page = repo_copy / RUNBOOK
    edit(page, "## Diagnosis\n", "## PLACEHOLDER\n")
    edit(page, "## Mitigation\n", "## Diagnosis\n")
    edit(page, "## PLACEHOLDER\n", "## Mitigation\n")
    line = line_of(page, "## Diagnosis")
    code, err = check(repo_copy, capsys)
    assert code == 1
    assert any(
        m.startswith(f"{RUNBOOK}:{line}: section '## Diagnosis' is out of order")
        for m in err.splitlines()
    ), err


def test_a_runbook_url_off_the_pattern_fails(repo_copy: Path, capsys) -> None:
    rules = repo_copy / RULES
    edit(rules, URL, URL.replace("redisdown", "redis-down"))
    line = line_of(rules, URL.replace("redisdown", "redis-down"))
    code, err = check(repo_copy, capsys)
    assert code == 1
    assert (
        f"{RULES}:{line}: alert RedisDown: runbook_url "
        f"{URL.replace('redisdown', 'redis-down')} should be {URL}"
    ) in err.splitlines()


def test_a_runbook_url_must_follow_site_url(repo_copy: Path, capsys) -> None:
    edit(
        repo_copy / "mkdocs.yml",
        "site_url: https://plasma-engine.github.io/plasma-engine-kb/",
        "site_url: https://kb.plasma-engine.example/",
    )
    code, err = check(repo_copy, capsys, "--only", "runbooks")
    assert code == 1
    bad = [m for m in err.splitlines() if "should be https://kb.plasma-engine.example/" in m]
    assert len(bad) == len(load_rules(Repository(repo_copy)).alerts)


def test_an_alert_without_a_team_label_fails(repo_copy: Path, capsys) -> None:
    rules = repo_copy / RULES
    text = rules.read_text(encoding="utf-8")
    start = text.index("- alert: RedisDown")
    end = text.index("team: data-team", start)
    rules.write_text(text[:end] + "owner: data-team" + text[end + len("team: data-team") :])
    alert = load_rules(Repository(repo_copy)).alert("RedisDown")
    assert alert is not None
    code, err = check(repo_copy, capsys, "--only", "runbooks")
    assert code == 1
    assert f"{RULES}:{alert.line}: alert RedisDown has no 'team' label" in err.splitlines()
