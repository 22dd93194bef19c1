"""YAML loading that remembers where each key and list item came from.

`load(text, path)` returns plain dicts and lists whose subclasses carry `.lines` (key or index →
1-based line), so validation errors can point at `path:line` instead of the whole file.
"""

from __future__ import annotations

from typing import Any

import yaml

from kb.model._errors import DataError, Problem


class LineDict(dict):
    """A dict that also knows the line of each key (`.lines[key]`) and its own (`.line`)."""

    lines: dict[Any, int]
    line: int


class LineList(list):
    """A list that also knows the line of each item (`.lines[i]`) and its own (`.line`)."""

    lines: list[int]
    line: int


# libyaml's parser when PyYAML was built with it (several times faster on every page's front
# matter); the constructors below are the safe ones either way.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that builds LineDict/LineList; it never constructs arbitrary objects."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(item, deep=True) for item in node.value)
    result.lines = [item.start_mark.line + 1 for item in node.value]
    result.line = node.start_mark.line + 1
    return result


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Keep dates as text: PyYAML raises a bare ValueError for 2026-13-40, and the models give a
    # better message (and a line) when they parse the date themselves.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse `text` (from `path`, starting `line_offset` lines into the file).

    Raises DataError with the line of the first syntax error.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = exc.problem or exc.context or "invalid YAML"
        raise DataError(Problem(path, line, f"invalid YAML: {reason}")) from None
    except yaml.YAMLError as exc:
        raise DataError(Problem(path, 1 + line_offset, f"invalid YAML: {exc}")) from None


def line_of(data: Any, loc: tuple[Any, ...], default: int = 1) -> int:
    """The line of the deepest element of `loc` found in `data` (pydantic error locations)."""
    line = getattr(data, "line", default)
    node = data
    for key in loc:
        lines = getattr(node, "lines", None)
        if isinstance(node, dict) and key in node:
            line = lines.get(key, line) if lines else line
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            line = lines[key] if lines else line
            node = node[key]
        else:
            break
    return line
