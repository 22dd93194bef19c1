"""Run every command block of the operational pages, and the drills, against one started stack.

`verify_pages` checks blocks page by page (runbook PromQL at the runbook's drill instants, other
PromQL at the healthy baseline) and returns one `BlockResult` per block; `run_drill` fires one
alert's scenario and checks the runbook's Diagnosis and Verification queries. Both only read;
`kb verify` and `kb drill` write the results (docs/devops/runbooks/verification.yml, drills.yml).
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.model.blocks import Block, extract, load_blocks
from kb.model.catalogue import load_catalogue
from kb.model.repo import Repository
from kb.verify.checks import EXAMPLE, Checker, Outcome
from kb.verify.scenarios import STEP, Scenario, check_condition
from kb.verify.stack import Stack

RULES_DIR = "infra/observability/prometheus/rules"
WORKERS = int(os.environ.get("KB_VERIFY_WORKERS", "4"))


@dataclass
class BlockResult:
    block: Block
    outcome: Outcome

    def problems(self) -> list[str]:
        """`path:line: block N: what failed` lines."""
        return [
            f"{self.block.path}:{line}: block {self.block.index}: {message}"
            for line, message in self.outcome.failures
        ]


def alert_rules(root: Path) -> dict[str, dict]:
    """Alert name -> rule (expr, for, labels), from the project's rule files."""
    rules: dict[str, dict] = {}
    for path in sorted((root / RULES_DIR).glob("*.yml")):
        for group in (yaml.safe_load(path.read_text()) or {}).get("groups", []):
            for rule in group.get("rules", []):
                if "alert" in rule:
                    rules[rule["alert"]] = rule
    return rules


def _page_alert(path: Path) -> str | None:
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    match = re.search(r"^alert:\s*(\S+)", head, re.MULTILINE)
    return match[1] if match else None


def _duration(text: str | None) -> int:
    if not text:
        return 0
    total = 0
    for number, unit in re.findall(r"(\d+)([smhdw])", str(text)):
        total += int(number) * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    return total


def verify_pages(
    repo: Repository, stack: Stack, paths: list[Path] | None = None
) -> list[BlockResult]:
    """Check every block of `paths` (default: every operational page); one result per block."""
    catalogue = load_catalogue(repo)
    pages = sorted({repo.root / b.path for b in load_blocks(repo, paths)})

    def one_page(page: Path) -> list[BlockResult]:
        checker = Checker(stack, catalogue, repo.root)
        checker.examples = EXAMPLE.findall(page.read_text(encoding="utf-8"))
        scenario = stack.scenarios.get(_page_alert(page) or "")
        found = []
        for block in extract(page, repo.rel(page)):
            if block.kind == "sample":
                found.append(BlockResult(block, _rules_sample(block, checker)))
                continue
            checker.query_time = _instant(scenario, block)
            found.append(BlockResult(block, checker.check(block)))
        return found

    # Pages are independent and the checks mostly wait on subprocesses and HTTP: a few threads.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [result for found in pool.map(one_page, pages) for result in found]


def _instant(scenario: Scenario | None, block: Block) -> float | None:
    if scenario is None or scenario.firing_at is None:
        return None
    if block.section == "Verification" and scenario.recovered_at is not None:
        return float(scenario.at(scenario.recovered_at))
    if block.section == "Verification" and not scenario.clears:
        return float(scenario.at(scenario.last_minute))
    return float(scenario.at(scenario.firing_at))


def _rules_sample(block: Block, checker: Checker) -> Outcome:
    """A YAML sample of Prometheus rules: each `expr` runs like a PromQL block; else not a command."""
    out = Outcome(status="verified")
    if block.lang not in {"yaml", "yml"} or not re.search(
        r"^\s*-?\s*(record|alert):", block.text, re.M
    ):
        out.status = "sample"
        return out
    try:
        rules = yaml.safe_load(block.text)
    except yaml.YAMLError as exc:
        out.fail(block.line + 1, f"YAML: {exc}")
        return out
    rules = rules if isinstance(rules, list) else (rules or {}).get("rules", [])
    for rule in rules:
        expr = (rule or {}).get("expr")
        if not expr:
            continue
        line = (
            block.line
            + 1
            + next((i for i, text in enumerate(block.text.splitlines()) if "expr:" in text), 0)
        )
        sub = Block(block.path, line - 1, block.index, "promql", str(expr), block.section, "promql")
        found = checker.check(sub)
        out.failures.extend(found.failures)
        if found.failures:
            out.status = "failed"
        out.against |= found.against
    return out


