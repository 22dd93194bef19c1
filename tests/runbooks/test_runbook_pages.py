"""Runbook pages: six sections in order, front matter that matches the file, commands to paste.

Every `docs/devops/runbooks/<alert>.md` (the section index `README.md` aside) must carry the
runbook front matter, the H2 sections Meaning, Impact, Diagnosis, Mitigation, Escalation and
Verification in that order, a fenced command block in Diagnosis and in Mitigation, and an
Escalation section that names where Alertmanager sends the alert for the owning team in
`docs/devops/owners.yml` (PagerDuty service for `page`, Slack channel for `ticket`) and lists that
team's escalation steps as the registry does. The checker is also run on broken pages, so each
rule is shown to fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "devops" / "runbooks"
OWNERS = ROOT / "docs" / "devops" / "owners.yml"
RULES = ROOT / "infra" / "observability" / "prometheus"

SECTIONS = ["Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation", "Verification"]
REQUIRED_KEYS = {
    "title",
    "kind",
    "owner",
    "status",
    "last_reviewed",
    "review_every",
    "lifecycle",
    "tags",
    "sources",
    "alert",
    "service",
    "severity",
    "render_macros",
}
# Runbooks whose alert reads metrics the gateway does not export until PE-105.
NEEDS_PE105 = re.compile(
    r"^Gateway(Availability|Latency|AuthFailure|RateLimited|RateLimiter|Subgraph|JwtSigningKey)"
)
FENCE = re.compile(r"^(```|~~~)")


def load_teams() -> dict[str, dict]:
    """The owners registry keyed by handle."""
    data = yaml.safe_load(OWNERS.read_text(encoding="utf-8"))
    return {team["handle"]: team for team in data["teams"]}


def split_front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter and the Markdown body; ({}, text) when there is none."""
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end() :]


def h2_sections(body: str) -> list[tuple[str, str]]:
    """(heading, content) for every `## ` heading outside fenced code, in document order."""
    sections: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in body.splitlines():
        if FENCE.match(line.strip()):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
    return [(title, "\n".join(lines)) for title, lines in sections]


def has_fenced_block(content: str) -> bool:
    """True when `content` holds a fenced code block with at least one non-blank line."""
    blocks = re.findall(r"^\s*(```|~~~)[^\n]*\n(.*?)^\s*\1\s*$", content, re.DOTALL | re.MULTILINE)
    return any(block.strip() for _, block in blocks)


def _expand_escalation(name: str, escalation: str) -> str:
    """The Escalation section with {{ alert_escalation() }} rendered as the site renders it."""
    call = "{{ alert_escalation() }}"
    if call not in escalation:
        return escalation
    import html

    from kb.model import Repository
    from kb.render._registry import RenderContext
    from kb.render.escalation import alert_escalation

    ctx = RenderContext(repo=Repository(ROOT), page_src=f"devops/runbooks/{name}")
    # Compare text as readers see it: the macro escapes Markdown specials as HTML entities.
    return escalation.replace(call, html.unescape(alert_escalation(ctx)))


def runbook_problems(name: str, text: str, teams: dict[str, dict]) -> list[str]:
    """Every rule the runbook page `name` (file name) breaks, as readable messages."""
    problems: list[str] = []
    meta, body = split_front_matter(text)
    if not meta:
        return [f"{name}: no front matter"]
    missing = REQUIRED_KEYS - meta.keys()
    if missing:
        problems.append(f"{name}: front matter lacks {sorted(missing)}")
    alert = str(meta.get("alert", ""))
    if f"{alert.lower()}.md" != name:
        problems.append(f"{name}: front matter alert {alert!r} does not match the file name")
    if meta.get("kind") != "runbook":
        problems.append(f"{name}: kind is {meta.get('kind')!r}, not 'runbook'")
    severity = meta.get("severity")
    if severity not in {"page", "ticket", "heartbeat"}:
        problems.append(f"{name}: severity {severity!r} is not page, ticket or heartbeat")
    if meta.get("title") != alert:
        problems.append(f"{name}: title {meta.get('title')!r} differs from the alert name")
    tags = meta.get("tags") or []
    if "runbook" not in tags or meta.get("service") not in tags:
        problems.append(f"{name}: tags must include 'runbook' and the service")
    if meta.get("render_macros") is not True:
        problems.append(f"{name}: render_macros must be true (page_header/page_sources are macros)")

    head = body.lstrip("\n").splitlines()[:3]
    if not head or head[0] != f"# {alert}":
        problems.append(f"{name}: the page must open with '# {alert}'")
    if "{{ page_header() }}" not in head:
        problems.append(f"{name}: '{{{{ page_header() }}}}' must follow the title")
    if not body.rstrip().endswith("{{ page_sources() }}"):
        problems.append(f"{name}: the page must end with '{{{{ page_sources() }}}}'")

    sections = h2_sections(body)
    titles = [title for title, _ in sections]
    if titles != SECTIONS:
        problems.append(f"{name}: H2 sections are {titles}, expected {SECTIONS}")
    content = dict(sections)
    for section in ("Diagnosis", "Mitigation"):
        if section in content and not has_fenced_block(content[section]):
            problems.append(f"{name}: {section} has no fenced command block")

    team = teams.get(str(meta.get("owner")))
    if team is None:
        problems.append(f"{name}: owner {meta.get('owner')!r} is not in owners.yml")
    elif "Escalation" in content:
        escalation = _expand_escalation(name, content["Escalation"])
        route = team["pagerduty_service"] if severity in {"page", "heartbeat"} else team["slack"]
        if route not in escalation:
            problems.append(f"{name}: Escalation does not name {route} ({severity} route)")
        for step in team["escalation"]:
            if step["notify"] not in escalation:
                problems.append(f"{name}: Escalation lacks the step {step['notify']!r}")
    if NEEDS_PE105.match(alert) and not re.search(
        r"<!-- TODO\(@[\w-]+\): [^>]*PE-105[^>]*-->", text
    ):
        problems.append(f"{name}: needs an owned TODO naming PE-105 (request metrics)")
    return problems


