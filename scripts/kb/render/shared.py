"""The shared() macro: a number or name from docs/devops/shared-values.yml, inline in a sentence."""

from __future__ import annotations

from kb.model import DataError, Problem
from kb.model.shared_values import SHARED_FILE, load_shared
from kb.render._markup import escape_md
from kb.render._registry import RenderContext, macro


@macro
def shared(ctx: RenderContext, value_id: str) -> str:
    """The value's text, escaped for inline Markdown. Raises DataError for an unknown id."""
    values = load_shared(ctx.repo)
    if value_id not in values:
        raise DataError(
            Problem(
                ctx.page_path or SHARED_FILE,
                1,
                f"shared('{value_id}'): no such id in {SHARED_FILE}",
            )
        )
    return str(escape_md(values[value_id].text))
