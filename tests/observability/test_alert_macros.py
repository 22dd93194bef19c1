"""The alert_table and runbook_matrix macros: rows from the rules, gaps shown, bad input refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import DataError, Repository
from kb.render._registry import RenderContext, load_all
from tests.conftest import ROOT

MACROS = load_all()


def render(root: Path, name: str, page: str = "devops/alerts.md", **kwargs) -> str:
    ctx = RenderContext(repo=Repository(root), page_src=page)
    return MACROS[name](ctx, **kwargs)


def test_alert_table_for_one_service_lists_only_its_alerts() -> None:
    table = render(ROOT, "alert_table", page="services/gateway.md", service="gateway")
    assert "GatewayNotReady" in table
    assert "PostgresDown" not in table
    assert "[runbook](../devops/runbooks/gatewaynotready.md)" in table


def test_alert_table_refuses_an_unknown_service() -> None:
    with pytest.raises(DataError, match="no alert has that service label"):
        render(ROOT, "alert_table", service="nope")


def test_matrix_has_no_gaps_on_the_repository() -> None:
    matrix = render(ROOT, "runbook_matrix")
    assert "**0** gaps" in matrix
    assert "[@data-team](owners.md#data-team)" in matrix


def test_matrix_shows_a_missing_runbook_and_an_orphan(repo_copy: Path) -> None:
    runbooks = repo_copy / "docs" / "devops" / "runbooks"
    (runbooks / "redisdown.md").rename(runbooks / "redisgone.md")
    page = runbooks / "redisgone.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("alert: RedisDown", "alert: RedisGone")
    )
    matrix = render(repo_copy, "runbook_matrix")
    assert "**2** gaps" in matrix
    assert "**no runbook**" in matrix
    assert "**no such alert**" in matrix
