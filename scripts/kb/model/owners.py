"""The owners registry (`docs/devops/owners.yml`): teams, their contacts and escalation steps."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model._validate import validate
from kb.model.repo import Repository

OWNERS_FILE = "docs/devops/owners.yml"
HANDLE = re.compile(r"^@[a-z0-9][a-z0-9-]*$")


class EscalationStep(BaseModel):
    """Who is notified, and how long after the page was first sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    after: str = Field(pattern=r"^\d+[mh]$")
    notify: str = Field(min_length=1)


class Team(BaseModel):
    """One owning team."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    handle: str
    name: str = Field(min_length=1)
    scope: str = Field(min_length=1)
    slack: str = Field(pattern=r"^#[a-z0-9][a-z0-9_-]*$")
    pagerduty_service: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    escalation: list[EscalationStep] = Field(min_length=1)

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not HANDLE.match(value):
            raise ValueError("a handle is '@' then lowercase letters, digits and dashes")
        return value


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    teams: list[Team] = Field(min_length=1)


def parse_owners(text: str, path: str) -> dict[str, Team]:
    """Parse an owners registry; returns teams by handle. Raises DataError."""
    data = _yaml.load(text, path)
    registry, problems = validate(_Registry, data, path)
    if problems:
        raise DataError(problems)
    teams: dict[str, Team] = {}
    for index, team in enumerate(registry.teams):
        if team.handle in teams:
            line = _yaml.line_of(data, ("teams", index))
            raise DataError(Problem(path, line, f"duplicate team handle '{team.handle}'"))
        teams[team.handle] = team
    return teams


def load_owners(repo: Repository) -> dict[str, Team]:
    """The registry of `repo`, parsed once. Raises DataError when it is missing or invalid."""

    def _load() -> dict[str, Team]:
        path = Path(repo.root, OWNERS_FILE)
        if not path.is_file():
            raise DataError(Problem(OWNERS_FILE, 1, "owners registry not found"))
        return parse_owners(read_text(path, OWNERS_FILE), OWNERS_FILE)

    return repo.memo("owners", _load)