# -- drills ----------------------------------------------------------------------------------------


@dataclass
class DrillResult:
    alert: str
    passed: bool
    seconds: float
    steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run_drill(repo: Repository, stack: Stack, alert: str) -> DrillResult:
    """Fire `alert` on its scenario, check the runbook's queries, clear it; never raises on a miss."""
    started = time.perf_counter()
    result = DrillResult(alert, False, 0.0)
    rule = alert_rules(repo.root).get(alert)
    scenario = stack.scenarios.get(alert)
    runbook = repo.docs / "devops/runbooks" / f"{alert.lower()}.md"
    where = f"infra/observability/drills/{alert.lower()}.yml"
    if rule is None:
        result.problems.append(f"{RULES_DIR}:1: no alert rule named {alert}")
    if scenario is None:
        result.problems.append(f"{where}:1: no drill scenario for {alert}")
    if not runbook.exists():
        result.problems.append(f"{repo.rel(runbook)}:1: no runbook for {alert}")
    if result.problems:
        return result
    if scenario.firing_at is None or (scenario.recovered_at is None and scenario.clears):
        result.problems.append(f"{scenario.path}:1: firing_at and recovered_at are required")
        return result
    expr, hold = rule["expr"], _duration(rule.get("for"))
    end = scenario.recovered_at if scenario.clears else scenario.last_minute
    fire_t, clear_t = scenario.at(scenario.firing_at), scenario.at(end)
    # Firing: the expression returns series at every evaluation through its `for` window.
    span = stack.query_range(expr, fire_t - hold, fire_t, STEP)
    series = span.get("data", {}).get("result", []) if span.get("status") == "success" else []
    points = max((len(s["values"]) for s in series), default=0)
    needed = hold // STEP + 1
    if span.get("status") != "success":
        result.problems.append(f"{scenario.path}:1: Prometheus: {span.get('error')}")
    elif points < needed:
        result.problems.append(
            f"{scenario.path}:1: {alert} does not fire at minute {scenario.firing_at}: its expression "
            f"holds for {points} of the {needed} evaluations its `for: {rule.get('for', '0s')}` needs"
        )
    else:
        result.steps.append(f"fires at minute {scenario.firing_at} (held {hold // 60} min)")
    cleared = stack.query(expr, clear_t)
    if not scenario.clears:
        # A heartbeat: still firing at the last minute is the pass, silence the failure.
        if cleared.get("status") == "success" and cleared["data"]["result"]:
            result.steps.append(f"still fires at minute {end}, as a heartbeat must")
        else:
            result.problems.append(f"{scenario.path}:1: {alert} stops firing by minute {end}")
    elif cleared.get("status") == "success" and cleared["data"]["result"]:
        result.problems.append(
            f"{scenario.path}:1: {alert} is still firing at minute {scenario.recovered_at}"
        )
    else:
        result.steps.append(f"clears by minute {scenario.recovered_at}")
    checker = Checker(stack, load_catalogue(repo), repo.root)
    blocks = [b for b in extract(runbook, repo.rel(runbook)) if b.kind == "promql"]
    for section, at, conditions in (
        ("Diagnosis", fire_t, scenario.symptoms),
        ("Verification", clear_t, scenario.recovery),
    ):
        chosen = [b for b in blocks if b.section == section]
        for number, block in enumerate(chosen, start=1):
            checker.query_time = float(at)
            outcome = checker.check(block)
            for line, message in outcome.failures:
                result.problems.append(f"{block.path}:{line}: block {block.index}: {message}")
            condition = conditions.get(number)
            if (
                condition
                and not outcome.failures
                and not check_condition(condition, outcome.values)
            ):
                result.problems.append(
                    f"{block.path}:{block.line + 1}: block {block.index}: {section} query {number} "
                    f"should show {condition} in the drill but returned {_short(outcome.values)}"
                )
        if chosen:
            result.steps.append(
                f"{len(chosen)} {section} quer{'y' if len(chosen) == 1 else 'ies'} checked"
            )
    if not any(b.section == "Verification" for b in blocks):
        result.problems.append(
            f"{repo.rel(runbook)}:1: the Verification section has no promql block"
        )
    result.passed = not result.problems
    result.seconds = time.perf_counter() - started
    return result


def _short(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in values[:5]) + (", …]" if len(values) > 5 else "]")
