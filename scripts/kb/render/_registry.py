"""The macro registry and the context each macro receives.

A macro is `def name(ctx: RenderContext, *args, **kwargs) -> str` decorated with `@macro`. The
registry imports every module of `kb.render` so a new renderer needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.model.repo import Repository

Macro = Callable[..., str]
MACROS: dict[str, Macro] = {}


@dataclass
class RenderContext:
    """What a macro may read: the repository and the page being rendered (never the network)."""

    repo: Repository
    page_src: str = ""  # path relative to docs/, e.g. "devops/README.md"
    page_meta: dict[str, Any] = field(default_factory=dict)
    site_url: str = ""
    repo_url: str = ""
    page_url: str | None = None  # the engine's URL of the page; derived from page_src when None
    # Zensical rewrites relative URLs in raw HTML as if they were written from the page's source
    # folder (like Markdown links); MkDocs leaves raw HTML alone, so they resolve from page_url.
    html_links_from_source: bool = False

    @property
    def page_path(self) -> str:
        """The page's path relative to the repository root."""
        return f"docs/{self.page_src}" if self.page_src else ""

    def link_to(self, target_src: str, anchor: str = "") -> str:
        """A relative Markdown link target from this page to `target_src` (a path under docs/)."""
        import posixpath

        here = posixpath.dirname(self.page_src)
        rel = posixpath.relpath(target_src, here or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def url_to(self, target_src: str, anchor: str = "") -> str:
        """A relative URL from this page's built HTML to `target_src`'s, for raw HTML output.

        Markdown links are cheaper to write but costlier to build (md_in_html, link
        rewriting); the per-page header uses raw HTML, so it needs the final URL.
        """
        import posixpath

        from kb.model.pages import src_to_url

        if self.html_links_from_source:
            folder = posixpath.dirname(self.page_src)
            here = f"{folder}/" if folder else ""
        else:
            here = self.page_url if self.page_url is not None else src_to_url(self.page_src)
        rel = get_relative_url(src_to_url(target_src) or "./", here or "./")
        rel = rel if rel.endswith("/") or rel == "." else rel + "/"
        if rel == ".":
            rel = "./"
        return f"{rel}#{anchor}" if anchor else rel


def get_relative_url(url: str, other: str) -> str:
    """`url` relative to `other` (both site paths; `other`'s last part is dropped if it is a file).

    The same rule MkDocs applies to links, written here so renderers import no engine.
    """
    import posixpath

    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname

    def parts(path: str) -> list[str]:
        norm = posixpath.normpath("/" + path).lstrip("/")
        return [p for p in norm.split("/") if p and p != "."]

    here, dest = parts(other), parts(url)
    common = 0
    for a, b in zip(here, dest, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + dest[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def shared_repository(root: Path | str, key: object = None) -> Repository:
    """The `Repository` of this build: a new one unless `key` names a build already under way.

    MkDocs calls `define_env()` once per build, so it passes no key and every build (and every
    `mkdocs serve` rebuild) reads the files afresh. Zensical calls it once per *page* in the same
    process; it passes its configuration object as the key so the pages of one build share one
    parse of each data file. A shared repository is dropped when a file it read has changed; that
    is checked at most once a second (a check stats every file read, and pages come in bursts).
    """
    import time

    from kb.model.reads import files_unchanged

    resolved = Path(root).resolve()
    if key is None:
        return Repository(resolved)
    now = time.monotonic()
    cached = _SHARED.get(resolved)
    if cached is not None and cached[0] is key:
        _, repo, checked = cached
        if now - checked < 1.0 or files_unchanged(repo.read_stamps()):
            _SHARED[resolved] = (key, repo, checked if now - checked < 1.0 else now)
            return repo
    repo = Repository(resolved)
    _SHARED[resolved] = (key, repo, now)
    return repo


_SHARED: dict[Path, tuple[object, Repository, float]] = {}


def macro(fn: Macro) -> Macro:
    """Register `fn` under its own name; a second registration of a name is a programming error."""
    if fn.__name__ in MACROS:
        raise KeyError(f"macro {fn.__name__!r} is registered twice")
    MACROS[fn.__name__] = fn
    return fn


def load_all() -> dict[str, Macro]:
    """Import every renderer module so its macros register, and return the registry."""
    import kb.render as package

    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"kb.render.{info.name}")
    return MACROS
