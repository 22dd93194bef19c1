"""Checks of the Exa data: the refresh topics file, the schema mirror and its explanations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kb.checks import check
from kb.model import DataError, Problem, Repository, _yaml

SOURCES_FILE = "third_party/references/sources.yaml"
EXPLANATIONS_FILE = "docs/exa/explanations.yaml"


@check
def refresh_topics(repo: Repository) -> Iterator[Problem]:
    """third_party/references/sources.yaml (the kb refresh topics) is valid."""
    from kb.model.sources import load_sources

    if not Path(repo.root, SOURCES_FILE).is_file():
        return
    try:
        load_sources(repo)
    except DataError as exc:
        yield from exc.problems


@check
def exa_explanations(repo: Repository) -> Iterator[Problem]:
    """Every explanation in docs/exa/explanations.yaml names a field the mirror still has."""
    from kb.model.exa_spec import load_explanations, load_mirror, orphan_explanations

    if not Path(repo.root, EXPLANATIONS_FILE).is_file():
        return
    try:
        mirror = load_mirror(repo)
        explanations = load_explanations(repo)
    except DataError as exc:
        yield from exc.problems
        return
    text = Path(repo.root, EXPLANATIONS_FILE).read_text(encoding="utf-8")
    lines = getattr(_yaml.load(text, EXPLANATIONS_FILE), "lines", {})
    for key in sorted(orphan_explanations(mirror, explanations)):
        yield Problem(
            EXPLANATIONS_FILE,
            lines.get(key, 1),
            f"explanation '{key}' names no field in the mirror; remove or rename it",
        )
