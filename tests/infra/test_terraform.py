"""infra/terraform: parses, documented, validated, formatted, checkov-clean, and its generated pages follow it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import hcl2
import pytest

from kb.cli import main
from kb.model import DataError, Repository
from kb.model import terraform as tf
from kb.render._registry import RenderContext, load_all
from tests.conftest import ROOT, require_tool, run_tool

TERRAFORM = ROOT / "infra" / "terraform"
MODULES = ["networking", "compute", "data", "observability", "security", "docs-site", "s3-bucket"]
LIVE = TERRAFORM / "live"
ENVIRONMENTS = ["prod", "staging"]
#: Root variables whose value is meant to differ between environments; any other difference fails.
ENV_SPECIFIC = {
    "account_id", "environment", "vpc_cidr", "public_subnet_cidrs", "private_subnet_cidrs",
    "data_subnet_cidrs", "nat_gateway_mode", "log_retention_days", "node_groups",
    "postgres_instance_class", "multi_az", "backup_retention_days", "redis_node_type",
    "redis_num_cache_clusters", "docs_domain_names", "docs_acm_certificate_arn",
}  # fmt: skip
#: What every bucket made by modules/s3-bucket gets; the module must declare each of these.
HARDENING = {
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_policy",
}  # fmt: skip
TF_FILES = sorted(TERRAFORM.rglob("*.tf"))


@pytest.fixture(scope="module")
def tree() -> tf.TerraformTree:
    return tf.load(Repository(ROOT))


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def checkov_report(request: pytest.FixtureRequest) -> dict:
    """One checkov run per environment's variable file (seconds each, even on two cores), offline."""
    checkov = Path(sys.executable).with_name("checkov")
    env = {
        **os.environ,
        # No update check against PyPI and no guideline download from the vendor's API.
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "BC_SKIP_MAPPING": "TRUE",
    }
    result = run_tool(
        [
            str(checkov),
            "-d",
            str(TERRAFORM),
            "--framework",
            "terraform",
            "--var-file",
            str(LIVE / "env" / f"{request.param}.tfvars"),
            "--skip-download",
            "--quiet",
            "--output",
            "json",
        ],
        env=env,
    )
    assert result.stdout.strip(), f"checkov printed nothing:\n{result.stderr[-2000:]}"
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report


def test_terraform_tree_found(tree: tf.TerraformTree) -> None:
    assert sorted(tree.modules) == sorted(MODULES)
    assert tree.root is not None and tree.root.path == "infra/terraform/live"
    assert sorted(tree.environments) == ENVIRONMENTS
    assert len(TF_FILES) == 4 * len(MODULES) + 4  # one root, no per-environment copies


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: p.relative_to(TERRAFORM).as_posix())
def test_every_tf_file_parses(path: Path) -> None:
    parsed = hcl2.loads(path.read_text(encoding="utf-8"))
    assert isinstance(parsed, dict) and parsed, f"{path} parsed to nothing"


def test_model_reports_no_problems(tree: tf.TerraformTree) -> None:
    assert tree.problems == []


def test_every_variable_and_output_has_type_and_description(tree: tf.TerraformTree) -> None:
    missing = [
        f"{v.path}:{v.line}: {v.name}"
        for m in tree.all()
        for v in m.variables
        if not v.type or not (v.description or "").strip()
    ]
    missing += [
        f"{o.path}:{o.line}: {o.name}"
        for m in tree.all()
        for o in m.outputs
        if not (o.description or "").strip()
    ]
    assert missing == []


def test_constrained_inputs_are_validated(tree: tf.TerraformTree) -> None:
    constrained = re.compile(r"^(environment|name|.*cidrs?|.*retention_days|.*kms_key_arn)$")
    unvalidated = [
        f"{v.path}:{v.line}: {v.name}"
        for m in tree.modules.values()
        for v in m.variables
        if constrained.match(v.name) and not v.validations
    ]
    assert unvalidated == []
    env_rule = next(v for v in tree.modules["data"].variables if v.name == "environment")
    assert '["staging", "prod"]' in env_rule.validations[0].condition


@pytest.mark.parametrize("name", MODULES)
def test_module_layout_and_pins(name: str, tree: tf.TerraformTree) -> None:
    module = tree.modules[name]
    files = {Path(f).name for f in module.files}
    assert {"main.tf", "variables.tf", "outputs.tf", "versions.tf"} <= files
    versions = (TERRAFORM / "modules" / name / "versions.tf").read_text()
    assert 'required_version = ">= 1.11"' in versions
    assert re.search(r'source\s*=\s*"hashicorp/aws"\s*\n\s*version\s*=\s*"~> 6\.0"', versions)
    # Every module tags its resources through the tags variable merged with defaults.
    assert any(v.name == "tags" for v in module.variables)
    assert "merge({" in (TERRAFORM / "modules" / name / "main.tf").read_text()


