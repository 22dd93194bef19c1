"""Shared numbers and names: one definition in docs/devops/shared-values.yml, contradictions caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.cli import main
from kb.model import DataError, Repository
from kb.model.shared_values import SHARED_FILE, find_contradictions, load_shared
from kb.render._registry import RenderContext
from kb.render.shared import shared
from tests.conftest import ROOT


def check(root: Path, capsys) -> tuple[int, str]:
    code = main(["--root", str(root), "check", "--only", "shared_values"])
    return code, capsys.readouterr().err


def test_the_repository_states_every_shared_value_as_the_data_does(capsys) -> None:
    code, err = check(ROOT, capsys)
    assert code == 0, err


@pytest.mark.parametrize(
    ("page", "old", "new", "value_id"),
    [
        # The contradictions a review found, put back by hand.
        (
            "docs/devops/playbooks/operate.md",
            'Draft within {{ shared("postmortem-draft-due") }}',
            "Draft within 2 working days",
            "postmortem-draft-due",
        ),
        (
            "docs/devops/incident-response/timeline.md",
            'normal for {{ shared("incident-resolved-after") }}',
            "normal for 15 minutes",
            "incident-resolved-after",
        ),
        (
            "docs/devops/playbooks/operate.md",
            "exec deploy/gateway-edge -c gateway",
            "exec deploy/gateway",
            "gateway-deployments",
        ),
    ],
)
def test_a_contradicting_copy_fails_kb_check(
    repo_copy: Path, capsys, page: str, old: str, new: str, value_id: str
) -> None:
    path = repo_copy / page
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    line = text[: text.index(old)].count("\n") + 1

    code, err = check(repo_copy, capsys)

    assert code == 1
    assert re.search(rf"^{re.escape(page)}:{line}: states '.*' for {value_id}\b", err, re.M), err
    assert "Traceback" not in err


def test_a_statement_that_is_always_wrong_is_reported_with_its_reason() -> None:
    values = load_shared(Repository(ROOT))
    text = "Intro.\n\nPriority actions are due in 4 weeks (SEV-1) or 8 weeks (SEV-2).\n"
    problems = find_contradictions(values, text, "docs/x.md")
    assert any(p.line == 3 and "same time for every severity" in p.message for p in problems)


def test_values_from_other_data_files_follow_them(repo_copy: Path) -> None:
    owners = repo_copy / "docs/devops/owners.yml"
    text = owners.read_text("utf-8")
    gateway = text.index('handle: "@gateway-team"')
    step = text.index("after: 15m", gateway)
    owners.write_text(text[:step] + "after: 20m" + text[step + len("after: 15m") :], "utf-8")
    ctx = RenderContext(repo=Repository(repo_copy), page_src="devops/playbooks/operate.md")

    assert shared(ctx, "escalation-secondary-after") == "20 minutes"
    # ...and a page that still says 15 by hand now contradicts the registry.
    problems = find_contradictions(
        load_shared(Repository(repo_copy)), "Escalate to the secondary at 15 min.\n", "docs/x.md"
    )
    assert [p.line for p in problems] == [1]


def test_unknown_id_and_bad_patterns_are_one_line_problems(repo_copy: Path) -> None:
    ctx = RenderContext(repo=Repository(repo_copy), page_src="devops/x.md")
    with pytest.raises(DataError, match=r"shared\('nope'\): no such id"):
        shared(ctx, "nope")

    data = repo_copy / SHARED_FILE
    data.write_text(
        "values:\n  - id: broken\n    value: x\n    meaning: m\n    claims: ['no group']\n", "utf-8"
    )
    with pytest.raises(DataError) as exc:
        load_shared(Repository(repo_copy))
    assert str(exc.value).startswith(f"{SHARED_FILE}:")
    assert "capturing group" in str(exc.value)
