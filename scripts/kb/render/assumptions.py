"""The assumption() macro: a visible note for an unknown a reader would act on."""

from __future__ import annotations

from kb.model import DataError, Problem
from kb.model.assumptions import ASSUMPTIONS_FILE, load_assumptions
from kb.render._markup import render
from kb.render._registry import RenderContext, macro


@macro
def assumption(ctx: RenderContext, assumption_id: str) -> str:
    """An admonition: what is assumed, who confirms it, when, and the ticket. Raises DataError."""
    found = load_assumptions(ctx.repo)
    if assumption_id not in found:
        raise DataError(
            Problem(
                ctx.page_path or ASSUMPTIONS_FILE,
                1,
                f"assumption('{assumption_id}'): no such id in {ASSUMPTIONS_FILE}",
            )
        )
    item = found[assumption_id]
    owners_page = ctx.link_to("devops/owners.md")
    return render("assumption.md.j2", item=item, owners_page=owners_page)