def test_one_root_serves_every_environment() -> None:
    """No per-environment copies of the root: only live/ holds a backend block or a .tfvars file."""
    assert not (TERRAFORM / "envs").exists()
    backends = [p for p in TF_FILES if re.search(r'^\s*backend\s+"', p.read_text(), re.M)]
    assert backends == [LIVE / "versions.tf"]
    assert re.search(r'backend "s3" \{[^}]*use_lockfile\s*=\s*true', backends[0].read_text())
    stray = sorted(
        p.relative_to(TERRAFORM).as_posix()
        for p in [*TERRAFORM.rglob("*.tfvars"), *TERRAFORM.rglob("*.backend.hcl")]
        if p.parent != LIVE / "env"
    )
    assert stray == []


def test_each_environment_sets_every_required_variable(tree: tf.TerraformTree) -> None:
    assert tree.root is not None
    declared = {v.name for v in tree.root.variables}
    required = {v.name for v in tree.root.variables if v.required}
    for name, env in tree.environments.items():
        assert env.values.get("environment") == name, f"{env.tfvars}: environment must be {name}"
        assert sorted(required - set(env.values)) == [], f"{env.tfvars} leaves inputs unset"
        assert sorted(set(env.values) - declared) == [], f"{env.tfvars} sets undeclared inputs"


def test_environments_differ_only_where_intended(tree: tf.TerraformTree) -> None:
    staging, prod = tree.environments["staging"], tree.environments["prod"]
    assert set(staging.values) == set(prod.values), "both files set the same inputs"
    differing = {k for k in staging.values if staging.values[k] != prod.values[k]}
    assert differing - ENV_SPECIFIC == set(), "inputs that should be shared differ"
    assert prod.values["multi_az"] is True and prod.values["nat_gateway_mode"] == "per_az"
    # Each environment keeps its own state: distinct bucket and key, same locking root.
    for name, env in tree.environments.items():
        assert set(env.backend_values) == {"bucket", "key", "region"}, env.backend
        assert env.backend_values["key"] == f"plasma-engine/{name}/terraform.tfstate"
    assert staging.backend_values["bucket"] != prod.backend_values["bucket"]


def test_buckets_are_created_only_by_the_s3_bucket_module() -> None:
    """Every aws_s3_bucket and its hardening resources live in modules/s3-bucket and nowhere else."""
    outside = []
    for path in TF_FILES:
        if path.parent == TERRAFORM / "modules" / "s3-bucket":
            continue
        for entry in hcl2.loads(path.read_text(encoding="utf-8")).get("resource", []):
            outside += [
                f"{path.relative_to(TERRAFORM)}: {rtype.strip(chr(34))}"
                for rtype in entry
                if rtype.strip('"').startswith("aws_s3_bucket")
            ]
    assert outside == []


def test_s3_bucket_module_hardening_resources_exist() -> None:
    parsed = hcl2.loads((TERRAFORM / "modules" / "s3-bucket" / "main.tf").read_text())
    resources = {
        rtype.strip('"'): body
        for entry in parsed.get("resource", [])
        for rtype, named in entry.items()
        for body in named.values()
    }
    assert HARDENING | {"aws_s3_bucket"} <= set(resources)
    block = resources["aws_s3_bucket_public_access_block"]
    flags = ["block_public_acls", "block_public_policy", "ignore_public_acls"]
    flags.append("restrict_public_buckets")
    assert [tf._value(block.get(f)) for f in flags] == [True] * 4
    versioning = resources["aws_s3_bucket_versioning"]["versioning_configuration"]
    assert "Enabled" in json.dumps(versioning)
    # The policy always carries the TLS-only deny, whatever the caller adds.
    docs = [
        d for e in parsed.get("data", []) for d in e.get("aws_iam_policy_document", {}).values()
    ]
    text = json.dumps(docs)
    assert "DenyInsecureTransport" in text and "aws:SecureTransport" in text


def test_every_module_that_needs_a_bucket_calls_the_s3_bucket_module(
    tree: tf.TerraformTree,
) -> None:
    callers = {
        (name, call.name)
        for name, module in tree.modules.items()
        for call in module.module_calls
        if call.source == "../s3-bucket"
    }
    assert callers == {
        ("docs-site", "site_bucket"),
        ("docs-site", "log_bucket"),
        ("security", "access_log_bucket"),
        ("security", "trail_bucket"),
    }


def test_terraform_fmt() -> None:
    terraform = require_tool("terraform")
    result = run_tool([terraform, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)])
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


