"""Bad event files: each mistake gives exactly one `path:line: message` and exit 1, no traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kb.cli import main
from kb.model.events import load_events
from tests.conftest import ROOT

TWO = Path(__file__).parent / "data" / "two-services"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")

GOOD_DEPLOYMENT = """\
  - id: gw-9
    service: gateway
    version: v1.9.0
    environment: production
    started: 2026-11-26T09:00:00Z
    finished: 2026-11-26T09:20:00Z
    result: success
"""
GOOD_INCIDENT = """\
  - id: INC-301
    title: Gateway slow
    service: gateway
    severity: SEV-3
    started: 2026-11-26T10:00:00Z
    detected: 2026-11-26T10:05:00Z
"""


def _append(folder: Path, name: str, record: str) -> int:
    """Append `record` to `<folder>/<name>`; returns the line its first key lands on."""
    file = folder / name
    text = file.read_text(encoding="utf-8")
    file.write_text(text + record, encoding="utf-8")
    return len(text.splitlines()) + 1


# (file, record, line of the bad key relative to the record's first line, message fragment)
CASES = {
    "missing field": (
        "deployments.yml",
        GOOD_DEPLOYMENT.replace("    result: success\n", ""),
        0,
        "missing required key 'result'",
    ),
    "deployment ends before it starts": (
        "deployments.yml",
        GOOD_DEPLOYMENT.replace("finished: 2026-11-26T09:20:00Z", "finished: 2026-11-26T08:20:00Z"),
        5,
        "finished is before started",
    ),
    "unknown service": (
        "deployments.yml",
        GOOD_DEPLOYMENT.replace("service: gateway", "service: billing"),
        1,
        "unknown service 'billing'",
    ),
    "time without offset": (
        "deployments.yml",
        GOOD_DEPLOYMENT.replace("started: 2026-11-26T09:00:00Z", "started: 2026-11-26T09:00:00"),
        4,
        "timezone",
    ),
    "duplicate deployment id": (
        "deployments.yml",
        GOOD_DEPLOYMENT.replace("id: gw-9", "id: gw-1"),
        0,
        "duplicate deployment id 'gw-1'",
    ),
    "repair names no deployment": (
        "deployments.yml",
        GOOD_DEPLOYMENT + "    failed_deployment: gw-404\n",
        7,
        "failed_deployment 'gw-404'",
    ),
    "incident mitigated before detected": (
        "incidents.yml",
        GOOD_INCIDENT + "    mitigated: 2026-11-26T10:00:00Z\n",
        6,
        "mitigated is before detected",
    ),
    "incident of an unknown service": (
        "incidents.yml",
        GOOD_INCIDENT.replace("service: gateway", "service: billing"),
        2,
        "unknown service 'billing'",
    ),
    "incident caused by an unknown deployment": (
        "incidents.yml",
        GOOD_INCIDENT + "    caused_by: gw-404\n",
        6,
        "caused_by 'gw-404' is not a deployment",
    ),
    "incident missing its severity": (
        "incidents.yml",
        GOOD_INCIDENT.replace("    severity: SEV-3\n", ""),
        0,
        "missing required key 'severity'",
    ),
    "runbook found wrong but not used": (
        "incidents.yml",
        GOOD_INCIDENT + "    runbooks: [redisdown]\n    runbooks_wrong: [postgresdown]\n",
        7,
        "runbooks_wrong names 'postgresdown'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_line_per_bad_record(case: str, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "events"
    shutil.copytree(TWO, folder)
    name, record, offset, fragment = CASES[case]
    first = _append(folder, name, record)
    code = main(["--root", str(ROOT), "dora", "--events", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    match = LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"].endswith(f"events/{name}")
    assert int(match["line"]) == first + offset, lines[0]
    assert fragment in match["message"]


def test_kb_check_reports_the_repository_events(repo_copy: Path, capsys) -> None:
    events = repo_copy / "docs/devops/events"
    first = _append(events, "incidents.yml", "  - " + GOOD_INCIDENT[4:].replace("INC-301", "INC-1"))
    text = (events / "incidents.yml").read_text(encoding="utf-8")
    (events / "incidents.yml").write_text(
        text.replace("incidents: []", "incidents:") + "    runbooks: [nosuchrunbook]\n",
        encoding="utf-8",
    )
    assert main(["--root", str(repo_copy), "check", "--only", "events"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"docs/devops/events/incidents.yml:{first + 6}: runbook 'nosuchrunbook' is not a page in "
        "docs/devops/runbooks/"
    )


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    shutil.copytree(TWO, folder)
    (folder / "incidents.yml").write_text("incidents: [\n", encoding="utf-8")
    events = load_events(tmp_path, folder)
    assert len(events.problems) == 1
    assert str(events.problems[0]).startswith("events/incidents.yml:")
