"""The refresh topics file (`third_party/references/sources.yaml`) and the refresh state beside it.

`sources.yaml` says what `kb refresh` searches for (topics), how hard it may push Exa (settings)
and what a request costs (prices, for `--dry-run` and `--budget`). `.refresh-state.yaml` records,
per topic, the date of its last successful refresh and a fingerprint of the request that made it:
a topic is due when it is older than its `max_age` or when its request changed. The state lives in
its own file so that re-checking an unchanged source rewrites no reference record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model._validate import validate
from kb.model.repo import Repository

SOURCES_FILE = "third_party/references/sources.yaml"
STATE_FILE = "third_party/references/.refresh-state.yaml"
_SLUG = r"^[a-z0-9][a-z0-9-]*$"
_AGE = re.compile(r"^(?P<n>[1-9][0-9]*)(?P<unit>[dw])$")


def parse_age(value: str) -> dt.timedelta:
    """`30d` or `2w` as a timedelta. Raises ValueError for anything else."""
    match = _AGE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not an age such as 30d or 2w")
    days = int(match["n"]) * (7 if match["unit"] == "w" else 1)
    return dt.timedelta(days=days)


class Topic(BaseModel):
    """One search `kb refresh` runs: its results become records in `references/<area>/`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_SLUG, max_length=50)
    area: str = Field(pattern=_SLUG, max_length=50)
    query: str = Field(min_length=1, max_length=2000)
    domains: tuple[str, ...] = ()
    num_results: int = Field(default=5, ge=1, le=100)
    max_age: str = "30d"
    summary_query: str | None = None
    line: int = 1  # where the topic starts in sources.yaml, for messages; not user data

    @field_validator("max_age")
    @classmethod
    def _age(cls, value: str) -> str:
        parse_age(value)
        return value

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for domain in value:
            if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}(/[^\s]*)?", domain):
                raise ValueError(f"{domain!r} is not a lowercase domain such as kubernetes.io")
        return value

    @property
    def age(self) -> dt.timedelta:
        return parse_age(self.max_age)

    def fingerprint(self) -> str:
        """sha256 of what the request depends on; a change makes the topic due at once."""
        shape = [self.query, sorted(self.domains), self.num_results, self.summary_query]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


class Settings(BaseModel):
    """How `kb refresh` talks to Exa; each can be overridden on the command line."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    qps: float = Field(default=5.0, gt=0, le=100)
    concurrency: int = Field(default=8, ge=1, le=64)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_attempts: int = Field(default=5, ge=1, le=10)
    backoff_initial_seconds: float = Field(default=1.0, ge=0)
    backoff_max_seconds: float = Field(default=30.0, ge=0)
    highlights_max_characters: int = Field(default=300, ge=20, le=400)
    text_max_characters: int = Field(default=20000, ge=1)


class Prices(BaseModel):
    """USD prices used to estimate a request before sending it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    search_per_request: float = Field(ge=0)
    results_included: int = Field(ge=0)
    per_extra_result: float = Field(ge=0)
    summary_per_result: float = Field(ge=0)
    source: str = Field(min_length=1)

    def search(self, num_results: int) -> float:
        """Estimated cost of one `/search` with text, highlights and summaries."""
        extra = max(0, num_results - self.results_included) * self.per_extra_result
        return self.search_per_request + extra + num_results * self.summary_per_result


class Sources(BaseModel):
    """The whole topics file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    settings: Settings = Settings()
    prices: Prices
    topics: tuple[Topic, ...]

    @model_validator(mode="after")
    def _unique(self) -> Sources:
        seen: set[str] = set()
        for topic in self.topics:
            if topic.id in seen:
                raise ValueError(f"topic id '{topic.id}' appears twice")
            seen.add(topic.id)
        return self


class TopicState(BaseModel):
    """What the last successful refresh of a topic did."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    refreshed: dt.date
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    records: tuple[str, ...] = ()

    @field_validator("refreshed", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


def load_sources(repo: Repository) -> Sources:
    """Parse `sources.yaml`. Raises DataError with `path:line` problems."""
    path = Path(repo.root, SOURCES_FILE)
    if not path.is_file():
        raise DataError(Problem(SOURCES_FILE, 1, "topics file not found"))
    data = _yaml.load(read_text(path, SOURCES_FILE), SOURCES_FILE)
    if not isinstance(data, dict):
        raise DataError(Problem(SOURCES_FILE, 1, "the topics file is a mapping"))
    topics = data.get("topics")
    if isinstance(topics, list):
        # Remember where each topic starts so failures can point at it.
        lines = getattr(topics, "lines", [1] * len(topics))
        for item, line in zip(topics, lines, strict=True):
            if isinstance(item, dict) and "line" not in item:
                item["line"] = line
    sources, problems = validate(Sources, data, SOURCES_FILE)
    if problems or sources is None:
        raise DataError(problems)
    return sources


def load_state(repo: Repository) -> dict[str, TopicState]:
    """The refresh state by topic id ({} before the first refresh). Raises DataError."""
    path = Path(repo.root, STATE_FILE)
    if not path.is_file():
        return {}
    data = _yaml.load(read_text(path, STATE_FILE), STATE_FILE)
    topics = (data or {}).get("topics") or {}
    if not isinstance(topics, dict):
        raise DataError(Problem(STATE_FILE, 1, "'topics' must map topic ids to their state"))
    state: dict[str, TopicState] = {}
    problems: list[Problem] = []
    for topic_id, raw in topics.items():
        value, found = validate(TopicState, raw, STATE_FILE)
        problems.extend(found)
        if value is not None:
            state[str(topic_id)] = value
    if problems:
        raise DataError(problems)
    return state


def render_state(state: dict[str, TopicState]) -> str:
    """The state file's text: sorted by topic id, so it changes only where a topic did."""
    lines = [
        "# Written by `kb refresh` after each topic it refreshes; do not edit by hand.",
        "# Delete a topic's entry (or use `kb refresh --force`) to refresh it on the next run.",
        "topics:",
    ]
    for topic_id in sorted(state):
        entry = state[topic_id]
        lines += [
            f"  {topic_id}:",
            f"    refreshed: {entry.refreshed.isoformat()}",
            f"    fingerprint: {entry.fingerprint}",
        ]
        if entry.records:
            lines.append("    records:")
            lines += [f"      - {record}" for record in entry.records]
        else:
            lines.append("    records: []")
    if not state:
        lines[-1] = "topics: {}"
    return "\n".join(lines) + "\n"


def is_due(topic: Topic, state: TopicState | None, today: dt.date) -> bool:
    """Whether `topic` needs a request: never refreshed, request changed, or older than max_age."""
    if state is None or state.fingerprint != topic.fingerprint():
        return True
    return today - state.refreshed >= topic.age


def as_dict(value: Any) -> Any:
    """A model as plain data (for tests and `--dry-run` output)."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
