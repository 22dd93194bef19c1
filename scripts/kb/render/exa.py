"""Macros for the Exa pages: field tables from the mirror, security schemes and the mirror's source.

Everything comes from docs/exa/mirror.yaml, docs/exa/schemas/*.yaml (written by `kb mirror`) and
our explanations in docs/exa/explanations.yaml. Exa's own descriptions are never shown (the spec
has no licence); a field without a current explanation is flagged for review instead.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from kb.model import DataError, Problem
from kb.model.exa_spec import (
    EXPLANATIONS,
    MIRROR_INDEX,
    SCHEMAS_DIR,
    FieldRecord,
    load_explanations,
    load_mirror,
)
from kb.render._markup import code, escape_md, escape_md_spaced, render
from kb.render._registry import RenderContext, macro

_SECTION_TITLES = {"parameters": "Parameters", "request": "Request body", "response": "Response"}


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _prose(text: str) -> Markup:
    """Our explanation with `backtick` spans as inline code; everything else escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: show the text as it is
        return escape_md(text)
    return Markup("").join(code(p) if i % 2 else escape_md_spaced(p) for i, p in enumerate(parts))


def _row(op_name: str, f: FieldRecord, explanations: dict, strip: str) -> dict[str, Any]:
    entry = explanations.get(f"{op_name}:{f.path}")
    review = None
    if entry is None:
        review = "needs review: no explanation yet"
    elif entry.written_against != f.description_sha256:
        review = "needs review: Exa changed this field's description"
    facts = []
    if f.enum is not None:
        facts.append("one of " + ", ".join(_value(v) for v in f.enum))
    for key, value in f.constraints.items():
        facts.append(f"{key} {_value(value)}")
    if f.free_form:
        facts.append("any keys")
    if f.recursive:
        facts.append(f"each item has the fields of {f.recursive} again")
    return {
        "path": f.path.removeprefix(strip),
        "type": f.type + (" | null" if f.nullable else ""),
        "required": f.required,
        "default": _value(f.default) if f.has_default else None,
        "facts": facts,
        "deprecated": f.deprecated,
        "text": _prose(entry.text) if entry else "",
        "review": review,
    }


@macro
def exa_schema(ctx: RenderContext, operation: str, section: str = "") -> str:
    """Field tables for one mirrored operation: parameters, request body and responses.

    `section` limits the output to `parameters`, `request` or `response`. Raises DataError for an
    operation the mirror does not have.
    """
    mirror = load_mirror(ctx.repo)
    op = mirror.operation(operation)
    if op is None:
        known = ", ".join(o.name for o in mirror.operations)
        raise DataError(
            Problem(
                ctx.page_path or MIRROR_INDEX,
                1,
                f"exa_schema: no operation {operation!r} in {MIRROR_INDEX} (known: {known})",
            )
        )
    if section and section not in _SECTION_TITLES:
        raise DataError(
            Problem(
                ctx.page_path or MIRROR_INDEX,
                1,
                f"exa_schema: section must be one of {', '.join(_SECTION_TITLES)}, not {section!r}",
            )
        )
    explanations = load_explanations(ctx.repo)
    groups = []
    for name, title in _SECTION_TITLES.items():
        if section and name != section:
            continue
        fields = [f for f in op.fields if f.section == name]
        if name != "response":
            if fields:
                groups.append(
                    {
                        "title": title,
                        "prefix": "",
                        "rows": [_row(op.name, f, explanations, "") for f in fields],
                    }
                )
            continue
        # One table per response prefix (`response`, `stream`, `response@201`, ...).
        prefixes: list[str] = []
        for f in fields:
            head = f.path.split(".", 1)[0]
            if head not in prefixes:
                prefixes.append(head)
        for head in prefixes:
            rows = [
                _row(op.name, f, explanations, head + ".")
                for f in fields
                if f.path.split(".", 1)[0] == head
            ]
            label = {"response": "Response (JSON)", "stream": "Response (server-sent events)"}
            groups.append(
                {"title": label.get(head, f"Response {head}"), "prefix": head, "rows": rows}
            )
    return render(
        "exa_schema.md.j2",
        op=op,
        groups=groups,
        source=mirror.source,
        schema_file=f"{SCHEMAS_DIR}/{op.name}.yaml",
        explanations_file=EXPLANATIONS,
        review_count=sum(1 for g in groups for r in g["rows"] if r["review"]),
    )


@macro
def exa_security_schemes(ctx: RenderContext) -> str:
    """The spec's security schemes and which operations require which, from the mirror."""
    mirror = load_mirror(ctx.repo)
    explanations = load_explanations(ctx.repo)
    schemes = []
    for s in mirror.security_schemes:
        entry = explanations.get(f"security:{s.name}")
        review = None
        if entry is None:
            review = "needs review: no explanation yet"
        elif entry.written_against != s.description_sha256:
            review = "needs review: Exa changed this scheme's description"
        if s.type == "apiKey":
            header = f"{s.parameter}: <key>" if s.location == "header" else f"{s.parameter}=<key>"
            where = f"{s.location} {s.parameter}"
        elif s.type == "http" and (s.scheme or "").lower() == "bearer":
            header, where = "Authorization: Bearer <key>", "header Authorization"
        else:
            header, where = "", s.location or s.type
        schemes.append(
            {
                "scheme": s,
                "header": header,
                "where": where,
                "text": entry.text if entry else "",
                "review": review,
                "required_globally": any(s.name in req for req in mirror.security),
            }
        )
    operations = [
        {"op": op, "requirement": " or ".join(" and ".join(r) for r in op.security) or "none"}
        for op in mirror.operations
    ]
    return render(
        "exa_security.md.j2",
        schemes=schemes,
        operations=operations,
        source=mirror.source,
        index=MIRROR_INDEX,
    )


@macro
def exa_mirror_source(ctx: RenderContext) -> str:
    """One paragraph naming what the mirror stands for, where it was read and its hash."""
    mirror = load_mirror(ctx.repo)
    return render(
        "exa_source.md.j2", source=mirror.source, index=MIRROR_INDEX, operations=mirror.operations
    )
