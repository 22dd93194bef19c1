"""Shared numbers and names (`docs/devops/shared-values.yml`): defined once, rendered everywhere.

Each value is literal (`value:`) or read from another data file (`from:`), so an escalation delay
lives in owners.yml and an objective in kpis.yml while pages still name them by one id. `claims`
are patterns that recognise a hand-written statement of the value; `find_contradictions()` reports
every statement under docs/ that disagrees with the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._validate import validate
from kb.model.repo import Repository

SHARED_FILE = "docs/devops/shared-values.yml"
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# `from:` sources: the data file (relative to docs/devops/) and how a path step picks a list item.
_FROM = re.compile(r"^(?P<file>owners\.yml|kpis\.yml):(?P<path>[^\s]+)$")
_LIST_KEYS = ("id", "handle")
_MACRO = re.compile(r"\{\{.*?\}\}")
_WRAP = re.compile(r"\n(?=[ \t]*[^\s|#>*-])")


def _compile(pattern: str) -> str:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    if compiled.groups < 1:
        raise ValueError("a claim pattern needs one capturing group: the value the page states")
    return pattern


class Wrong(BaseModel):
    """A statement that is always false, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class SharedValue(BaseModel):
    """One shared number or name as written in the file (`value` or `from`, never both)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    value: str | list[str] | None = None
    from_: str | None = Field(default=None, alias="from", pattern=_FROM.pattern)
    meaning: str = Field(min_length=1)
    claims: list[str] = Field(default_factory=list)
    wrong: list[Wrong] = Field(default_factory=list)

    @field_validator("claims")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return [_compile(p) for p in value]

    @model_validator(mode="after")
    def _one_source(self) -> SharedValue:
        if (self.value is None) == (self.from_ is None):
            raise ValueError("give exactly one of 'value' and 'from'")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[SharedValue] = Field(min_length=1)


@dataclass(frozen=True)
class Resolved:
    """A shared value with its text worked out: `text` for pages, `allowed` for comparisons."""

    id: str
    text: str
    allowed: tuple[str, ...]
    meaning: str
    claims: tuple[re.Pattern[str], ...]
    wrong: tuple[tuple[re.Pattern[str], str], ...]
    line: int


def _duration(raw: str) -> str:
    """'15m' -> '15 minutes', '2h' -> '2 hours' (the owners registry's notation)."""
    match = re.fullmatch(r"(\d+)([mh])", raw)
    if not match:
        return raw
    number, unit = int(match[1]), {"m": "minute", "h": "hour"}[match[2]]
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _lookup(repo: Repository, spec: str) -> str:
    """The text a `from:` spec points at. Raises KeyError naming the step that is missing."""
    match = _FROM.match(spec)
    if match is None:  # the model's pattern already rejects this
        raise KeyError(spec)
    rel = f"docs/devops/{match['file']}"
    node = repo.memo(f"yaml:{rel}", lambda: _yaml.load((repo.root / rel).read_text("utf-8"), rel))
    for step in match["path"].split("."):
        if isinstance(node, list):
            if step.isdigit() and int(step) < len(node):
                node = node[int(step)]
                continue
            picked = [
                i for i in node if isinstance(i, dict) and step in (i.get(k) for k in _LIST_KEYS)
            ]
            if not picked:
                raise KeyError(step)
            node = picked[0]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            raise KeyError(step)
    if isinstance(node, (dict, list)):
        raise KeyError(match["path"])
    text = f"{node:g}" if isinstance(node, float) else str(node)
    return _duration(text) if match["file"] == "owners.yml" else text


def parse_shared(repo: Repository, text: str, path: str) -> dict[str, Resolved]:
    """Parse and resolve shared-values.yml; returns values by id. Raises DataError."""
    data = _yaml.load(text, path)
    model, problems = validate(_File, data, path)
    if problems:
        raise DataError(problems)
    assert model is not None  # noqa: S101 - validate() returns a model when there is no problem
    resolved: dict[str, Resolved] = {}
    for index, item in enumerate(model.values):
        line = _yaml.line_of(data, ("values", index))
        if item.id in resolved:
            problems.append(Problem(path, line, f"values[{index}].id: duplicate id '{item.id}'"))
            continue
        if item.from_ is not None:
            try:
                value: str | list[str] = _lookup(repo, item.from_)
            except (KeyError, OSError, DataError) as exc:
                problems.append(
                    Problem(path, line, f"{item.id}: 'from: {item.from_}' finds nothing ({exc})")
                )
                continue
        else:
            value = item.value  # type: ignore[assignment] - the model guarantees one source
        allowed = tuple(value) if isinstance(value, list) else (value,)
        resolved[item.id] = Resolved(
            id=item.id,
            text=", ".join(allowed),
            allowed=allowed,
            meaning=item.meaning,
            claims=tuple(re.compile(p, re.MULTILINE) for p in item.claims),
            wrong=tuple((re.compile(w.pattern), w.reason) for w in item.wrong),
            line=line,
        )
    if problems:
        raise DataError(problems)
    return resolved


def load_shared(repo: Repository) -> dict[str, Resolved]:
    """The shared values of `repo`, parsed once. Raises DataError."""
    return repo.parse_file(SHARED_FILE, lambda text, path: parse_shared(repo, text, path))


def _normal(text: str) -> str:
    text = " ".join(text.lower().split())
    return re.sub(r"\bmin\b", "minutes", re.sub(r"\b(\d+) minute\b", r"\1 minutes", text))


def _agrees(stated: str, value: Resolved) -> bool:
    return _normal(stated) in {_normal(a) for a in value.allowed}


#: Files under docs/ that are not statements: the definitions themselves, history and mirrors.
_SKIP = (SHARED_FILE, "docs/devops/activity-log.md", "docs/devops/inventory.yml")
_SKIP_DIRS = ("docs/exa/", "docs/devops/release/history/")


def scanned_files(repo: Repository) -> list[Path]:
    """Pages and data files under docs/ whose text may state a shared value by hand."""
    files = []
    for file in sorted(repo.docs.rglob("*")):
        rel = repo.rel(file)
        if file.suffix not in {".md", ".yml", ".yaml"} or not file.is_file():
            continue
        if rel in _SKIP or rel.startswith(_SKIP_DIRS):
            continue
        files.append(file)
    return files


def find_contradictions(values: dict[str, Resolved], text: str, path: str) -> list[Problem]:
    """Statements in `text` (the file at `path`) that disagree with `values`.

    Macro calls are blanked first (keeping offsets), since `{{ shared(...) }}` is the right way.
    """
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    blank = _MACRO.sub(lambda m: " " * len(m.group()), text)
    # A sentence wrapped onto the next line is still one sentence; a table row, list item,
    # heading or blank line starts a new one. Same length, so offsets still map to lines.
    blank = _WRAP.sub(lambda m: " " + m.group()[1:], blank)

    def line_at(offset: int) -> int:
        import bisect

        return bisect.bisect_right(starts, offset)

    problems = []
    for value in values.values():
        for pattern in value.claims:
            for match in pattern.finditer(blank):
                stated = match.group(1)
                if not _agrees(stated, value):
                    problems.append(
                        Problem(
                            path,
                            line_at(match.start(1)),
                            f"states '{stated}' for {value.id} ({value.meaning.rstrip('.')}), "
                            f"but {SHARED_FILE} says '{value.text}'; write "
                            f'{{{{ shared("{value.id}") }}}} instead',
                        )
                    )
        for pattern, reason in value.wrong:
            for match in pattern.finditer(blank):
                problems.append(
                    Problem(
                        path,
                        line_at(match.start()),
                        f"'{match.group()}' contradicts {value.id} in {SHARED_FILE}: {reason}",
                    )
                )
    return problems
