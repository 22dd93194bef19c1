"""axe-core audit of the main page kinds: no serious or critical violation (WCAG 2 A and AA rules).

axe-core comes bundled with axe-playwright-python (no network). Every violation found, of any impact,
is written to test-artifacts/axe-<page>.txt so CI keeps the evidence; only serious and critical ones fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "playbook": "devops/playbooks/release/",
    "runbook": "devops/runbooks/gatewaynotready/",
    "standard": "devops/standards/release/",
    "exa-endpoint": "exa/endpoints/search/",
    "kpis": "devops/kpis/",
    "checklist": "devops/release/",
}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _summary(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({len(v['nodes'])} node(s)) — {v['help']}")
        lines += [f"    {n['target']}" for n in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_or_critical_violations(
    browser, site_url: str, axe, artifacts_dir: Path, kind: str, scheme: str
) -> None:
    # The first palette follows the system preference, so the browser's colour scheme picks
    # Material's default (light) or slate (dark) palette.
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    violations = axe.run(page).response["violations"]
    context.close()
    report = artifacts_dir / f"axe-{kind}-{scheme}.txt"
    report.write_text(_summary(violations) + "\n", encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{PAGES[kind] or 'home'} ({scheme}):\n{_summary(blocking)}"


def test_the_audit_catches_a_violation(page, site_url: str, axe) -> None:
    # An image without alternative text is a critical violation (image-alt): the audit must see it.
    page.goto(site_url)
    page.evaluate(
        "document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')"
    )
    violations = axe.run(page).response["violations"]
    assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in violations)


def test_the_search_dialog_has_a_name(page, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator(".md-search[role='dialog']").get_attribute("aria-label") == "Search"
