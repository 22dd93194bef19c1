"""Every Rego policy in infra/policy, evaluated with regopy (rego-cpp) against the plan fixtures.

A compliant plan (mirroring infra/terraform/modules) gets no denial from any policy; each file in
fixtures/violations/ is denied by exactly its own policy with the expected message; every `test_*`
rule in the `*_test.rego` files evaluates to true. CI runs the same policies with conftest.

regopy notes: the plan is passed with `set_input_term(json)` because `set_input(Input(dict))`
does not escape quotes in resource addresses such as `aws_kms_key.this["audit"]`, and each test
rule is queried on its own (one query per package crashed rego-cpp 1.5.2 once).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from regopy import Interpreter
from regopy.rego_shared import rego_get_error

from tests.conftest import ROOT

POLICY_DIR = ROOT / "infra" / "policy"
FIXTURES = Path(__file__).parent / "fixtures"
MODULES = sorted(POLICY_DIR.rglob("*.rego"))
SOURCES = [p for p in MODULES if not p.name.endswith("_test.rego")]
POLICIES = sorted(p.stem for p in SOURCES if p.parent == POLICY_DIR)
TEST_FILES = sorted(POLICY_DIR.glob("*_test.rego"))

# The message each violating fixture must produce (policy id, resource address, what is wrong).
EXPECTED = {
    "s3_public_access": "PE-IAC-001: "
    "module.docs_site.module.site_bucket.aws_s3_bucket_public_access_block.this sets "
    "restrict_public_buckets to false; all four public-access flags must be true",
    "encryption_at_rest": "PE-IAC-002: module.data.aws_db_instance.this has storage_encrypted "
    "unset or false",
    "kms_rotation": 'PE-IAC-003: module.security.aws_kms_key.this["audit"] is a symmetric key '
    "without enable_key_rotation = true",
    "sg_open_ingress": "PE-IAC-004: module.networking.aws_security_group.bastion allows ingress "
    "from the internet on ports 22-22",
    "iam_wildcard": 'PE-IAC-005: module.security.aws_iam_role_policy.deploy["gateway"] allows '
    'every action on every resource (Action "*" or NotAction, with Resource "*")',
    "imdsv2_required": "PE-IAC-006: module.compute.aws_launch_template.node does not set "
    'metadata_options.http_tokens = "required" (IMDSv1 stays reachable)',
    "cloudtrail_enabled": "PE-IAC-007: module.security.aws_cloudtrail.this must set "
    "is_multi_region_trail = true",
    "vpc_flow_logs": "PE-IAC-008: module.networking.aws_vpc.this has no aws_flow_log with "
    "traffic_type ALL in its module",
    "required_tags": "PE-IAC-009: module.data.aws_elasticache_replication_group.this is missing "
    "the ManagedBy tag",
    "rds_prod_protection": "PE-IAC-010: module.data.aws_db_instance.this is a prod database "
    "without deletion_protection = true",
    "cloudfront_tls": "PE-IAC-011: module.docs_site.aws_cloudfront_distribution.this uses the "
    "default CloudFront certificate, which accepts TLS 1.0; attach an ACM certificate",
    "cloudfront_security_headers": "PE-IAC-012: module.docs_site.aws_cloudfront_distribution.this "
    "has a default_cache_behavior without response_headers_policy_id",
    "eks_endpoint": "PE-IAC-013: module.compute.aws_eks_cluster.this exposes a public API "
    "endpoint without public_access_cidrs limits",
    "github_oidc_trust": 'PE-IAC-014: module.security.aws_iam_role.deploy["gateway"] trusts '
    'GitHub subject "repo:*:environment:prod" outside repo:Plasma-Engine/<repository>',
}


def interpreter(*extra: Path) -> Interpreter:
    """An interpreter holding every policy and helper (plus `extra` test modules)."""
    rego = Interpreter()
    for path in [*SOURCES, *extra]:
        rego.add_module(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
    return rego


def query(rego: Interpreter, expression: str):
    """The value of `expression`, or None when undefined; fails the test on an engine error."""
    output = rego.query(expression)
    if not output.ok():
        pytest.fail(f"{expression}: {rego_get_error(rego._impl)}")
    text = str(output)
    return None if text == "undefined" else json.loads(text)["expressions"][0]


def denials(plan: Path) -> dict[str, list[str]]:
    """Every policy's deny messages for the plan JSON at `plan` (policies with none omitted)."""
    rego = interpreter()
    rego.set_input_term(plan.read_text(encoding="utf-8"))
    found = {name: query(rego, f"data.{name}.deny") for name in POLICIES}
    return {name: sorted(messages) for name, messages in found.items() if messages}


