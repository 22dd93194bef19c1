"""Markdown templates with every interpolated value escaped.

Third-party and data-file text must show literally: it is never evaluated as Jinja, HTML or
Markdown. Templates here use `finalize=escape_md`, so `{{ value }}` is escaped unless the value
is `Markup` (already-rendered, trusted output such as a link built by `md_link`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"

# Characters Python-Markdown or its extensions (tables, tilde, caret, mark, attr_list) give
# meaning inline. They become numeric entities rather than backslash escapes, because which
# backslash escapes work depends on the extensions loaded; `{`, `}` and `%` are included so
# `{{ config }}` or `{% raw %}` in data stays text even if a page were rendered twice.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]()#+!|~^={}%$&<>\"']")


def escape_md(value: Any) -> Any:
    """Escape `value` for inline Markdown (tables included); `Markup` values pass unchanged."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    text = " ".join(str(value).split())  # one line: table cells and list items cannot span lines
    # One pass, HTML's own specials included, so no entity is escaped twice.
    # Every special character has just been replaced by an entity, so the text is safe markup.
    return Markup(_MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text))  # noqa: S704


def escape_md_spaced(value: Any) -> Markup:
    """Like escape_md, but keeps one space at either end, for text that sits beside markup."""
    text = "" if value is None else str(value)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return Markup(lead) + escape_md(text) + Markup(trail)  # noqa: S704 - spaces and escaped text


def md_link(text: Any, target: str) -> Markup:
    """A Markdown link with escaped text; `target` must be a URL or path we built or validated."""
    safe_target = target.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    if not re.match(r"^(https?://|\.{0,2}/|#|[A-Za-z0-9_.-])", safe_target) or re.match(
        r"^\s*(javascript|data|vbscript):", safe_target, re.IGNORECASE
    ):
        return Markup(escape_md(text))  # noqa: S704 - escaped on this line
    return Markup(f"[{escape_md(text)}]({safe_target})")  # noqa: S704 - text escaped, URL vetted above


def code(value: Any) -> Markup:
    """Inline code for identifiers and paths: backticks cannot be broken out of, HTML is escaped."""
    text = str(value).replace("`", "'")
    # `|` ends a Markdown table cell even inside raw <code>; as an entity it shows as itself.
    escaped = html.escape(text).replace("|", "&#124;")
    return Markup(f"<code>{escaped}</code>")  # noqa: S704 - escaped on this line


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    finalize=escape_md,
    # finalize does Markdown-aware escaping (HTML included); autoescape would escape twice.
    autoescape=False,  # noqa: S701
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.globals.update(link=md_link, code=code)


def render(template: str, **values: Any) -> str:
    """Render `templates/<template>` with `values`; the result is Markdown ready for a page."""
    return _env.get_template(template).render(**values)
