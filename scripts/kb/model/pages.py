"""Pages under docs/: their front matter (validated), headings and body, parsed once per repo."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model._validate import validate
from kb.model.frontmatter import FrontMatter
from kb.model.repo import Repository

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Page:
    """One Markdown page: where it is, its validated front matter and its body."""

    path: str  # relative to the repository root, e.g. docs/devops/README.md
    src: str  # relative to docs/, e.g. devops/README.md
    meta: FrontMatter | None
    raw_meta: dict
    body: str
    body_line: int  # file line on which `body` starts
    problems: list[Problem] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The page's URL relative to the site root (MkDocs directory URLs)."""
        return src_to_url(self.src)

    def headings(self) -> list[Heading]:
        """Markdown ATX headings outside fenced code, with file line numbers."""
        found, in_fence = [], False
        for offset, text in enumerate(self.body.splitlines()):
            if _FENCE.match(text):
                in_fence = not in_fence
                continue
            match = None if in_fence else _HEADING.match(text)
            if match:
                found.append(Heading(len(match[1]), match[2], self.body_line + offset))
        return found


def src_to_url(src: str) -> str:
    """The URL MkDocs (use_directory_urls) gives the page at `src` under docs/, e.g. `a/b/`."""
    stem = src[: -len(".md")] if src.endswith(".md") else src
    if stem in {"index", "README"} or stem.endswith(("/index", "/README")):
        stem = stem.rsplit("/", 1)[0] if "/" in stem else ""
    return f"{stem}/" if stem else ""


def split_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Split `---` front matter from the body; returns (raw meta, body, body line, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1, [Problem(path, 1, "no front matter: a page starts with '---'")]
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            block = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            try:
                data = _yaml.load(block, path, line_offset=1)
            except DataError as exc:
                return {}, body, index + 2, exc.problems
            if not isinstance(data, dict):
                return {}, body, index + 2, [Problem(path, 2, "front matter is not a mapping")]
            return data, body, index + 2, []
    return {}, text, 1, [Problem(path, 1, "front matter is not closed with '---'")]


def parse_page(text: str, path: str, src: str) -> Page:
    """Parse one page's text; problems are recorded on the page, never raised."""
    raw, body, body_line, problems = split_front_matter(text, path)
    meta = None
    if not problems:
        meta, problems = validate(FrontMatter, raw, path, line_offset=1)
    return Page(path, src, meta, raw, body, body_line, problems)


def load_pages(repo: Repository) -> list[Page]:
    """Every Markdown page under docs/, sorted by path, parsed once per repository."""

    def _load() -> list[Page]:
        pages = []
        for file in sorted(Path(repo.docs).rglob("*.md")):
            page = page_by_src(repo, file.relative_to(repo.docs).as_posix())
            if page is not None:
                pages.append(page)
        return pages

    return repo.memo("pages", _load)


def page_by_src(repo: Repository, src: str) -> Page | None:
    """The page whose path under docs/ is `src`, if any, parsed once per repository.

    Reads that one file only, not every page: a page's header then depends on its own source
    alone, so `make serve` rebuilds just that page when another page changes (kb.model.reads).
    """

    def _load() -> Page | None:
        file = Path(repo.docs, src)
        if not src.endswith(".md") or not file.is_file():
            return None
        path = f"docs/{src}"
        try:
            text = read_text(file, path)
        except DataError as exc:  # not UTF-8: the page is unusable, and says why
            return Page(path, src, None, {}, "", 1, exc.problems)
        return parse_page(text, path, src)

    return repo.memo(f"page:{src}", _load)


def theme_problems(repo: Repository) -> list[Problem]:
    """Front-matter values the theme would put into HTML unescaped and that are not safe there.

    Material renders `tags` (page, tags page, its table of contents) and `title` (navigation)
    as raw HTML. `kb check` rejects such values with the rest of the schema; the build calls
    this too, so a page that skipped `kb check` still cannot inject markup into the site.
    """
    from kb.model._yaml import line_of
    from kb.model.frontmatter import TAG, TAG_MAX, is_plain_text

    found = []
    for page in load_pages(repo):
        raw = page.raw_meta
        tags = raw.get("tags") or []
        for index, tag in enumerate(tags if isinstance(tags, list) else [tags]):
            if not isinstance(tag, str) or not TAG.fullmatch(tag):
                found.append(
                    Problem(
                        page.path,
                        1 + line_of(raw, ("tags", index)),
                        f"tag {str(tag)!r} must be lowercase letters and digits joined by single "
                        f"dashes (at most {TAG_MAX} characters)",
                    )
                )
        for key in ("title", "description"):
            value = raw.get(key)
            if isinstance(value, str) and not is_plain_text(value):
                found.append(
                    Problem(
                        page.path,
                        1 + line_of(raw, (key,)),
                        f"{key} must be plain text: no '<', '>' or Jinja delimiters",
                    )
                )
    return found
