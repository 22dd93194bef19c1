"""kb incident new|update|resolve: records written whole, validated first, under a lock."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import yaml

from kb.cli import main
from tests.conftest import ROOT

TWO = Path(__file__).parent / "data" / "two-services"


def _events(tmp_path: Path) -> Path:
    folder = tmp_path / "events"
    shutil.copytree(TWO, folder)
    return folder


def _incidents(folder: Path) -> dict[str, dict]:
    data = yaml.safe_load((folder / "incidents.yml").read_text(encoding="utf-8"))
    return {i["id"]: i for i in data["incidents"]}


def kb(folder: Path, *args: str) -> int:
    return main(["--root", str(ROOT), "incident", *args[:1], *args[1:], "--events", str(folder)])


def test_new_update_resolve(tmp_path: Path, capsys) -> None:
    folder = _events(tmp_path)
    title = 'Quote " and {{ config }} <b>'
    assert (
        kb(
            folder,
            "new",
            "--service",
            "gateway",
            "--severity",
            "SEV-2",
            "--title",
            title,
            "--detected",
            "2026-11-28T10:00:00+01:00",
            "--caused-by",
            "gw-6",
        )
        == 0
    )
    assert "INC-203 opened" in capsys.readouterr().err  # the next number after INC-202
    assert (
        kb(
            folder,
            "update",
            "INC-203",
            "--mitigated",
            "2026-11-28T09:40:00Z",
            "--runbook",
            "gatewaynotready",
        )
        == 0
    )
    assert (
        kb(
            folder,
            "resolve",
            "INC-203",
            "--resolved",
            "2026-11-28T12:00:00Z",
            "--postmortem",
            "https://example.org/pm/INC-203",
            "--runbook-wrong",
            "gatewaynotready",
        )
        == 0
    )
    record = _incidents(folder)["INC-203"]
    assert record["title"] == title  # stored as text, exactly
    assert record["detected"].isoformat() == "2026-11-28T09:00:00+00:00"  # normalised to UTC
    assert record["started"] == record["detected"]
    assert record["mitigated"].isoformat() == "2026-11-28T09:40:00+00:00"
    assert record["runbooks"] == record["runbooks_wrong"] == ["gatewaynotready"]
    assert record["postmortem"] == "https://example.org/pm/INC-203"
    # The earlier records survive the rewrite, and the folder still computes.
    assert set(_incidents(folder)) == {
        "INC-101",
        "INC-102",
        "INC-103",
        "INC-201",
        "INC-202",
        "INC-203",
    }
    assert main(["--root", str(ROOT), "dora", "--events", str(folder)]) == 0


def test_invalid_change_writes_nothing(tmp_path: Path, capsys) -> None:
    folder = _events(tmp_path)
    before = (folder / "incidents.yml").read_bytes()
    # Mitigated before it was detected: refused with the line it would have landed on.
    assert kb(folder, "update", "INC-101", "--mitigated", "2026-11-10T13:00:00Z") == 1
    err = capsys.readouterr().err
    assert "incidents.yml:" in err and "mitigated is before detected" in err
    # A time without an offset is a usage error.
    assert kb(folder, "resolve", "INC-202", "--resolved", "2026-11-26T10:00") == 2
    assert "has no UTC offset" in capsys.readouterr().err
    assert kb(folder, "update", "INC-999", "--severity", "SEV-1") == 2
    assert kb(folder, "new", "--service", "billing", "--severity", "SEV-4", "--title", "x") == 1
    assert (folder / "incidents.yml").read_bytes() == before


def _open_one(args: tuple[str, str]) -> int:
    folder, index = args
    return main(
        [
            "--root",
            str(ROOT),
            "incident",
            "new",
            "--service",
            "research",
            "--severity",
            "SEV-4",
            "--title",
            f"parallel {index}",
            "--detected",
            "2026-11-27T10:00:00Z",
            "--events",
            folder,
        ]
    )


def test_parallel_writers_lose_nothing(tmp_path: Path) -> None:
    folder = _events(tmp_path)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        codes = pool.map(_open_one, [(str(folder), str(i)) for i in range(8)])
    assert codes == [0] * 8
    records = _incidents(folder)
    titles = sorted(r["title"] for r in records.values() if r["title"].startswith("parallel"))
    assert titles == sorted(f"parallel {i}" for i in range(8))
    assert len(records) == 5 + 8  # every id distinct: none overwrote another
