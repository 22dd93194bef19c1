"""One escaping rule for text that leaves the model: escape for where it lands.

Every value that came from a file, a command-line argument or the network passes through one of
these functions on its way into a page, a log entry or a record, chosen by context: HTML text,
HTML attribute, Markdown inline text, Markdown code span, or a URL. Only http(s) and relative
URLs ever become links. `unescape` is the inverse used by parsers that read our own output back
(the activity log, release records), so a value survives a write and a read unchanged.
"""

from __future__ import annotations

import html
import re
from typing import Any

# Characters Python-Markdown or its extensions (tables, tilde, caret, mark, attr_list, emoji)
# give meaning inline. They become numeric entities rather than backslash escapes, because which
# backslash escapes work depends on the extensions loaded; `{`, `}` and `%` are included so
# `{{ config }}` or `{% raw %}` in data stays text even on a page rendered by macros.
MD_SPECIAL = re.compile(r"[\\`*_\[\]()#+!|~^={}%$&<>\"']")

_HTML_IN_MD = re.compile(r"[\[\]{}`\\|]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")
_SHORTCODE_COLON = re.compile(r":(?=[\w+-]*:)")

# Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:"), so
# they are removed before the scheme is read.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Characters that could end a Markdown link target or an attribute, or are not valid in a URL.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f\"'<>()\\`{}|^\[\]]")


def one_line(value: Any) -> str:
    """`value` as text on one line: runs of whitespace (newlines included) become one space.

    Other control characters are dropped: Python-Markdown marks the HTML it set aside with the
    STX and ETX characters, so a value carrying them could pull that HTML back in elsewhere.
    """
    text = "" if value is None else _CONTROL.sub("", str(value))
    return " ".join(text.split())


def html_text(value: Any) -> str:
    """`value` for an HTML text node: `&`, `<`, `>` and quotes become entities."""
    return html.escape("" if value is None else str(value), quote=True)


def html_attr(value: Any) -> str:
    """`value` for a double- or single-quoted HTML attribute, on one line."""
    return html.escape(one_line(value), quote=True)


def md_inline(value: Any) -> str:
    """`value` for inline Markdown (table cells and list items included), on one line.

    Every character with a meaning in Markdown or HTML becomes a numeric entity, so no link,
    image, emphasis, raw HTML or Jinja survives; the reader sees the text exactly as given.
    """
    text = MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", one_line(value))
    # A colon that could open an `:emoji:` shortcode (pymdownx.emoji) becomes an entity too.
    return _SHORTCODE_COLON.sub("&#58;", text)


def md_html_text(value: Any) -> str:
    """`value` as the text of an inline HTML element inside Markdown, e.g. `<code>…</code>`.

    Python-Markdown still parses Markdown inside inline HTML, so besides HTML's specials the
    characters that open a link or image (`[`, `]`), a code span (a backtick), a table cell (`|`), an attr_list
    (`{`, `}`) or an emoji shortcode (`:`) become entities.
    """
    text = html.escape(one_line(value), quote=True)
    text = _HTML_IN_MD.sub(lambda m: f"&#{ord(m.group())};", text)
    return _SHORTCODE_COLON.sub("&#58;", text)


def md_code_span(value: Any) -> str:
    """`value` as a Markdown code span: the fence is longer than any run of backticks inside.

    Python-Markdown strips the padding space and escapes HTML inside a code span, so any text
    (backticks, `<script>`, `](javascript:`) shows literally.
    """
    text = one_line(value)
    if not text:
        return "` `"  # an empty code span; two backticks alone would show as text
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_span_text(span: str) -> str:
    """The text inside a code span written by `md_code_span` (or any single code span)."""
    match = re.fullmatch(r"(`+)(.*?)\1", span, re.DOTALL)
    if not match:
        return span
    inner = match[2]
    if not inner.strip():
        return ""
    if len(inner) >= 2 and inner[0] == inner[-1] == " " and inner.strip():
        inner = inner[1:-1]
    return inner


def safe_url(url: Any) -> str | None:
    """`url` if it is http(s) or relative (percent-encoded where needed), else None.

    `javascript:`, `data:`, `vbscript:`, `file:` and every other scheme are refused, however
    they are disguised with case, whitespace or control characters.
    """
    if url is None:
        return None
    text = str(url).strip()
    if not text:
        return None
    scheme = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", text))
    if scheme and scheme[1].lower() not in {"http", "https"}:
        return None
    if scheme is None and _SCHEME.match(text.replace("\\", "/").lstrip("/")):
        return None
    if text.startswith(("//", "\\\\", "/\\", "\\/")):  # scheme-relative: another host
        return None
    if text.lower().startswith(("http://", "https://")) and not re.match(
        r"^https?://[A-Za-z0-9.-]+(:\d+)?(/|\?|#|$)", text, re.IGNORECASE
    ):
        return None
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", text)


def md_link(text: Any, url: Any) -> str:
    """A Markdown link with escaped text, or the escaped text alone when `url` is not safe."""
    target = safe_url(url)
    label = md_inline(text) or md_inline(url)
    if target is None:
        return label
    return f"[{label}]({target})"


def unescape(text: str) -> str:
    """The inverse of `md_inline` and `html_text`: entities back to characters."""
    return html.unescape(text)
