"""Markdown templates with every interpolated value escaped.

Third-party and data-file text must show literally: it is never evaluated as Jinja, HTML or
Markdown. Templates here use `finalize=escape_md`, so `{{ value }}` is escaped unless the value
is `Markup` (already-rendered, trusted output such as a link built by `md_link`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kb import escape

TEMPLATES = Path(__file__).parent / "templates"

# Kept under its old name for renderers that escape segments themselves.
_MD_SPECIAL = escape.MD_SPECIAL


def escape_md(value: Any) -> Any:
    """Escape `value` for inline Markdown (tables included); `Markup` values pass unchanged."""
    if isinstance(value, Markup):
        return value
    # kb.escape.md_inline replaced every special character by an entity: safe markup.
    return Markup(escape.md_inline(value))  # noqa: S704


def escape_md_spaced(value: Any) -> Markup:
    """Like escape_md, but keeps one space at either end, for text that sits beside markup."""
    text = "" if value is None else str(value)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return Markup(lead) + escape_md(text) + Markup(trail)  # noqa: S704 - spaces and escaped text


def md_link(text: Any, target: Any) -> Markup:
    """A Markdown link with escaped text; only http(s) and relative targets become links."""
    label = str(text) if isinstance(text, Markup) else escape.md_inline(text)
    url = escape.safe_url(target)
    if url is None:
        return Markup(label)  # noqa: S704 - escaped above
    return Markup(f"[{label}]({url})")  # noqa: S704 - text escaped, URL vetted by safe_url


def code(value: Any) -> Markup:
    """Inline code for identifiers and paths: an HTML `<code>` whose text stays text."""
    return Markup(f"<code>{escape.md_html_text(value)}</code>")  # noqa: S704 - escaped here


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
