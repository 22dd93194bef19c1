"""kb dora on hand-computed data sets: the five metrics, the known mistakes each avoids, the window.

The data set is tests/dora/data/two-services (gateway and research, 2026-11-02 to 2026-11-29, four
weeks). Every expected value below is worked out by hand in the comment beside it; times are UTC.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb.cli import main
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data"
TWO = DATA / "two-services"
FOUR_WEEKS = ["--since", "2026-11-02", "--until", "2026-11-29"]


def dora(capsys, *args: str) -> dict:
    code = main(["--root", str(ROOT), "dora", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_gateway_four_weeks(capsys) -> None:
    report = dora(capsys, "--events", str(TWO), "--service", "gateway", *FOUR_WEEKS)
    # Production deployments finished in the window: gw-1, gw-2, gw-3 (rollback), gw-4, gw-5
    # (hotfix for INC-103), gw-6 (result failure), gw-7 (rollback) = 7; gw-staging-1 is staging.
    assert report["deployments"] == 7
    # Lead time per change, finished - first_commit:
    #   gw-1: 11-03 10:00 - 11-02 10:00 = 24 h; 10:00 - 06:00+02:00 (04:00 UTC) = 6 h
    #   gw-2: 11-10 12:00 - 11-09 12:00 = 24 h
    #   gw-4: 11-17 09:00 - 11-16 21:00-05:00 (11-17 02:00 UTC) = 7 h
    #   gw-5: 11-18 10:00 - 11-18 08:00 = 2 h
    #   (gw-6 failed, gw-3 and gw-7 are rollbacks: no lead time)
    #   sorted [2, 6, 7, 24, 24] -> median 7
    assert report["change_lead_time_hours"] == 7
    # Successful non-rollback deployments: gw-1, gw-2, gw-4, gw-5 = 4 over 28 days = 4 weeks -> 1.0
    assert report["deployment_frequency_per_week"] == 1.0
    # Non-rollback deployments: gw-1, gw-2, gw-4, gw-5, gw-6 = 5. Failed: gw-2 (INC-101, INC-102 and
    # rollback gw-3), gw-4 (INC-103, hotfix gw-5), gw-6 (result failure) = 3 -> 3 / 5 = 0.6
    assert report["change_fail_rate"] == 0.6
    # Recovery from the failed deployment's finish:
    #   gw-2: earliest of INC-101 mitigated 15:00, INC-102 mitigated 15:30, gw-3 15:30 -> 15:00 - 12:00 = 3 h
    #   gw-4: earliest of INC-103 mitigated 11-18 11:00, gw-5 11-18 10:00 -> 11-18 10:00 - 11-17 09:00 = 25 h
    #   gw-6: gw-7 10:30 - 10:00 = 0.5 h
    #   sorted [0.5, 3, 25] -> median 3
    assert report["failed_deployment_recovery_time_hours"] == 3
    # Rework: gw-3 (rollback, INC-101), gw-5 (hotfix, INC-103), gw-7 (rollback) = 3 of 7 = 0.428571..
    assert report["deployment_rework_rate"] == 0.4286
    # Incidents detected in the window: INC-101, INC-102, INC-103
    assert report["incidents"] == 3


def test_research_four_weeks(capsys) -> None:
    report = dora(capsys, "--events", str(TWO), "--service", "research", *FOUR_WEEKS)
    # rs-3 finished 2026-11-02T00:30+01:00 = 11-01 23:30 UTC: before the window, although its local
    # date is 11-02. rs-2 finished 2026-11-30T01:00+02:00 = 11-29 23:00 UTC: inside the window.
    # In the window: rs-1, rs-4, rs-2 = 3
    assert report["deployments"] == 3
    # Lead times: rs-1 11-04 15:00 - 11-02 15:00 = 48 h (from the merge it would be 6 h);
    # rs-4 11-20 10:00 - 11-19 10:00 = 24 h; rs-2 11-29 23:00 - 11-29 11:00 = 12 h
    # sorted [12, 24, 48] -> median 24
    assert report["change_lead_time_hours"] == 24
    # 3 successful deployments / 4 weeks = 0.75
    assert report["deployment_frequency_per_week"] == 0.75
    # rs-4 caused INC-201: 1 of 3 = 0.333..
    assert report["change_fail_rate"] == 0.3333
    # rs-4 finished 11-20 10:00, INC-201 mitigated 11-21 12:00 -> 26 h (from detection: 2 h).
    # INC-202 was caused by no deployment: not a failed deployment, no recovery time.
    assert report["failed_deployment_recovery_time_hours"] == 26
    # No hotfix or rollback: 0 of 3
    assert report["deployment_rework_rate"] == 0
    # INC-201 (detected 11-21) and INC-202 (11-25)
    assert report["incidents"] == 2


def test_all_services_and_per_service_keys(capsys) -> None:
    report = dora(capsys, "--events", str(TWO), *FOUR_WEEKS)
    # Lead times of both: [2, 6, 7, 24, 24] + [48, 24, 12] -> [2, 6, 7, 12, 24, 24, 24, 48];
    # median (12 + 24) / 2 = 18
    assert report["change_lead_time_hours"] == 18
    # (4 + 3) successful deployments / 4 weeks = 1.75
    assert report["deployment_frequency_per_week"] == 1.75
    # (3 + 1) failed / (5 + 3) non-rollback = 0.5
    assert report["change_fail_rate"] == 0.5
    # Recoveries [0.5, 3, 25, 26] -> median (3 + 25) / 2 = 14
    assert report["failed_deployment_recovery_time_hours"] == 14
    # Rework (3 + 0) / (7 + 3) deployments = 0.3
    assert report["deployment_rework_rate"] == 0.3
    assert (report["deployments"], report["incidents"]) == (10, 5)
    assert set(report["services"]) == {"gateway", "research"}
    assert report["services"]["gateway"]["change_fail_rate"] == 0.6


def test_a_narrower_window(capsys) -> None:
    report = dora(
        capsys,
        "--events",
        str(TWO),
        "--service",
        "gateway",
        "--since",
        "2026-11-16",
        "--until",
        "2026-11-29",
    )
    # 14 days = 2 weeks. Deployments: gw-4, gw-5, gw-6, gw-7 = 4.
    # Lead times gw-4 7 h, gw-5 2 h -> median 4.5; frequency (gw-4, gw-5) 2 / 2 weeks = 1.0
    # Failed gw-4, gw-6 of non-rollback gw-4, gw-5, gw-6 -> 2 / 3 = 0.6667
    # Recoveries 25 h and 0.5 h -> median 12.75; rework gw-5, gw-7 -> 2 / 4 = 0.5
    # Incidents detected from 11-16: INC-103
    assert {k: v for k, v in report.items() if k not in {"services", "events"}} == {
        "since": "2026-11-16",
        "until": "2026-11-29",
        "service": "gateway",
        "change_lead_time_hours": 4.5,
        "deployment_frequency_per_week": 1.0,
        "change_fail_rate": 0.6667,
        "failed_deployment_recovery_time_hours": 12.75,
        "deployment_rework_rate": 0.5,
        "deployments": 4,
        "incidents": 1,
    }


def test_default_window_runs_from_first_to_last_event(capsys) -> None:
    report = dora(capsys, "--events", str(TWO), "--service", "research")
    # First production event: rs-3, 11-01 (UTC); last: rs-2, 11-29 (UTC) -> 29 days.
    assert (report["since"], report["until"]) == ("2026-11-01", "2026-11-29")
    # rs-3 now counts: lead time 11-01 23:30 - 11-01 00:00 = 23.5 h; [12, 23.5, 24, 48] -> 23.75
    assert report["change_lead_time_hours"] == 23.75
    # 4 deployments / (29 / 7) weeks = 0.9655..
    assert report["deployment_frequency_per_week"] == 0.9655


def test_no_events_gives_nulls_not_zeros(capsys, tmp_path: Path) -> None:
    for name, key in (
        ("services", "services"),
        ("deployments", "deployments"),
        ("incidents", "incidents"),
    ):
        (tmp_path / f"{name}.yml").write_text(f"{key}: []\n", encoding="utf-8")
    report = dora(capsys, "--events", str(tmp_path))
    assert report["deployments"] == 0
    assert report["change_fail_rate"] is None
    assert report["change_lead_time_hours"] is None
    assert main(["--root", str(ROOT), "dora", "--events", str(tmp_path)]) == 0
    assert "nothing to measure" in capsys.readouterr().out


def test_table_shows_the_same_values(capsys) -> None:
    assert main(["--root", str(ROOT), "dora", "--events", str(TWO), *FOUR_WEEKS]) == 0
    out = capsys.readouterr().out
    assert "2026-11-02 to 2026-11-29" in out
    lead = next(line for line in out.splitlines() if line.startswith("Change lead time"))
    assert lead.split()[-6:] == ["7.00", "h", "24.00", "h", "18.00", "h"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not YYYY-MM-DD"),
        (["--since", "2026-11-10", "--until", "2026-11-01"], "--until is before --since"),
        (["--service", "billing"], "unknown service 'billing'"),
        (["--events", "no/such/folder"], "events folder 'no/such/folder' not found"),
    ],
)
def test_usage_errors_exit_2(capsys, args: list[str], message: str) -> None:
    extra = [] if "--events" in args else ["--events", str(TWO)]
    assert main(["--root", str(ROOT), "dora", *extra, *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_the_repository_events_are_valid(capsys) -> None:
    """The repository's own folder loads (it may be empty: then every metric is null)."""
    assert main(["--root", str(ROOT), "dora", "--format", "json"]) == 0, capsys.readouterr().err


def test_mistakes_would_change_the_answer(capsys, tmp_path: Path) -> None:
    """Each guard matters: rewriting the data the way the mistake reads it changes the result."""
    copy = tmp_path / "events"
    shutil.copytree(TWO, copy)
    text = (copy / "deployments.yml").read_text(encoding="utf-8")
    # Time zones: read rs-2's local time as if it were UTC -> its finish (11-30) leaves the window.
    (copy / "deployments.yml").write_text(
        text.replace("finished: 2026-11-30T01:00:00+02:00", "finished: 2026-11-30T01:00:00Z"),
        encoding="utf-8",
    )
    report = dora(capsys, "--events", str(copy), "--service", "research", *FOUR_WEEKS)
    assert report["deployments"] == 2  # not 3: the offset decides the window
