"""The repository as the model layer sees it: its root, the build date and a per-instance cache.

One `Repository` is made per `kb` command and per site build (mkdocs-macros calls `define_env()`
on every build, so `mkdocs serve` sees edits); each loader stores its parsed result with `memo()`
so a source is read once however many pages or checks use it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kb.model import reads
from kb.model.reads import Stamp

T = TypeVar("T")

#: Files that mark the repository root.
ROOT_MARKERS = ("mkdocs.yml", "pyproject.toml")


class Repository:
    """A checkout of the knowledge base rooted at `root`, seen on the date `today`."""

    def __init__(self, root: Path | str, today: dt.date | None = None):
        self.root = Path(root).resolve()
        self.today = today or build_date()
        self._memo: dict[str, Any] = {}
        self._reads: dict[str, dict[str, Stamp]] = {}  # memo key -> files its value was read from

    @classmethod
    def find(cls, start: Path | str | None = None, today: dt.date | None = None) -> Repository:
        """Return the repository containing `start` (default: the working directory).

        Raises FileNotFoundError when no folder above `start` holds mkdocs.yml and pyproject.toml.
        """
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if all((folder / marker).is_file() for marker in ROOT_MARKERS):
                return cls(folder, today)
        raise FileNotFoundError(f"{here}: not inside the knowledge base (no mkdocs.yml above it)")

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def rel(self, path: Path | str) -> str:
        """`path` relative to the root, with forward slashes, for messages and generated text."""
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return p.as_posix()

    def parse_file(self, rel: str, parse: Callable[[str, str], T]) -> T:
        """`parse(text, rel)` of the data file `rel`, once per repository.

        Raises DataError (`rel:1: file not found`) when the file is missing, and whatever
        `parse` raises for bad content.
        """
        from kb.model._errors import DataError, Problem
        from kb.model._io import read_text

        def _load() -> T:
            path = self.root / rel
            if not path.is_file():
                raise DataError(Problem(rel, 1, "file not found"))
            return parse(read_text(path, rel), rel)

        return self.memo(f"file:{rel}", _load)

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """Return the cached value for `key`, computing it with `factory()` the first time.

        The files `factory()` read are remembered with the value, and every later use of the
        value counts them as read too (see `kb.model.reads`).
        """
        if key not in self._memo:
            carry_key = (self.root, self.today, key)
            carried = _CARRY.get(carry_key) if _CARRY is not None else None
            if carried is not None and reads.files_unchanged(carried[1]):
                self._memo[key], self._reads[key] = carried
            else:
                with reads.recording() as files:
                    self._memo[key] = factory()
                self._reads[key] = reads.stamps(files)
                if _CARRY is not None:
                    _CARRY[carry_key] = (self._memo[key], self._reads[key])
        reads.note(self._reads[key])
        return self._memo[key]

    def read_stamps(self) -> dict[str, Stamp]:
        """Every file behind a cached value, with its stamp when it was read."""
        merged: dict[str, Stamp] = {}
        for files in self._reads.values():
            merged.update(files)
        return merged


#: Memo values kept from one build to the next, with the stamps of the files they came from.
#: Off (None) unless `carry_between_builds()` turned it on: only `make serve` does, where the
#: next build is seconds away and most inputs have not changed. A value is reused only while
#: every file it was read from (folders included, for added or removed files) is unchanged.
_CARRY: dict[tuple[Path, dt.date, str], tuple[Any, dict[str, Stamp]]] | None = None


def carry_between_builds() -> None:
    """Let later `Repository` instances in this process reuse still-valid memo values."""
    global _CARRY
    if _CARRY is None:
        _CARRY = {}


def build_date() -> dt.date:
    """The date the build or command runs on; `KB_TODAY=YYYY-MM-DD` pins it for reproducible builds."""
    pinned = os.environ.get("KB_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(dt.UTC).date()
