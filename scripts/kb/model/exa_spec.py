"""The Exa API mirror: flattening an OpenAPI 3.x document into per-operation field records.

`kb mirror` builds a `Mirror` from Exa's spec with `flatten_spec()` and writes it as YAML under
`docs/exa/schemas/` (one file per operation) plus the index `docs/exa/mirror.yaml`; the macros and
`kb mirror --check` read it back with `load_mirror()`. Exa publishes the spec without a licence,
so a field record keeps facts only (name, type, required, enum, default, constraints) and the
sha256 of Exa's description; the text readers see comes from `docs/exa/explanations.yaml`, written
by us and keyed `<operation>:<field path>`, loaded by `load_explanations()`.

Field paths: request-body fields are bare (`contents.text.maxCharacters`), array items add `[]`
(`includeSections[]` is never emitted: arrays of scalars carry their item facts), parameters are
`query.<name>` / `path.<name>` / `header.<name>`, JSON response fields start `response.`
(`response.results[].title`) and server-sent-event fields `stream.`; when an operation declares
more than one response status, the prefix names it (`response@201.id`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model.repo import Repository

MIRROR_INDEX = "docs/exa/mirror.yaml"
SCHEMAS_DIR = "docs/exa/schemas"
EXPLANATIONS = "docs/exa/explanations.yaml"
#: Exa names this address as the source of truth for request and response schemas
#: (https://exa.ai/pricing.md); the GitHub repository exa-labs/openapi-spec is a synced copy.
CANONICAL_SPEC_URL = "https://exa.ai/docs/exa-spec.yaml"

CONSTRAINT_KEYS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def operation_name(operation_id: str | None, method: str, path: str) -> str:
    """The kebab-case file stem of an operation: from its operationId, else method and path.

    An operationId with no letters or digits (`___`) falls back to method and path, so a stem is
    never empty (an empty one would write a hidden `.yaml` in place of a real operation file).
    """

    def kebab(raw: str) -> str:
        raw = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", raw)
        raw = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", raw)
        return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")

    return kebab(operation_id or "") or kebab(f"{method} {path}") or "operation"


# -- records ---------------------------------------------------------------------------------


@dataclasses.dataclass
class FieldRecord:
    """One flattened field: facts from the spec, never its prose."""

    path: str
    type: str
    required: bool = False
    nullable: bool = False
    deprecated: bool = False
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    constraints: dict[str, Any] = dataclasses.field(default_factory=dict)
    free_form: bool = False  # an object that accepts keys the spec does not list
    recursive: str | None = None  # the schema this field repeats; its fields are listed once above
    description_sha256: str | None = None
    #: `request` (body), `parameters` or `response` (JSON and event-stream responses alike).
    section: str = "request"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "in": self.section, "type": self.type}
        data["required"] = self.required
        if self.nullable:
            data["nullable"] = True
        if self.deprecated:
            data["deprecated"] = True
        if self.enum is not None:
            data["enum"] = list(self.enum)
        if self.has_default:
            data["default"] = self.default
        if self.constraints:
            data["constraints"] = dict(self.constraints)
        if self.free_form:
            data["free_form"] = True
        if self.recursive:
            data["recursive"] = self.recursive
        data["description_sha256"] = self.description_sha256
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FieldRecord:
        return cls(
            path=str(data["path"]),
            type=str(data["type"]),
            required=bool(data.get("required", False)),
            nullable=bool(data.get("nullable", False)),
            deprecated=bool(data.get("deprecated", False)),
            enum=list(data["enum"]) if data.get("enum") is not None else None,
            default=data.get("default"),
            has_default="default" in data,
            constraints=dict(data.get("constraints") or {}),
            free_form=bool(data.get("free_form", False)),
            recursive=data.get("recursive"),
            description_sha256=data.get("description_sha256"),
            section=str(data.get("in", "request")),
        )


@dataclasses.dataclass
class Operation:
    """One operation of the spec and its fields in spec order."""

    name: str
    operation_id: str | None
    method: str
    path: str
    deprecated: bool
    security: list[list[str]]
    description_sha256: str | None
    fields: list[FieldRecord]

    def field(self, path: str) -> FieldRecord | None:
        return next((f for f in self.fields if f.path == path), None)


@dataclasses.dataclass
class SecurityScheme:
    """A `components.securitySchemes` entry: how a client presents its credentials."""

    name: str
    type: str
    location: str | None  # `in` for apiKey schemes
    parameter: str | None  # header/query/cookie name for apiKey schemes
    scheme: str | None  # http schemes: bearer, basic
    bearer_format: str | None
    description_sha256: str | None

    def to_data(self) -> dict[str, Any]:
        data = {"name": self.name, "type": self.type}
        for key, value in (
            ("in", self.location),
            ("parameter", self.parameter),
            ("scheme", self.scheme),
            ("bearer_format", self.bearer_format),
        ):
            if value is not None:
                data[key] = value
        data["description_sha256"] = self.description_sha256
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SecurityScheme:
        return cls(
            name=data["name"],
            type=data["type"],
            location=data.get("in"),
            parameter=data.get("parameter"),
            scheme=data.get("scheme"),
            bearer_format=data.get("bearer_format"),
            description_sha256=data.get("description_sha256"),
        )


@dataclasses.dataclass
class Source:
    """Where the mirrored bytes came from and what they were."""

    mirrors: str  # the canonical address the mirror stands for
    read_from: str  # the URL or file actually read
    retrieved: str  # YYYY-MM-DD the current content was first read
    openapi: str
    spec_title: str
    spec_version: str
    spec_sha256: str

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Mirror:
    """Everything `kb mirror` writes: the source, the operations and the security schemes."""

    source: Source
    servers: list[str]
    security: list[list[str]]
    security_schemes: list[SecurityScheme]
    operations: list[Operation]
    last_change: dict[str, Any] = dataclasses.field(default_factory=dict)

    def operation(self, name: str) -> Operation | None:
        return next((op for op in self.operations if op.name == name), None)


# -- flattening ------------------------------------------------------------------------------


class _Flattener:
    """Walks schemas depth-first, resolving $ref and merging allOf/oneOf/anyOf."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec

    def deref(self, schema: Any) -> tuple[dict[str, Any], str | None]:
        """The schema behind a `$ref` (followed transitively) and the last component name."""
        name = None
        seen: set[str] = set()
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                raise ValueError(f"unresolvable $ref {ref!r}")
            seen.add(ref)
            node: Any = self.spec
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    raise ValueError(f"$ref {ref!r} points at nothing")
                node = node[part]
            name = ref.rsplit("/", 1)[-1]
            schema = node
        return (schema if isinstance(schema, dict) else {}), name

    def normalise(self, schemas: list[Any], refs: tuple[str, ...]) -> _Node:
        """Merge `schemas` (alternatives of one field) into one node."""
        node = _Node()
        for raw in schemas:
            self._merge_alternative(node, raw, refs)
        return node

    def _merge_alternative(self, node: _Node, raw: Any, refs: tuple[str, ...]) -> None:
        schema, name = self.deref(raw)
        if name and name in refs:
            node.recursive = node.recursive or name
            node.add_types(_types_of(schema) or ["object"])
            return
        if name:
            refs = (*refs, name)
        part = _Node()
        self._collect(part, schema, refs)
        node.absorb(part)

    def _collect(self, node: _Node, schema: dict[str, Any], refs: tuple[str, ...]) -> None:
        """Gather one alternative: its own keywords plus everything in allOf."""
        if isinstance(schema.get("description"), str):
            node.descriptions.append(schema["description"])
        node.add_types(_types_of(schema))
        if schema.get("nullable") is True:
            node.nullable = True
        if schema.get("deprecated") is True:
            node.deprecated = True
        if "enum" in schema and isinstance(schema["enum"], list):
            for value in schema["enum"]:
                if value is None:
                    node.nullable = True
                elif value not in node.enum:
                    node.enum.append(value)
            node.has_enum = True
        if "const" in schema:
            node.has_enum = True
            if schema["const"] not in node.enum:
                node.enum.append(schema["const"])
        if "default" in schema:
            node.default, node.has_default = schema["default"], True
        for key in CONSTRAINT_KEYS:
            if key in schema:
                node.constraints[key] = schema[key]
        extra = schema.get("additionalProperties")
        if extra is True or isinstance(extra, dict):
            node.free_form = True
        for name, prop in (schema.get("properties") or {}).items():
            node.properties.setdefault(name, []).append((prop, refs))
        for name in schema.get("required") or []:
            node.required.add(name)
        if "items" in schema:
            node.items.append((schema["items"], refs))
        for part in schema.get("allOf") or []:
            sub, name = self.deref(part)
            if name and name in refs:
                node.recursive = node.recursive or name
                continue
            self._collect(node, sub, (*refs, name) if name else refs)
        alternatives = (schema.get("oneOf") or []) + (schema.get("anyOf") or [])
        if alternatives:
            union = _Node()
            for alt in alternatives:
                self._merge_alternative(union, alt, refs)
            node.absorb(union)

    def fields(self, node: _Node, path: str, required: bool, out: list[FieldRecord]) -> None:
        """Append the record for `node` at `path` and then its children."""
        if path:
            out.append(node.record(path, required))
        if node.recursive and not node.properties and not node.items:
            return
        prefix = f"{path}." if path else ""
        for name, alternatives in node.properties.items():
            child = _Node()
            for raw, refs in alternatives:
                self._merge_alternative(child, raw, refs)
            self.fields(child, f"{prefix}{name}", node.child_required(name), out)
        if node.items:
            items = _Node()
            for raw, refs in node.items:
                self._merge_alternative(items, raw, refs)
            if items.properties:
                sink: list[FieldRecord] = []
                self.fields(items, "", False, sink)
                for rec in sink:
                    rec.path = f"{path}[].{rec.path}" if path else f"[].{rec.path}"
                out.extend(sink)
            elif items.recursive and path:
                out[-1].recursive = items.recursive


