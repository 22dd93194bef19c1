"""A runbook's last use in an incident, shown in its page header (called by `page_header()`).

Kept apart from the header's own template so other header lines (such as the last drill) can sit
beside it without touching this code. Reads incident records through `kb.model.events`.
"""

from __future__ import annotations

import posixpath

from markupsafe import Markup

from kb.model.events import events_or_raise, runbook_uses, runbooks_found_wrong
from kb.render._markup import render
from kb.render._registry import RenderContext

RUNBOOKS_SRC = "devops/runbooks"
EVENTS_PAGE = "devops/events/index.md"


def last_use(ctx: RenderContext) -> str:
    """The "last used in incident X on date" line for a runbook page; "" for any other page."""
    if posixpath.dirname(ctx.page_src) != RUNBOOKS_SRC:
        return ""
    name = posixpath.splitext(posixpath.basename(ctx.page_src))[0]
    use = runbook_uses(events_or_raise(ctx.repo)).get(name)
    if use is None:
        return ""
    return render(
        "runbook_last_used.md.j2",
        use=use,
        # Built from a validated id (INC-<digits>) and a path we own: safe in an attribute.
        incident_url=Markup(ctx.url_to(EVENTS_PAGE, use.incident.lower())),  # noqa: S704
    )


def runbooks_to_fix(ctx: RenderContext, pages) -> list[dict]:
    """Page-severity runbooks that a postmortem found wrong, with the incidents that said so."""
    found = runbooks_found_wrong(events_or_raise(ctx.repo))
    rows = []
    for page in pages:
        meta = page.meta
        src = page.src
        name = posixpath.splitext(posixpath.basename(src))[0]
        if posixpath.dirname(src) != RUNBOOKS_SRC or name not in found:
            continue
        if meta is None or meta.severity != "page":
            continue
        rows.append(
            {
                "title": meta.title,
                "link": ctx.link_to(src),
                "owner": meta.owner,
                "incidents": [
                    {"id": i.id, "link": ctx.link_to(EVENTS_PAGE, i.id.lower())}
                    for i in found[name]
                ],
            }
        )
    return sorted(rows, key=lambda r: r["title"].lower())


def render_flagged(rows: list[dict]) -> str:
    """The review dashboard's warning about runbooks found wrong; "" when there are none."""
    return render("runbook_found_wrong.md.j2", rows=rows) if rows else ""
