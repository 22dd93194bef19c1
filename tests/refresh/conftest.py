"""Fixtures for `kb refresh` tests: a small knowledge base in a temp folder and the Exa fake.

The temp repository holds only what refresh reads and writes (markers, owners, the activity log,
the existing reference records, a topics file with fast retries), so each test starts clean.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from tests.conftest import ROOT, start_activity_log
from tests.fakes import fixtures
from tests.fakes.exa import FakeExa

fake_exa = fixtures.fake_exa  # the Exa fake, shared with tests/exa_fake

TODAY = "2026-11-24"
LATER = "2027-01-10"  # past every test topic's 30d max_age

SETTINGS = {
    "qps": 50,
    "concurrency": 4,
    "timeout_seconds": 2,
    "max_attempts": 3,
    "backoff_initial_seconds": 0.01,
    "backoff_max_seconds": 0.05,
    "highlights_max_characters": 300,
    "text_max_characters": 2000,
}
PRICES = {
    "search_per_request": 0.007,
    "results_included": 10,
    "per_extra_result": 0.001,
    "summary_per_result": 0.001,
    "source": "test price table",
}


def topic(tid: str, area: str = "testing", num: int = 3, **extra) -> dict:
    return {
        "id": tid,
        "area": area,
        "query": f"{tid.replace('-', ' ')} guide",
        "domains": [f"{tid}.example.com"],
        "num_results": num,
        "max_age": "30d",
        **extra,
    }


DEFAULT_TOPICS = [topic("alpha"), topic("bravo"), topic("charlie", area="sre")]


def write_sources(repo: Path, topics: list[dict], **settings) -> None:
    data = {"settings": {**SETTINGS, **settings}, "prices": PRICES, "topics": topics}
    path = repo / "third_party/references/sources.yaml"
    path.write_text(
        "# Topics for `kb refresh` in a test.\n" + yaml.safe_dump(data, sort_keys=False),
        encoding="utf-8",
    )


@pytest.fixture
def kb_repo(tmp_path: Path) -> Path:
    """A minimal knowledge base: markers, owners, activity log, existing records, test topics."""
    repo = tmp_path / "kb"
    (repo / "docs/devops").mkdir(parents=True)
    for name in ("mkdocs.yml", "pyproject.toml", ".yamllint.yml"):
        shutil.copy2(ROOT / name, repo / name)
    for name in ("owners.yml", "activity-log.md"):
        shutil.copy2(ROOT / "docs/devops" / name, repo / "docs/devops" / name)
    start_activity_log(repo)
    shutil.copytree(
        ROOT / "third_party/references",
        repo / "third_party/references",
        ignore=shutil.ignore_patterns("sources.yaml", ".refresh-state.yaml"),
    )
    write_sources(repo, DEFAULT_TOPICS)
    return repo


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def refresh(
    kb_repo: Path, fake_exa: FakeExa, monkeypatch: pytest.MonkeyPatch, capsys
) -> Iterator[Callable[..., Result]]:
    """`refresh("--dry-run", today=...)` runs `kb refresh --no-log` on kb_repo against the fake."""
    monkeypatch.setenv("KB_TODAY", TODAY)

    def call(*args: str, today: str = TODAY, log: bool = False) -> Result:
        monkeypatch.setenv("KB_TODAY", today)
        argv = ["--root", str(kb_repo), "refresh", *args]
        if not log:
            argv.append("--no-log")
        code = main(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield call


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file under third_party/ and docs/ by relative path, as bytes."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for base in ("third_party", "docs")
        for p in sorted((repo / base).rglob("*"))
        if p.is_file()
    }


def refreshed_records(repo: Path) -> dict[str, dict]:
    """The records `kb refresh` wrote (they carry a `query`), by repository path."""
    out = {}
    for path in sorted((repo / "third_party/references").rglob("*.yaml")):
        if path.name in {"sources.yaml", ".refresh-state.yaml"}:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("query"):
            out[path.relative_to(repo).as_posix()] = data
    return out
