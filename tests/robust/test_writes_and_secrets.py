"""Killed writers leave no temporary file, a mirror is one set, a partial refresh still logs what it
wrote, a release names a known service, and the API key never reaches a message in any form."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from kb.cli import main
from kb.model._io import write_atomic
from kb.model.activity import parse_log
from kb.refresh._client import REDACTED, has_control_characters, redact
from tests.conftest import ROOT
from tests.fakes.exa import Fault
from tests.model.conftest import MiniRepo
from tests.refresh.conftest import DEFAULT_TOPICS, write_sources
from tests.robust.hostile import small_spec

LOG = "docs/devops/activity-log.md"

# `kb log` in a child whose fsync hangs, so the kill lands while the temporary file exists.
SLOW_LOG = """
import os, sys, time
os.fsync = lambda fd: time.sleep(120)
from kb.cli import main
sys.exit(main(["--root", sys.argv[1], "log", "--area", "test", "--title", "killed",
               "--outcome", "never written"]))
"""


def _start_slow_writer(root: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_LOG, str(root)], env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not list((root / "docs/devops").glob(".activity-log.md.*.tmp")):
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline, "the writer never started its temporary file"
        time.sleep(0.05)
    return child


def _temps(root: Path) -> list[Path]:
    return list(root.rglob("*.tmp"))


@pytest.mark.slow
def test_sigterm_leaves_no_temporary_file(mini_repo: MiniRepo) -> None:
    before = (mini_repo.root / LOG).read_bytes()
    child = _start_slow_writer(mini_repo.root)
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 130
    assert "nothing is half-written" in child.stderr.read()
    assert _temps(mini_repo.root) == []
    assert (mini_repo.root / LOG).read_bytes() == before


@pytest.mark.slow
def test_sigkill_leftover_is_swept_by_the_next_writer(mini_repo: MiniRepo, capsys) -> None:
    child = _start_slow_writer(mini_repo.root)
    child.kill()
    child.wait(timeout=60)
    assert len(_temps(mini_repo.root)) == 1  # SIGKILL runs no cleanup: the next writer must
    argv = [
        "--root",
        str(mini_repo.root),
        "log",
        "--area",
        "t",
        "--title",
        "next",
        "--outcome",
        "o",
    ]
    assert main(argv) == 0
    assert _temps(mini_repo.root) == []
    entries, problems = parse_log((mini_repo.root / LOG).read_text(encoding="utf-8"))
    assert problems == [] and [e.title for e in entries][-1] == "next"


def test_write_atomic_failure_removes_its_temporary_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "file.yaml"
    target.write_text("old\n", encoding="utf-8")

    def broken(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new\n")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "file.yaml"
    ]
    assert target.read_text(encoding="utf-8") == "old\n"


# -- the mirror is one set ---------------------------------------------------------------------


def _mirror(repo: MiniRepo, spec: Path) -> int:
    return main(["--root", str(repo.root), "mirror", "--spec-url", str(spec), "--no-log"])


def _check_set(repo: MiniRepo, capsys) -> list[str]:
    capsys.readouterr()
    main(["--root", str(repo.root), "check", "--only", "exa_mirror_set"])
    return [line for line in capsys.readouterr().err.splitlines() if not line.startswith("kb ")]


def test_kb_check_reports_a_mixed_mirror(mini_repo: MiniRepo, tmp_path: Path, capsys) -> None:
    """An interrupted mirror replaced some files: kb check says the set is mixed."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(small_spec("1.0.0"), encoding="utf-8")
    new.write_text(small_spec("2.0.0", extra_field="added"), encoding="utf-8")
    assert _mirror(mini_repo, old) == 0
    assert _check_set(mini_repo, capsys) == []
    schemas = mini_repo.root / "docs/exa/schemas"
    kept = {p.name: p.read_bytes() for p in schemas.glob("*.yaml")}
    assert _mirror(mini_repo, new) == 0
    (schemas / "search.yaml").write_bytes(kept["search.yaml"])  # as if killed mid-way
    problems = _check_set(mini_repo, capsys)
    assert len(problems) == 1
    assert problems[0].startswith("docs/exa/schemas/search.yaml:")
    assert "mixed mirror" in problems[0]


