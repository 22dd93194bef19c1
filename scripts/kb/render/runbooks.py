"""The runbook's first-minute box: what fired, the first check, the usual fix and whom to page.

Generated at the top of every runbook (page_header() includes it for `kind: runbook`) from the
page's front matter, its alert rule in infra/observability/prometheus/rules/, the owners registry
and the page's own Diagnosis and Mitigation sections, so the box never disagrees with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.extensions.toc import slugify
from markupsafe import Markup

from kb.model import DataError, Problem
from kb.model.alerts import RULES_DIR, load_rules
from kb.model.owners import OWNERS_FILE, load_owners
from kb.model.pages import Page, page_by_src
from kb.render._markup import render
from kb.render._registry import RenderContext, macro
from kb.render.alerts import alert_text

OWNERS_PAGE = "devops/owners.md"
_FENCE_OPEN = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class _Section:
    title: str
    lines: list[str]

    @property
    def anchor(self) -> str:
        return slugify(re.sub(r"\s*\{.*\}\s*$", "", self.title), "-")


def _sections(page: Page) -> dict[str, _Section]:
    """The page's H2 sections by title, fenced code kept intact."""
    found: dict[str, _Section] = {}
    current: _Section | None = None
    fence = ""
    for line in page.body.splitlines():
        opened = _FENCE_OPEN.match(line.strip())
        if fence:
            fence = "" if line.strip().startswith(fence) and line.strip() == fence else fence
        elif opened:
            fence = opened["fence"]
        elif line.startswith("## "):
            current = found.setdefault(line[3:].strip(), _Section(line[3:].strip(), []))
            continue
        if current is not None:
            current.lines.append(line)
    return found


def _first_block(section: _Section | None) -> tuple[str, str] | None:
    """The first fenced code block of `section` as (language, code), or None."""
    if section is None:
        return None
    lang, code, fence = "", [], ""
    for line in section.lines:
        stripped = line.strip()
        if not fence:
            opened = _FENCE_OPEN.match(stripped)
            if opened:
                fence, lang = opened["fence"], opened["lang"] or "text"
            continue
        if stripped == fence:
            return lang, "\n".join(code)
        code.append(line)
    return None


def _first_step(section: _Section | None) -> str:
    """The first step of `section`: its first bold lead-in, else its first sentence."""
    if section is None:
        return ""
    prose = [ln.strip() for ln in section.lines if ln.strip() and not ln.startswith("    ")]
    for line in prose:
        match = _BOLD.search(line)
        if match:
            return re.sub(r"^\d+\.\s*", "", match[1]).rstrip(" .:")
    text = " ".join(prose)
    text = re.sub(r"^(\d+\.|[-*])\s+", "", text)
    sentence = re.split(r"(?<=[.;:])\s|\s\d+\.\s", text, maxsplit=1)[0]
    return sentence.rstrip(" .;:")


def _fenced(lang: str, code: str, indent: str) -> Markup:
    """`code` as a fenced block indented for an admonition; the fence outgrows any backtick run."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    safe_lang = re.sub(r"[^\w+-]", "", lang) or "text"
    body = "\n".join(indent + line if line.strip() else "" for line in code.splitlines())
    # Inside a fenced block Markdown is inert and Pygments escapes HTML, so the code goes as is.
    return Markup(f"{indent}{fence}{safe_lang}\n{body}\n{indent}{fence}")  # noqa: S704


@macro
def runbook_first_minute(ctx: RenderContext) -> str:
    """The first-minute box for this runbook; raises DataError when its alert has no rule."""
    page = page_by_src(ctx.repo, ctx.page_src)
    if page is None or page.meta is None or page.meta.kind != "runbook":
        raise DataError(
            Problem(ctx.page_path or "docs", 1, "runbook_first_minute: not a runbook page")
        )
    meta = page.meta
    rules = load_rules(ctx.repo).or_raise()
    rule = next((a for a in rules.alerts if a.name == meta.alert), None)
    if rule is None:
        raise DataError(
            Problem(page.path, 1, f"runbook_first_minute: no rule for alert {meta.alert!r}")
        )
    teams = load_owners(ctx.repo)
    handle = rule.owner or meta.owner
    team = teams.get(handle)
    if team is None:
        raise DataError(Problem(rule.path, rule.line, f"team {handle!r} is not in {OWNERS_FILE}"))
    sections = _sections(page)
    check = _first_block(sections.get("Diagnosis"))
    anchors = {name: s.anchor for name, s in sections.items()}
    return render(
        "runbook_first_minute.md.j2",
        alert=rule.name,
        severity=rule.severity or meta.severity or "",
        for_=rule.for_ if rule.for_ not in {"", "0s", "0m", "0"} else "",
        summary=alert_text(rule.annotations.get("summary", "").rstrip(" .")),
        rule_file=f"{RULES_DIR}/{rule.path.rsplit('/', 1)[-1]}",
        impact=anchors.get("Impact", ""),
        diagnosis=anchors.get("Diagnosis", ""),
        mitigation=anchors.get("Mitigation", ""),
        escalation=anchors.get("Escalation", ""),
        check=_fenced(*check, indent="    ") if check else "",
        fix=_first_step(sections.get("Mitigation")),
        team=team,
        team_link=ctx.link_to(OWNERS_PAGE, handle.lstrip("@")),
        next_step=team.escalation[1] if len(team.escalation) > 1 else None,
    )
