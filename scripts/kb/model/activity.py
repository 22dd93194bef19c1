"""The activity log (`docs/devops/activity-log.md`): one H2 entry per change, newest last.

Grammar of an entry (fields in this order; Files and Commands are nested lists):

    ## 2026-11-24 — Title of the change

    - **Area:** foundation
    - **Owner:** @platform-team
    - **Files:**
        - `Makefile`
    - **Commands:**
        - `make test` — 42 passed
    - **Outcome:** what is true now
    - **Next steps:** what is left

`append_entry()` renders a new entry, re-parses the whole log with it, and replaces the file
atomically under an exclusive lock, so two writers cannot lose each other's entries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from kb.escape import code_span_text, md_code_span, md_inline, unescape
from kb.model._errors import DataError, Problem
from kb.model._io import locked, write_atomic
from kb.model.repo import Repository

LOG_FILE = "docs/devops/activity-log.md"
FIELDS = ("Area", "Owner", "Files", "Commands", "Outcome", "Next steps")
LIST_FIELDS = {"Files", "Commands"}

_ENTRY = re.compile(r"^## (?P<date>\S+) — (?P<title>.+?)\s*$")
_FIELD = re.compile(r"^- \*\*(?P<name>[A-Za-z ]+):\*\*(?: (?P<value>.*?))?\s*$")
_ITEM = re.compile(r"^    - (?P<value>.+?)\s*$")
_AREA = re.compile(r"^[a-z][a-z0-9-]*$")
_OWNER = re.compile(r"^@[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Entry:
    """One log entry."""

    date: dt.date
    title: str
    area: str
    owner: str
    files: tuple[str, ...]
    commands: tuple[str, ...]
    outcome: str
    next_steps: str
    line: int = 0


def _item(item: str) -> str:
    """A Files or Commands item: the text of a lone code span, else the item as written."""
    if re.fullmatch(r"(`+)(?!`).*?(?<!`)\1", item, re.DOTALL):
        return code_span_text(item)
    return item


def parse_log(text: str, path: str = LOG_FILE) -> tuple[list[Entry], list[Problem]]:
    """Parse the log; returns the valid entries and a problem for every malformed line."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        entry, found = _parse_entry(lines, start, end, path)
        problems.extend(found)
        if entry:
            if entries and entry.date < entries[-1].date:
                problems.append(
                    Problem(
                        path,
                        start + 1,
                        f"entry dated {entry.date} comes after one dated "
                        f"{entries[-1].date}: the log is oldest first, newest last",
                    )
                )
            entries.append(entry)
    return entries, problems


def _parse_entry(
    lines: list[str], start: int, end: int, path: str
) -> tuple[Entry | None, list[Problem]]:
    head = _ENTRY.match(lines[start])
    if not head:
        return None, [Problem(path, start + 1, "entry heading must be '## YYYY-MM-DD — title'")]
    try:
        date = dt.date.fromisoformat(head["date"])
    except ValueError:
        return None, [
            Problem(path, start + 1, f"'{head['date']}' is not a date in YYYY-MM-DD form")
        ]
    values: dict[str, object] = {}
    current: str | None = None
    for index in range(start + 1, end):
        line, lineno = lines[index], index + 1
        if not line.strip():
            continue
        field = _FIELD.match(line)
        item = _ITEM.match(line)
        if field:
            name = field["name"]
            if name not in FIELDS:
                return None, [
                    Problem(
                        path, lineno, f"unknown field '{name}'; fields are " + ", ".join(FIELDS)
                    )
                ]
            expected = FIELDS[len(values)] if len(values) < len(FIELDS) else None
            if name != expected:
                return None, [
                    Problem(
                        path,
                        lineno,
                        f"field '{name}' out of order; expected '{expected}'"
                        if expected
                        else f"field '{name}' repeated",
                    )
                ]
            if name in LIST_FIELDS:
                if field["value"]:
                    return None, [
                        Problem(
                            path,
                            lineno,
                            f"'{name}' takes a nested list, one item per line indented four spaces",
                        )
                    ]
                values[name] = []
            else:
                if not field["value"]:
                    return None, [Problem(path, lineno, f"'{name}' is empty")]
                values[name] = field["value"]
            current = name
        elif item and current in LIST_FIELDS:
            values[current].append(_item(item["value"]))  # type: ignore[union-attr]
        else:
            return None, [
                Problem(
                    path,
                    lineno,
                    "unexpected line in an entry; each line is a "
                    "'- **Field:** value' or a nested '    - item'",
                )
            ]
    missing = [name for name in FIELDS if name not in values]
    if missing:
        return None, [Problem(path, start + 1, f"entry is missing {', '.join(missing)}")]
    if not _AREA.match(str(values["Area"])):
        return None, [
            Problem(
                path, start + 1, f"area '{values['Area']}' must be lowercase words joined by dashes"
            )
        ]
    if not _OWNER.match(str(values["Owner"])):
        return None, [Problem(path, start + 1, f"owner '{values['Owner']}' is not a team handle")]
    return Entry(
        date=date,
        title=unescape(head["title"]),
        area=str(values["Area"]),
        owner=str(values["Owner"]),
        files=tuple(values["Files"]),  # type: ignore[arg-type]
        commands=tuple(values["Commands"]),  # type: ignore[arg-type]
        outcome=unescape(str(values["Outcome"])),
        next_steps=unescape(str(values["Next steps"])),
        line=start + 1,
    ), []


def format_entry(entry: Entry) -> str:
    """The Markdown of one entry, in the log's grammar (commands may carry ' — result')."""
    # Every field came from a command line or the network: titles, outcomes and results are
    # Markdown-escaped, files and commands are code spans no backtick can close early.
    out = [f"## {entry.date.isoformat()} — {md_inline(entry.title)}", ""]
    out.append(f"- **Area:** {entry.area}")
    out.append(f"- **Owner:** {entry.owner}")
    out.append("- **Files:**")
    out.extend(f"    - {md_code_span(f)}" for f in entry.files or ("(none)",))
    out.append("- **Commands:**")
    for command in entry.commands or ("(none)",):
        cmd, sep, result = command.partition(" => ")
        out.append(f"    - {md_code_span(cmd)}" + (f" — {md_inline(result)}" if sep else ""))
    out.append(f"- **Outcome:** {md_inline(entry.outcome)}")
    out.append(f"- **Next steps:** {md_inline(entry.next_steps)}")
    return "\n".join(out) + "\n"


def append_entry(repo: Repository, entry: Entry) -> Entry:
    """Validate `entry` against the log's grammar and append it atomically. Raises DataError."""
    path = Path(repo.root, LOG_FILE)
    with locked(path):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if not text:
            raise DataError(Problem(LOG_FILE, 1, "activity log not found"))
        new = text.rstrip("\n") + "\n\n" + format_entry(entry)
        entries, problems = parse_log(new, LOG_FILE)
        if problems:
            raise DataError(problems)
        write_atomic(path, new)
    repo._memo.pop("activity", None)
    return entries[-1]


def load_log(repo: Repository) -> tuple[list[Entry], list[Problem]]:
    """The log's entries and problems, parsed once per repository."""

    def _load() -> tuple[list[Entry], list[Problem]]:
        path = Path(repo.root, LOG_FILE)
        if not path.is_file():
            return [], [Problem(LOG_FILE, 1, "activity log not found")]
        return parse_log(path.read_text(encoding="utf-8"), LOG_FILE)

    return repo.memo("activity", _load)
