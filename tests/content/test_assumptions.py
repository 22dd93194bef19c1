"""Visible assumptions: the note renders, kb todos lists it, and kb check finds a hidden one."""

from __future__ import annotations

import json
from pathlib import Path

from kb.cli import main
from kb.model import Repository
from kb.render._registry import RenderContext
from kb.render.assumptions import assumption
from tests.conftest import ROOT

PAGE = "docs/devops/runbooks/gatewayratelimiterdegraded.md"


def test_every_page_using_the_rate_limit_variable_shows_the_note(capsys) -> None:
    assert main(["--root", str(ROOT), "check", "--only", "assumptions"]) == 0, capsys.readouterr()
    for page in ROOT.glob("docs/**/*.md"):
        text = page.read_text("utf-8")
        if "RATE_LIMIT_PER_MINUTE" in text:
            assert '{{ assumption("rate-limit-variable") }}' in text, page


def test_the_note_says_what_who_and_which_ticket() -> None:
    ctx = RenderContext(repo=Repository(ROOT), page_src="devops/runbooks/x.md")
    note = assumption(ctx, "rate-limit-variable")
    assert note.lstrip().startswith('!!! warning "Assumption: ')
    assert "RATE&#95;LIMIT&#95;PER&#95;MINUTE" in note  # escaped, still visible
    assert "[@gateway-team](../owners.md)" in note
    assert "**PE-102**" in note


def test_hiding_the_note_fails_kb_check(repo_copy: Path, capsys) -> None:
    page = repo_copy / PAGE
    text = page.read_text("utf-8")
    page.write_text(
        text.replace('{{ assumption("rate-limit-variable") }}', "<!-- assumed name -->"), "utf-8"
    )
    assert main(["--root", str(repo_copy), "check", "--only", "assumptions"]) == 1
    err = capsys.readouterr().err
    assert f"{PAGE}:" in err
    assert "uses the assumed name 'RATE_LIMIT_PER_MINUTE' without the visible note" in err


def test_kb_todos_lists_each_visible_note(capsys) -> None:
    assert main(["--root", str(ROOT), "todos", "--format", "json"]) == 0
    todos = json.loads(capsys.readouterr().out)
    notes = [
        t for t in todos if t["path"] == PAGE and t["action"].startswith("confirm the assumption")
    ]
    assert notes and notes[0]["owner"] == "@gateway-team" and notes[0]["ticket"] == "PE-102"
