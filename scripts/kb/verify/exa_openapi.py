"""An OpenAPI 3.1 document for the Exa API, rebuilt from the committed mirror under docs/exa/.

Exa publishes its spec without a licence, so the repository keeps only the facts `kb mirror`
extracted from it (docs/exa/mirror.yaml and docs/exa/schemas/*.yaml: each field's path, type,
required, enum, default, nullable, constraints, free_form, recursive, deprecated). The fake
(`FakeExa(validate_requests=True)`) and its tests need a machine-readable contract to validate
requests and responses against; this module turns those facts back into one, so the suite stands
on the repository alone. Descriptions are not reconstructed: the mirror holds only their hashes.

What the facts cannot say is filled in the loosest way that keeps every mirrored fact:

- an object that is not `free_form` is left open (the mirror does not record
  `additionalProperties: false`, so the rebuilt document never forbids unknown keys);
- the response of an operation that declares a single status is filed under `2XX` (the mirror
  drops the status code when there is only one);
- a `recursive: Name` field refers back to its nearest enclosing object, which becomes the
  component `<operation>.<Name>`.

    from kb.verify.exa_openapi import exa_openapi
    spec = exa_openapi()            # openapi_core.OpenAPI, built once per root
    spec.validate_request(...)
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import Any

from kb.model.exa_spec import FieldRecord, Mirror, Operation, read_mirror

ROOT = Path(__file__).resolve().parents[3]
SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})
_ROOT = re.compile(r"^(?P<kind>response|stream)(?:\((?P<media>[^)]+)\))?(?:@(?P<status>[^.]+))?$")


@dataclasses.dataclass
class _Node:
    """One field of the path tree: its record (None for a body root) and its children."""

    record: FieldRecord | None = None
    children: dict[str, _Node] = dataclasses.field(default_factory=dict)  # `x.child`
    items: dict[str, _Node] = dataclasses.field(default_factory=dict)  # `x[].child`
    #: Component names for this object, and for the object its array items are, when a
    #: recursive descendant refers back to them.
    component: str | None = None
    item_component: str | None = None


def split_types(declared: str) -> list[str]:
    """`string | array<string | object>` -> [`string`, `array<string | object>`]."""
    parts, depth, current = [], 0, ""
    for char in declared:
        depth += {"<": 1, ">": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _insert(root: _Node, path: str, record: FieldRecord) -> None:
    """Place `record` at `path` (`results[].entities[].type`) below `root`."""
    container = root.children
    segments = path.split(".")
    for i, raw in enumerate(segments):
        node = container.setdefault(raw.removesuffix("[]"), _Node())
        if i == len(segments) - 1:
            node.record = record
        container = node.items if raw.endswith("[]") else node.children


class _Builder:
    """Turns one operation's field tree into JSON Schema (OpenAPI 3.1 dialect)."""

    def __init__(self, op: Operation, components: dict[str, Any]):
        self.op = op
        self.components = components

    def ref(self, name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self.op.name}.{name}"}

    def mark_recursion(self, node: _Node, enclosing: tuple[_Node, str] | None) -> None:
        """Name the nearest enclosing object of every `recursive` field as a component."""
        record = node.record
        if record is not None and record.recursive:
            if enclosing is None:
                raise ValueError(f"{self.op.name}:{record.path}: recursive outside any object")
            target, kind = enclosing
            setattr(target, kind, f"{self.op.name}.{record.recursive}")
        for child in node.children.values():
            self.mark_recursion(child, (node, "component"))
        for child in node.items.values():
            self.mark_recursion(child, (node, "item_component"))

    def object_schema(self, props: dict[str, _Node], free_form: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object"}
        if props:
            schema["properties"] = {name: self.field_schema(n) for name, n in props.items()}
            required = [n for n, c in props.items() if c.record is not None and c.record.required]
            if required:
                schema["required"] = required
        if free_form:
            schema["additionalProperties"] = True
        return schema

    def field_schema(self, node: _Node) -> dict[str, Any]:
        record = node.record
        if record is None:  # a body root: an object of its children
            return self._named(node.component, self.object_schema(node.children, False))
        enum = list(record.enum) if record.enum is not None else None
        constraints = {k: v for k, v in record.constraints.items() if not k.startswith("items.")}
        item_constraints = {
            k.removeprefix("items."): v
            for k, v in record.constraints.items()
            if k.startswith("items.")
        }
        alternatives: list[dict[str, Any]] = []
        for declared in split_types(record.type):
            if declared == "any":
                alternatives.append({})
            elif declared.startswith("array<"):
                inner = split_types(declared[len("array<") : -1])
                if record.recursive and not node.items:
                    items = self.ref(record.recursive)
                else:
                    items = self._items_schema(node, inner, enum, item_constraints)
                    items = self._named(node.item_component, items)
                alternatives.append({"type": "array", "items": items})
            elif declared == "object":
                if record.recursive and not node.children:
                    alternatives.append(self.ref(record.recursive))
                else:
                    obj = self.object_schema(node.children, record.free_form)
                    alternatives.append(self._named(node.component, obj))
            else:
                alternatives.append(_scalar(declared, enum))
        if record.nullable:
            alternatives.append({"type": "null"})
        schema = _combine(alternatives)
        schema.update(constraints)
        if record.has_default:
            schema["default"] = record.default
        if record.deprecated:
            schema["deprecated"] = True
        return schema

    def _items_schema(self, node, inner, enum, constraints) -> dict[str, Any]:
        alternatives = []
        for declared in inner or ["any"]:
            if declared == "object":
                alternatives.append(self.object_schema(node.items, False))
            elif declared == "any":
                alternatives.append({})
            else:
                alternatives.append(_scalar(declared, enum))
        schema = _combine(alternatives)
        schema.update(constraints)
        return schema

    def _named(self, component: str | None, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` itself, or a $ref to it filed as `component` when something recurses into it."""
        if component is None:
            return schema
        self.components[component] = schema
        return {"$ref": f"#/components/schemas/{component}"}


def _scalar(declared: str, enum: list[Any] | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": declared}
    if enum is not None:
        schema["enum"] = list(enum)
    return schema


def _combine(alternatives: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema for alternatives: bare types merge into a type list, the rest into anyOf."""
    if len(alternatives) == 1:
        return dict(alternatives[0])
    if all(set(a) == {"type"} for a in alternatives):
        return {"type": [a["type"] for a in alternatives]}
    if all(set(a) <= {"type", "enum"} and a.get("type") in SCALARS for a in alternatives):
        merged: dict[str, Any] = {"type": [a["type"] for a in alternatives]}
        values = [v for a in alternatives for v in a.get("enum", [])]
        if any("enum" in a for a in alternatives):
            merged["enum"] = values + ([None] if "null" in merged["type"] else [])
        return merged
    return {"anyOf": alternatives}


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation object for one mirrored operation."""
    request, parameters = _Node(), _Node()  # parameters: one child per `location.name`
    responses: dict[tuple[str, str], _Node] = {}
    for record in op.fields:
        if record.section == "parameters":
            _insert(parameters, record.path, record)
        elif record.section == "response":
            head, _, rest = record.path.partition(".")
            match = _ROOT.match(head)
            if match is None:
                raise ValueError(f"{op.name}:{record.path}: unknown response prefix {head!r}")
            media = match["media"] or (
                "text/event-stream" if match["kind"] == "stream" else "application/json"
            )
            holder = responses.setdefault((match["status"] or "2XX", media), _Node())
            if rest:
                _insert(holder, rest, record)
            else:
                holder.record = record
        else:
            _insert(request, record.path, record)
    builder = _Builder(op, components)
    for root in [request, *parameters.children.values(), *responses.values()]:
        builder.mark_recursion(root, None)
    operation: dict[str, Any] = {"operationId": op.operation_id or op.name}
    if op.deprecated:
        operation["deprecated"] = True
    operation["security"] = [{name: [] for name in req} for req in op.security]
    params = [
        {
            "name": name,
            "in": location,
            "required": location == "path" or bool(node.record and node.record.required),
            "schema": builder.field_schema(node),
        }
        for location, holder in parameters.children.items()
        for name, node in holder.children.items()
    ]
    if params:
        operation["parameters"] = params
    if request.children:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": builder.field_schema(request)}},
        }
    by_status: dict[str, dict[str, Any]] = {}
    for (status, media), node in responses.items():
        content = by_status.setdefault(status, {"description": status, "content": {}})
        content["content"][media] = {"schema": builder.field_schema(node)}
    operation["responses"] = by_status or {"2XX": {"description": "2XX"}}
    return operation


def build_document(mirror: Mirror) -> dict[str, Any]:
    """The OpenAPI 3.1 document (a plain dict) the mirror's facts describe.

    Raises ValueError when a field path cannot be placed (a mirror `kb mirror` did not write).
    """
    components: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for op in mirror.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, components)
    schemes = {}
    for scheme in mirror.security_schemes:
        body: dict[str, Any] = {"type": scheme.type}
        if scheme.location:
            body["in"] = scheme.location
        if scheme.parameter:
            body["name"] = scheme.parameter
        if scheme.scheme:
            body["scheme"] = scheme.scheme
        if scheme.bearer_format:
            body["bearerFormat"] = scheme.bearer_format
        schemes[scheme.name] = body
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{mirror.source.spec_title} (rebuilt from the docs/exa mirror)",
            "version": mirror.source.spec_version,
        },
        "servers": [{"url": url} for url in mirror.servers],
        "security": [{name: [] for name in req} for req in mirror.security],
        "paths": paths,
        "components": {"securitySchemes": schemes, "schemas": components},
    }


def mirror_document(root: Path = ROOT) -> dict[str, Any]:
    """`build_document` for the mirror committed under `root`."""
    mirror = read_mirror(root)
    if mirror is None:
        raise FileNotFoundError(f"{root / 'docs/exa/mirror.yaml'}: no Exa mirror; run `kb mirror`")
    return build_document(mirror)


@functools.cache
def exa_openapi(root: Path = ROOT):
    """The rebuilt document loaded with openapi-core (which validates it as OpenAPI 3.1)."""
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(mirror_document(root))
