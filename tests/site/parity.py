"""Page-by-page comparison of two builds of the site: the main content's text, theme chrome removed.

Used by `test_zensical_parity.py` (and runnable by hand:
`python -m tests.site.parity SITE_A SITE_B` prints every difference). Each page's
`<article class="md-content__inner">` is reduced to a list of text blocks (one per heading,
paragraph, list item, table cell, code block ...), with whitespace collapsed and the theme's own
controls (permalink marks, the edit button, skip anchor, inline SVG icons, scripts) dropped.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

BLOCKS = {
    "p", "li", "dt", "dd", "td", "th", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "summary", "figcaption", "caption", "div", "section", "details", "table",
    "tr", "ul", "ol", "dl", "nav", "label",
}  # fmt: skip
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "base"}
#: Elements that are theme chrome, never page content: (tag, class or id that marks them).
CHROME = (
    ("a", "headerlink"),
    ("a", "md-content__button"),
    ("a", "__skip"),
    ("nav", "md-tags"),
    ("svg", None),
    ("script", None),
    ("style", None),
    ("button", None),
)


class _Extractor(HTMLParser):
    def __init__(self, url: str = "/") -> None:
        super().__init__(convert_charrefs=True)
        self.url = url  # the page's own URL, to resolve relative links against
        self.links: list[str | None] = []  # per open <a>: its resolved target
        self.depth = 0  # depth inside the article; 0 = outside
        self.skip = 0  # depth inside a chrome element
        self.stack: list[str] = []
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if not self.depth:
            if tag == "article" and "md-content__inner" in classes:
                self.depth = 1
                self.stack = ["article"]
            return
        if tag in VOID:
            if tag == "br":
                self.current.append(" ")
            return
        self.stack.append(tag)
        if self.skip:
            self.skip += 1
            return
        for chrome_tag, mark in CHROME:
            if tag == chrome_tag and (mark is None or mark in classes or attr.get("id") == mark):
                self.skip = 1
                return
        if tag in BLOCKS:
            self._flush()
        if tag == "a":
            href = attr.get("href")
            self.links.append(_resolve(self.url, href) if href else None)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        # Tolerate unclosed inner tags: pop to the matching opener.
        while self.stack:
            top = self.stack.pop()
            if self.skip:
                self.skip -= 1
            elif top in BLOCKS:
                self._flush()
            elif top == "a" and self.links:
                target = self.links.pop()
                if target:
                    self.current.append(f" [-> {target}]")
            if top == tag:
                break
        if not self.stack:
            self._flush()
            self.depth = 0
            self.skip = 0

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.current.append(data)


def _resolve(page_url: str, href: str) -> str:
    """Where a link goes, as a site path (`/a/b/#x`), or the URL itself when it leaves the site."""
    if urlsplit(href).scheme or href.startswith("//"):
        return href
    target = urljoin(page_url, href)
    return target.replace("/index.html", "/")


def page_text(html: str, url: str = "/") -> list[str]:
    """The text blocks of a page's main content, in order; links carry their resolved target."""
    parser = _Extractor(url)
    parser.feed(html)
    parser.close()
    return parser.blocks


def pages(site: Path) -> dict[str, list[str]]:
    """Every HTML page of a built site (path relative to the site) -> its text blocks."""
    return {
        rel: page_text(path.read_text(encoding="utf-8"), "/" + rel)
        for path in sorted(site.rglob("*.html"))
        for rel in [path.relative_to(site).as_posix()]
    }


@dataclass(frozen=True)
class Difference:
    page: str
    mkdocs: tuple[str, ...]  # blocks only MkDocs shows here
    zensical: tuple[str, ...]  # blocks only Zensical shows here

    def __str__(self) -> str:
        left = " | ".join(self.mkdocs) or "(nothing)"
        right = " | ".join(self.zensical) or "(nothing)"
        return f"{self.page}: MkDocs shows {left[:300]!r}; Zensical shows {right[:300]!r}"


def differences(mkdocs_site: Path, zensical_site: Path) -> list[Difference]:
    """Every block-level difference between the two builds, page by page."""
    left, right = pages(mkdocs_site), pages(zensical_site)
    found: list[Difference] = []
    for page in sorted(set(left) | set(right)):
        if page not in right:
            found.append(Difference(page, ("(page exists)",), ()))
            continue
        if page not in left:
            found.append(Difference(page, (), ("(page exists)",)))
            continue
        a, b = left[page], right[page]
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                found.append(Difference(page, tuple(a[i1:i2]), tuple(b[j1:j2])))
    return found


@dataclass(frozen=True)
class Allowed:
    pages: str  # glob over page paths
    mkdocs: re.Pattern[str] | None  # every MkDocs-only block must match (None: there is none)
    zensical: re.Pattern[str] | None
    reason: str

    def covers(self, diff: Difference) -> bool:
        def side(pattern: re.Pattern[str] | None, blocks: tuple[str, ...]) -> bool:
            if pattern is None:
                return not blocks
            return bool(blocks) and all(pattern.fullmatch(block) for block in blocks)

        return (
            fnmatch.fnmatchcase(diff.page, self.pages)
            and side(self.mkdocs, diff.mkdocs)
            and side(self.zensical, diff.zensical)
        )


def load_allow_list(path: Path) -> list[Allowed]:
    """Read the allow-list; raises ValueError (`path:N: message`) on an entry without a reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for n, entry in enumerate(data.get("differences") or [], start=1):
        reason = str(entry.get("reason") or "").strip()
        if not reason or not entry.get("pages"):
            raise ValueError(f"{path}: entry {n}: needs `pages` and a `reason`")
        if "mkdocs" not in entry and "zensical" not in entry:
            raise ValueError(f"{path}: entry {n}: needs `mkdocs` and/or `zensical` text")
        entries.append(
            Allowed(
                pages=entry["pages"],
                mkdocs=re.compile(entry["mkdocs"], re.S) if "mkdocs" in entry else None,
                zensical=re.compile(entry["zensical"], re.S) if "zensical" in entry else None,
                reason=reason,
            )
        )
    return entries


def main(argv: list[str]) -> int:
    for diff in differences(Path(argv[0]), Path(argv[1])):
        print(diff)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