def test_checkov_reports_zero_failed_checks(checkov_report: dict) -> None:
    summary = checkov_report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} {c['file_path']}:{c['file_line_range'][0]}"
        for c in checkov_report["results"].get("failed_checks", [])
    ]
    assert summary["failed"] == 0, "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 200  # the scan really covered the modules through the root


def test_every_skip_has_a_reason_and_is_on_the_skips_page(
    tree: tf.TerraformTree, checkov_report: dict
) -> None:
    skips = tree.skips
    assert skips, "expected inline skips to be found"
    assert [f"{s.path}:{s.line}" for s in skips if len(s.reason) < 10] == []
    # Every check checkov actually skipped is one the model found in a comment, with its reason.
    honoured = {
        (c["check_id"], c["suppress_comment"])
        for c in checkov_report["results"].get("skipped_checks", [])
    }
    assert honoured <= {(s.check_id, s.reason) for s in skips}
    page = _macro("checkov_skips", "infra/checkov-skips.md")()
    for skip in skips:
        assert _entities(f"{skip.path}:{skip.line}") in page
        assert _entities(skip.check_id) in page


def test_module_page_follows_a_variable_change(repo_copy: Path) -> None:
    before = _macro("terraform_module", "infra/modules/networking.md", repo_copy)(name="networking")
    assert "Which traffic the VPC flow log records" in before
    variables = repo_copy / "infra/terraform/modules/networking/variables.tf"
    text = variables.read_text()
    edited = text.replace(
        "Which traffic the VPC flow log records: ACCEPT, REJECT or ALL.",
        "Flow-log traffic filter, changed by the test.",
    )
    assert edited != text
    variables.write_text(edited)
    after = _macro("terraform_module", "infra/modules/networking.md", repo_copy)(name="networking")
    assert "Flow-log traffic filter, changed by the test." in after
    assert "Which traffic the VPC flow log records" not in after


def test_module_page_names_its_sources_and_lists_everything(tree: tf.TerraformTree) -> None:
    page = _macro("terraform_module", "infra/modules/data.md")(name="data")
    assert "infra/terraform/modules/data" in page and "variables.tf" in page
    module = tree.modules["data"]
    for var in module.variables:
        assert f"<code>{_entities(var.name)}</code>" in page
    for res in module.resources:
        assert _entities(res.address) in page
    assert "deletion&#95;protection must be true in prod." in page


def test_unknown_module_is_one_clear_line() -> None:
    with pytest.raises(DataError) as info:
        _macro("terraform_module", "infra/modules/nope.md")(name="nope")
    assert str(info.value).startswith(
        "docs/infra/modules/nope.md:1: terraform_module: no module 'nope'"
    )


def test_check_reports_missing_descriptions(repo_copy: Path, capsys) -> None:
    outputs = repo_copy / "infra/terraform/modules/compute/outputs.tf"
    text = outputs.read_text()
    outputs.write_text(text.replace('  description = "ARN of the EKS cluster."\n', "", 1))
    variables = repo_copy / "infra/terraform/modules/compute/variables.tf"
    variables.write_text(
        variables.read_text() + '\nvariable "undocumented" {\n  type = string\n}\n'
    )
    code = main(["--root", str(repo_copy), "check", "--only", "terraform_documented"])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(
        r"infra/terraform/modules/compute/outputs\.tf:\d+: output \"cluster_arn\" has no description",
        err,
    )
    assert re.search(
        r"infra/terraform/modules/compute/variables\.tf:\d+: variable \"undocumented\" has no description",
        err,
    )


def test_check_rejects_a_skip_without_reason(repo_copy: Path, capsys) -> None:
    main_tf = repo_copy / "infra/terraform/modules/networking/main.tf"
    main_tf.write_text(
        main_tf.read_text().replace(
            'resource "aws_vpc" "this" {\n',
            'resource "aws_vpc" "this" {\n  #checkov:skip=CKV_AWS_1\n',
            1,
        )
    )
    assert main(["--root", str(repo_copy), "check", "--only", "checkov_skip_reasons"]) == 1
    assert "networking/main.tf:" in capsys.readouterr().err


def test_clean_tree_passes_the_checks(capsys) -> None:
    code = main(
        [
            "--root",
            str(ROOT),
            "check",
            "--only",
            "terraform_documented",
            "--only",
            "checkov_skip_reasons",
        ]
    )
    assert code == 0, capsys.readouterr().err


def _entities(text: str) -> str:
    """How the macros write identifiers: Markdown specials as numeric entities."""
    return text.replace("_", "&#95;")


def _macro(name: str, page_src: str, root: Path = ROOT):
    fn = load_all()[name]
    ctx = RenderContext(repo=Repository(root), page_src=page_src)
    return lambda **kwargs: fn(ctx, **kwargs)
