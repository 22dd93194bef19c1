"""The Terraform workflow is schema-valid, pinned, least-privilege and zizmor-clean."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, run_tool

WORKFLOW = ROOT / ".github" / "workflows" / "terraform.yml"
BIN = Path(sys.executable).parent


def test_workflow_matches_the_github_schema() -> None:
    result = run_tool(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = run_tool([str(BIN / "zizmor"), "--offline", str(WORKFLOW)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_pinned_and_jobs_bounded() -> None:
    text = WORKFLOW.read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.search(r"# v\d+\.\d+\.\d+", comment), f"{ref} lacks a # vX.Y.Z comment"
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, name
        assert 0 < job["timeout-minutes"] <= 15, name
    assert "terraform validate" in text and "checkov -d infra/terraform" in text
