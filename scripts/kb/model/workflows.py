"""GitHub Actions workflows as pages describe them: triggers, permissions, jobs, steps and pins.

Parsed with the line-aware YAML loader so a page generated from a workflow, and a check of a page
against one, read the same file the same way. `on:` is YAML 1.1's boolean true for PyYAML, so the
trigger key is looked up under both spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model.repo import Repository

WORKFLOWS_DIR = ".github/workflows"
_USES = re.compile(r"^(?P<action>[^@\s]+)@(?P<ref>[0-9a-f]{40})(?:\s*#\s*(?P<version>\S+))?")


@dataclass(frozen=True)
class Step:
    name: str
    uses: str = ""  # owner/action
    sha: str = ""
    version: str = ""
    run: str = ""


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    permissions: dict[str, str]
    uses: str = ""  # a reusable workflow this job calls
    needs: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Workflow:
    path: str
    name: str
    triggers: dict[str, object]
    inputs: dict[str, dict]
    jobs: tuple[Job, ...] = field(default_factory=tuple)


def load_workflow(repo: Repository, filename: str) -> Workflow:
    """`.github/workflows/<filename>` parsed. Raises DataError (missing file, no jobs)."""
    rel = f"{WORKFLOWS_DIR}/{filename}"

    def _load() -> Workflow:
        path = repo.root / rel
        if not path.is_file():
            raise DataError(Problem(rel, 1, "workflow not found"))
        text = path.read_text(encoding="utf-8")
        raw = _yaml.load(text, rel)
        if not isinstance(raw, dict) or not isinstance(raw.get("jobs"), dict):
            raise DataError(Problem(rel, 1, "a workflow needs a 'jobs' mapping"))
        on = raw.get("on", raw.get(True, {}))
        triggers = on if isinstance(on, dict) else {str(on): None}
        call = triggers.get("workflow_call") or {}
        inputs = dict(call.get("inputs") or {}) if isinstance(call, dict) else {}
        jobs = []
        for job_id, job in raw["jobs"].items():
            needs = job.get("needs") or ()
            steps = []
            for step in job.get("steps") or ():
                uses = str(step.get("uses", ""))
                # The version comment is not part of the YAML value; read it from the source line.
                line = text.splitlines()[step.lines["uses"] - 1] if "uses" in step else ""
                match = _USES.search(line.split("uses:", 1)[-1].strip()) if uses else None
                steps.append(
                    Step(
                        name=str(step.get("name", uses or "run")),
                        uses=match["action"] if match else uses,
                        sha=match["ref"] if match else "",
                        version=(match["version"] or "") if match else "",
                        run=str(step.get("run", "")),
                    )
                )
            jobs.append(
                Job(
                    id=str(job_id),
                    name=str(job.get("name", job_id)),
                    permissions={str(k): str(v) for k, v in (job.get("permissions") or {}).items()},
                    uses=str(job.get("uses", "")),
                    needs=(needs,) if isinstance(needs, str) else tuple(needs),
                    steps=tuple(steps),
                )
            )
        return Workflow(rel, str(raw.get("name", filename)), dict(triggers), inputs, tuple(jobs))

    return repo.memo(f"workflow:{rel}", _load)
