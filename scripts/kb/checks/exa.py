"""Checks of the Exa data: the refresh topics file, the schema mirror and its explanations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kb.checks import check
from kb.model import DataError, Problem, Repository, _yaml
from kb.model._io import read_text

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


@check
def exa_mirror_set(repo: Repository) -> Iterator[Problem]:
    """docs/exa/ holds one mirror: every operation file matches the index's spec, none stray."""
    from kb.model.exa_spec import MIRROR_INDEX, SCHEMAS_DIR

    index_path = Path(repo.root, MIRROR_INDEX)
    if not index_path.is_file():
        return
    try:
        index = _yaml.load(read_text(index_path, MIRROR_INDEX), MIRROR_INDEX)
        sha = index["source"]["spec_sha256"]
        listed = {entry["file"]: entry for entry in index["operations"]}
    except DataError as exc:
        yield from exc.problems
        return
    except (KeyError, TypeError):
        yield Problem(MIRROR_INDEX, 1, "malformed mirror index; run `kb mirror`")
        return
    for rel in sorted(listed):
        path = Path(repo.root, rel)
        if not path.is_file():
            yield Problem(rel, 1, "mirror file is missing; run `kb mirror`")
            continue
        try:
            data = _yaml.load(read_text(path, rel), rel)
            op_sha = data["source"]["spec_sha256"]
        except DataError as exc:
            yield from exc.problems
            continue
        except (KeyError, TypeError):
            yield Problem(rel, 1, "malformed mirror file; run `kb mirror`")
            continue
        if op_sha != sha:
            yield Problem(
                rel,
                getattr(data, "line", 1),
                f"mixed mirror: this file is from spec {str(op_sha)[:12]}, the index from "
                f"{str(sha)[:12]} (an interrupted kb mirror?); run `kb mirror` again",
            )
    folder = Path(repo.root, SCHEMAS_DIR)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            rel = f"{SCHEMAS_DIR}/{path.name}"
            if path.name.endswith(".tmp"):
                yield Problem(rel, 1, "temporary file left by an interrupted write; delete it")
            elif path.name.endswith(".yaml") and rel not in listed:
                yield Problem(rel, 1, f"not named in {MIRROR_INDEX}; stray mirror file")
