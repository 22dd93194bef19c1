"""Pages that name a GitHub Actions workflow must name one that exists in .github/workflows/."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.workflows import WORKFLOWS_DIR

# `.github/workflows/x.yml`, `workflows/x.yml@ref` and `gh workflow run x.yml`. Service repositories
# copy this repository's workflows, so the same names must exist here.
_NAMED = re.compile(r"(?:\.github/workflows/|gh workflow run )([A-Za-z0-9_.-]+\.ya?ml)")
#: History is not a claim about today.
_SKIP = ("docs/devops/activity-log.md", "docs/exa/", "docs/devops/release/history/")


@check
def workflow_references(repo: Repository) -> Iterable[Problem]:
    """Every workflow a page names exists in .github/workflows/ (no pipeline that is not there)."""
    existing = {p.name for p in (repo.root / WORKFLOWS_DIR).glob("*.y*ml")}
    for file in sorted(repo.docs.rglob("*.md")):
        rel = repo.rel(file)
        if rel.startswith(_SKIP):
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _NAMED.finditer(line):
                if match[1] not in existing:
                    yield Problem(
                        rel,
                        number,
                        f"names workflow '{match[1]}', which is not in {WORKFLOWS_DIR}/; "
                        f"describe the real pipeline (release.yml, release-build.yml, …)",
                    )