def test_at_least_twelve_policies_each_with_tests():
    assert len(POLICIES) >= 12
    for name in POLICIES:
        assert (POLICY_DIR / f"{name}_test.rego").is_file(), f"{name} has no _test.rego"
    assert set(EXPECTED) == set(POLICIES), "every policy needs a violating fixture"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(POLICY_DIR).as_posix())
def test_modules_are_rego_v1(path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^package [a-z0-9_.]+$", text, re.MULTILINE)
    # Rego v1: multi-value rules use `contains`, every rule body follows `if`; no v0 forms.
    assert not re.search(r"^deny\[", text, re.MULTILINE), "v0 deny[msg] syntax"
    assert "future.keywords" not in text
    if not path.name.endswith("_test.rego") and path.parent == POLICY_DIR:
        assert "deny contains msg if {" in text


def test_compliant_plan_has_no_denials():
    plan = FIXTURES / "compliant.plan.json"
    assert denials(plan) == {}


def test_compliant_plan_covers_every_policy_subject():
    """The compliant fixture exercises each policy: it holds the resource types they judge."""
    plan = json.loads((FIXTURES / "compliant.plan.json").read_text(encoding="utf-8"))
    types = {rc["type"] for rc in plan["resource_changes"]}
    needed = {
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_db_instance",
        "aws_elasticache_replication_group",
        "aws_eks_cluster",
        "aws_kms_key",
        "aws_security_group",
        "aws_iam_role_policy",
        "aws_launch_template",
        "aws_cloudtrail",
        "aws_vpc",
        "aws_flow_log",
        "aws_cloudfront_distribution",
        "aws_cloudfront_response_headers_policy",
        "aws_iam_role",
    }
    assert needed <= types, needed - types


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_violating_plan_is_denied_by_its_policy_only(name):
    found = denials(FIXTURES / "violations" / f"{name}.plan.json")
    assert set(found) == {name}, f"denied by {sorted(found)}"
    assert EXPECTED[name] in found[name], found[name]


def _test_rules():
    for path in TEST_FILES:
        text = path.read_text(encoding="utf-8")
        package = re.search(r"^package (\S+)", text, re.MULTILINE).group(1)
        for rule in re.findall(r"^(test_\w+) if", text, re.MULTILINE):
            yield pytest.param(path, package, rule, id=f"{path.stem}.{rule}")


@pytest.mark.parametrize(("path", "package", "rule"), list(_test_rules()))
def test_rego_unit_test_passes(path, package, rule):
    rego = interpreter(path)
    rego.set_input_term("{}")
    assert query(rego, f"data.{package}.{rule}") is True


def test_a_broken_policy_fails_its_rego_test(tmp_path):
    """The harness can fail: a rotation policy that never denies makes its test false."""
    broken = tmp_path / "kms_rotation.rego"
    source = (POLICY_DIR / "kms_rotation.rego").read_text(encoding="utf-8")
    broken.write_text(source.replace("!= true", "== 42"), encoding="utf-8")
    rego = Interpreter()
    for path in [p for p in SOURCES if p.name != "kms_rotation.rego"] + [broken]:
        rego.add_module(path.name, path.read_text(encoding="utf-8"))
    rego.add_module("t", (POLICY_DIR / "kms_rotation_test.rego").read_text(encoding="utf-8"))
    rego.set_input_term("{}")
    assert query(rego, "data.kms_rotation_test.test_key_without_rotation_is_denied") is None
