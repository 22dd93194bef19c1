"""Benchmark `kb dora`: load, validate and compute over synthetic event folders of growing size.

Six services deploy every few hours for a year: 2,500, 5,000 and 10,000 production deployments,
every tenth one failing with an incident and a rollback. The figures printed are medians over the
repetitions of a whole `kb dora --format json` run in-process (parse, validate, cross-check,
compute per service), wall clock and CPU (the CPU figure is steadier on a shared machine); the
ratio of each size's CPU median to the one before shows how the cost grows (2.0 is linear).
Run with `make bench` or `python benchmarks/dora.py [REPS]`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from kb.cli import main  # noqa: E402

SERVICES = ("gateway", "research", "content", "brand", "agent", "frontend")
SIZES = (2500, 5000, 10000)
START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def write_events(folder: Path, deployments: int) -> None:
    """A valid events folder with `deployments` production deployments (rollbacks included)."""
    folder.mkdir(parents=True)
    services = "services:\n" + "".join(f"  - id: {s}\n" for s in SERVICES)
    (folder / "services.yml").write_text(services, encoding="utf-8")
    step = dt.timedelta(days=365) / deployments
    deps, incs = ["deployments:\n"], ["incidents:\n"]
    n = 0
    while n < deployments:
        service = SERVICES[n % len(SERVICES)]
        finished = START + n * step
        ident = f"d{n}"
        deps.append(
            f"  - id: {ident}\n    service: {service}\n    version: v1.{n}.0\n"
            f"    environment: production\n"
            f"    started: {(finished - dt.timedelta(minutes=20)).isoformat()}\n"
            f"    finished: {finished.isoformat()}\n    result: success\n"
            f"    commit_range: {n:07x}..{n + 1:07x}\n    changes:\n"
            f'      - sha: "{n + 1:07x}"\n'
            f"        first_commit: {(finished - dt.timedelta(hours=30)).isoformat()}\n"
        )
        n += 1
        if n % 10 == 0 and n < deployments:
            detected = finished + dt.timedelta(minutes=10)
            incs.append(
                f"  - id: INC-{n}\n    title: failure {n}\n    service: {service}\n"
                f"    severity: SEV-3\n    started: {finished.isoformat()}\n"
                f"    detected: {detected.isoformat()}\n"
                f"    mitigated: {(detected + dt.timedelta(minutes=30)).isoformat()}\n"
                f"    caused_by: {ident}\n"
            )
            deps.append(
                f"  - id: d{n}\n    service: {service}\n    version: v1.{n - 1}.0\n"
                f"    environment: production\n"
                f"    started: {(detected + dt.timedelta(minutes=5)).isoformat()}\n"
                f"    finished: {(detected + dt.timedelta(minutes=25)).isoformat()}\n"
                f"    result: success\n    rollback: true\n    failed_deployment: {ident}\n"
                f"    incident: INC-{n}\n"
            )
            n += 1
    (folder / "deployments.yml").write_text("".join(deps), encoding="utf-8")
    (folder / "incidents.yml").write_text("".join(incs), encoding="utf-8")


def run_once(folder: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one in-process run."""
    out = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        code = main(["--root", str(ROOT), "dora", "--events", str(folder), "--format", "json"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"kb dora exited {code}")
    return wall, cpu


def main_bench(reps: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dora-") as tmp:
        previous = None
        for size in SIZES:
            folder = Path(tmp, str(size))
            write_events(folder, size)
            run_once(folder)  # warm-up: the first run also imports every kb subcommand
            runs = [run_once(folder) for _ in range(reps)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            ratio = f"{cpu / previous:.2f}x the previous size" if previous else "baseline"
            print(
                f"{size:>6} deployments: median wall {wall:.3f} s, CPU {cpu:.3f} s "
                f"over {reps} runs (CPU {ratio})"
            )
            previous = cpu


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
