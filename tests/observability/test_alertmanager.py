"""Alertmanager: amtool accepts the config, pages reach PagerDuty and tickets Slack, secrets come
from files, and every inhibition names alerts that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kb.model import Repository
from kb.model.alerts import load_rules
from tests.conftest import ROOT, require_tool, run_tool

CONFIG = ROOT / "infra" / "observability" / "alertmanager" / "alertmanager.yml"
SLACK = {
    "gateway-team": "slack-gateway",
    "data-team": "slack-data",
    "platform-team": "slack-platform",
    "sre-team": "slack-sre",  # SRE's alerts fall through to the default receiver
}
PAGERDUTY = {
    "gateway-team": "pagerduty-gateway",
    "data-team": "pagerduty-data",
    "platform-team": "pagerduty-platform",
}


def routes(amtool: str, labels: dict[str, str], config: Path = CONFIG) -> str:
    """The receivers `amtool config routes test` picks for an alert with `labels`."""
    result = run_tool(
        [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            *(f"{k}={v}" for k, v in labels.items()),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_amtool_check_config() -> None:
    amtool = require_tool("amtool")
    result = run_tool([amtool, "check-config", str(CONFIG)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_amtool_rejects_a_route_to_an_undefined_receiver(tmp_path: Path) -> None:
    amtool = require_tool("amtool")
    broken = tmp_path / "alertmanager.yml"
    broken.write_text(
        CONFIG.read_text(encoding="utf-8").replace(
            "receiver: pagerduty-gateway", "receiver: pagerduty-nobody"
        )
    )
    assert run_tool([amtool, "check-config", str(broken)]).returncode != 0


def test_a_gateway_page_goes_to_the_gateway_pagerduty_receiver() -> None:
    amtool = require_tool("amtool")
    labels = {
        "alertname": "GatewayNotReady",
        "severity": "page",
        "service": "gateway",
        "team": "gateway-team",
    }
    assert routes(amtool, labels).split(",") == ["pagerduty-gateway", "slack-gateway"]


def test_a_gateway_ticket_goes_to_slack_only() -> None:
    amtool = require_tool("amtool")
    labels = {
        "alertname": "GatewayCpuThrottling",
        "severity": "ticket",
        "service": "gateway",
        "team": "gateway-team",
    }
    assert routes(amtool, labels) == "slack-gateway"


def test_an_alert_without_a_team_reaches_sre() -> None:
    amtool = require_tool("amtool")
    assert routes(amtool, {"alertname": "Unknown", "severity": "ticket"}) == "slack-sre"


def test_every_alert_rule_routes_to_its_team() -> None:
    amtool = require_tool("amtool")
    for alert in load_rules(Repository(ROOT)).or_raise().alerts:
        got = routes(amtool, {"alertname": alert.name, **alert.labels}).split(",")
        want = [SLACK[alert.team]]
        if alert.severity == "heartbeat":
            want = ["heartbeat"]
        elif alert.severity == "page":
            want.insert(0, PAGERDUTY[alert.team])
        assert got == want, alert.name


def test_the_heartbeat_reaches_the_checker_every_minute_and_nothing_else() -> None:
    amtool = require_tool("amtool")
    labels = {"alertname": "Watchdog", "severity": "heartbeat", "service": "monitoring"}
    assert routes(amtool, {**labels, "team": "sre-team"}) == "heartbeat"
    route = next(
        r
        for r in yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["route"]["routes"]
        if r["receiver"] == "heartbeat"
    )
    assert route["repeat_interval"] == "1m" and not route.get("continue", False)
    # Another alert that merely claims the heartbeat severity is not swallowed by that route.
    assert routes(amtool, {"alertname": "Other", "severity": "heartbeat"}) == "slack-sre"


def test_secrets_are_read_from_files_never_inline() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for receiver in config["receivers"]:
        for pd in receiver.get("pagerduty_configs", []):
            assert "routing_key" not in pd and "service_key" not in pd, receiver["name"]
            assert pd["routing_key_file"].startswith("/etc/alertmanager/secrets/")
        for hook in receiver.get("webhook_configs", []):
            credentials = hook["http_config"]["authorization"]["credentials_file"]
            assert credentials.startswith("/etc/alertmanager/secrets/"), receiver["name"]
        for slack in receiver.get("slack_configs", []):
            assert "api_url" not in slack, receiver["name"]
            assert slack["api_url_file"].startswith("/etc/alertmanager/secrets/")
    assert "slack_api_url" not in config.get("global", {})


_ALERTNAME = re.compile(r'^alertname(=~|=)"(?P<value>[^"]*)"$')


@pytest.mark.parametrize("side", ["source_matchers", "target_matchers"])
def test_inhibitions_name_existing_alerts(side: str) -> None:
    names = load_rules(Repository(ROOT)).or_raise().alert_names
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for rule in config["inhibit_rules"]:
        for matcher in rule[side]:
            match = _ALERTNAME.match(matcher.replace(" ", ""))
            if match:
                pattern = re.compile(f"^(?:{match['value']})$")
                assert any(pattern.match(n) for n in names), matcher
