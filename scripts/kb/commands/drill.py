"""Run an alert's drill: fire it on its scenario, check its runbook's queries, clear it, record it.

The scenario is `infra/observability/drills/<alertname-lowercased>.yml`. The alert's rule must
hold through its `for` window at `firing_at` and be gone at `recovered_at`; the runbook's
Diagnosis queries must return the symptom at `firing_at` and its Verification queries show
recovery at `recovered_at`. The run (date, result, duration) is appended to docs/devops/drills.yml
unless `--dry-run`; the runbook's header shows it. `--all` drills every alert that has a scenario.
"""

from __future__ import annotations

import argparse
import sys

from kb.model.verification import DRILLS_FILE, record_drill


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("drill", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument("alerts", nargs="*", metavar="ALERT", help="alert name, e.g. RedisDown")
    parser.add_argument("--all", action="store_true", help="drill every alert with a scenario")
    parser.add_argument("--dry-run", action="store_true", help=f"do not append to {DRILLS_FILE}")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb.verify.runner import alert_rules, run_drill
    from kb.verify.stack import Stack, StackError

    repo = args.repo
    rules = alert_rules(repo.root)
    alerts = sorted(rules) if args.all else args.alerts
    if not alerts:
        print("kb drill: name an ALERT or pass --all", file=sys.stderr)
        return 2
    unknown = [a for a in alerts if a not in rules]
    if unknown:
        print(f"kb drill: no alert rule named {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = 0
    try:
        with Stack(repo.root, services={"prometheus"}) as stack:
            print(f"stack start-up {stack.timings.total:.1f}s", file=sys.stderr)
            for alert in alerts:
                result = run_drill(repo, stack, alert)
                for problem in result.problems:
                    print(problem, file=sys.stderr)
                verdict = "passed" if result.passed else "FAILED"
                print(f"{alert}: {verdict} in {result.seconds:.1f}s — " + "; ".join(result.steps))
                failed += not result.passed
                if not args.dry_run:
                    record_drill(repo.root, alert, result.passed, result.seconds)
    except StackError as exc:
        print(f"kb drill: {exc}", file=sys.stderr)
        return 2
    return 1 if failed else 0
