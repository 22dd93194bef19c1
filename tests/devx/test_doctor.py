"""scripts/devx/doctor.py with a controlled PATH and environment: what it finds, the fix it prints, exit codes.

Fake tools are small executable scripts in a temporary bin folder; the doctor runs as a real process
with only that folder on PATH, so nothing from the machine leaks into the verdict.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_tool

DOCTOR = ROOT / "scripts/devx/doctor.py"
FAKE_KEY = "not-a-real-key-0123456789"  # made up; the doctor must never print it


def tool(bin_dir: Path, name: str, output: str = "", code: int = 0) -> Path:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\nprintf '%s\\n' '{output}'\nexit {code}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def machine(tmp_path: Path) -> dict:
    """A checkout with a synced .venv and a bin folder holding every tool at a good version."""
    root = tmp_path / "repo"
    venv_bin = root / ".venv/bin"
    venv_bin.mkdir(parents=True)
    for name in ("mkdocs", "kb", "pytest"):
        tool(venv_bin, name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = tool(bin_dir, "python-good", "3.11.7")
    for name in ("uv", "chromium", "promtool", "amtool"):
        tool(bin_dir, name)
    tool(bin_dir, "terraform", "Terraform v1.11.4")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "EXA_API_KEY": FAKE_KEY}
    # /usr/bin stays on PATH for /bin/sh; the fake tools come first. Tools the machine really has
    # in /usr/bin are removed per test by pointing PATH at the bin folder only.
    return {"root": root, "bin": bin_dir, "python": python, "env": env}


def doctor(machine: dict, only_fakes: bool = True, **env_changes: str | None):
    env = dict(machine["env"])
    if only_fakes:
        env["PATH"] = str(machine["bin"])
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return run_tool(
        [
            sys.executable,
            str(DOCTOR),
            "--root",
            str(machine["root"]),
            "--python",
            str(machine["python"]),
        ],
        env=env,
    )


def test_everything_present_exits_0_and_hides_the_key(machine: dict) -> None:
    result = doctor(machine)
    assert result.returncode == 0, result.stdout
    assert "ok       python: 3.11.7" in result.stdout
    assert "ok       terraform: 1.11.4" in result.stdout
    assert "ok       EXA_API_KEY: set (value not shown)" in result.stdout
    assert FAKE_KEY not in result.stdout + result.stderr
    assert "Ready: make serve, make test and make lint will run here." in result.stdout


@pytest.mark.parametrize(
    ("missing", "fix"),
    [
        ("uv", "run `make install`"),
        ("chromium", "`sudo apt-get install chromium`"),
        ("promtool", "`sudo apt-get install prometheus`"),
        ("amtool", "`sudo apt-get install prometheus-alertmanager`"),
        ("terraform", "install Terraform 1.11 or newer from HashiCorp"),
    ],
)
def test_a_missing_tool_exits_1_with_its_fix(machine: dict, missing: str, fix: str) -> None:
    (machine["bin"] / missing).unlink()
    result = doctor(machine)
    assert result.returncode == 1
    assert f"MISSING  {missing}: not found on PATH" in result.stdout or (
        missing == "uv" and "MISSING  uv: not on PATH and not in .venv/bin" in result.stdout
    )
    assert fix in result.stdout
    assert f"1 required piece(s) missing: {missing}." in result.stdout


def test_an_old_python_is_reported_with_the_fix(machine: dict) -> None:
    machine["python"] = tool(machine["bin"], "python-old", "3.10.12")
    result = doctor(machine)
    assert result.returncode == 1
    assert "older than 3.11" in result.stdout and "uv python install 3.12" in result.stdout


def test_an_old_terraform_is_reported(machine: dict) -> None:
    tool(machine["bin"], "terraform", "Terraform v1.5.7")
    result = doctor(machine)
    assert result.returncode == 1
    assert "MISSING  terraform: 1.5.7" in result.stdout and "older than 1.11" in result.stdout


def test_chromium_is_found_through_the_chromium_variable(machine: dict, tmp_path: Path) -> None:
    (machine["bin"] / "chromium").unlink()
    elsewhere = tmp_path / "opt"
    elsewhere.mkdir()
    chrome = tool(elsewhere, "chrome")
    result = doctor(machine, CHROMIUM=str(chrome))
    assert result.returncode == 0, result.stdout
    assert f"ok       chromium: {chrome}" in result.stdout


def test_an_unsynced_venv_asks_for_make_install(machine: dict) -> None:
    (machine["root"] / ".venv/bin/mkdocs").unlink()
    result = doctor(machine)
    assert result.returncode == 1
    assert "MISSING  venv: .venv lacks mkdocs" in result.stdout
    assert "fix: run `make install`" in result.stdout


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_exa_key_only_warns(machine: dict, value: str | None) -> None:
    result = doctor(machine, EXA_API_KEY=value)
    assert result.returncode == 0, result.stdout
    assert "warning  EXA_API_KEY: not set" in result.stdout
    assert "https://dashboard.exa.ai/api-keys" in result.stdout
    assert "(1 optional: EXA_API_KEY)" in result.stdout


def test_several_gaps_are_all_listed(machine: dict) -> None:
    for name in ("promtool", "amtool"):
        (machine["bin"] / name).unlink()
    result = doctor(machine, EXA_API_KEY=None)
    assert result.returncode == 1
    assert "2 required piece(s) missing: promtool, amtool." in result.stdout


def test_runs_with_the_standard_library_only(machine: dict) -> None:
    # -S -E: no site-packages, no PYTHON* variables; the doctor must work before `make install`.
    env = {**machine["env"], "PATH": str(machine["bin"])}
    result = run_tool(
        [
            sys.executable,
            "-S",
            "-E",
            str(DOCTOR),
            "--root",
            str(machine["root"]),
            "--python",
            str(machine["python"]),
        ],
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_is_the_docstring() -> None:
    result = run_tool([sys.executable, str(DOCTOR), "--help"], env=dict(os.environ))
    assert result.returncode == 0
    assert "print the exact fix for each gap" in result.stdout
