"""Thirty writers at once, per command: nothing is lost, nothing is torn, no temporary file stays.

Each writer is a forked process running `kb` (fork shares the parent's imports, so thirty start
in well under a second); they wait on one barrier and then all write at once. Without the file
lock the read-modify-write commands lose updates (23 parallel `check-item` runs used to leave 21
items checked).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.model.activity import parse_log
from tests.model.conftest import MiniRepo
from tests.robust.hostile import small_spec

WRITERS = 30


def _run_all(argvs: list[list[str]], env: dict[str, str] | None = None) -> list[int]:
    """Run `kb argv` for every argv in its own forked process, all released at once."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(argvs))

    def child(argv: list[str]) -> None:
        code = 99
        try:
            os.environ.update(env or {})
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            barrier.wait(timeout=60)
            code = main(argv)
        finally:
            os._exit(code)

    procs = [ctx.Process(target=child, args=(argv,)) for argv in argvs]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=600)
    return [proc.exitcode for proc in procs]


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


def _git_commit(root: Path) -> None:
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def services_repo(mini_repo: MiniRepo) -> MiniRepo:
    """The mini repository plus what `kb release` reads: the catalogue, KPIs and a service page."""
    from tests.conftest import ROOT

    for rel in (
        "docs/devops/release/checklists.yml",
        "docs/devops/kpis.yml",
        "docs/services/gateway.md",
    ):
        mini_repo.write(rel, (ROOT / rel).read_text(encoding="utf-8"))
    mini_repo.write("docs/devops/release/history/README.md", "# History\n")
    return mini_repo


def _items(repo: MiniRepo) -> list[str]:
    data = yaml.safe_load((repo.root / "docs/devops/release/checklists.yml").read_text())
    return [item["id"] for checklist in data["checklists"] for item in checklist["items"]]


@pytest.mark.slow
def test_parallel_check_item_loses_nothing(services_repo: MiniRepo) -> None:
    root = str(services_repo.root)
    base = ["--root", root, "release"]
    assert main([*base, "new", "v9.9.0", "--service", "gateway", "--date", "2026-11-24"]) == 0
    items = _items(services_repo)
    argvs = [
        [
            *base,
            "check-item",
            "v9.9.0",
            "--service",
            "gateway",
            items[n % len(items)],
            "--note",
            f"writer {n}",
        ]
        for n in range(WRITERS)
    ]
    assert _run_all(argvs) == [0] * WRITERS
    record = next((services_repo.root / "docs/devops/release/history").glob("*-v9.9.0.md"))
    text = record.read_text(encoding="utf-8")
    last_writer = {items[n % len(items)]: n for n in range(WRITERS)}
    for item in items:
        line = next(t for t in text.splitlines() if f"`{item}`" in t)
        assert "[x]" in line, line  # every item checked: no writer's update was lost
    for item, writer in last_writer.items():  # each item keeps a note of one of its writers
        line = next(t for t in text.splitlines() if f"`{item}`" in t)
        assert any(f"writer {n}" in line for n in range(writer % len(items), WRITERS, len(items)))
    assert main([*base, "status", "v9.9.0", "--service", "gateway"]) == 0
    assert _temp_files(services_repo.root) == []


@pytest.mark.slow
def test_parallel_release_new_creates_every_record(services_repo: MiniRepo) -> None:
    root = str(services_repo.root)
    argvs = [
        [
            "--root",
            root,
            "release",
            "new",
            f"v1.{n}.0",
            "--service",
            "gateway",
            "--date",
            "2026-11-24",
        ]
        for n in range(WRITERS)
    ]
    assert _run_all(argvs) == [0] * WRITERS
    records = list((services_repo.root / "docs/devops/release/history").glob("*-gateway-v1.*.md"))
    assert len(records) == WRITERS
    assert main(["--root", root, "check", "--only", "releases"]) == 0


@pytest.mark.slow
def test_parallel_kb_log_keeps_every_entry(mini_repo: MiniRepo) -> None:
    root = str(mini_repo.root)
    argvs = [
        [
            "--root",
            root,
            "log",
            "--area",
            "test",
            "--title",
            f"writer {n}",
            "--outcome",
            "ok",
            "--date",
            "2026-11-24",
        ]
        for n in range(WRITERS)
    ]
    assert _run_all(argvs) == [0] * WRITERS
    entries, problems = parse_log((mini_repo.root / "docs/devops/activity-log.md").read_text())
    assert problems == []
    assert sorted(e.title for e in entries if e.title.startswith("writer ")) == sorted(
        f"writer {n}" for n in range(WRITERS)
    )
    assert _temp_files(mini_repo.root) == []


@pytest.mark.slow
def test_parallel_kb_inventory_writes_one_whole_file(mini_repo: MiniRepo) -> None:
    _git_commit(mini_repo.root)
    root = str(mini_repo.root)
    assert _run_all([["--root", root, "inventory"]] * WRITERS) == [0] * WRITERS
    assert main(["--root", root, "inventory", "--check"]) == 0
    assert _temp_files(mini_repo.root) == []


@pytest.mark.slow
def test_parallel_kb_mirror_leaves_one_consistent_set(mini_repo: MiniRepo, tmp_path) -> None:
    import openapi_spec_validator  # noqa: F401

    import kb.mirror  # noqa: F401 - imported once here, not thirty times in the children

    root = str(mini_repo.root)
    specs = []
    for n in range(3):  # three different specs, written in turn by the thirty writers
        spec = tmp_path / f"spec-{n}.yaml"
        spec.write_text(small_spec(f"1.{n}.0", extra_field=f"field{n}"), encoding="utf-8")
        specs.append(spec)
    argvs = [
        ["--root", root, "mirror", "--spec-url", str(specs[n % 3]), "--no-log"]
        for n in range(WRITERS)
    ]
    assert _run_all(argvs) == [0] * WRITERS
    assert main(["--root", root, "check", "--only", "exa_mirror_set"]) == 0
    index = yaml.safe_load((mini_repo.root / "docs/exa/mirror.yaml").read_text())
    for entry in index["operations"]:
        op = yaml.safe_load((mini_repo.root / entry["file"]).read_text())
        assert op["source"]["spec_sha256"] == index["source"]["spec_sha256"]
    assert _temp_files(mini_repo.root) == []


@pytest.mark.slow
def test_parallel_kb_refresh_keeps_every_topic(kb_repo, fake_exa) -> None:
    import kb.refresh  # noqa: F401 - imported once here, not thirty times in the children
    from tests.refresh.conftest import topic, write_sources

    names = [f"topic{n:02d}" for n in range(WRITERS)]
    write_sources(kb_repo, [topic(name, num=1) for name in names])
    argvs = [
        ["--root", str(kb_repo), "refresh", "--force", "--topic", name, "--no-log"]
        for name in names
    ]
    env = {**fake_exa.env(), "KB_TODAY": "2026-11-24"}
    assert _run_all(argvs, env) == [0] * WRITERS
    state = yaml.safe_load((kb_repo / "third_party/references/.refresh-state.yaml").read_text())
    assert set(names) <= set(state["topics"])  # no run overwrote another's state
    for name in names:
        for rid in state["topics"][name]["records"]:
            assert list(kb_repo.rglob(f"{rid}.yaml")), rid
    assert _temp_files(kb_repo) == []
