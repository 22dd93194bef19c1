"""mkdocs-macros module: registers every renderer of `kb.render` as a macro.

Everything is registered inside `define_env()` (no page hooks, no `on_post_build`, no reliance on
`env.variables.navigation`), so the module also runs under Zensical. Macros are pure: they read
repository files through one `Repository` made per build, never the network.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

from kb.model import DataError, Repository
from kb.render._registry import RenderContext, load_all


def define_env(env: Any) -> None:
    """Register every `kb.render` macro, bound to this build's repository."""
    root = Path(env.conf["config_file_path"]).parent
    repo = Repository(root)
    site_url = env.conf.get("site_url") or ""
    repo_url = env.conf.get("repo_url") or ""

    def context() -> RenderContext:
        page = getattr(env, "page", None)
        src = page.file.src_uri if page is not None else ""
        meta = dict(page.meta) if page is not None and page.meta else {}
        return RenderContext(
            repo=repo,
            page_src=src,
            page_meta=meta,
            site_url=site_url,
            repo_url=repo_url,
            page_url=page.url if page is not None else None,
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
