"""Each kind of broken command a reader could meet is caught, with its page, line and block.

A page is copied into a temporary copy of the repository, one thing in it is broken the way a
careless edit would break it, and `kb verify`'s checks run it against the real local stack.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.model.repo import Repository
from kb.verify.runner import run_drill, verify_pages
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    """A copy of what the checks read: docs, infra and the owners registry."""
    target = tmp_path / "repo"
    for part in ("docs", "infra", "mkdocs.yml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("schemas"))
        else:
            shutil.copy(source, target / part)
    return Repository(target)


def _break(repo: Repository, page: str, old: str, new: str) -> tuple[Path, int]:
    path = repo.root / page
    text = path.read_text()
    assert old in text, f"{old!r} not on {page}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1))
    return path, line


def _problems(repo: Repository, stack, path: Path) -> list[str]:
    return [p for r in verify_pages(repo, stack, [path]) for p in r.problems()]


def test_the_unbroken_pages_pass(repo, stack):
    pages = [
        repo.root / "docs/devops/runbooks/redismemorynearlimit.md",
        repo.root / "docs/devops/runbooks/postgresconnectionssaturated.md",
        repo.root / "docs/devops/runbooks/gatewayavailabilityfastburn.md",
        repo.root / "docs/devops/incident-response/production-access.md",
        repo.root / "docs/devops/sops/rotate-a-secret.md",
    ]
    results = verify_pages(repo, stack, pages)
    assert [p for r in results for p in r.problems()] == []
    statuses = {r.outcome.status for r in results}
    assert "verified" in statuses and "parsed" in statuses


@pytest.mark.parametrize(
    ("page", "old", "new", "expected"),
    [
        pytest.param(
            "docs/devops/runbooks/redismemorynearlimit.md",
            "deriv(redis_memory_used_bytes[6h])",
            "deriv(redis_memory_use_bytes[6h])",
            "block 2: returns no series: no series named redis_memory_use_bytes",
            id="metric-renamed",
        ),
        pytest.param(
            "docs/devops/runbooks/gatewaynotready.md",
            'gateway_readiness{job="gateway"}\n```',
            'gateway_readiness{service="gateway"}\n```',
            'returns no series: no series matches gateway_readiness{service="gateway"}',
            id="label-no-series-carries",
        ),
        pytest.param(
            "docs/devops/runbooks/gatewayavailabilityfastburn.md",
            "scale deployment/gateway-edge --replicas=6",
            "scale deployment/gateway-edge --replica=6",
            "kubectl: error: unknown flag: --replica",
            id="wrong-kubectl-flag",
        ),
        pytest.param(
            "docs/devops/runbooks/gatewaynotready.md",
            "kubectl -n gateway get pods",
            "kubectl -n gateway-prod get pods",
            "namespace 'gateway-prod' is not in the catalogue",
            id="namespace-missing",
        ),
        pytest.param(
            "docs/devops/runbooks/gatewayavailabilityfastburn.md",
            "rollout undo deployment/gateway-edge",
            "rollout undo deployment/gateway-edges",
            "deployment 'gateway-edges' is not in namespace 'gateway'",
            id="deployment-missing",
        ),
        pytest.param(
            "docs/devops/runbooks/redismemorynearlimit.md",
            "--tls PING\n```\n\nLook at",
            "--tls PNG\n```\n\nLook at",
            "redis-cli PNG: ERR unknown command 'PNG'",
            id="redis-cli-misspelt",
        ),
        pytest.param(
            "docs/devops/runbooks/postgresconnectionssaturated.md",
            "SELECT application_name, usename, state",
            "SELECT application_name, username, state",
            'psql: ERROR: column "username" does not exist',
            id="psql-wrong-column",
        ),
        pytest.param(
            "docs/devops/runbooks/gatewaymemorynearlimit.md",
            "argocd app set gateway --sync-policy none   # pause self-heal first, or ArgoCD undoes this\n",
            "",
            "which ArgoCD application 'gateway' self-heals: pause it first",
            id="argocd-not-paused",
        ),
        pytest.param(
            "docs/devops/runbooks/redismemorynearlimit.md",
            "--replication-group-id plasma-prod-redis \\\n  --cache-node-type",
            "--replication-grp-id plasma-prod-redis \\\n  --cache-node-type",
            "the following arguments are required: --replication-group-id",
            id="wrong-aws-option",
        ),
        pytest.param(
            # Output flags are skipped as values, but a wrong name after them is still caught.
            "docs/devops/sops/rotate-a-secret.md",
            "kubectl get deployments -A -o json",
            "kubectl -n gateway get deployments -o json gateway-edgy",
            "deployment 'gateway-edgy' is not in namespace 'gateway'",
            id="name-after-output-flag",
        ),
        pytest.param(
            # AWS CLI v2's SSO commands are marked, not run; a misspelt one is not among them.
            "docs/devops/incident-response/production-access.md",
            "aws sso login --profile plasma-prod",
            "aws sso logon --profile plasma-prod",
            "aws: ",
            id="aws-v2-command-misspelt",
        ),
        pytest.param(
            "docs/devops/incident-response/production-access.md",
            "kubectl config use-context plasma-prod",
            "kubectl config use-context plasma-production",
            'no context exists with the name: "plasma-production"',
            id="unknown-kube-context",
        ),
    ],
)
def test_a_broken_command_is_caught_with_file_and_line(repo, stack, page, old, new, expected):
    path, line = _break(repo, page, old, new)
    problems = _problems(repo, stack, path)
    matching = [p for p in problems if expected in p]
    assert matching, f"{expected!r} not among {problems}"
    # `path:line: block N: …` where the line is the broken line or the command containing it.
    where, found_line = matching[0].split(":")[0], int(matching[0].split(":")[1])
    assert where == page
    assert abs(found_line - line) <= 3, (found_line, line)


def test_a_drill_fails_when_the_scenario_no_longer_fires_the_alert(repo, stack):
    # The drill reads the stack's scenarios; a runbook whose Verification query changed so it
    # no longer shows recovery makes the drill fail, naming the block.
    _break(
        repo,
        "docs/devops/runbooks/gatewaynotready.md",
        'min(gateway_readiness{job="gateway"})',
        'max(gateway_readiness{job="gateway"}) - 1',
    )
    result = run_drill(repo, stack, "GatewayNotReady")
    assert not result.passed
    assert any(
        p.startswith("docs/devops/runbooks/gatewaynotready.md:") and "should show == 1" in p
        for p in result.problems
    ), result.problems


def test_every_alert_has_a_passing_drill(stack):
    from kb.verify.runner import alert_rules

    repo = Repository(ROOT)
    failures = {
        alert: result.problems
        for alert in sorted(alert_rules(ROOT))
        if not (result := run_drill(repo, stack, alert)).passed
    }
    assert failures == {}


def test_a_heartbeat_drill_fails_when_the_heartbeat_stops(repo, stack):
    # Watchdog's scenario says `recovered_at: never`: the drill passes only while the alert still
    # fires at the scenario's last minute. A "heartbeat" that fires only while deliveries fail is
    # silent by then, and the drill says so.
    _break(
        repo,
        "infra/observability/prometheus/rules/meta-monitoring.yml",
        "expr: vector(1)",
        'expr: sum(rate(alertmanager_notifications_failed_total{integration="webhook"}[5m])) > 0',
    )
    result = run_drill(repo, stack, "Watchdog")
    assert not result.passed
    assert any(
        p.startswith("infra/observability/drills/watchdog.yml:1:") and "stops firing" in p
        for p in result.problems
    ), result.problems
    assert "fires at minute 45 (held 0 min)" in result.steps


def test_a_scenario_minute_that_is_not_a_number_is_one_line(tmp_path):
    from kb.model._errors import DataError
    from kb.verify.scenarios import ScenarioSet

    drills = tmp_path / "infra/observability/drills"
    shutil.copytree(ROOT / "infra/observability/drills", drills)
    path = drills / "watchdog.yml"
    path.write_text(path.read_text().replace("recovered_at: never", "recovered_at: soon"))
    with pytest.raises(DataError) as caught:
        ScenarioSet.load(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "infra/observability/drills/watchdog.yml:1: recovered_at: 'soon' is not a minute like `75m`"
    ]
