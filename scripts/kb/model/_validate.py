"""Pydantic validation that reports `path:line: message` problems instead of raising."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kb.model._errors import Problem
from kb.model._yaml import line_of

M = TypeVar("M", bound=BaseModel)


def _where(loc: tuple[Any, ...]) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else str(p) for p in loc]
    return ".".join(parts).replace(".[", "[")


def _message(error: dict[str, Any]) -> str:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    where = _where(loc)
    kind = error["type"]
    if kind == "missing":
        return f"missing required key '{where}'"
    if kind == "extra_forbidden":
        return f"unknown key '{where}'"
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in {"literal_error", "enum"}:
        return f"'{where}' {msg[0].lower()}{msg[1:]}, got {error.get('input')!r}"
    return f"'{where}': {msg[0].lower()}{msg[1:]}" if where else msg


def validate(
    model: type[M], data: Any, path: str, line_offset: int = 0
) -> tuple[M | None, list[Problem]]:
    """Validate `data` as `model`; return (instance or None, problems sorted by line)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error["loc"]
            if not loc and isinstance(data, dict) and getattr(data, "lines", None):
                # A rule about the whole record (e.g. "a runbook needs 'alert'"): point at the
                # key that decides which rules apply, when there is one.
                line = data.lines.get("kind", getattr(data, "line", 1))
            else:
                line = line_of(data, loc if error["type"] != "missing" else loc[:-1])
            problems.append(Problem(path, line + line_offset, _message(error)))
        return None, sorted(set(problems))
