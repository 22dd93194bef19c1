"""YAML loading that remembers where each key and list item came from.

`load(text, path)` returns plain dicts and lists whose subclasses carry `.lines` (key or index →
1-based line), so validation errors can point at `path:line` instead of the whole file.

Every document is bounded before anything is built from it: nesting deeper than `MAX_DEPTH`
levels, aliases that would expand to more than `MAX_NODES` nodes (a "billion laughs" bomb) and
recursive aliases are refused with one `path:line: message` naming the limit. Keys must be
scalars: a mapping or list used as a key (what an unquoted `title: {{ 7*7 }}` parses to) is
refused the same way, never a TypeError.
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

#: Deepest nesting accepted (Exa's OpenAPI spec, the deepest file read, nests 18 levels).
MAX_DEPTH = 64
#: Most nodes a document may hold once every alias is expanded (the Exa spec holds under 3,000).
MAX_NODES = 100_000


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that builds LineDict/LineList; it never constructs arbitrary objects."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key must be plain text, not a mapping or list "
                "(quote a value that starts with '{' or '[')",
                key_node.start_mark,
            )
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


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _bound(root: yaml.Node, path: str, line_offset: int) -> None:
    """Refuse a node graph that is too deep, expands too far through aliases, or is recursive.

    Iterative, with sizes and heights memoised per node, so a bomb costs its compact size.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]

    def refuse(node: yaml.Node, message: str) -> None:
        raise DataError(Problem(path, node.start_mark.line + 1 + line_offset, message))

    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            height[key] = 1 + max((height[id(k)] for k in kids), default=0)
            visiting.discard(key)
            if height[key] > MAX_DEPTH:
                refuse(node, f"YAML nested deeper than {MAX_DEPTH} levels; refused")
            if size[key] > MAX_NODES:
                refuse(
                    node,
                    f"YAML aliases expand to more than {MAX_NODES} nodes (an alias bomb?); refused",
                )
            continue
        if key in size:
            continue
        if key in visiting:
            refuse(node, "recursive YAML alias; refused")
        visiting.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


def load(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse `text` (from `path`, starting `line_offset` lines into the file).

    Raises DataError with the line of the first syntax error, or of the node that breaks a limit
    (`MAX_DEPTH`, `MAX_NODES`, recursive aliases, non-scalar keys).
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _bound(node, path, line_offset)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise DataError(
            Problem(path, 1 + line_offset, f"YAML nested deeper than {MAX_DEPTH} levels; refused")
        ) from None
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


# -- writing ---------------------------------------------------------------------------------


class Dumper(yaml.SafeDumper):
    """The one YAML writer: safe types only, sequences indented under their key (yamllint)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def dump(data: Any, header: str = "", width: int = 100) -> str:
    """Deterministic block YAML for `data` (keys in insertion order), after `#` lines of `header`.

    Every YAML file the tools write goes through here, so quoting is PyYAML's, never a format
    string: `Runbook #2`, `Deploy: the hard way` and `{{ x }}` all read back as written.
    """
    body = yaml.dump(
        data,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=width,
        default_flow_style=False,
    )
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comments + body


def scalar(value: Any) -> str:
    """`value` as one YAML flow scalar (quoted when needed), for a `key: {value}` template line."""
    text = yaml.dump(value, Dumper=Dumper, allow_unicode=True, width=10**9, default_flow_style=True)
    return text.removesuffix("\n...\n").rstrip("\n")
