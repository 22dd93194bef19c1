"""The policy catalogue and controls matrix are generated from the policies' METADATA."""

from __future__ import annotations

import shutil

import pytest

from kb.model import DataError, Repository
from kb.model.policies import controls_matrix, load_policies, load_stages
from kb.render._registry import RenderContext
from kb.render.policies import controls_matrix_table, policy_catalogue, policy_stages
from tests.conftest import ROOT


def _repo_copy(tmp_path):
    for folder in ("infra/policy", "ci/security"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for marker in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / marker, tmp_path / marker)
    return Repository(tmp_path)


def test_every_policy_has_complete_metadata():
    policies = load_policies(Repository(ROOT))
    assert len(policies) >= 12
    assert len({p.id for p in policies}) == len(policies)
    for policy in policies:
        assert policy.title and policy.description and policy.remediation
        assert policy.nist_800_53 and policy.tests


def test_catalogue_lists_every_policy_with_its_fix():
    repo = Repository(ROOT)
    text = policy_catalogue(RenderContext(repo=repo, page_src="devops/security/policies.md"))
    for policy in load_policies(repo):
        assert f"### {policy.id} — " in text
        assert policy.package in text
    assert "**How to fix.**" in text
    assert "Generated from the METADATA blocks" in text


def test_controls_matrix_maps_families_to_policies_and_stages():
    repo = Repository(ROOT)
    rows = {row["code"]: row for row in controls_matrix(load_policies(repo), load_stages(repo))}
    assert "PE-IAC-002" in {p.id for p in rows["SC"]["policies"]}
    assert "sbom" in {s.id for s in rows["SR"]["stages"]}
    text = controls_matrix_table(RenderContext(repo=repo, page_src="devops/security/controls.md"))
    assert "**SC** System and Communications Protection" in text
    assert "[PE-IAC-002](policies.md#pe-iac-002)" in text


def test_stage_table_links_each_workflow():
    repo = Repository(ROOT)
    text = policy_stages(RenderContext(repo=repo, page_src="devops/security/README.md"))
    for stage in load_stages(repo):
        assert stage.workflow in text


def test_missing_metadata_field_is_one_clear_problem(tmp_path):
    repo = _repo_copy(tmp_path)
    path = tmp_path / "infra/policy/kms_rotation.rego"
    path.write_text(
        path.read_text(encoding="utf-8").replace("#   severity: medium\n", ""), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        load_policies(repo)
    assert str(caught.value).startswith("infra/policy/kms_rotation.rego:")
    assert "custom.severity" in str(caught.value)


def test_unknown_control_id_is_rejected(tmp_path):
    repo = _repo_copy(tmp_path)
    path = tmp_path / "infra/policy/kms_rotation.rego"
    path.write_text(path.read_text(encoding="utf-8").replace("SC-12(1)", "ZZ-99"), encoding="utf-8")
    with pytest.raises(DataError, match="not an SP 800-53"):
        load_policies(repo)
