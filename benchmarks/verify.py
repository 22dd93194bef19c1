"""Benchmark `kb verify` over every operational page: stack start-up apart from the checks.

The stack (Prometheus with the scenario TSDB, Alertmanager, redis-server, PostgreSQL 15, the Exa
fake, moto) starts once per repetition and every block is checked against it; the drills of all
alerts run on the same stack. Printed: the median start-up per service, the median time of the
block checks and of the drills, per-block and per-drill medians, and the share of the whole run
that is start-up. The checks' tool-answer caches are cleared between repetitions, so each one is
a cold run. Run with `make bench` or `python benchmarks/verify.py [REPS]` (default 1: a run takes
minutes on two cores).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from kb.model import Repository  # noqa: E402
from kb.verify import checks  # noqa: E402
from kb.verify.runner import alert_rules, run_drill, verify_pages  # noqa: E402
from kb.verify.stack import Stack  # noqa: E402


def once(repo: Repository) -> dict[str, float]:
    checks._KUBE_CACHE.clear()
    checks._AWS_CACHE.clear()
    started = time.perf_counter()
    with Stack(repo.root) as stack:
        startup = time.perf_counter() - started
        parts = dict(stack.timings.parts)
        begin = time.perf_counter()
        results = verify_pages(repo, stack)
        blocks = time.perf_counter() - begin
        begin = time.perf_counter()
        drills = [run_drill(repo, stack, alert) for alert in sorted(alert_rules(repo.root))]
        drilled = time.perf_counter() - begin
    counts = Counter(r.outcome.status for r in results)
    commands = sum(counts[k] for k in ("verified", "parsed", "unverifiable", "failed"))
    return {
        "startup": startup,
        **{f"startup.{k}": v for k, v in parts.items()},
        "blocks": blocks,
        "per_block": blocks / max(commands, 1),
        "commands": commands,
        "failed": counts["failed"] + sum(not d.passed for d in drills),
        "drills": drilled,
        "per_drill": drilled / max(len(drills), 1),
        "total": startup + blocks + drilled,
    }


def main() -> int:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    repo = Repository(ROOT)
    runs = [once(repo) for _ in range(reps)]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(f"kb verify, all operational pages, {reps} repetition(s), medians:")
    print(f"  stack start-up     {median('startup'):7.1f} s")
    for key in sorted(k for k in runs[0] if k.startswith("startup.")):
        print(f"    {key.removeprefix('startup.'):<16} {median(key):7.2f} s")
    print(
        f"  block checks       {median('blocks'):7.1f} s for {int(median('commands'))} command blocks"
    )
    print(f"    per block        {median('per_block') * 1000:7.0f} ms")
    print(f"  drills             {median('drills'):7.1f} s for {len(alert_rules(ROOT))} alerts")
    print(f"    per drill        {median('per_drill') * 1000:7.0f} ms")
    print(f"  total              {median('total'):7.1f} s")
    print(f"  start-up share     {median('startup') / median('total'):7.2f} of the total")
    print(f"  failing            {int(median('failed'))}")
    return 1 if median("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
