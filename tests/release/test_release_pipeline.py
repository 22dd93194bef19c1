"""ci/release: copies in sync, callers wired build → staging → production, least privilege, and the
verification script against a loopback gateway and Prometheus; the burn-rate query evaluated by promtool.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.commands.release import sync_workflows, workflow_copies
from tests.conftest import ROOT, require_tool, run_tool

VERIFY = ROOT / "ci/release/verify_release.py"
SLO_RULES = ROOT / "infra/observability/prometheus/rules/gateway-slo.yml"


def _workflow(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_github_copies_match_ci_release_sources(capsys) -> None:
    assert main(["--root", str(ROOT), "release", "sync-workflows", "--check"]) == 0, (
        capsys.readouterr().err
    )
    names = {t.name for t in workflow_copies(ROOT).values()}
    assert names == {"release-build.yml", "release-deploy.yml"}


def test_sync_rewrites_a_stale_copy(tmp_path: Path) -> None:
    (tmp_path / "ci/release").mkdir(parents=True)
    source = tmp_path / "ci/release/build.yml"
    source.write_text("name: x\non: workflow_call\njobs:\n  a: {}\n", encoding="utf-8")
    (tmp_path / "ci/release/notes.yml").write_text("data: 1\n", encoding="utf-8")  # not a workflow
    assert sync_workflows(tmp_path, check=True) == [".github/workflows/release-build.yml"]
    assert sync_workflows(tmp_path) == [".github/workflows/release-build.yml"]
    assert sync_workflows(tmp_path, check=True) == []
    copy = tmp_path / ".github/workflows/release-build.yml"
    assert copy.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_release_promotes_the_built_digest_through_staging_to_production() -> None:
    jobs = _workflow(".github/workflows/release.yml")["jobs"]
    assert jobs["build"]["uses"] == "./.github/workflows/release-build.yml"
    for env, needs in (("staging", "build"), ("production", ["build", "staging"])):
        job = jobs[env]
        assert job["uses"] == "./.github/workflows/release-deploy.yml"
        assert job["needs"] == needs
        assert job["with"]["environment"] == env
        assert job["with"]["digest"] == "${{ needs.build.outputs.digest }}"


def test_rollback_redeploys_a_digest_with_its_incident() -> None:
    job = _workflow(".github/workflows/release-rollback.yml")["jobs"]["rollback"]
    assert job["uses"] == "./.github/workflows/release-deploy.yml"
    assert job["with"]["rollback"] is True
    assert job["with"]["incident"] == "${{ inputs.incident }}"


def test_jobs_get_only_the_permissions_they_use() -> None:
    build = _workflow("ci/release/build.yml")["jobs"]["build"]
    assert build["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",  # pragma: allowlist secret
        "attestations": "write",
    }
    deploy = _workflow("ci/release/deploy.yml")["jobs"]["deploy"]
    assert deploy["permissions"] == {
        "contents": "write",
        "deployments": "write",
        "attestations": "read",
        "packages": "read",
    }
    assert deploy["environment"]["name"] == "${{ inputs.environment }}"
    steps = " ".join(str(step) for step in deploy["steps"])
    for needle in (
        "gh attestation verify",
        "verify_release.py",
        "record.sh create",
        "gitops.sh set",
        "Roll back to the previous digest",
    ):
        assert needle in steps


def test_attestation_names_the_image_and_its_digest() -> None:
    steps = _workflow("ci/release/build.yml")["jobs"]["build"]["steps"]
    attest = next(s for s in steps if str(s.get("uses", "")).startswith("actions/attest-build"))
    assert attest["with"] == {
        "subject-name": "${{ inputs.image }}",
        "subject-digest": "${{ steps.build.outputs.digest }}",
        "push-to-registry": True,
    }


def test_shell_helpers_parse() -> None:
    for script in ("gitops.sh", "record.sh"):
        result = run_tool(["bash", "-n", str(ROOT / "ci/release" / script)])
        assert result.returncode == 0, result.stderr
        usage = run_tool(["bash", str(ROOT / "ci/release" / script)])
        assert usage.returncode == 2 and "usage:" in usage.stderr


# --- verify_release.py against loopback servers -------------------------------------------------


class _State:
    """What the fake gateway and Prometheus answer; tests change it while the server runs."""

    def __init__(self) -> None:
        self.health = 200
        self.ready: tuple[int, dict] = (200, {"status": "ready"})
        self.burn: list[float] = [0.5]
        self.queries: list[str] = []


@contextmanager
def fake_service() -> Iterator[tuple[str, _State]]:
    state = _State()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            from urllib.parse import parse_qs, urlparse

            url = urlparse(self.path)
            if url.path == "/health":
                self._send(state.health, {"status": "ok"})
            elif url.path == "/ready":
                self._send(*state.ready)
            elif url.path == "/api/v1/query":
                state.queries.append(parse_qs(url.query)["query"][0])
                result = [{"metric": {}, "value": [0, str(v)]} for v in (state.burn or [])]
                self._send(
                    200, {"status": "success", "data": {"resultType": "vector", "result": result}}
                )
            else:
                self._send(404, {})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def verify(url: str, *extra: str) -> subprocess.CompletedProcess:
    return run_tool(
        [
            sys.executable,
            str(VERIFY),
            "--base-url",
            url,
            "--prometheus-url",
            url,
            "--interval",
            "0",
            *extra,
        ]
    )


def test_verify_passes_a_healthy_service() -> None:
    with fake_service() as (url, state):
        result = verify(url, "--max-burn-rate", "1")
    assert result.returncode == 0, result.stdout
    assert "ok   ready: GET /ready answered 200 with status 'ready'" in result.stdout
    assert "ok   burn: burn rate over 1h is 0.5 (limit 1)" in result.stdout
    assert state.queries == [
        "gateway:slo_availability_errors:ratio_rate1h / (1 - gateway:slo_availability:objective)"
    ]


def test_verify_reads_the_ready_body_not_just_the_status() -> None:
    with fake_service() as (url, state):
        state.ready = (200, {"status": "not_ready"})
        result = verify(url)
    assert result.returncode == 1
    assert "FAIL ready: GET /ready answered 200 with status 'not_ready'" in result.stdout


def test_verify_fails_on_an_unhealthy_service_after_its_attempts() -> None:
    with fake_service() as (url, state):
        state.health = 503
        result = verify(url, "--attempts", "2")
    assert result.returncode == 1
    assert "FAIL health: GET /health answered 503" in result.stdout


def test_verify_fails_when_the_burn_rate_is_above_the_limit() -> None:
    with fake_service() as (url, state):
        state.burn = [15.2]
        result = verify(url)
    assert result.returncode == 1
    assert "FAIL burn: burn rate over 1h is 15.2 (limit 14.4)" in result.stdout


def test_missing_slo_data_fails_unless_allowed() -> None:
    with fake_service() as (url, state):
        state.burn = []
        strict = verify(url)
        allowed = verify(url, "--allow-missing-slo-data")
    assert strict.returncode == 1 and "FAIL burn: burn rate over 1h: no data" in strict.stdout
    assert allowed.returncode == 0 and "allowed by --allow-missing-slo-data" in allowed.stdout


def test_verify_reports_an_unreachable_service() -> None:
    with fake_service() as (url, _):
        pass  # the server is stopped: nothing listens on the port any more
    result = verify(url)
    assert result.returncode == 1 and "unreachable" in result.stdout


def test_verify_rejects_bad_arguments() -> None:
    result = run_tool([sys.executable, str(VERIFY), "--base-url", "ftp://example"])
    assert result.returncode == 2


def test_burn_rate_query_uses_recording_rules_that_exist() -> None:
    sys.path.insert(0, str(VERIFY.parent))
    try:
        from verify_release import WINDOWS, burn_rate_query
    finally:
        sys.path.remove(str(VERIFY.parent))
    rules = {
        rule.get("record")
        for group in yaml.safe_load(SLO_RULES.read_text(encoding="utf-8"))["groups"]
        for rule in group["rules"]
    }
    for window in WINDOWS:
        query = burn_rate_query("gateway", window)
        for name in query.replace("(", " ").replace(")", " ").split():
            if ":" in name:
                assert name in rules, f"{name} is not a recording rule in {SLO_RULES.name}"


def test_promtool_evaluates_the_burn_rate_query(tmp_path: Path) -> None:
    """1 % of requests fail → burn rate 10 against a 99.9 % objective, computed by Prometheus itself."""
    promtool = require_tool("promtool")
    sys.path.insert(0, str(VERIFY.parent))
    try:
        from verify_release import burn_rate_query
    finally:
        sys.path.remove(str(VERIFY.parent))
    query = burn_rate_query("gateway", "1h")
    (tmp_path / "burn.yml").write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {
                        "name": "release-burn",
                        "rules": [
                            {
                                "alert": "ReleaseBurnIsTen",
                                "expr": f"({query}) > 9.99 and ({query}) < 10.01",
                            },
                            {"alert": "ReleaseBurnAboveFastBurn", "expr": f"({query}) > 14.4"},
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    series = (
        'http_server_request_duration_seconds_count{{job="gateway",http_route="/api/v1/items",'
        'http_response_status_code="{code}"}}'
    )
    (tmp_path / "test.yml").write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(SLO_RULES), str(tmp_path / "burn.yml")],
                "evaluation_interval": "1m",
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [
                            {"series": series.format(code="200"), "values": "0+990x120"},
                            {"series": series.format(code="500"), "values": "0+10x120"},
                        ],
                        "alert_rule_test": [
                            {
                                "eval_time": "90m",
                                "alertname": "ReleaseBurnIsTen",
                                "exp_alerts": [{"exp_labels": {}}],
                            },
                            {
                                "eval_time": "90m",
                                "alertname": "ReleaseBurnAboveFastBurn",
                                "exp_alerts": [],
                            },
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = run_tool([promtool, "test", "rules", str(tmp_path / "test.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "workflow", sorted((ROOT / "ci/release").glob("*.yml")), ids=lambda p: p.name
)
def test_release_workflows_are_found_by_the_shared_workflow_checks(workflow: Path) -> None:
    import importlib.util

    module = sys.modules.get("security_scan")
    if module is None:  # dataclasses in the module need it registered before it runs
        spec = importlib.util.spec_from_file_location(
            "security_scan", ROOT / "scripts/security_scan.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["security_scan"] = module
        spec.loader.exec_module(module)
    found = set(module.workflow_files(ROOT))
    assert workflow in found
    assert ROOT / ".github/workflows" / f"release-{workflow.stem}.yml" in found
