"""Terraform reference macros: a module's inputs, outputs and resources, and the checkov skips.

Everything here is read from the HCL through `kb.model.terraform`, so a page calling these macros
changes when the code does; nothing is copied by hand.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from markupsafe import Markup

from kb.model import DataError, Problem
from kb.model import terraform as tf
from kb.render._markup import _MD_SPECIAL, escape_md, render
from kb.render._registry import RenderContext, macro

_BACKTICKS = re.compile(r"`([^`]+)`")


def cell_code(text: str | None) -> Markup:
    """Inline code safe inside a Markdown table cell: one line, specials as numeric entities."""
    if text is None:
        return Markup("")
    one_line = " ".join(str(text).split())
    # Markdown still parses inline syntax inside <code> HTML (`[x](y)` would become a link), so
    # every character Markdown or HTML gives meaning to becomes a numeric entity.
    escaped = _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", one_line)
    return Markup(f"<code>{escaped}</code>")  # noqa: S704 - every special character is an entity


def prose(text: str | None) -> Markup:
    """A description: `backticked` spans become code, everything else is escaped text."""
    if not text:
        return Markup("")
    parts: list[str] = []
    last = 0
    for match in _BACKTICKS.finditer(text):
        parts.append(_spaced(text[last : match.start()]))
        parts.append(cell_code(match.group(1)))
        last = match.end()
    parts.append(_spaced(text[last:]))
    # Each part is already escaped (escape_md or cell_code), so joining them keeps it safe.
    return Markup("".join(str(p) for p in parts).strip())  # noqa: S704


def _spaced(segment: str) -> str:
    """escape_md() trims; keep one space where the segment met a code span."""
    lead = " " if segment[:1].isspace() else ""
    trail = " " if segment[-1:].isspace() else ""
    return f"{lead}{escape_md(segment)}{trail}"


def _module(ctx: RenderContext, name: str) -> tf.Module:
    tree = tf.load(ctx.repo)
    module = tree.modules.get(name)
    if module is None and tree.root is not None and name == tree.root.name:
        module = tree.root
    if module is None:
        known = ", ".join(sorted(tree.modules)) or "none"
        raise DataError(
            Problem(
                ctx.page_path or "docs",
                1,
                f"terraform_module: no module {name!r} under infra/terraform (known: {known})",
            )
        )
    if module.problems:
        raise DataError(module.problems)
    return module


@macro
def terraform_module(ctx: RenderContext, name: str) -> str:
    """Markdown reference for `infra/terraform/modules/<name>`: inputs, validation, outputs, resources."""
    module = _module(ctx, name)
    inputs = [
        {
            "name": cell_code(v.name),
            "type": cell_code(v.type) if v.type else Markup("—"),
            "default": cell_code(v.default) if v.default is not None else Markup("required"),
            "description": prose(v.description),
        }
        for v in module.variables
    ]
    validations = [
        {
            "name": cell_code(v.name),
            "condition": cell_code(rule.condition),
            "message": rule.error_message,
        }
        for v in module.variables
        for rule in v.validations
    ]
    outputs = [
        {"name": cell_code(o.name), "description": prose(o.description)} for o in module.outputs
    ]
    resources = [
        {
            "address": cell_code(r.address),
            "location": cell_code(f"{posixpath.basename(r.path)}:{r.line}"),
        }
        for r in sorted(module.resources, key=lambda r: (r.mode != "resource", r.path, r.line))
    ]
    calls = [
        {"name": cell_code(c.name), "source": cell_code(c.source)} for c in module.module_calls
    ]
    return render(
        "terraform_module.md.j2",
        path=cell_code(module.path),
        files=Markup(", ").join(cell_code(posixpath.basename(f)) for f in module.files),
        inputs=inputs,
        validations=validations,
        outputs=outputs,
        resources=resources,
        calls=calls,
        skips=len(module.skips),
        skips_link=ctx.link_to("infra/checkov-skips.md"),
    )


@macro
def checkov_skips(ctx: RenderContext) -> str:
    """Markdown list of every inline `#checkov:skip` under infra/terraform, with reason and file:line."""
    tree = tf.load(ctx.repo)
    if tree.problems:
        raise DataError(tree.problems)
    groups: dict[str, list[dict[str, Markup | str]]] = defaultdict(list)
    for skip in tree.skips:
        folder = posixpath.dirname(skip.path)
        groups[folder].append(
            {
                "check": cell_code(skip.check_id),
                "address": cell_code(skip.address or "(file)"),
                "reason": skip.reason or "",
                "location": cell_code(f"{skip.path}:{skip.line}"),
            }
        )
    return render(
        "terraform_checkov_skips.md.j2",
        total=len(tree.skips),
        checks=len({s.check_id for s in tree.skips}),
        groups=[{"folder": k, "rows": v} for k, v in sorted(groups.items())],
    )