def _types_of(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    if "properties" in schema:
        return ["object"]
    return []


class _Node:
    """Accumulated facts about one field while its alternatives are merged."""

    def __init__(self) -> None:
        self.types: list[str] = []
        self.nullable = False
        self.deprecated = False
        self.deprecated_votes: list[bool] = []
        self.enum: list[Any] = []
        self.has_enum = False
        self.default: Any = None
        self.has_default = False
        self.constraints: dict[str, Any] = {}
        self.free_form = False
        self.properties: dict[str, list[tuple[Any, tuple[str, ...]]]] = {}
        self.required: set[str] = set()
        # Per property, whether each alternative that declares it also requires it.
        self.required_votes: dict[str, list[bool]] = {}
        self.items: list[tuple[Any, tuple[str, ...]]] = []
        self.descriptions: list[str] = []
        self.recursive: str | None = None

    def add_types(self, types: Iterable[str]) -> None:
        for t in types:
            if t == "null":
                self.nullable = True
            elif t not in self.types:
                self.types.append(t)

    def absorb(self, other: _Node) -> None:
        """Merge an alternative: types and enum values unite, a property is required only
        when every alternative declaring it requires it."""
        self.add_types(other.types)
        self.nullable = self.nullable or other.nullable
        self.deprecated_votes.append(other.is_deprecated)
        for value in other.enum:
            if value not in self.enum:
                self.enum.append(value)
        self.has_enum = self.has_enum or other.has_enum
        if other.has_default and not self.has_default:
            self.default, self.has_default = other.default, True
        for key, value in other.constraints.items():
            self.constraints.setdefault(key, value)
        self.free_form = self.free_form or other.free_form
        for name, alts in other.properties.items():
            self.properties.setdefault(name, []).extend(alts)
            votes = other.required_votes.get(name)
            vote = name in other.required or (bool(votes) and all(votes))
            self.required_votes.setdefault(name, []).append(vote)
        self.items.extend(other.items)
        self.descriptions.extend(d for d in other.descriptions if d not in self.descriptions)
        self.recursive = self.recursive or other.recursive

    def child_required(self, name: str) -> bool:
        votes = self.required_votes.get(name)
        return all(votes) if votes else name in self.required

    @property
    def is_deprecated(self) -> bool:
        return self.deprecated or (bool(self.deprecated_votes) and all(self.deprecated_votes))

    def record(self, path: str, required: bool) -> FieldRecord:
        types = list(self.types)
        constraints = dict(self.constraints)
        enum = list(self.enum) if self.has_enum else None
        if "array" in types:
            item_types: list[str] = []
            for raw, _refs in self.items:
                if not isinstance(raw, dict):
                    continue
                for alt in [raw, *(raw.get("oneOf") or []), *(raw.get("anyOf") or [])]:
                    for t in _types_of(alt) or (["object"] if "$ref" in alt else []):
                        if t not in item_types and t != "null":
                            item_types.append(t)
                # Arrays of scalars get no `[]` child: their item facts live on the array.
                for key in CONSTRAINT_KEYS:
                    if key in raw:
                        constraints[f"items.{key}"] = raw[key]
                if isinstance(raw.get("enum"), list):
                    enum = list(raw["enum"])
            inner = " | ".join(item_types) or "any"
            types = [f"array<{inner}>" if t == "array" else t for t in types]
        return FieldRecord(
            path=path,
            type=" | ".join(types) or "any",
            required=required,
            nullable=self.nullable,
            deprecated=self.is_deprecated,
            enum=enum,
            default=self.default,
            has_default=self.has_default,
            constraints=constraints,
            free_form=self.free_form and not self.properties,
            recursive=self.recursive,
            description_sha256=sha256_text("\n---\n".join(self.descriptions))
            if self.descriptions
            else None,
        )


def flatten_spec(spec: dict[str, Any], source: Source) -> Mirror:
    """Flatten a parsed, already validated OpenAPI 3.x document.

    Raises ValueError for a `$ref` that points at nothing.
    """
    flat = _Flattener(spec)
    components = spec.get("components") or {}
    schemes = [
        SecurityScheme(
            name=name,
            type=str(body.get("type", "")),
            location=body.get("in"),
            parameter=body.get("name"),
            scheme=body.get("scheme"),
            bearer_format=body.get("bearerFormat"),
            description_sha256=sha256_text(body["description"])
            if isinstance(body.get("description"), str)
            else None,
        )
        for name, raw in (components.get("securitySchemes") or {}).items()
        for body in [flat.deref(raw)[0]]
    ]
    global_security = _security(spec.get("security"))
    operations: list[Operation] = []
    for url_path, item in (spec.get("paths") or {}).items():
        item, _ = flat.deref(item)
        shared_params = item.get("parameters") or []
        for method in _HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            name = operation_name(op.get("operationId"), method, url_path)
            fields: list[FieldRecord] = []
            params = {}
            for raw in [*shared_params, *(op.get("parameters") or [])]:
                param, _ = flat.deref(raw)
                params[(param.get("in"), param.get("name"))] = param
            for (location, pname), param in params.items():
                node = flat.normalise([param.get("schema") or {}], ())
                if isinstance(param.get("description"), str):
                    node.descriptions.insert(0, param["description"])
                if param.get("deprecated") is True:
                    node.deprecated = True
                start = len(fields)
                flat.fields(node, f"{location}.{pname}", bool(param.get("required")), fields)
                _mark(fields, start, "parameters")
            body, _ = flat.deref(op.get("requestBody") or {})
            for media, content in sorted((body.get("content") or {}).items(), key=_media_order):
                prefix = "" if media == "application/json" else f"body({media})"
                node = flat.normalise([content.get("schema") or {}], ())
                _emit_root(flat, node, prefix, fields)
            statuses = sorted((op.get("responses") or {}).keys(), key=str)
            for status in statuses:
                response, _ = flat.deref(op["responses"][status])
                for media, content in sorted(
                    (response.get("content") or {}).items(), key=_media_order
                ):
                    base = {"application/json": "response", "text/event-stream": "stream"}.get(
                        media, f"response({media})"
                    )
                    if len(statuses) > 1:
                        base = f"{base}@{status}"
                    node = flat.normalise([content.get("schema") or {}], ())
                    start = len(fields)
                    _emit_root(flat, node, base, fields)
                    _mark(fields, start, "response")
            operations.append(
                Operation(
                    name=name,
                    operation_id=op.get("operationId"),
                    method=method.upper(),
                    path=url_path,
                    deprecated=op.get("deprecated") is True,
                    security=_security(op["security"]) if "security" in op else global_security,
                    description_sha256=sha256_text(op["description"])
                    if isinstance(op.get("description"), str)
                    else None,
                    fields=_dedupe(fields),
                )
            )
    names = [op.name for op in operations]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise ValueError(f"two operations map to the same name {clash[0]!r}")
    return Mirror(
        source=source,
        servers=[str(s.get("url")) for s in spec.get("servers") or [] if isinstance(s, dict)],
        security=global_security,
        security_schemes=schemes,
        operations=operations,
    )


def _emit_root(flat: _Flattener, node: _Node, prefix: str, out: list[FieldRecord]) -> None:
    """Emit a body's fields under `prefix`; a body that is not an object is one field itself."""
    if node.properties:
        sink: list[FieldRecord] = []
        flat.fields(node, "", False, sink)
        for rec in sink:
            rec.path = f"{prefix}.{rec.path}" if prefix else rec.path
        out.extend(sink)
    elif prefix:
        flat.fields(node, prefix, True, out)
    else:
        flat.fields(node, "body", True, out)


def _mark(fields: list[FieldRecord], start: int, section: str) -> None:
    for rec in fields[start:]:
        rec.section = section


def _media_order(item: tuple[str, Any]) -> tuple[int, str]:
    return (0 if item[0] == "application/json" else 1, item[0])


def _security(raw: Any) -> list[list[str]]:
    """Security requirements as alternatives, each a sorted list of scheme names."""
    return [sorted(req.keys()) for req in raw or [] if isinstance(req, dict)]


def _dedupe(fields: list[FieldRecord]) -> list[FieldRecord]:
    seen: dict[str, FieldRecord] = {}
    for rec in fields:
        seen.setdefault(rec.path, rec)
    return list(seen.values())


# -- serialising -----------------------------------------------------------------------------


def dump_yaml(data: Any, header: str) -> str:
    """YAML text for `data`, deterministic, preceded by `#` comment lines from `header`."""
    return _yaml.dump(data, header)


def operation_data(mirror: Mirror, op: Operation) -> dict[str, Any]:
    return {
        "source": mirror.source.to_data(),
        "operation": {
            "name": op.name,
            "operation_id": op.operation_id,
            "method": op.method,
            "path": op.path,
            "deprecated": op.deprecated,
            "security": op.security,
            "description_sha256": op.description_sha256,
        },
        "fields": [f.to_data() for f in op.fields],
    }


def index_data(mirror: Mirror) -> dict[str, Any]:
    return {
        "source": mirror.source.to_data(),
        "servers": mirror.servers,
        "security": mirror.security,
        "security_schemes": [s.to_data() for s in mirror.security_schemes],
        "operations": [
            {
                "name": op.name,
                "method": op.method,
                "path": op.path,
                "file": f"{SCHEMAS_DIR}/{op.name}.yaml",
                "fields": len(op.fields),
            }
            for op in mirror.operations
        ],
        "last_change": mirror.last_change,
    }


INDEX_HEADER = (
    "Index of the Exa API mirror: source, servers, security schemes, operations and the last change.\n"
    "Written by `kb mirror` (do not edit); read by the exa_* macros and `kb mirror --check`."
)
OPERATION_HEADER = (
    "Mirror of one Exa API operation, field facts only: {method} {path}\n"
    "(operation `{name}`).\n"
    "Written by `kb mirror` (do not edit). Exa's descriptions are recorded as sha256 hashes;\n"
    "our explanations live in docs/exa/explanations.yaml."
)


def render_files(mirror: Mirror) -> dict[str, str]:
    """Every file of the mirror as {path relative to the root: text}."""
    files = {MIRROR_INDEX: dump_yaml(index_data(mirror), INDEX_HEADER)}
    for op in mirror.operations:
        header = OPERATION_HEADER.format(name=op.name, method=op.method, path=op.path)
        files[f"{SCHEMAS_DIR}/{op.name}.yaml"] = dump_yaml(operation_data(mirror, op), header)
    return files


# -- loading ---------------------------------------------------------------------------------


def read_mirror(root: Path) -> Mirror | None:
    """The mirror committed under `root`, or None when there is none yet.

    Raises DataError (with the file and line) when a mirror file is unreadable.
    """
    index_path = root / MIRROR_INDEX
    if not index_path.is_file():
        return None
    index = _load(index_path, MIRROR_INDEX)
    try:
        source = Source(**index["source"])
        operations = []
        for entry in index["operations"]:
            rel = entry["file"]
            data = _load(root / rel, rel)
            meta = data["operation"]
            operations.append(
                Operation(
                    name=meta["name"],
                    operation_id=meta.get("operation_id"),
                    method=meta["method"],
                    path=meta["path"],
                    deprecated=bool(meta.get("deprecated")),
                    security=[list(x) for x in meta.get("security") or []],
                    description_sha256=meta.get("description_sha256"),
                    fields=[FieldRecord.from_data(f) for f in data["fields"]],
                )
            )
        return Mirror(
            source=source,
            servers=list(index.get("servers") or []),
            security=[list(x) for x in index.get("security") or []],
            security_schemes=[SecurityScheme.from_data(s) for s in index["security_schemes"]],
            operations=operations,
            last_change=plain(index.get("last_change") or {}),
        )
    except (KeyError, TypeError) as exc:
        raise DataError(Problem(MIRROR_INDEX, 1, f"malformed mirror: missing {exc}")) from None


def plain(value: Any) -> Any:
    """Plain dicts and lists in place of the line-aware ones the YAML loader returns."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _load(path: Path, rel: str) -> Any:
    if not path.is_file():
        raise DataError(Problem(rel, 1, "mirror file is missing; run `kb mirror`"))
    return _yaml.load(read_text(path, rel), rel)


def load_mirror(repo: Repository) -> Mirror:
    """The committed mirror (parsed once per repository). Raises DataError when absent."""

    def build() -> Mirror:
        mirror = read_mirror(repo.root)
        if mirror is None:
            raise DataError(Problem(MIRROR_INDEX, 1, "no Exa mirror yet; run `kb mirror`"))
        return mirror

    return repo.memo("exa_spec.mirror", build)


@dataclasses.dataclass(frozen=True)
class Explanation:
    """Our own words for one field, and the upstream description hash they were written against."""

    key: str
    text: str
    written_against: str | None
    line: int


def read_explanations(root: Path) -> dict[str, Explanation]:
    """Explanations keyed `<operation>:<field path>` (security schemes: `security:<name>`).

    Raises DataError for a malformed entry."""
    path = root / EXPLANATIONS
    if not path.is_file():
        return {}
    data = _yaml.load(path.read_text(encoding="utf-8"), EXPLANATIONS) or {}
    if not isinstance(data, dict):
        raise DataError(Problem(EXPLANATIONS, 1, "expected a mapping of `<operation>:<path>`"))
    result: dict[str, Explanation] = {}
    problems: list[Problem] = []
    for key, entry in data.items():
        line = data.lines.get(key, 1) if hasattr(data, "lines") else 1
        if not isinstance(key, str) or ":" not in key:
            problems.append(Problem(EXPLANATIONS, line, f"key {key!r} is not <operation>:<path>"))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            problems.append(Problem(EXPLANATIONS, line, f"{key}: needs `text` (our own words)"))
            continue
        extra = set(entry) - {"text", "written_against"}
        if extra:
            problems.append(Problem(EXPLANATIONS, line, f"{key}: unknown keys {sorted(extra)}"))
            continue
        result[key] = Explanation(
            key, " ".join(entry["text"].split()), entry.get("written_against"), line
        )
    if problems:
        raise DataError(problems)
    return result


def load_explanations(repo: Repository) -> dict[str, Explanation]:
    """`read_explanations` for the repository, parsed once."""
    return repo.memo("exa_spec.explanations", lambda: read_explanations(repo.root))


@dataclasses.dataclass(frozen=True, order=True)
class ReviewItem:
    """A field whose explanation is missing or was written against another description."""

    operation: str
    path: str
    reason: str  # "no explanation" | "description changed"


def review_items(mirror: Mirror, explanations: dict[str, Explanation]) -> list[ReviewItem]:
    """Fields needing a (re)written explanation, in operation then field order."""
    items = []
    for scheme in mirror.security_schemes:
        entry = explanations.get(f"security:{scheme.name}")
        if entry is None:
            items.append(ReviewItem("security", scheme.name, "no explanation"))
        elif entry.written_against != scheme.description_sha256:
            items.append(ReviewItem("security", scheme.name, "description changed"))
    for op in mirror.operations:
        for f in op.fields:
            entry = explanations.get(f"{op.name}:{f.path}")
            if entry is None:
                items.append(ReviewItem(op.name, f.path, "no explanation"))
            elif entry.written_against != f.description_sha256:
                items.append(ReviewItem(op.name, f.path, "description changed"))
    return items


def orphan_explanations(mirror: Mirror, explanations: dict[str, Explanation]) -> Iterator[str]:
    """Explanation keys that name no mirrored field (left behind by a removal or a typo)."""
    known = {f"{op.name}:{f.path}" for op in mirror.operations for f in op.fields}
    known |= {f"security:{s.name}" for s in mirror.security_schemes}
    return (key for key in explanations if key not in known)
