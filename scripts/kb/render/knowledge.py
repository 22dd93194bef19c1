"""Macros for the knowledge model: page header, sources, reviews, owners, TODOs, activity."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from markdown.extensions.toc import slugify, unique
from markupsafe import Markup

from kb.model import DataError, Problem
from kb.model._yaml import line_of
from kb.model.activity import LOG_FILE, load_log
from kb.model.frontmatter import FrontMatter
from kb.model.owners import OWNERS_FILE, load_owners
from kb.model.pages import Page, load_pages, page_by_src
from kb.model.references import references_or_raise
from kb.model.todos import load_todos
from kb.render import runbook_history
from kb.render._markup import render
from kb.render._registry import RenderContext, macro
from kb.render.runbooks import runbook_first_minute
from kb.render.verification import drill_line

OWNERS_PAGE = "devops/owners.md"
#: Linked from every runbook's header: step zero of any runbook is getting access.
PRODUCTION_ACCESS_PAGE = "devops/incident-response/production-access.md"
INVENTORY_DATA = "docs/devops/inventory.yml"


def _this_page(ctx: RenderContext) -> tuple[Page, FrontMatter]:
    page = page_by_src(ctx.repo, ctx.page_src)
    if page is None:
        raise DataError(Problem(ctx.page_path or "docs", 1, "page not found under docs/"))
    if page.problems or page.meta is None:
        raise DataError(page.problems)
    return page, page.meta


def _valid_pages(ctx: RenderContext) -> list[Page]:
    pages = load_pages(ctx.repo)
    problems = [p for page in pages for p in page.problems]
    if problems:
        raise DataError(problems)
    return pages


def _owner_url(ctx: RenderContext, handle: str, line: int = 1) -> Markup:
    teams = load_owners(ctx.repo)
    if handle not in teams:
        raise DataError(Problem(ctx.page_path, line, f"owner '{handle}' is not in {OWNERS_FILE}"))
    # Built from a validated handle (^@[a-z0-9-]+$) and a path we own: safe in an attribute.
    return Markup(ctx.url_to(OWNERS_PAGE, handle.lstrip("@")))  # noqa: S704


def _source_url(ctx: RenderContext, path: str, line: int | None = None) -> str:
    base = str(ctx.repo_url or "").rstrip("/")
    anchor = f"#L{line}" if line else ""
    return f"{base}/blob/main/{path}{anchor}" if base else ""


def _pending_ticket(ctx: RenderContext, meta: FrontMatter) -> str:
    """The ticket a runbook's alert waits for (it cannot fire before), or ''."""
    if meta.kind != "runbook" or not meta.alert:
        return ""
    from kb.model.alerts import pending_alerts

    return pending_alerts(ctx.repo).get(meta.alert, "")


@macro
def page_header(ctx: RenderContext) -> str:
    """Owner (linked), status, last review and next due date; an admonition when overdue."""
    page, meta = _this_page(ctx)
    due = meta.review_due()
    overdue = meta.overdue_days(ctx.repo.today)
    header = render(
        "page_header.md.j2",
        owner=meta.owner,
        owner_url=_owner_url(ctx, meta.owner, 1 + line_of(page.raw_meta, ("owner",))),
        status=meta.status,
        last_reviewed=meta.last_reviewed.isoformat(),
        due=due.isoformat(),
        overdue=overdue if overdue > 0 else 0,
        review_every=meta.review_every,
        kind=meta.kind,
        access_url=Markup(ctx.url_to(PRODUCTION_ACCESS_PAGE)),  # noqa: S704 - a path we own
        pending=_pending_ticket(ctx, meta),
        # The runbook box is its own macro and template, so header additions merge cleanly.
        first_minute=Markup(runbook_first_minute(ctx)) if meta.kind == "runbook" else "",  # noqa: S704
    )
    # The runbook's history (last drill, last use in an incident) sits right under its title.
    return drill_header(ctx, meta.alert) + runbook_history.last_use(ctx) + header


def drill_header(ctx: RenderContext, alert: str | None) -> str:
    """The runbook header's "last drilled" line, before the rest of the header ('' elsewhere)."""
    line = drill_line(ctx, alert)
    return line + "\n" if line else ""


