"""The build playbook describes the pipeline in .github/workflows/, and kb check keeps it that way."""

from __future__ import annotations

from pathlib import Path

from kb.checks.workflows import workflow_references
from kb.model import Repository
from kb.render._registry import RenderContext
from kb.render.workflows import workflow_summary
from tests.conftest import ROOT

WORKFLOW = """name: release / build
on:
  workflow_call:
    inputs:
      image: {type: string, required: true}
permissions: {}
jobs:
  build:
    permissions:
      contents: read
      id-token: write
    steps:
      - name: Check out
        uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - name: Attest build provenance
        uses: actions/attest-build-provenance@e8998f949152b193b063cb0ec769d69d929409be # v2.4.0
"""


def _repo(tmp_path: Path, page: str = "") -> Repository:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/release-build.yml").write_text(WORKFLOW, "utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(page, "utf-8")
    return Repository(tmp_path)


def test_the_summary_is_read_from_the_workflow_file(tmp_path: Path) -> None:
    out = workflow_summary(
        RenderContext(repo=_repo(tmp_path), page_src="page.md"), "release-build.yml"
    )
    assert "called by another workflow" in out
    assert "<code>actions/attest-build-provenance@e8998f949152</code> v2.4.0" in out
    assert "<code>id-token: write</code>" in out
    assert "<code>image</code> (required)" in out


def test_a_page_naming_a_workflow_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    page = "Intro.\n\n    uses: org/repo/.github/workflows/build-image.yml@abc\n\nSee release-build.yml.\n"
    problems = list(workflow_references(_repo(tmp_path, page)))
    assert [(p.path, p.line) for p in problems] == [("docs/page.md", 3)]
    assert "build-image.yml" in problems[0].message


def test_the_build_playbook_describes_the_real_release_build() -> None:
    text = (ROOT / "docs/devops/playbooks/build.md").read_text("utf-8")
    assert '{{ workflow_summary("release-build.yml") }}' in text
    assert "build-image.yml" not in text and ":sha-" not in text
    assert list(workflow_references(Repository(ROOT))) == []
