"""Macros for docs/devops/security/: the policy catalogue and the NIST SP 800-53 controls matrix.

Both are generated from the METADATA of `infra/policy/*.rego` and from `ci/security/stages.yml`
through `kb.model.policies`; the pages hold no hand-written list that could drift from the policies.
"""

from __future__ import annotations

from kb.model.policies import (
    POLICY_DIR,
    SEVERITIES,
    STAGES_FILE,
    controls_matrix,
    load_policies,
    load_stages,
)
from kb.render._markup import render
from kb.render._registry import RenderContext, macro

REPO_BLOB = "https://github.com/Plasma-Engine/plasma-engine-kb/blob/main/"


def _anchor(policy_id: str) -> str:
    return policy_id.lower()


@macro
def policy_catalogue(ctx: RenderContext) -> str:
    """Summary table and one section per policy: what it denies and how to fix it."""
    policies = load_policies(ctx.repo)
    counts = {s: sum(p.severity == s for p in policies) for s in SEVERITIES}
    return render(
        "policies_catalogue.md.j2",
        policies=policies,
        counts=counts,
        anchor=_anchor,
        blob=REPO_BLOB,
        source=POLICY_DIR,
    )


@macro
def policy_stages(ctx: RenderContext) -> str:
    """Table of the security pipeline stages: tool, when it runs, what fails the build."""
    stages = load_stages(ctx.repo)
    return render("policies_stages.md.j2", stages=stages, blob=REPO_BLOB, source=STAGES_FILE)


@macro
def controls_matrix_table(ctx: RenderContext, *, catalogue: str = "policies.md") -> str:
    """NIST SP 800-53 family -> controls, the policies and the pipeline stages that serve them."""
    policies = load_policies(ctx.repo)
    stages = load_stages(ctx.repo)
    return render(
        "policies_controls.md.j2",
        rows=controls_matrix(policies, stages),
        catalogue=catalogue,
        anchor=_anchor,
        sources=(POLICY_DIR, STAGES_FILE),
    )
