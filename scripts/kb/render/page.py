"""The page header line: owner, status and review state from the page's front matter."""

from __future__ import annotations

from kb.render._markup import render
from kb.render._registry import RenderContext, macro


@macro
def page_header(ctx: RenderContext) -> str:
    """Markdown for the 'owned by / last reviewed' line, with an admonition when overdue."""
    meta = ctx.page_meta
    return render(
        "page_header.md.j2",
        owner=meta.get("owner", ""),
        status=meta.get("status", ""),
        last_reviewed=meta.get("last_reviewed", ""),
    )
