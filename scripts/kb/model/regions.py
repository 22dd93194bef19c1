"""Generated regions in Markdown files: text between BEGIN/END markers that `kb regen` writes.

    <!-- BEGIN GENERATED: make-targets (from Makefile; regenerate with `kb regen`) -->
    …
    <!-- END GENERATED: make-targets -->

The marker names the generator, its source and the command that rewrites it; `kb check` fails
when a region differs from what its generator produces now, so nobody hand-edits generated text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kb.model._errors import Problem
from kb.model.repo import Repository

_BEGIN = re.compile(r"^<!-- BEGIN GENERATED: (?P<name>[a-z0-9-]+) \(.*\) -->$")
_END = "<!-- END GENERATED: {name} -->"
_TARGET = re.compile(r"^(?P<target>[a-zA-Z_-]+):.*?## (?P<help>.+)$")


def make_targets(repo: Repository) -> str:
    """A table of the Makefile's documented targets (`target: … ## help`)."""
    rows = ["| Target | What it does |", "|---|---|"]
    for line in Path(repo.root, "Makefile").read_text(encoding="utf-8").splitlines():
        match = _TARGET.match(line)
        if match:
            rows.append(f"| `make {match['target']}` | {match['help'].strip()} |")
    return "\n" + "\n".join(rows) + "\n"  # blank lines around the table, as Markdown lint wants


GENERATORS: dict[str, Callable[[Repository], str]] = {"make-targets": make_targets}
FILES = ("README.md", "CONTRIBUTING.md")


def regenerate(text: str, path: str, repo: Repository) -> tuple[str, list[Problem]]:
    """`text` with every region rewritten, and problems with markers."""
    lines = text.split("\n")
    out: list[str] = []
    problems: list[Problem] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        begin = _BEGIN.match(line)
        index += 1
        if not begin:
            continue
        name = begin["name"]
        end = _END.format(name=name)
        try:
            stop = lines.index(end, index)
        except ValueError:
            problems.append(Problem(path, index, f"generated region '{name}' has no '{end}'"))
            continue
        if name not in GENERATORS:
            problems.append(Problem(path, index, f"unknown generator '{name}'"))
            out.extend(lines[index:stop])
        else:
            out.append(GENERATORS[name](repo))
        out.append(end)
        index = stop + 1
    return "\n".join(out), problems


def stale_regions(repo: Repository) -> list[Problem]:
    """A problem for each file whose generated regions are out of date."""
    problems: list[Problem] = []
    for rel in FILES:
        path = Path(repo.root, rel)
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new, found = regenerate(text, rel, repo)
        problems.extend(found)
        if new != text and not found:
            first = next(
                i
                for i, (a, b) in enumerate(zip(text.split("\n"), new.split("\n"), strict=False))
                if a != b
            )
            problems.append(Problem(rel, first + 1, "generated region is stale; run kb regen"))
    return problems
