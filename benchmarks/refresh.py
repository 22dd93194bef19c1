"""Benchmark `kb refresh`: 100 topics against the Exa fake (300 ms latency, 10 QPS server limit).

The client runs at 10 QPS, so the floor is 100 requests / 10 QPS = 10 s; the target is at most
1.15 x that bound with zero 429s provoked, and a second run with nothing due must send 0 requests.
Each repetition uses a fresh copy of the repository's data and a fresh fake; the figures printed
are medians over the repetitions. Run with `make bench` or `python benchmarks/refresh.py [REPS]`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.fakes

from kb.model import Repository  # noqa: E402
from kb.refresh import Options, run  # noqa: E402
from tests.fakes.exa import FakeExa  # noqa: E402

TOPICS = 100
LATENCY = 0.300
SERVER_QPS = 10.0
CLIENT_QPS = 10.0
BOUND = TOPICS / CLIENT_QPS
TARGET_RATIO = 1.15
TODAY = "2026-11-24"


def make_repo(base: Path) -> Path:
    """A minimal knowledge base with 100 topics; only what `kb refresh` reads and writes."""
    repo = base / "kb"
    (repo / "docs/devops").mkdir(parents=True)
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copy2(ROOT / "docs/devops/owners.yml", repo / "docs/devops/owners.yml")
    shutil.copytree(
        ROOT / "third_party/references",
        repo / "third_party/references",
        ignore=shutil.ignore_patterns("sources.yaml", ".refresh-state.yaml"),
    )
    real = yaml.safe_load((ROOT / "third_party/references/sources.yaml").read_text())
    sources = {
        "settings": {**real["settings"], "qps": CLIENT_QPS, "concurrency": 8},
        "prices": real["prices"],
        "topics": [
            {
                "id": f"bench-{n:03d}",
                "area": "bench",
                "query": f"benchmark topic {n:03d} platform engineering",
                "domains": [f"site{n % 7}.example.com"],
                "num_results": 5,
                "max_age": "30d",
            }
            for n in range(TOPICS)
        ],
    }
    (repo / "third_party/references/sources.yaml").write_text(yaml.safe_dump(sources))
    return repo


def once() -> tuple[float, int, int, int, int]:
    """One repetition: (first-run seconds, first-run requests, 429s, failed, second-run requests)."""
    with tempfile.TemporaryDirectory() as tmp, FakeExa(latency=LATENCY, qps=SERVER_QPS) as fake:
        repo_root = make_repo(Path(tmp))
        env = {**fake.env()}
        out, err = io.StringIO(), io.StringIO()
        today = dt.date.fromisoformat(TODAY)
        started = time.perf_counter()
        code = run(Repository(repo_root, today), Options(), out=out, err=err, environ=env)
        wall = time.perf_counter() - started
        first = fake.log.count
        failed = int(re.search(r"(\d+) failed", out.getvalue()).group(1)) if code else 0
        fake.log.clear()
        run(
            Repository(repo_root, today),
            Options(),
            out=io.StringIO(),
            err=io.StringIO(),
            environ=env,
        )
        return wall, first, fake.log.throttled, failed, fake.log.count


def main(reps: int = 3) -> int:
    rows = [once() for _ in range(reps)]
    for n, (wall, first, throttled, failed, second) in enumerate(rows, 1):
        print(
            f"  run {n}: {wall:6.2f} s for {first} requests, {throttled} x 429, {failed} failed; "
            f"second run {second} requests"
        )
    wall = statistics.median(r[0] for r in rows)
    throttled = max(r[2] for r in rows)
    second = max(r[4] for r in rows)
    ratio = wall / BOUND
    verdict = "ok" if ratio <= TARGET_RATIO and throttled == 0 and second == 0 else "MISSED"
    print(
        f"refresh: {TOPICS} topics, latency {LATENCY * 1000:.0f} ms, server {SERVER_QPS:g} QPS, "
        f"client {CLIENT_QPS:g} QPS, {reps} repetitions"
    )
    print(
        f"  median wall time {wall:.2f} s vs bound {BOUND:.1f} s: ratio {ratio:.3f} "
        f"(target <= {TARGET_RATIO}); 429s provoked: {throttled} (target 0); "
        f"second run requests: {second} (target 0) -> {verdict}"
    )
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
