"""Visible assumptions (`docs/devops/assumptions.yml`): unknowns a reader acts on, with an owner.

An HTML-comment TODO is right for maintainers' work nobody follows; an assumed name a reader
types into a terminal must be visible where it is used. A page shows one with
`{{ assumption("<id>") }}`; `uses()` finds those calls so `kb todos` lists each note as work.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._validate import validate
from kb.model.repo import Repository

ASSUMPTIONS_FILE = "docs/devops/assumptions.yml"
CALL = re.compile(r"\{\{-?\s*assumption\(\s*[\"']([^\"']*)[\"']\s*\)\s*-?\}\}")


class Assumption(BaseModel):
    """One assumption: what is assumed, which names depend on it, who confirms it and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    assumed: str = Field(min_length=1)
    names: list[str] = Field(min_length=1)
    owner: str = Field(pattern=r"^@[a-z0-9][a-z0-9-]*$")
    confirm_when: str = Field(min_length=1)
    ticket: str | None = Field(default=None, pattern=r"^PE-\d+$")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assumptions: list[Assumption] = Field(min_length=1)


def parse_assumptions(text: str, path: str) -> dict[str, Assumption]:
    """Assumptions by id. Raises DataError with `path:line: message` problems."""
    data = _yaml.load(text, path)
    model, problems = validate(_File, data, path)
    if problems:
        raise DataError(problems)
    assert model is not None  # noqa: S101 - validate() returns a model when there is no problem
    found: dict[str, Assumption] = {}
    for index, item in enumerate(model.assumptions):
        if item.id in found:
            line = _yaml.line_of(data, ("assumptions", index))
            raise DataError(Problem(path, line, f"duplicate assumption id '{item.id}'"))
        found[item.id] = item
    return found


def load_assumptions(repo: Repository) -> dict[str, Assumption]:
    """The assumptions of `repo`; empty when the file does not exist. Raises DataError."""
    if not (repo.root / ASSUMPTIONS_FILE).is_file():
        return {}
    return repo.parse_file(ASSUMPTIONS_FILE, parse_assumptions)


def uses(text: str) -> list[tuple[int, str]]:
    """(line, id) of every assumption() call in a page's text."""
    return [(text.count("\n", 0, m.start()) + 1, m[1]) for m in CALL.finditer(text)]