@macro
def page_sources(ctx: RenderContext) -> str:
    """The page's `sources` as a cited list: title, publisher, link, retrieved date, licence."""
    page, meta = _this_page(ctx)
    records = references_or_raise(ctx.repo)
    cited = []
    for index, source in enumerate(meta.sources):
        if source not in records:
            line = 1 + line_of(page.raw_meta, ("sources", index))
            raise DataError(
                Problem(
                    page.path, line, f"source '{source}' is not a record in third_party/references"
                )
            )
        cited.append(records[source])
    return render(
        "page_sources.md.j2", records=cited, catalogue=ctx.link_to("devops/references.md")
    )


@macro
def reference_catalogue(ctx: RenderContext, area: str | None = None) -> str:
    """Every reference record grouped by area, with the pages that cite it."""
    records = references_or_raise(ctx.repo)
    cited_by: dict[str, list[Page]] = defaultdict(list)
    for page in _valid_pages(ctx):
        for source in page.meta.sources if page.meta else []:
            cited_by[source].append(page)
    areas: dict[str, list] = defaultdict(list)
    for record in sorted(records.values(), key=lambda r: (r.area, r.ref.title.lower())):
        if area is None or record.area == area:
            pages = [
                {"title": p.meta.title, "link": ctx.link_to(p.src)}
                for p in cited_by.get(record.ref.id, [])
                if p.meta
            ]
            areas[record.area].append(
                {"record": record, "pages": pages, "source": _source_url(ctx, record.path)}
            )
    return render(
        "reference_catalogue.md.j2",
        areas=dict(sorted(areas.items())),
        total=sum(len(v) for v in areas.values()),
    )


@macro
def review_dashboard(ctx: RenderContext) -> str:
    """Every page with owner, last review and due date; overdue first, then soonest due."""
    rows = []
    pages = _valid_pages(ctx)
    for page in pages:
        meta = page.meta
        if meta is None:  # _valid_pages raised already; keeps type checkers honest
            continue
        overdue = meta.overdue_days(ctx.repo.today)
        rows.append(
            {
                "title": meta.title,
                "link": ctx.link_to(page.src),
                "owner": meta.owner,
                "kind": meta.kind,
                "status": meta.status,
                "last_reviewed": meta.last_reviewed.isoformat(),
                "due": meta.review_due().isoformat(),
                "overdue": overdue,
            }
        )
    rows.sort(key=lambda r: (-r["overdue"], r["due"], r["title"].lower()))
    flagged = runbook_history.runbooks_to_fix(ctx, pages)
    return runbook_history.render_flagged(flagged) + render(
        "review_dashboard.md.j2",
        rows=rows,
        overdue=sum(1 for r in rows if r["overdue"] > 0),
        today=ctx.repo.today,
    )


@macro
def owners_table(ctx: RenderContext) -> str:
    """Each team: handle (anchored), name, scope, Slack, PagerDuty service, escalation steps."""
    teams = load_owners(ctx.repo)
    owned: dict[str, int] = defaultdict(int)
    for page in _valid_pages(ctx):
        if page.meta:
            owned[page.meta.owner] += 1
    return render(
        "owners_table.md.j2",
        # A handle matches ^@[a-z0-9-]+$ (validated), so it is safe as an attribute value.
        teams=[
            {"team": t, "anchor": Markup(t.handle.lstrip("@")), "pages": owned[t.handle]}  # noqa: S704
            for t in teams.values()
        ],
        source=OWNERS_FILE,
    )


@macro
def todo_table(ctx: RenderContext, owner: str | None = None) -> str:
    """Open TODOs (optionally one owner's): owner, where, action, done when, ticket."""
    todos, problems = load_todos(ctx.repo)
    if problems:
        raise DataError(problems)
    if owner is not None and owner not in load_owners(ctx.repo):
        raise DataError(Problem(ctx.page_path, 1, f"todo_table(owner={owner!r}): no such team"))
    rows = [
        {"todo": t, "url": _source_url(ctx, t.path, t.line)}
        for t in todos
        if owner is None or t.owner == owner
    ]
    return render("todo_table.md.j2", rows=rows)


