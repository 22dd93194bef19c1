"""Pages and data under docs/ that state a shared number or name differently from the data."""

from __future__ import annotations

from collections.abc import Iterable

from kb.checks import check
from kb.model import DataError, Problem, Repository
from kb.model.shared_values import (
    SHARED_FILE,
    find_contradictions,
    load_shared,
    scanned_files,
)


@check
def shared_values(repo: Repository) -> Iterable[Problem]:
    """Hand-written statements that contradict docs/devops/shared-values.yml."""
    if not (repo.root / SHARED_FILE).is_file():
        return  # a knowledge base without shared values has nothing to contradict
    try:
        values = load_shared(repo)
    except DataError as exc:
        yield from exc.problems
        return
    for file in scanned_files(repo):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        yield from find_contradictions(values, text, repo.rel(file))
