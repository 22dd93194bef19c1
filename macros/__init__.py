"""mkdocs-macros module: registers every renderer of `kb.render` as a macro, under MkDocs or Zensical.

Everything is registered inside `define_env()` (no page hooks, no `on_post_build`, no reliance on
`env.variables.navigation`). The two engines hand `define_env()` different objects, so the
engine-specific reads live in one place, `_EngineView` below, and renderers only ever see a
`RenderContext`:

| what                 | MkDocs (mkdocs-macros)          | Zensical (0.0.x macros extension)        |
|----------------------|---------------------------------|------------------------------------------|
| repository root      | `env.conf["config_file_path"]`  | `env.project_dir` (`conf["root_dir"]`)   |
| page source path     | `env.page.file.src_uri`         | `env.page.path`                          |
| page URL             | `env.page.url`                  | `env.page.url`                           |
| page metadata        | `env.page.meta`                 | `env.page.meta`                          |
| `define_env()` calls | once per build, page changes    | once per page, module re-executed        |
| raw-HTML `href`      | left as written                 | rewritten from the page's source folder  |

Macros are pure: they read repository files through one `Repository` per build, never the network.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

from kb.model import DataError, Repository
from kb.render._registry import RenderContext, load_all, shared_repository


class _EngineView:
    """The only code that reads engine objects: root, page source path, URL and metadata."""

    def __init__(self, env: Any):
        self._env = env

    @property
    def root(self) -> Path:
        conf = self._env.conf
        config_file = conf.get("config_file_path") if hasattr(conf, "get") else None
        if config_file:  # MkDocs
            return Path(config_file).parent
        project_dir = getattr(self._env, "project_dir", None)  # Zensical
        if project_dir:
            return Path(project_dir)
        raise RuntimeError("macros: cannot tell the repository root from this engine's env")

    @property
    def build_key(self) -> object:
        """What identifies one build across `define_env()` calls: None when there is one call."""
        conf = self._env.conf
        is_mkdocs = hasattr(conf, "get") and conf.get("config_file_path")
        return None if is_mkdocs else conf

    def conf(self, key: str) -> str:
        conf = self._env.conf
        return (conf.get(key) if hasattr(conf, "get") else "") or ""

    def page(self) -> tuple[str, str | None, dict[str, Any]]:
        """(source path under docs/, URL, metadata) of the page being rendered now."""
        page = getattr(self._env, "page", None)
        if page is None:
            return "", None, {}
        file = getattr(page, "file", None)
        src = file.src_uri if file is not None else getattr(page, "path", "") or ""
        meta = dict(page.meta) if getattr(page, "meta", None) else {}
        return src.replace("\\", "/"), getattr(page, "url", None), meta


def define_env(env: Any) -> None:
    """Register every `kb.render` macro, bound to this build's repository."""
    view = _EngineView(env)
    repo = shared_repository(view.root, view.build_key)
    site_url = view.conf("site_url")
    repo_url = view.conf("repo_url")

    def context() -> RenderContext:
        src, url, meta = view.page()
        return RenderContext(
            repo=repo,
            page_src=src,
            page_meta=meta,
            site_url=site_url,
            repo_url=repo_url,
            page_url=url,
            html_links_from_source=view.build_key is not None,
        )

    _guard(repo)
    _refuse_unsafe_front_matter(repo)
    for name, fn in load_all().items():
        env.macro(_bind(fn, context), name)


#: Page problems that stop the build before MkDocs reads any page: MkDocs' own front-matter
#: parser has no limits (an alias bomb in `tags:` exhausts memory) and reports a bad byte or key
#: with a traceback that can name another page.
_UNREADABLE = ("not UTF-8 text", "invalid YAML", "YAML nested deeper", "YAML aliases", "recursive")


def _guard(repo: Repository) -> None:
    """Stop the build with one line a page when a page cannot be read safely."""
    from kb.model.pages import load_pages

    bad = [
        problem
        for page in load_pages(repo)
        for problem in page.problems
        if any(problem.message.startswith(prefix) for prefix in _UNREADABLE)
    ]
    for problem in bad:
        print(problem, file=sys.stderr)  # noqa: T201 - the build's one-line error
    if bad:
        raise SystemExit(1)


def _refuse_unsafe_front_matter(repo: Repository) -> None:
    """Stop the build on front matter the theme would render as raw HTML (tags, titles)."""
    from kb.model.pages import theme_problems

    problems = theme_problems(repo)
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201 - the build's one-line error
    if problems:
        raise SystemExit(1)


def _bind(fn, context):
    @functools.wraps(fn)
    def bound(*args: Any, **kwargs: Any) -> str:
        try:
            return fn(context(), *args, **kwargs)
        except DataError as exc:
            # One line a problem, exactly as `kb check` prints it. mkdocs-macros would wrap any
            # Exception in a report with a traceback, so stop the build with SystemExit instead.
            for problem in exc.problems:
                print(problem, file=sys.stderr)  # noqa: T201 - the build's one-line error
            raise SystemExit(1) from None

    return bound
