"""Checks of infra/terraform: every file parses, inputs and outputs are documented, skips explained."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.terraform import load


@check
def terraform_documented(repo: Repository) -> Iterator[Problem]:
    """Every .tf file parses; every variable has a type and a description, every output a description."""
    tree = load(repo)
    yield from tree.problems
    for module in tree.all():
        for var in module.variables:
            if not (var.description or "").strip():
                yield Problem(var.path, var.line, f'variable "{var.name}" has no description')
            if not var.type:
                yield Problem(var.path, var.line, f'variable "{var.name}" has no type')
        for out in module.outputs:
            if not (out.description or "").strip():
                yield Problem(out.path, out.line, f'output "{out.name}" has no description')


@check
def checkov_skip_reasons(repo: Repository) -> Iterator[Problem]:
    """Every inline `#checkov:skip=CHECK:reason` names its reason."""
    for skip in load(repo).skips:
        if len(skip.reason) < 10:
            yield Problem(
                skip.path,
                skip.line,
                f"checkov skip of {skip.check_id} needs a reason: #checkov:skip={skip.check_id}:<why>",
            )
