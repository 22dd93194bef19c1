"""The automation backlog macro: candidates from docs/devops/automation-backlog.yml, by score."""

from __future__ import annotations

from kb.model.backlog import BACKLOG_FILE, load_backlog
from kb.render._markup import render
from kb.render._registry import RenderContext, macro


@macro
def automation_backlog(ctx: RenderContext, *, status: str = "") -> str:
    """The backlog ranked by score (highest first); `status=` keeps only candidates in that status."""
    backlog = load_backlog(ctx.repo)
    ranked = [c for c in backlog.ranked() if not status or c.status == status]
    return render(
        "backlog_table.md.j2",
        items=ranked,
        source=BACKLOG_FILE,
        score=lambda c: f"{c.score:.2f}",
    )
