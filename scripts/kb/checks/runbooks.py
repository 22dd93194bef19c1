"""Alert <-> runbook coverage: every alert has its runbook, every runbook its alert.

Architecture.md fixes the contract: one page per alert at `docs/devops/runbooks/<alert
lowercased>.md`, H2 sections Meaning, Impact, Diagnosis, Mitigation, Escalation, Verification in
that order, and a `runbook_url` of `<site_url>devops/runbooks/<alert lowercased>/`. That the URL
resolves to the page and its anchors in the built site is asserted on the real build by
tests/observability/test_runbook_site.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.checks import check
from kb.model import DataError, Problem, Repository
from kb.model.alerts import (
    REQUIRED_ANNOTATIONS,
    REQUIRED_LABELS,
    RUNBOOK_SECTIONS,
    SEVERITIES,
    expected_runbook_url,
    load_rules,
    load_runbooks,
)


@check
def runbooks(repo: Repository) -> Iterable[Problem]:
    """Alerts have runbooks, runbooks name alerts, sections and runbook_url follow the contract."""
    rules = load_rules(repo)
    yield from rules.problems
    try:
        pages = load_runbooks(repo)
    except DataError as exc:
        yield from exc.problems
        return
    files = {rb.path for rb in pages}
    for alert in rules.alerts:
        for label in REQUIRED_LABELS:
            if not alert.labels.get(label):
                yield Problem(alert.path, alert.line, f"alert {alert.name} has no '{label}' label")
        if alert.severity and alert.severity not in SEVERITIES:
            yield Problem(
                alert.path,
                alert.line,
                f"alert {alert.name}: severity "
                f"'{alert.severity}' is not one of {', '.join(SEVERITIES)}",
            )
        for key in REQUIRED_ANNOTATIONS:
            if not alert.annotations.get(key):
                yield Problem(
                    alert.path, alert.line, f"alert {alert.name} has no '{key}' annotation"
                )
        if alert.runbook_file not in files:
            yield Problem(
                alert.path,
                alert.line,
                f"alert {alert.name} has no runbook: create {alert.runbook_file} (kb new runbook)",
            )
        want = expected_runbook_url(repo, alert.name)
        if alert.runbook_url and alert.runbook_url != want:
            line = alert.annotation_lines.get("runbook_url", alert.line)
            yield Problem(
                alert.path,
                line,
                f"alert {alert.name}: runbook_url {alert.runbook_url} should be {want}",
            )

    names = rules.alert_names
    for runbook in pages:
        if not runbook.alert:
            yield Problem(
                runbook.path,
                1,
                "runbook names no alert: add 'alert: <AlertName>' to the front matter",
            )
        elif runbook.alert not in names:
            yield Problem(
                runbook.path,
                runbook.alert_line,
                f"runbook names alert "
                f"'{runbook.alert}', which no rule in infra/observability/prometheus/rules "
                "defines",
            )
        elif runbook.stem != runbook.alert.lower():
            yield Problem(
                runbook.path,
                runbook.alert_line,
                f"runbook for {runbook.alert} must be named {runbook.alert.lower()}.md",
            )
        yield from _sections(runbook.path, runbook.h2())


def _sections(path: str, headings: list[tuple[str, int]]) -> Iterable[Problem]:
    """The required H2 sections, each once, in the contract's order (other H2s may sit between)."""
    found = [(text, line) for text, line in headings if text in RUNBOOK_SECTIONS]
    titles = [text for text, _ in found]
    for section in RUNBOOK_SECTIONS:
        if section not in titles:
            yield Problem(path, 1, f"runbook lacks the '## {section}' section")
    for (text, line), previous in zip(found[1:], found, strict=False):
        if RUNBOOK_SECTIONS.index(text) <= RUNBOOK_SECTIONS.index(previous[0]):
            yield Problem(
                path,
                line,
                f"section '## {text}' is out of order: the sections are "
                f"{', '.join(RUNBOOK_SECTIONS)}",
            )
