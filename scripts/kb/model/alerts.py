"""Prometheus rules and runbook pages: the two halves of the alert <-> runbook contract.

`load_rules(repo)` reads every rule file under `infra/observability/prometheus/rules/` once per
repository: alert and recording rules with their expression, `for`, labels, annotations and the
file:line they start on. `load_runbooks(repo)` reads the runbook pages under
`docs/devops/runbooks/` through the page model. Checks, macros, `kb bootstrap` and the tests share
these shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import read_text
from kb.model.pages import Page, load_pages
from kb.model.repo import Repository

RULES_DIR = "infra/observability/prometheus/rules"
RUNBOOKS_DIR = "docs/devops/runbooks"
RUNBOOK_SECTIONS = ("Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation", "Verification")
REQUIRED_LABELS = ("severity", "service", "team")
REQUIRED_ANNOTATIONS = ("summary", "description", "runbook_url")
SEVERITIES = ("page", "ticket", "heartbeat")
_SITE_URL = re.compile(r"^site_url:\s*['\"]?(?P<url>[^'\"\s#]+)", re.MULTILINE)


@dataclass(frozen=True)
class AlertRule:
    """One `alert:` rule and where it is defined."""

    name: str
    expr: str
    for_: str
    labels: dict[str, str]
    annotations: dict[str, str]
    group: str
    path: str  # relative to the repository root
    line: int  # line of the rule's `- alert:` entry
    annotation_lines: dict[str, int] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return self.labels.get("severity", "")

    @property
    def team(self) -> str:
        return self.labels.get("team", "")

    @property
    def owner(self) -> str:
        """The owners-registry handle of the team label (`gateway-team` -> `@gateway-team`)."""
        return f"@{self.team.lstrip('@')}" if self.team else ""

    @property
    def service(self) -> str:
        return self.labels.get("service", "")

    @property
    def runbook_url(self) -> str:
        return self.annotations.get("runbook_url", "")

    @property
    def runbook_file(self) -> str:
        """Where the runbook page must be: `docs/devops/runbooks/<name lowercased>.md`."""
        return f"{RUNBOOKS_DIR}/{self.name.lower()}.md"


@dataclass(frozen=True)
class RecordingRule:
    """One `record:` rule and where it is defined."""

    name: str
    expr: str
    group: str
    path: str
    line: int


@dataclass
class RuleSet:
    """Every rule file's rules, in file order, plus the problems found reading them."""

    files: list[str]
    groups: list[dict[str, Any]]  # (file, group name, raw group) for `kb bootstrap`
    alerts: list[AlertRule]
    records: list[RecordingRule]
    problems: list[Problem]

    def alert(self, name: str) -> AlertRule | None:
        return next((a for a in self.alerts if a.name == name), None)

    @property
    def alert_names(self) -> set[str]:
        return {a.name for a in self.alerts}

    def or_raise(self) -> RuleSet:
        """This rule set; raises DataError when any rule file had a problem."""
        if self.problems:
            raise DataError(self.problems)
        return self


