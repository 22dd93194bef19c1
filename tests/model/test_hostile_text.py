"""Hostile text stays text: every escaping context, the activity log and release notes.

Hypothesis feeds strings built from known attack fragments (and arbitrary text) through each
writer, renders the result with the site's own Markdown extensions, and asserts on the HTML: no
element appears that the writer did not put there, no link leaves http(s) or relative, and the
reader sees the text exactly as given.
"""

from __future__ import annotations

import datetime as dt
import html.parser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kb import escape
from kb.checks.policy import _entries
from kb.model.activity import Entry, format_entry, parse_log
from kb.model.releases import _ITEM_LINE, _STATE, set_item
from kb.render import _markup
from tests.conftest import ROOT

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[x](javascript:alert(1))",
    "[x](JaVa\tScRiPt:alert(1))",
    "![p](https://evil.example/p.png)",
    "<https://evil.example/a>",
    "[r]: javascript:alert(3)",
    "[r]",
    '" onload="alert(1)',
    "' onmouseover='alert(1)",
    "`",
    "``",
    "```",
    "\\",
    "{{ config }}",
    "{% raw %}",
    "${{ secrets.X }}",
    ":smile:",
    ":material-alert:",
    "*",
    "_",
    "**",
    "|",
    "#",
    "~~",
    "^^",
    "==",
    "++ctrl+alt++",
    "&lt;script&gt;",
    "&#60;",
    "&amp;",
    "<!--",
    "</code>",
    "{: onclick=alert(1) }",
    '--8<-- ".git/config"',
    "\n",
    "\t",
    "javascript:",
    "data:text/html,<script>alert(1)</script>",
    "[^1]",
    "*[HTML]: x",
    " — **checked** 2026-01-01: x",
    "=> ",
]
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=8
).map("".join)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _site_extensions() -> list:
    """The Markdown extensions mkdocs.yml loads, with Material's inline-SVG emoji."""
    from material.extensions.emoji import to_svg, twemoji

    top = yaml.compose((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    section = next(v for k, v in top.value if k.value == "markdown_extensions")
    names = [name for name, _, _ in _entries(section) if name != "kb.snippets"]
    assert {"md_in_html", "attr_list", "pymdownx.emoji", "pymdownx.superfences"} <= set(names)
    configs = {"pymdownx.emoji": {"emoji_index": twemoji, "emoji_generator": to_svg}}
    return names, configs


NAMES, CONFIGS = _site_extensions()


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=NAMES, extension_configs=CONFIGS)


class Tree(html.parser.HTMLParser):
    """Elements (tag, attrs) and the text a reader sees."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}


def assert_inert(source: str) -> Tree:
    """No script, frame, image, handler, or link outside http(s) and relative in `source`."""
    tree = Tree(source)
    assert not tree.tags() & {"script", "iframe", "img", "object", "embed", "style"}, source
    for tag, attrs in tree.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, source)
            if name in {"href", "src", "action", "formaction"} and value is not None:
                scheme = urlsplit("".join(ch for ch in value if ch > " ")).scheme.lower()
                assert scheme in {"", "http", "https"}, (tag, value, source)
    return tree


# -- one escaping rule, per context ------------------------------------------------------------


@PROPERTY
@given(hostile)
def test_markdown_inline_shows_the_text_and_nothing_else(text: str) -> None:
    tree = assert_inert(to_html(f"Note: {escape.md_inline(text)}"))
    assert tree.tags() <= {"p"}, tree.elements
    assert tree.text.strip() == f"Note: {escape.one_line(text)}".strip()


@PROPERTY
@given(hostile)
def test_a_code_span_holds_any_text(text: str) -> None:
    tree = assert_inert(to_html(f"- {escape.md_code_span(text)}"))
    assert [tag for tag, _ in tree.elements] == ["ul", "li", "code"], tree.elements
    assert tree.text.strip() == escape.one_line(text)


@PROPERTY
@given(hostile)
def test_an_attribute_value_cannot_be_broken_out_of(text: str) -> None:
    tree = Tree(f'<meta name="description" content="{escape.html_attr(text)}">')
    assert tree.elements == [("meta", {"name": "description", "content": escape.one_line(text)})]


@PROPERTY
@given(hostile, hostile)
def test_only_http_and_relative_urls_become_links(text: str, url: str) -> None:
    tree = assert_inert(to_html(f"See {escape.md_link(text, url)}."))
    links = [attrs for tag, attrs in tree.elements if tag == "a"]
    assert len(links) <= 1
    assert tree.tags() <= {"p", "a"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " java\nscript:alert(1)",
        "java\x00script:alert(1)",
        "data:text/html,<script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "//evil.example/x",
        "\\\\evil.example\\x",
        "https://user@evil.example/",
    ],
)
def test_dangerous_urls_are_refused(url: str) -> None:
    assert escape.safe_url(url) is None
    assert "](" not in escape.md_link("x", url)


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=c#d", "http://127.0.0.1:8000/", "../runbooks/x/", "#anchor"]
)
def test_http_and_relative_urls_are_kept(url: str) -> None:
    assert escape.safe_url(url) == url


@PROPERTY
@given(hostile)
def test_template_values_are_escaped_in_every_helper(text: str) -> None:
    template = _markup._env.from_string("| {{ v }} | {{ link(v, v) }} | {{ code(v) }} |\n")
    assert_inert(to_html(template.render(v=text)))


# -- the activity log (kb log, and kb mirror through it) ----------------------------------------

LOG_HEAD = "---\ntitle: Activity log\n---\n\n# Activity log\n\n"


def _entry(text: str, files: tuple[str, ...] = ("a.md",)) -> Entry:
    return Entry(
        date=dt.date(2026, 12, 1),
        title=text,
        area="exa",
        owner="@platform-team",
        files=files,
        commands=(f"make test => {text}",),
        outcome=text,
        next_steps=text,
    )


@PROPERTY
@given(title=hostile, file=hostile)
def test_log_entries_are_inert_and_read_back_unchanged(title: str, file: str) -> None:
    assume(escape.one_line(title))  # an empty title is refused by `kb log` (grammar check)
    text = format_entry(_entry(title, files=(file,)))
    assert_inert(to_html(text))
    entries, problems = parse_log(LOG_HEAD + text)
    assert problems == []
    (entry,) = entries
    folded = escape.one_line(title)
    assert (entry.title, entry.outcome, entry.next_steps) == (folded, folded, folded)
    assert entry.files == (escape.one_line(file),)


def test_a_spec_title_with_a_link_and_an_image_is_text_in_the_log() -> None:
    title = "Exa [x](javascript:alert(1)) ![pixel](https://evil.example/p.png)"
    tree = assert_inert(to_html(format_entry(_entry(title))))
    assert not [a for t, a in tree.elements if t == "a"]
    assert title in tree.text


def test_files_with_double_backticks_stay_in_their_code_span() -> None:
    hostile_file = "a`` <img src=x onerror=alert(1)> ``b"
    tree = assert_inert(to_html(format_entry(_entry("t", files=(hostile_file,)))))
    codes = [t for t, _ in tree.elements if t == "code"]
    assert len(codes) == 2  # the file and the command
    assert hostile_file in tree.text


# -- release notes and skip reasons (kb release) --------------------------------------------------

INSTANCE = "- [ ] `rel-item` Verify the thing\n"


@PROPERTY
@given(hostile)
def test_release_notes_are_inert_and_read_back_unchanged(note: str) -> None:
    for state in ("checked", "skipped"):
        line = set_item(INSTANCE, 1, state, dt.date(2026, 12, 1), note).rstrip("\n")
        assert_inert(to_html(line))
        match = _ITEM_LINE.match(line)
        assert match is not None
        suffix = _STATE.search(match["rest"])
        assert suffix is not None and suffix["state"] == state
        assert escape.unescape((suffix["note"] or "").strip()) == escape.one_line(note)


def test_a_release_note_with_a_link_and_markup_is_text(tmp_path: Path) -> None:
    note = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ config }}"
    line = set_item(INSTANCE, 1, "checked", dt.date(2026, 12, 1), note)
    tree = assert_inert(to_html(line))
    assert note in tree.text and "{{" not in line
