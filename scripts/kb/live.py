"""Partial rebuilds for `make serve`: which pages to rebuild after an edit, and nothing else.

`mkdocs serve --dirty` rebuilds only the pages whose source is newer than their built HTML. That
misses pages whose *macros* read a file that changed (owners.yml, kpis.yml, a reference record,
an alert rule, another page's front matter), so this module keeps a dependency map: while a page
is built, every file its Markdown and macros read is recorded (`kb.model.reads`), with its stamp.
Before the next rebuild, each page that read a file whose stamp has changed since is marked stale
(its built HTML gets an mtime of 0), and MkDocs rebuilds it with the edited page.

State lives here, not in the hook file, so it survives MkDocs reloading its configuration on
every rebuild. Used only by `scripts/devx/serve_hooks.py`; `mkdocs build` never loads it.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field

from kb.model import reads
from kb.model.reads import Stamp
from kb.model.repo import carry_between_builds

#: The stamp of a file that changed while a page was reading it: equal to no real stamp.
UNKNOWN: Stamp = (-1, -1)

#: The one warning a dirty build logs, which `strict: true` would turn into an abort.
DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class DependencyMap:
    """Page source path (under docs/) -> the files it read, and each file's stamp when read."""

    pages: dict[str, set[str]] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)

    def record(self, page: str, files: set[str], started_ns: int | None = None) -> None:
        """Remember what `page` read in the build that just rendered it (begun at `started_ns`).

        A file modified after the page began may have been read half-written, or before the
        change: its stamp is recorded as unknown, so the next rebuild counts it as changed.
        """
        self.pages[page] = set(files)
        for path in files:
            now = reads.stamp(path)
            changed = started_ns is not None and now is not None and now[0] >= started_ns
            self.stamps[path] = UNKNOWN if changed else now

    def changed_files(self) -> set[str]:
        """Files read by some page whose stamp differs from when they were read."""
        return {path for path, was in self.stamps.items() if reads.stamp(path) != was}

    def stale_pages(self, changed: set[str]) -> set[str]:
        """Pages that read any of `changed`."""
        return {page for page, files in self.pages.items() if files & changed}


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


@dataclass
class LiveState:
    """What one `mkdocs serve --dirty` process carries from build to build."""

    dirty: bool = False
    deps: DependencyMap = field(default_factory=DependencyMap)
    rebuilt: list[str] = field(default_factory=list)  # pages marked stale before the last build
    _recorder: object | None = None
    _page: str | None = None
    _started_ns: int = 0

    def start(self, *, dirty: bool) -> None:
        """Serving with --dirty: drop exactly the dirty-build warning, nothing else."""
        self.dirty = dirty
        if dirty:
            logger = logging.getLogger("mkdocs.commands.build")
            if not any(isinstance(f, _DropDirtyWarning) for f in logger.filters):
                logger.addFilter(_DropDirtyWarning())
            cache_installed_theme_listings()
            carry_between_builds()

    def mark_stale(self, dest_paths: dict[str, str]) -> list[str]:
        """Age the built HTML of pages whose inputs changed; returns their source paths.

        `dest_paths` maps a page's source path to its built file; a page not built yet is
        skipped (MkDocs builds it anyway).
        """
        if not self.dirty:
            return []
        changed = self.deps.changed_files()
        stale = sorted(self.deps.stale_pages(changed))
        for page in stale:
            dest = dest_paths.get(page)
            if dest and os.path.isfile(dest):  # noqa: PTH113 - str paths from MkDocs
                os.utime(dest, (0, 0))
        # The changed files are re-stamped when the stale pages are recorded again; a changed
        # file no page reads any more is forgotten.
        for path in changed:
            if not any(path in files for files in self.deps.pages.values()):
                self.deps.stamps.pop(path, None)
        self.rebuilt = stale
        return stale

    def page_started(self, src: str) -> None:
        """Start recording what the page `src` reads."""
        if not self.dirty:
            return
        self.page_finished()
        self._page = src
        # Taken before anything is read, on the clock file stamps use; 50 ms earlier than now, as
        # file systems stamp writes from a coarser clock (a few ms) than time.time_ns().
        self._started_ns = time.time_ns() - 50_000_000
        self._recorder = reads.recording()
        self._files = self._recorder.__enter__()  # type: ignore[attr-defined]

    def page_finished(self) -> None:
        """Stop recording and store the page's dependencies."""
        if self._recorder is None or self._page is None:
            return
        self._recorder.__exit__(None, None, None)  # type: ignore[attr-defined]
        self.deps.record(self._page, self._files, self._started_ns)
        self._recorder = None
        self._page = None


class MemoryBytecodeCache:
    """Compiled Jinja templates kept across rebuilds (MkDocs makes a new theme env each time).

    Jinja checks each entry against its template's source checksum, so an edited template
    (an override, a renderer's template) is compiled again.
    """

    def __init__(self) -> None:
        import jinja2

        class _Cache(jinja2.BytecodeCache):
            store: dict[str, bytes] = {}  # noqa: RUF012 - shared on purpose, one per process

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                data = self.store.get(bucket.key)
                if data is not None:
                    import io

                    bucket.load_bytecode(io.BytesIO(data))

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                import io

                out = io.BytesIO()
                bucket.write_bytecode(out)
                self.store[bucket.key] = out.getvalue()

        self.cache = _Cache()


_THEME_LISTINGS: dict[tuple[str, tuple[str, ...]], list[str]] = {}


def _theme_dir_files(folder: str, patterns: tuple[str, ...], installed: bool) -> list[str]:
    """The static files MkDocs would take from one theme folder (its own filter rules)."""
    import fnmatch

    key = (folder, patterns)
    if installed and key in _THEME_LISTINGS:
        return _THEME_LISTINGS[key]
    names = []
    for here, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(here, name), folder).replace(os.sep, "/")  # noqa: PTH118
            if not any(fnmatch.fnmatch(rel.lower(), p) for p in patterns):
                names.append(rel)
    if installed:
        _THEME_LISTINGS[key] = names
    return names


def cache_installed_theme_listings() -> None:
    """Find an installed theme's static files once per process, not on every rebuild.

    On each build MkDocs lists every file of every theme folder (Material ships thousands of
    icons) and filters each name; an installed theme does not change while serving, so its
    list is kept. Theme folders inside the repository (overrides) are listed every time.
    """
    from mkdocs import utils
    from mkdocs.structure.files import File, Files

    if getattr(Files.add_files_from_theme, "_kb_cached", False):
        return

    def add_files_from_theme(self: Files, env: object, config: object) -> None:
        patterns = (
            ".*",
            "*/.*",
            "*.py",
            "*.pyc",
            "*.html",
            "*readme*",
            "mkdocs_theme.yml",
            "locales/*",
            *(f"*{x}" for x in utils.markdown_extensions),
            *config.theme.static_templates,  # type: ignore[attr-defined]
        )  # fmt: skip  (the same rules as mkdocs.structure.files.Files.add_files_from_theme)
        seen: set[str] = set()
        for folder in config.theme.dirs:  # type: ignore[attr-defined]
            installed = "site-packages" in folder
            for path in _theme_dir_files(folder, patterns, installed):
                if path in seen:
                    continue
                seen.add(path)
                if self.get_file_from_path(path) is None:
                    self.append(
                        File(path, folder, config.site_dir, config.use_directory_urls)  # type: ignore[attr-defined]
                    )

    add_files_from_theme._kb_cached = True  # type: ignore[attr-defined]
    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


STATE = LiveState()
BYTECODE = MemoryBytecodeCache()