def _as_str_map(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def parse_rule_file(text: str, path: str) -> RuleSet:
    """Parse one Prometheus rule file's text; problems are collected, never raised."""
    try:
        data = _yaml.load(text, path)
    except DataError as exc:
        return RuleSet([path], [], [], [], exc.problems)
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        return RuleSet([path], [], [], [], [Problem(path, 1, "a rule file needs a 'groups' list")])
    alerts: list[AlertRule] = []
    records: list[RecordingRule] = []
    groups: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for g_index, group in enumerate(data["groups"]):
        g_line = _yaml.line_of(data, ("groups", g_index))
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            problems.append(Problem(path, g_line, "a rule group needs 'name' and a 'rules' list"))
            continue
        name = str(group.get("name", ""))
        groups.append({"file": path, "name": name, "group": group})
        for r_index, rule in enumerate(group["rules"]):
            line = _yaml.line_of(group, ("rules", r_index))
            if not isinstance(rule, dict):
                problems.append(Problem(path, line, "a rule is a mapping"))
            elif "alert" in rule:
                annotations = rule.get("annotations") or {}
                lines = getattr(annotations, "lines", {})
                alerts.append(
                    AlertRule(
                        name=str(rule["alert"]),
                        expr=str(rule.get("expr", "")),
                        for_=str(rule.get("for", "0s")),
                        labels=_as_str_map(rule.get("labels")),
                        annotations=_as_str_map(annotations),
                        group=name,
                        path=path,
                        line=line,
                        annotation_lines={str(k): int(v) for k, v in lines.items()},
                    )
                )
            elif "record" in rule:
                records.append(
                    RecordingRule(str(rule["record"]), str(rule.get("expr", "")), name, path, line)
                )
            else:
                problems.append(Problem(path, line, "a rule needs 'alert' or 'record'"))
    return RuleSet([path], groups, alerts, records, problems)


def load_rules(repo: Repository) -> RuleSet:
    """Every rule file under `infra/observability/prometheus/rules/`, parsed once per repository."""

    def _load() -> RuleSet:
        merged = RuleSet([], [], [], [], [])
        folder = Path(repo.root, RULES_DIR)
        for file in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            rel = repo.rel(file)
            one = parse_rule_file(read_text(file, rel), rel)
            merged.files += one.files
            merged.groups += one.groups
            merged.alerts += one.alerts
            merged.records += one.records
            merged.problems += one.problems
        seen: dict[str, AlertRule] = {}
        for alert in merged.alerts:
            if alert.name in seen:
                first = seen[alert.name]
                merged.problems.append(
                    Problem(
                        alert.path,
                        alert.line,
                        f"alert {alert.name} is also defined at {first.path}:{first.line}",
                    )
                )
            seen.setdefault(alert.name, alert)
        return merged

    return repo.memo("alert-rules", _load)


def site_url(repo: Repository) -> str:
    """`site_url` from mkdocs.yml, with a trailing slash (read as text: the file has !!python tags)."""
    text = Path(repo.root, "mkdocs.yml").read_text(encoding="utf-8")
    match = _SITE_URL.search(text)
    if not match:
        raise DataError(Problem("mkdocs.yml", 1, "site_url is not set"))
    url = match["url"]
    return url if url.endswith("/") else f"{url}/"


def expected_runbook_url(repo: Repository, alert_name: str) -> str:
    """The `runbook_url` an alert must carry: `<site_url>devops/runbooks/<name lowercased>/`."""
    return f"{site_url(repo)}devops/runbooks/{alert_name.lower()}/"


@dataclass(frozen=True)
class Runbook:
    """One runbook page: its page record, the alert it names and the line of that key."""

    page: Page
    alert: str
    alert_line: int

    @property
    def path(self) -> str:
        return self.page.path

    @property
    def stem(self) -> str:
        return Path(self.page.path).stem

    def h2(self) -> list[tuple[str, int]]:
        """(text, line) of every H2 outside fenced code, in order."""
        return [(h.text, h.line) for h in self.page.headings() if h.level == 2]


def load_runbooks(repo: Repository) -> list[Runbook]:
    """Every page under `docs/devops/runbooks/` except the section index, sorted by path."""

    def _load() -> list[Runbook]:
        found = []
        for page in load_pages(repo):
            if not page.path.startswith(f"{RUNBOOKS_DIR}/"):
                continue
            if Path(page.path).name in {"README.md", "index.md"}:
                continue
            alert = str(page.raw_meta.get("alert", "") or "")
            line = 1 + _yaml.line_of(page.raw_meta, ("alert",)) if alert else 1
            found.append(Runbook(page, alert, line))
        return found

    return repo.memo("runbooks", _load)


PENDING_FILE = "infra/observability/pending-metrics.yml"
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def pending_alerts(repo: Repository) -> dict[str, str]:
    """Alerts that cannot fire yet, mapped to the ticket whose metrics they wait for.

    An alert is pending when its expression reads a metric listed in pending-metrics.yml, directly
    or through recording rules. Raises DataError when the file or the rules are invalid.
    """

    def _load() -> dict[str, str]:
        path = repo.root / PENDING_FILE
        if not path.is_file():
            return {}
        data = _yaml.load(path.read_text(encoding="utf-8"), PENDING_FILE) or {}
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise DataError(Problem(PENDING_FILE, 1, "expected 'PE-123: [metric, …]' entries"))
        waits = {str(m): str(ticket) for ticket, names in data.items() for m in names}
        rules = load_rules(repo).or_raise()
        records = {r.name: r.expr for r in rules.records}

        def ticket_of(expr: str, seen: frozenset[str] = frozenset()) -> str | None:
            for name in _NAME.findall(expr):
                if name in waits:
                    return waits[name]
                if name in records and name not in seen:
                    found = ticket_of(records[name], seen | {name})
                    if found:
                        return found
            return None

        return {a.name: t for a in rules.alerts if (t := ticket_of(a.expr)) is not None}

    return repo.memo("pending_alerts", _load)