def runbook_files() -> list[Path]:
    return sorted(p for p in RUNBOOKS.glob("*.md") if p.name != "README.md")


def rule_labels() -> dict[str, dict]:
    """Alert name -> labels for every alert rule under infra/observability/prometheus."""
    labels: dict[str, dict] = {}
    for path in sorted(RULES.rglob("*.y*ml")) if RULES.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or "groups" not in data:
            continue  # promtool unit-test files and other YAML beside the rules
        for group in data["groups"]:
            for rule in group.get("rules", []):
                if "alert" in rule:
                    labels[rule["alert"]] = rule.get("labels", {})
    return labels


def test_there_are_runbooks() -> None:
    assert runbook_files(), f"no runbook pages under {RUNBOOKS}"


@pytest.mark.parametrize("path", runbook_files(), ids=lambda p: p.stem)
def test_runbook_page(path: Path) -> None:
    assert runbook_problems(path.name, path.read_text(encoding="utf-8"), load_teams()) == []


@pytest.mark.parametrize("path", runbook_files(), ids=lambda p: p.stem)
def test_runbook_agrees_with_its_rule(path: Path) -> None:
    """Owner and severity in the page are the labels Alertmanager routes on."""
    rules = rule_labels()
    meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
    if not rules:
        pytest.skip("no alert rules under infra/observability/prometheus yet")
    assert meta["alert"] in rules, f"{path.name}: no alert rule named {meta['alert']}"
    labels = rules[meta["alert"]]
    assert labels.get("severity") == meta["severity"]
    assert str(labels.get("team", "")).lstrip("@") == meta["owner"].lstrip("@")
    assert labels.get("service") == meta["service"]


# --- The checker itself: a good page passes and each broken variant fails for its reason. ----

GOOD = """\
---
title: GatewayNotReady
kind: runbook
owner: "@gateway-team"
status: active
last_reviewed: 2026-11-24
review_every: 90d
lifecycle: operate
tags: [runbook, gateway]
sources: [sre-book-monitoring]
alert: GatewayNotReady
service: gateway
severity: page
render_macros: true
---

# GatewayNotReady

{{ page_header() }}

## Meaning

Text.

## Impact

Text.

## Diagnosis

```bash
kubectl -n gateway get pods
```

## Mitigation

```bash
kubectl -n gateway rollout undo deployment/gateway-edge
```

## Escalation

PagerDuty service plasma-gateway.
gateway primary on-call (PagerDuty schedule gateway-primary),
gateway secondary on-call (PagerDuty schedule gateway-secondary),
@sre-team incident commander rota.

## Verification

Text.

{{ page_sources() }}
"""


def test_checker_accepts_a_good_page() -> None:
    assert runbook_problems("gatewaynotready.md", GOOD, load_teams()) == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GOOD.replace("## Impact", "## Effects"), "H2 sections"),
        (
            GOOD.replace("## Meaning\n\nText.\n\n## Impact", "## Impact\n\nText.\n\n## Meaning"),
            "H2 sections",
        ),
        (GOOD.replace("alert: GatewayNotReady", "alert: GatewayDown"), "does not match"),
        (GOOD.replace("severity: page", "severity: critical"), "not page, ticket or heartbeat"),
        (
            GOOD.replace("```bash\nkubectl -n gateway get pods\n```", "Run kubectl."),
            "Diagnosis has no fenced",
        ),
        (
            GOOD.replace(
                "```bash\nkubectl -n gateway rollout", "    kubectl -n gateway rollout"
            ).replace("gateway-edge\n```", "gateway-edge"),
            "Mitigation has no fenced",
        ),
        (GOOD.replace("PagerDuty service plasma-gateway.", "Call someone."), "plasma-gateway"),
        (GOOD.replace("severity: page", "severity: ticket"), "#team-gateway"),
        (GOOD.replace("@sre-team incident commander rota.", ""), "lacks the step"),
        (GOOD.replace('owner: "@gateway-team"', 'owner: "@nobody"'), "not in owners.yml"),
        (GOOD.replace("{{ page_sources() }}", ""), "page_sources"),
        (GOOD.replace("render_macros: true\n", ""), "render_macros"),
        (GOOD.replace("## Verification", "```\n## Verification\n```"), "H2 sections"),
    ],
)
def test_checker_rejects_a_broken_page(broken: str, expected: str) -> None:
    problems = runbook_problems("gatewaynotready.md", broken, load_teams())
    assert any(expected in problem for problem in problems), problems


def test_checker_wants_a_pe105_todo_for_request_metric_alerts() -> None:
    page = GOOD.replace("GatewayNotReady", "GatewayLatencyFastBurn")
    problems = runbook_problems("gatewaylatencyfastburn.md", page, load_teams())
    assert any("PE-105" in problem for problem in problems), problems
    owned = page.replace(
        "## Meaning\n",
        "## Meaning\n\n<!-- TODO(@gateway-team): export request metrics — when "
        "/metrics has them [PE-105] -->\n",
    )
    assert runbook_problems("gatewaylatencyfastburn.md", owned, load_teams()) == []
