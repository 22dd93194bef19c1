"""The workflow_summary() macro: what a GitHub Actions workflow really does, read from the file."""

from __future__ import annotations

from kb.model.workflows import load_workflow
from kb.render._markup import render
from kb.render._registry import RenderContext, macro


def _trigger(name: str, value: object) -> str:
    if name == "push" and isinstance(value, dict):
        parts = [f"{k} {', '.join(map(str, v))}" for k, v in value.items() if isinstance(v, list)]
        return f"push of {'; '.join(parts)}" if parts else "push"
    if name == "workflow_call":
        return "called by another workflow (workflow_call)"
    return name


@macro
def workflow_summary(ctx: RenderContext, filename: str) -> str:
    """Triggers, jobs with permissions and needs, and each job's steps with pinned actions."""
    workflow = load_workflow(ctx.repo, filename)
    source = workflow.path
    if ctx.repo_url:
        source_url = f"{str(ctx.repo_url).rstrip('/')}/blob/main/{workflow.path}"
    else:
        source_url = ""
    return render(
        "workflow_summary.md.j2",
        wf=workflow,
        triggers=[_trigger(k, v) for k, v in workflow.triggers.items()],
        source=source,
        source_url=source_url,
    )
