"""Every workflow in .github/workflows and ci/ (whoever wrote it) passes zizmor and the schema.

Workflows are found by `security_scan.workflow_files()`, so a file another engineer adds is
covered without editing this test. The ci/security copies GitHub runs must match their sources.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, run_tool

_spec = importlib.util.spec_from_file_location("security_scan", ROOT / "scripts/security_scan.py")
security_scan = importlib.util.module_from_spec(_spec)
sys.modules["security_scan"] = security_scan
_spec.loader.exec_module(security_scan)

VENV_BIN = ROOT / ".venv" / "bin"
WORKFLOWS = security_scan.workflow_files()
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\b")


def _tool(name: str) -> str:
    path = VENV_BIN / name
    return str(path) if path.is_file() else (shutil.which(name) or pytest.skip(f"{name} missing"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_workflows_are_found():
    names = {_rel(p) for p in WORKFLOWS}
    assert ".github/workflows/security.yml" in names
    assert {"ci/security/sast.yml", "ci/security/dast.yml"} <= names
    assert "ci/security/stages.yml" not in names, "data files are not workflows"


def test_zizmor_offline_reports_nothing():
    result = run_tool(
        [_tool("zizmor"), "--offline", "--format", "plain", *[_rel(p) for p in WORKFLOWS]]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_catches_an_unpinned_action(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: bad\non: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v5\n",
        encoding="utf-8",
    )
    result = run_tool([_tool("zizmor"), "--offline", "--format", "plain", str(bad)])
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_rel)
def test_workflow_matches_github_schema(workflow):
    result = run_tool(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)]
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_rel)
def test_every_uses_is_pinned_to_a_commit(workflow):
    unpinned = []
    for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", line)
        if not match:
            continue
        ref, rest = match.groups()
        if ref.startswith(("./", "$/")) or (ref.startswith("docker://") and "@sha256:" in ref):
            continue
        if not SHA_PIN.match(ref) or not VERSION_COMMENT.search(rest):
            unpinned.append(f"{_rel(workflow)}:{number}: {ref}{rest}")
    assert not unpinned, "pin to a 40-hex commit with a # vX.Y.Z comment:\n" + "\n".join(unpinned)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_rel)
def test_workflow_hardening(workflow):
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    triggers = data.get(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    assert data.get("permissions") == {}, "top-level permissions: {} with per-job grants"
    if isinstance(triggers, dict) and "pull_request_target" in triggers:
        text = workflow.read_text(encoding="utf-8")
        assert "actions/checkout" not in text, "pull_request_target must not check out PR code"
    for name, job in data["jobs"].items():
        if "uses" in job:
            continue
        assert "timeout-minutes" in job, f"job {name} needs timeout-minutes"
        assert "permissions" in job, f"job {name} needs its own permissions"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (
                    f"job {name}: actions/checkout needs persist-credentials: false"
                )
            assert "${{ github.event" not in str(step.get("run", "")), (
                f"job {name}: pass event data through env, not inline in run"
            )


def test_github_copies_match_ci_sources():
    stale = security_scan.sync(ROOT, check=True)
    assert not stale, f"run `python scripts/security_scan.py --sync`: {stale}"
    assert security_scan.copies(ROOT), "ci/security holds no workflows"


def test_sync_rewrites_a_stale_copy(tmp_path):
    (tmp_path / "ci/security").mkdir(parents=True)
    (tmp_path / ".github/workflows").mkdir(parents=True)
    source = tmp_path / "ci/security/sast.yml"
    source.write_text("name: x\non: workflow_call\njobs:\n  a: {}\n", encoding="utf-8")
    assert security_scan.sync(tmp_path, check=True) == [".github/workflows/security-sast.yml"]
    assert security_scan.sync(tmp_path) == [".github/workflows/security-sast.yml"]
    assert security_scan.sync(tmp_path, check=True) == []
    copy = tmp_path / ".github/workflows/security-sast.yml"
    assert copy.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_caller_runs_every_stage():
    caller = (ROOT / ".github/workflows/security.yml").read_text(encoding="utf-8")
    for target in security_scan.copies(ROOT).values():
        assert f"./.github/workflows/{target.name}" in caller, (
            f"security.yml never calls {target.name}"
        )
