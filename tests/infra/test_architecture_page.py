"""The architecture pages render their mermaid diagrams as SVG in Chromium, from the site's own copy of mermaid."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Material for MkDocs puts each diagram in a *closed* shadow root, which selectors cannot reach;
# opening them before any page script runs lets the test see the SVG without changing the drawing.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""


@pytest.mark.parametrize("page_src", ["infra/architecture.md", "infra/pipeline.md"])
def test_mermaid_diagrams_render_as_svg(site_url: str, page, page_src: str) -> None:
    source = (ROOT / "docs" / page_src).read_text(encoding="utf-8")
    expected = len(re.findall(r"^```mermaid$", source, flags=re.MULTILINE))
    assert expected >= 1
    page.add_init_script(OPEN_SHADOW_ROOTS)
    page.goto(site_url + page_src.removesuffix(".md") + "/")
    page.wait_for_selector(".mermaid svg", timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll('div.mermaid').length === {expected}", timeout=30_000
    )
    svgs = page.locator(".mermaid svg")
    assert svgs.count() == expected
    for i in range(expected):
        markup = svgs.nth(i).evaluate("el => el.outerHTML")
        assert "Syntax error" not in markup, f"diagram {i + 1} failed to parse"
        box = svgs.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    # Nothing was fetched from a CDN: mermaid came from the site itself.
    assert not [e for e in page.errors if "mermaid" in e.lower()]
