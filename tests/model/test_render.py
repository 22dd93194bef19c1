"""Macros render the model as Markdown: golden files, overdue flags, escaping, bad arguments."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kb.model import DataError, Repository
from kb.render._registry import RenderContext, load_all
from tests.model.conftest import PAGE, MiniRepo

GOLDEN = Path(__file__).parent / "golden"
MACROS = load_all()


def render(repo: MiniRepo, name: str, page: str = "playbook.md", **kwargs) -> str:
    context = RenderContext(
        repo=Repository(repo.root, today=dt.date(2026, 11, 24)),
        page_src=page,
        repo_url="https://github.com/example/kb",
    )
    return MACROS[name](context, **kwargs)


def _with_todo(repo: MiniRepo) -> None:
    repo.write(
        "infra/main.tf",
        "# TODO(@platform-team): set the CIDR plan — when the network team has one [PE-120]\n",
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("page_header", {}),
        ("page_sources", {}),
        ("review_dashboard", {}),
        ("owners_table", {}),
        ("todo_table", {}),
        ("open_work", {}),
        ("recent_activity", {"n": 3}),
        ("activity_overview", {}),
        ("reference_catalogue", {}),
    ],
)
def test_golden(mini_repo: MiniRepo, name: str, kwargs: dict) -> None:
    _with_todo(mini_repo)
    out = render(mini_repo, name, **kwargs)
    golden = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_overdue_page_is_flagged_on_page_and_dashboard(mini_repo: MiniRepo) -> None:
    mini_repo.write("docs/playbook.md", PAGE.replace("2026-11-01", "2026-01-10"))
    header = render(mini_repo, "page_header")
    assert '!!! warning "Review overdue by 228 days"' in header
    assert "due for review on 2026-04-10" in header
    dashboard = render(mini_repo, "review_dashboard")
    rows = [line for line in dashboard.splitlines() if line.startswith("| [")]
    assert "overdue 228 d" in rows[0]  # overdue pages come first
    assert "1** overdue" in dashboard


def test_page_not_overdue_has_no_warning(mini_repo: MiniRepo) -> None:
    assert "overdue" not in render(mini_repo, "page_header").lower()


def test_unknown_argument_raises(mini_repo: MiniRepo) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        render(mini_repo, "todo_table", colour="red")


def test_bad_data_raises_the_kb_check_line(mini_repo: MiniRepo) -> None:
    mini_repo.write("docs/playbook.md", PAGE.replace("@platform-team", "@nobody"))
    with pytest.raises(DataError) as exc:
        render(mini_repo, "page_header")
    assert str(exc.value) == "docs/playbook.md:4: owner '@nobody' is not in docs/devops/owners.yml"


def test_recent_activity_filters_by_area(mini_repo: MiniRepo) -> None:
    assert "First change" in render(mini_repo, "recent_activity", area="foundation")
    assert "No activity in area exa yet." in render(mini_repo, "recent_activity", area="exa")


def test_each_source_is_parsed_once_per_repository(mini_repo: MiniRepo, monkeypatch) -> None:
    import kb.model.pages as pages

    calls = []
    original = pages.parse_page
    monkeypatch.setattr(pages, "parse_page", lambda *a: calls.append(a[1]) or original(*a))
    context = RenderContext(repo=Repository(mini_repo.root), page_src="playbook.md")
    for _ in range(5):
        MACROS["page_header"](context)
        MACROS["review_dashboard"](context)
    assert sorted(calls) == sorted(set(calls))  # every page parsed exactly once
