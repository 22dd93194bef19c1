"""`kb bootstrap` against a loopback Grafana/ruler stand-in: dry runs send nothing, real runs send
every dashboard and rule group with auth, and a failure is one line and exit status 1."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.commands.bootstrap import _plain
from kb.model import Repository
from kb.model.alerts import load_rules
from tests.conftest import ROOT
from tests.observability.fake_stack import fake_stack

DASHBOARDS = sorted((ROOT / "infra/observability/grafana/dashboards").glob("*.json"))
GROUPS = load_rules(Repository(ROOT)).groups
RULER = "/prometheus/config/v1/rules"


def bootstrap(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--root", str(ROOT), "bootstrap", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAFANA_TOKEN", "grafana-test-token")
    monkeypatch.setenv("RULER_TOKEN", "ruler-test-token")


def test_dry_run_sends_nothing(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAFANA_TOKEN", raising=False)
    with fake_stack() as stack:
        code, out, _ = bootstrap(
            capsys, "--dry-run", "--grafana-url", stack.url, "--ruler-url", stack.url + RULER
        )
        assert stack.requests == []
    assert code == 0
    assert out.count("would POST dashboard ") == len(DASHBOARDS)
    assert out.count("would POST rule group ") == len(GROUPS)
    assert f"would send {len(DASHBOARDS) + len(GROUPS)} request(s)" in out


def test_real_run_sends_every_dashboard_with_the_grafana_token(capsys, tokens) -> None:
    with fake_stack() as stack:
        code, _, err = bootstrap(capsys, "--grafana-url", stack.url, "--folder-uid", "plasma")
    assert code == 0, err
    assert [r.path for r in stack.requests] == ["/api/dashboards/db"] * len(DASHBOARDS)
    sent = {}
    for request in stack.requests:
        assert request.headers["authorization"] == "Bearer grafana-test-token"
        assert request.headers["content-type"] == "application/json"
        body = json.loads(request.body)
        assert body["overwrite"] is True and body["folderUid"] == "plasma"
        assert body["dashboard"]["id"] is None
        sent[body["dashboard"]["uid"]] = body["dashboard"]
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        assert sent[dashboard["uid"]] == {**dashboard, "id": None}


def test_real_run_sends_every_rule_group_as_yaml(capsys, tokens) -> None:
    with fake_stack() as stack:
        code, _, err = bootstrap(capsys, "--ruler-url", stack.url + RULER, "--tenant", "plasma")
    assert code == 0, err
    assert len(stack.requests) == len(GROUPS)
    for request, entry in zip(stack.requests, GROUPS, strict=True):
        assert request.path == f"{RULER}/{Path(entry['file']).stem}"
        assert request.headers["authorization"] == "Bearer ruler-test-token"
        assert request.headers["x-scope-orgid"] == "plasma"
        assert request.headers["content-type"] == "application/yaml"
        assert yaml.safe_load(request.body) == _plain(entry["group"])


def test_an_error_status_stops_with_one_line_and_exit_1(capsys, tokens) -> None:
    with fake_stack() as stack:
        stack.answer["/api/dashboards/db"] = 500
        code, _, err = bootstrap(
            capsys, "--grafana-url", stack.url, "--ruler-url", stack.url + RULER
        )
        assert len(stack.requests) == 1
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "POST" in lines[0] and "HTTP 500" in lines[0] and "Traceback" not in err


def test_an_unreachable_stack_is_one_line_and_exit_1(capsys, tokens) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = bootstrap(capsys, "--ruler-url", f"http://127.0.0.1:{port}{RULER}")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "cannot connect" in err


def test_a_missing_grafana_token_is_a_usage_error(capsys, monkeypatch) -> None:
    monkeypatch.delenv("GRAFANA_TOKEN", raising=False)
    with fake_stack() as stack:
        code, _, err = bootstrap(capsys, "--grafana-url", stack.url)
        assert stack.requests == []
    assert code == 2 and "GRAFANA_TOKEN" in err


def test_no_target_is_a_usage_error(capsys) -> None:
    code, _, err = bootstrap(capsys, "--dry-run")
    assert code == 2 and "--grafana-url" in err


def test_help_works(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bootstrap", "--help"])
    assert exit_info.value.code == 0
    assert "POST /api/dashboards/db" in capsys.readouterr().out
