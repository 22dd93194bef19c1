"""axe-core audit of every page kind at a desktop and a phone width, in both palettes.

axe-core comes bundled with axe-playwright-python (no network). Every violation found, of any impact,
is written to test-artifacts/axe-<page>-<width>-<scheme>.txt so CI keeps the evidence; only serious and
critical ones fail. Whether a table scrolls sideways depends on the browser's fonts and version, so
`test_an_overflowing_table_stays_reachable` forces one to overflow and audits it again: the result
must not depend on font metrics.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model.frontmatter import KINDS

pytestmark = pytest.mark.browser

#: One page per front-matter kind, plus the pages with the widest generated tables.
PAGES = {
    "home": "",
    "playbook": "devops/playbooks/release/",
    "runbook": "devops/runbooks/gatewaynotready/",
    "checklist": "devops/release/",
    "standard": "devops/standards/release/",
    "sop": "devops/sops/rotate-a-secret/",
    "reference": "devops/lifecycle/",
    "service": "services/gateway/",
    "page": "devops/",
    "exa-endpoint": "exa/endpoints/search/",
    "kpis": "devops/kpis/",
}
#: Desktop, and a phone that cannot hover (Material treats such devices differently).
WIDTHS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
BLOCKING = {"serious", "critical"}
SCHEMES = {"light": "default", "dark": "slate"}


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


def _open(browser, url: str, width: str, scheme: str):
    # The first palette follows the system preference, so the browser's colour scheme picks
    # Material's default (light) or slate (dark) palette.
    context = browser.new_context(color_scheme=scheme, **WIDTHS[width])
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
    return context, page


def test_every_page_kind_is_audited() -> None:
    missing = sorted(set(KINDS) - set(PAGES))
    assert not missing, f"add a page of each kind to PAGES: {missing}"


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_or_critical_violations(
    browser, site_url: str, axe, artifacts_dir: Path, kind: str, width: str, scheme: str
) -> None:
    context, page = _open(browser, site_url + PAGES[kind], width, scheme)
    violations = axe.run(page).response["violations"]
    context.close()
    report = artifacts_dir / f"axe-{kind}-{width}-{scheme}.txt"
    report.write_text(_summary(violations) + "\n", encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{PAGES[kind] or 'home'} ({width}, {scheme}):\n{_summary(blocking)}"


# Make the first table (or code block) far wider than any viewport, as a browser with wider fonts
# would lay it out, then let the page react (resize, mutation) before auditing.
_WIDEN_TABLE = """() => {
  const style = document.createElement('style');
  style.textContent = '.md-typeset__scrollwrap table { min-width: 4000px !important; }';
  document.head.appendChild(style);
  window.dispatchEvent(new Event('resize'));
}"""
_WIDEN_CODE = """() => {
  const code = document.querySelector('.md-typeset pre > code');
  code.appendChild(document.createTextNode('\\n' + 'x'.repeat(3000)));
  window.dispatchEvent(new Event('resize'));
}"""


def _assert_no_unreachable_region(page, axe) -> None:
    result = axe.run(page, options={"runOnly": ["scrollable-region-focusable"]}).response
    assert not result["violations"], _summary(result["violations"])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_overflowing_table_stays_reachable(browser, site_url: str, axe, width: str) -> None:
    context, page = _open(browser, site_url + PAGES["kpis"], width, "light")
    page.evaluate(_WIDEN_TABLE)
    page.wait_for_timeout(300)  # a few animation frames for the page's own reaction
    wrap = page.locator(".md-typeset__scrollwrap").first
    scrolls = wrap.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert scrolls, "the forced table does not overflow; the test proves nothing"
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("role") == "region"
    assert (wrap.get_attribute("aria-label") or "").startswith("Table")
    # A keyboard user reaches the wrapper and scrolls it with the arrow keys.
    wrap.focus()
    assert page.evaluate("document.activeElement.classList.contains('md-typeset__scrollwrap')")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    assert wrap.evaluate("(el) => el.scrollLeft") > 0
    _assert_no_unreachable_region(page, axe)
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_overflowing_code_block_stays_reachable(browser, site_url: str, axe, width: str) -> None:
    # On the phone (no hover) Material leaves overflowing code blocks out of the tab order.
    context, page = _open(browser, site_url + PAGES["runbook"], width, "light")
    page.evaluate(_WIDEN_CODE)
    page.wait_for_timeout(300)
    code = page.locator(".md-typeset pre > code").first
    assert code.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert code.get_attribute("tabindex") == "0"
    _assert_no_unreachable_region(page, axe)
    context.close()


def test_the_audit_catches_a_violation(page, site_url: str, axe) -> None:
    # An image without alternative text is a critical violation (image-alt): the audit must see it.
    page.goto(site_url)
    page.evaluate(
        "document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')"
    )
    violations = axe.run(page).response["violations"]
    assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in violations)


def test_the_audit_catches_an_unreachable_scrolling_region(page, site_url: str, axe) -> None:
    # A region that scrolls and that nobody made focusable must be reported: the rule is live.
    page.goto(site_url)
    page.evaluate(
        """() => {
          const div = document.createElement('div');
          div.style.cssText = 'overflow-x: scroll; width: 100px';
          div.innerHTML = '<p style="width: 3000px; margin: 0">' + 'wide '.repeat(600) + '</p>';
          document.body.appendChild(div);
        }"""
    )
    result = axe.run(page, options={"runOnly": ["scrollable-region-focusable"]}).response
    assert result["violations"], "axe did not report an unreachable scrolling region"


def test_the_search_dialog_has_a_name(page, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator(".md-search[role='dialog']").get_attribute("aria-label") == "Search"
