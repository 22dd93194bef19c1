"""Automation candidates (`docs/devops/automation-backlog.yml`), scored and ranked.

score = value * frequency / effort, each factor on a 1-5 scale (the page documents the scales).
The file stores the score so reviewers see it in the diff; the loader recomputes it and rejects
a stored score that disagrees, so nobody can bump an item by editing the number alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._validate import validate
from kb.model.repo import Repository

BACKLOG_FILE = "docs/devops/automation-backlog.yml"
STAGES = ("plan", "code", "build", "test", "release", "deploy", "operate", "monitor")
STATUSES = ("proposed", "accepted", "in-progress", "done", "rejected")


class Candidate(BaseModel):
    """One automation candidate."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    stage: Literal["plan", "code", "build", "test", "release", "deploy", "operate", "monitor"]
    trigger: str = Field(min_length=1)
    inputs: list[str] = Field(min_length=1)
    outputs: list[str] = Field(min_length=1)
    value: int = Field(ge=1, le=5)
    frequency: int = Field(ge=1, le=5)
    effort: int = Field(ge=1, le=5)
    score: float
    status: Literal["proposed", "accepted", "in-progress", "done", "rejected"]
    owner: str = Field(pattern=r"^@[a-z0-9-]+$")
    ticket: str | None = Field(default=None, pattern=r"^PE-[0-9]+$")

    @property
    def computed_score(self) -> float:
        """value * frequency / effort, rounded to two decimals."""
        return compute_score(self.value, self.frequency, self.effort)


class Backlog(BaseModel):
    """The whole backlog file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    candidates: list[Candidate] = Field(min_length=1)

    def ranked(self) -> list[Candidate]:
        """Candidates by score, highest first; ties by value, then id, so the order is stable."""
        return sorted(self.candidates, key=lambda c: (-c.score, -c.value, c.id))


def compute_score(value: int, frequency: int, effort: int) -> float:
    """The documented scoring method: value * frequency / effort, two decimals."""
    return round(value * frequency / effort, 2)


def parse_backlog(text: str, path: str) -> Backlog:
    """Parse and validate the backlog. Raises DataError with `path:line: message` problems."""
    data = _yaml.load(text, path)
    if not isinstance(data, dict):
        raise DataError(Problem(path, 1, "the automation backlog must be a mapping"))
    model, problems = validate(Backlog, data, path)
    if problems:
        raise DataError(problems)
    if model is None:  # validate() returns a model whenever it reports no problem
        raise DataError(Problem(path, 1, "invalid file"))
    seen: set[str] = set()
    for index, item in enumerate(model.candidates):
        node = data["candidates"][index]
        if item.id in seen:
            problems.append(
                Problem(path, node.lines["id"], f"candidates[{index}].id: duplicate id '{item.id}'")
            )
        seen.add(item.id)
        if abs(item.score - item.computed_score) > 0.005:
            problems.append(
                Problem(
                    path,
                    node.lines["score"],
                    f"candidates[{index}].score: {item.score:g} disagrees with value * frequency / "
                    f"effort = {item.value} * {item.frequency} / {item.effort} = {item.computed_score:g}",
                )
            )
    if problems:
        raise DataError(sorted(problems))
    return model


def load_backlog(repo: Repository) -> Backlog:
    """The backlog of `repo`, parsed once per repository. Raises DataError."""

    return repo.parse_file(BACKLOG_FILE, parse_backlog)
