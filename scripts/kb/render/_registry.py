"""The macro registry and the context each macro receives.

A macro is `def name(ctx: RenderContext, *args, **kwargs) -> str` decorated with `@macro`. The
registry imports every module of `kb.render` so a new renderer needs no edit elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
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
    page_url: str | None = None  # MkDocs' URL of the page; derived from page_src when None

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
        from mkdocs.utils import get_relative_url

        from kb.model.pages import src_to_url

        here = self.page_url if self.page_url is not None else src_to_url(self.page_src)
        rel = get_relative_url(src_to_url(target_src) or "./", here or "./")
        rel = rel if rel.endswith("/") or rel == "." else rel + "/"
        if rel == ".":
            rel = "./"
        return f"{rel}#{anchor}" if anchor else rel


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