def test_kb_check_reports_stray_and_temporary_mirror_files(mini_repo, tmp_path, capsys) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(small_spec(), encoding="utf-8")
    assert _mirror(mini_repo, spec) == 0
    schemas = mini_repo.root / "docs/exa/schemas"
    (schemas / ".yaml").write_text("x: 1\n", encoding="utf-8")
    (schemas / ".search.yaml.abc.tmp").write_text("", encoding="utf-8")
    assert _check_set(mini_repo, capsys) == [
        "docs/exa/schemas/.search.yaml.abc.tmp:1: temporary file left by an interrupted write; "
        "delete it",
        "docs/exa/schemas/.yaml:1: not named in docs/exa/mirror.yaml; stray mirror file",
    ]


def test_operation_id_without_letters_keeps_every_file(mini_repo, tmp_path, capsys) -> None:
    """operationId "___" used to write a hidden `.yaml` and delete search.yaml."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(small_spec(search="___"), encoding="utf-8")
    assert _mirror(mini_repo, spec) == 0
    names = sorted(p.name for p in (mini_repo.root / "docs/exa/schemas").iterdir())
    assert names == ["get-contents.yaml", "post-search.yaml"]
    assert _check_set(mini_repo, capsys) == []


# -- a partial refresh still logs --------------------------------------------------------------


def test_partial_refresh_failure_logs_the_topics_that_succeeded(kb_repo, fake_exa, capsys):
    write_sources(kb_repo, DEFAULT_TOPICS)
    fake_exa.script(Fault.status(401), query="bravo guide", times=None)
    before, _ = parse_log((kb_repo / LOG).read_text(encoding="utf-8"))
    code = main(["--root", str(kb_repo), "refresh", "--force"])
    assert code == 1
    assert "topic bravo: failed: HTTP 401" in capsys.readouterr().err
    after, problems = parse_log((kb_repo / LOG).read_text(encoding="utf-8"))
    assert problems == [] and len(after) == len(before) + 1
    files = after[-1].files
    assert any("/testing/alpha" in f for f in files) and any("/sre/charlie" in f for f in files)
    assert not any("bravo" in f for f in files)
    assert after[-1].outcome.startswith("2 topics refreshed")


# -- releases name a known service -------------------------------------------------------------


def test_kb_check_rejects_a_release_for_an_unknown_service(repo_copy: Path, capsys) -> None:
    argv = ["--root", str(repo_copy), "release", "new", "v9.9.0", "--service", "gateway"]
    assert main([*argv, "--date", "2026-11-24"]) == 0
    history = repo_copy / "docs/devops/release/history"
    record = next(history.glob("*-gateway-v9.9.0.md"))
    text = record.read_text(encoding="utf-8").replace("`gateway`", "`nope`")
    record.unlink()
    (history / "2026-11-24-nope-v9.9.0.md").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(repo_copy), "check", "--only", "releases"]) == 1
    err = capsys.readouterr().err
    assert "service 'nope' has no page under docs/services/ (known: gateway)" in err


# -- secrets -----------------------------------------------------------------------------------

KEY = "sk-Abc123\nDef456\tGhi789"


def _forms(key: str) -> list[str]:
    return [
        key,
        repr(key),
        json.dumps(key),
        key.encode("unicode_escape").decode(),
        urllib.parse.quote(key, safe=""),
        " ".join(key.split()),  # split at the control characters, joined by spaces
        key.replace("\n", "\r\n"),
    ]


@pytest.mark.parametrize("form", range(7))
def test_the_key_is_redacted_in_every_form(form: int) -> None:
    text = f"Invalid header value {_forms(KEY)[form]} for x-api-key"
    redacted = redact(text, KEY)
    assert REDACTED in redacted
    for piece in ("Abc123", "Def456", "Ghi789"):
        assert piece not in redacted, redacted


def test_a_key_with_control_characters_is_refused_before_any_request(
    kb_repo, fake_exa, monkeypatch, capsys
) -> None:
    assert has_control_characters(KEY)
    monkeypatch.setenv("EXA_API_KEY", KEY)
    write_sources(kb_repo, DEFAULT_TOPICS)
    assert main(["--root", str(kb_repo), "refresh", "--force"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "kb refresh: EXA_API_KEY contains a control character (a pasted newline?); set it again; "
        "nothing was sent"
    ]
    assert fake_exa.log.count == 0
    for piece in ("Abc123", "Def456", "Ghi789"):
        assert piece not in err
