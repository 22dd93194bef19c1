"""Nothing is cut off at 1366 px or 390 px: tables, code and diagrams fit or visibly scroll.

Every page of the built site is opened in Chromium at a laptop and a phone width; the probe in
layout_probe.js lists content that is clipped, sticks out past the edge, scrolls with no visible
sign, or sits under a copy button. Diagrams are measured for label size, and screenshots of a
runbook, an Exa endpoint page and the lifecycle page are saved under test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PROBE = (Path(__file__).parent / "layout_probe.js").read_text(encoding="utf-8")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
DIAGRAM_PAGES = [
    "devops/lifecycle/",
    "infra/architecture/",
    "infra/pipeline/",
    "services/gateway/",
    "devops/incident-response/timeline/",
]
SCREENSHOTS = {
    "runbook": "devops/runbooks/redisdown/",
    "exa-endpoint": "exa/endpoints/search/",
    "lifecycle": "devops/lifecycle/",
}
MIN_LABEL_PX = 11
# Mermaid draws into a closed shadow root; open it so the test can measure the labels.
OPEN_SHADOW = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""
LABEL_SIZES = """
() => [...document.querySelectorAll("div.mermaid")].map((host) => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector("svg");
  if (!svg) return {rendered: false, sizes: []};
  const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width || svg.getBoundingClientRect().width);
  const sizes = [...svg.querySelectorAll("text, foreignObject span, foreignObject div, foreignObject p")]
    .filter((el) => (el.textContent || "").trim() && !el.querySelector("span, div, p"))
    .map((el) => ({text: el.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(el).fontSize) * scale}));
  return {rendered: true, sizes};
})
"""


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as a path relative to its root (`""` for the home page)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def _context(browser, width: str):
    w, h = WIDTHS[width]
    return browser.new_context(viewport={"width": w, "height": h}, is_mobile=width == "phone")


def layout_problems(page, url: str) -> list[str]:
    """Open `url` and return the probe's list of cut-off content."""
    page.goto(url, wait_until="load")
    page.wait_for_timeout(50)  # one more frame for layout.js's ResizeObserver
    return page.evaluate(PROBE)


@pytest.mark.slow
@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_page_cuts_off_content(browser, built_site: Path, site_url: str, width: str) -> None:
    pages = site_pages(built_site)
    assert len(pages) > 50
    context = _context(browser, width)
    page = context.new_page()
    found = []
    for path in pages:
        if path in DIAGRAM_PAGES:
            page.goto(site_url + path, wait_until="load")
            page.wait_for_selector("div.mermaid", timeout=15000)
        for problem in layout_problems(page, site_url + path):
            found.append(f"/{path}: {problem}")
    context.close()
    assert found == [], f"{len(found)} cut-off element(s) at {width}:\n" + "\n".join(found[:60])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_diagram_labels_are_readable(browser, site_url: str, width: str) -> None:
    context = _context(browser, width)
    context.add_init_script(OPEN_SHADOW)
    page = context.new_page()
    small = []
    for path in DIAGRAM_PAGES:
        page.goto(site_url + path, wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.mermaid')].every(h => h.shadowRoot && h.shadowRoot.querySelector('svg'))",
            timeout=20000,
        )
        diagrams = page.evaluate(LABEL_SIZES)
        assert diagrams and all(d["rendered"] and d["sizes"] for d in diagrams), path
        small += [
            f"/{path}: {s['text']!r} at {s['px']:.1f}px"
            for d in diagrams
            for s in d["sizes"]
            if s["px"] < MIN_LABEL_PX
        ]
    context.close()
    assert small == [], "\n".join(small[:40])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshots_of_the_key_pages(browser, site_url: str, artifacts_dir: Path, width: str):
    context = _context(browser, width)
    page = context.new_page()
    for name, path in SCREENSHOTS.items():
        page.goto(site_url + path, wait_until="networkidle")
        if path in DIAGRAM_PAGES:
            page.wait_for_selector("div.mermaid", timeout=15000)
        target = artifacts_dir / f"layout-{name}-{WIDTHS[width][0]}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
        assert layout_problems(page, site_url + path) == []
    context.close()


def test_the_probe_catches_a_clipped_table(page, site_url: str) -> None:
    """The probe itself: a table forced to clip, and a copy button over code, are reported."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + "devops/runbooks/redisdown/", wait_until="load")
    assert page.evaluate(PROBE) == []
    page.add_style_tag(
        content=".md-typeset__scrollwrap, .md-typeset pre > code {overflow-x: hidden !important}"
        " .md-typeset pre > code {margin-right: 0 !important; white-space: pre !important}"
    )
    page.wait_for_timeout(50)
    problems = page.evaluate(PROBE)
    assert any("clips" in p for p in problems), problems