@macro
def open_work(ctx: RenderContext) -> str:
    """Every TODO grouped by owner, then by ticket (no ticket last)."""
    todos, problems = load_todos(ctx.repo)
    if problems:
        raise DataError(problems)
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for todo in todos:
        groups[todo.owner][todo.ticket or "no ticket"].append(
            {"todo": todo, "url": _source_url(ctx, todo.path, todo.line)}
        )
    ordered = {
        owner: dict(sorted(tickets.items(), key=lambda kv: (kv[0] == "no ticket", kv[0])))
        for owner, tickets in sorted(groups.items())
    }
    return render(
        "open_work.md.j2", groups=ordered, total=len(todos), owners_page=ctx.link_to(OWNERS_PAGE)
    )


def _log_entries(ctx: RenderContext):
    """Log entries with their heading anchors, computed once per build (pages call this often)."""

    def _anchored():
        entries, problems = load_log(ctx.repo)
        if problems:
            raise DataError(problems)
        used: set[str] = set()
        return [
            (entry, unique(slugify(f"{entry.date.isoformat()} — {entry.title}", "-"), used))
            for entry in entries
        ]

    return ctx.repo.memo("activity_anchors", _anchored)


@macro
def recent_activity(ctx: RenderContext, n: int = 5, area: str | None = None) -> str:
    """The `n` newest activity-log entries (optionally of one area), newest first."""
    if not isinstance(n, int) or n < 1:
        raise DataError(Problem(ctx.page_path, 1, f"recent_activity(n={n!r}): n must be >= 1"))
    entries = [(e, a) for e, a in _log_entries(ctx) if area is None or e.area == area]
    latest = entries[: -n - 1 : -1]
    # A URL we built from our own file name: safe in an attribute.
    log_page = Markup(ctx.url_to(LOG_FILE.removeprefix("docs/")))  # noqa: S704
    return render("recent_activity.md.j2", entries=latest, log_page=log_page, area=area)


@macro
def activity_overview(ctx: RenderContext) -> str:
    """Every activity-log entry, newest first, with counts per area."""
    entries = _log_entries(ctx)
    counts: dict[str, int] = defaultdict(int)
    for entry, _ in entries:
        counts[entry.area] += 1
    log_page = ctx.link_to(LOG_FILE.removeprefix("docs/"))
    return render(
        "activity_overview.md.j2",
        entries=list(reversed(entries)),
        counts=dict(sorted(counts.items())),
        log_page=log_page,
    )


@macro
def inventory(ctx: RenderContext) -> str:
    """The repository inventory from docs/devops/inventory.yml (written by `kb inventory`)."""
    path = Path(ctx.repo.root, INVENTORY_DATA)
    if not path.is_file():
        raise DataError(Problem(INVENTORY_DATA, 1, "inventory data not found; run kb inventory"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return render("inventory.md.j2", data=data, source=INVENTORY_DATA)


@macro
def front_matter_schema(ctx: RenderContext) -> str:
    """The front matter keys: type, which kinds require them, what they mean (from the model)."""
    from kb.model.frontmatter import ALWAYS_REQUIRED, KINDS, REQUIRED_BY_KIND, FrontMatter

    rows = []
    for name, field in FrontMatter.model_fields.items():
        required = [
            kind
            for kind, keys in REQUIRED_BY_KIND.items()
            if any(k.split(" ")[0] == name for k in keys)
        ]
        rows.append(
            {
                "name": name,
                "type": _type_name(field.annotation),
                "required": "every page"
                if name in ALWAYS_REQUIRED
                else ", ".join(required) or "no",
                "description": field.description or "",
            }
        )
    return render(
        "front_matter_schema.md.j2",
        rows=rows,
        kinds=KINDS,
        source="scripts/kb/model/frontmatter.py",
    )


def _type_name(annotation: object) -> str:
    """A reader's name for a type: `date`, `list of text`, `one of a, b` and so on."""
    import datetime as dt
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts)
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    names = {str: "text", bool: "true/false", int: "integer", dt.date: "date"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))
