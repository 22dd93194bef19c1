"""Reference records (`third_party/references/<area>/<id>.yaml`): the sources pages cite.

A record's text came from outside or summarises what did: renderers escape every field, and
`highlights` are short excerpts that always name where they came from.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model._validate import validate
from kb.model.repo import Repository

REFERENCES_DIR = "third_party/references"
# Files in the references tree that are not records.
NOT_RECORDS = {"sources.yaml"}
_ID = r"^[a-z0-9][a-z0-9.-]*$"
#: Longest summary a record may hold (ours run to about 600 characters); `kb refresh` cuts a
#: longer one from Exa to this and says so in the record's notes.
MAX_SUMMARY_CHARS = 2000


class Highlight(BaseModel):
    """A short excerpt and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Field(min_length=1, max_length=400)
    source: str = Field(min_length=1)


def _to_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    return value


class Reference(BaseModel):
    """One cited source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    url: HttpUrl
    publisher: str = Field(min_length=1)
    retrieved: dt.date
    published: dt.date | int | str | None = None
    licence: str = Field(min_length=1)
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY_CHARS)
    highlights: list[Highlight] = Field(default_factory=list)
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    query: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("retrieved", mode="before")
    @classmethod
    def _retrieved(cls, value: object) -> object:
        return _to_date(value)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return _to_date(value)
        if isinstance(value, str) and not re.fullmatch(r"\d{4}(-\d{2})?", value):
            raise ValueError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class Record(BaseModel):
    """A reference with where it lives (area = its folder under third_party/references)."""

    model_config = ConfigDict(frozen=True)
    ref: Reference
    area: str
    path: str


def parse_reference(text: str, path: str) -> Reference:
    """Parse one record; its `id` must equal the file name. Raises DataError."""
    data = _yaml.load(text, path)
    if not isinstance(data, dict):
        raise DataError(Problem(path, 1, "a reference record is a mapping"))
    ref, problems = validate(Reference, data, path)
    if problems:
        raise DataError(problems)
    stem = Path(path).stem
    if ref.id != stem:
        line = data.lines.get("id", 1)
        raise DataError(Problem(path, line, f"id '{ref.id}' does not match the file name '{stem}'"))
    return ref


def load_references(repo: Repository) -> tuple[dict[str, Record], list[Problem]]:
    """Every record by id, and the problems found; parsed once per repository."""

    def _load() -> tuple[dict[str, Record], list[Problem]]:
        records: dict[str, Record] = {}
        problems: list[Problem] = []
        base = Path(repo.root, REFERENCES_DIR)
        for file in sorted(base.rglob("*.y*ml")) if base.is_dir() else []:
            rel = repo.rel(file)
            if file.name in NOT_RECORDS or file.name.startswith("."):
                continue
            area = file.parent.relative_to(base).as_posix()
            try:
                ref = parse_reference(read_text(file, rel), rel)
            except DataError as exc:
                problems.extend(exc.problems)
                continue
            if ref.id in records:
                other = records[ref.id].path
                problems.append(
                    Problem(rel, 1, f"duplicate reference id '{ref.id}' (also {other})")
                )
                continue
            records[ref.id] = Record(ref=ref, area=area, path=rel)
        return records, problems

    return repo.memo("references", _load)


def references_or_raise(repo: Repository) -> dict[str, Record]:
    """Every record by id; raises DataError on the first bad record (for the macros)."""
    records, problems = load_references(repo)
    if problems:
        raise DataError(problems)
    return records
