"""The journeys readers take, in Chromium against the built site: from an alert name to its runbook,
from the lifecycle map to a playbook, copying a command, keeping a palette, following a tag, and the
release checklists on a phone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def open_search(page, text: str):
    """Type `text` into Material's search and return the result links."""
    toggle = page.locator("label.md-header__button[for='__search']")
    if toggle.is_visible():  # narrow screens; wide ones show the search box in the header
        toggle.click()
    box = page.locator("input.md-search__input")
    box.click()
    # Material reacts to key events; fill() sets the value without them and no search runs.
    box.press_sequentially(text, delay=20)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="visible", timeout=15000)
    return results


def test_search_an_alert_name_and_land_on_its_runbook(page, site_url: str) -> None:
    page.goto(site_url)
    results = open_search(page, "GatewayNotReady")
    runbook = results.filter(has=page.locator("h1", has_text="GatewayNotReady"))
    runbook.first.click()
    page.wait_for_url(re.compile(r"devops/runbooks/gatewaynotready/"))
    assert page.locator("h1").first.inner_text().rstrip("¶") == "GatewayNotReady"
    # A runbook is useful only with its sections: the reader must be able to act from here.
    for section in ("Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation", "Verification"):
        assert page.locator("h2", has_text=section).count() == 1, section
    # Nothing may fail: the page asks no other host (tests/e2e/test_requests.py).
    assert page.errors == []


def test_open_a_playbook_from_the_lifecycle_map(page, site_url: str) -> None:
    page.goto(site_url + "devops/lifecycle/")
    row = page.locator("table tr", has=page.locator("td", has_text=re.compile(r"^Release$")))
    row.locator("a", has_text="Release").last.click()
    page.wait_for_url(re.compile(r"devops/playbooks/release/$"))
    assert page.locator("h1").first.inner_text().startswith("Release:")
    assert page.get_by_text("Owned by").first.is_visible()


def test_copy_a_code_block_to_the_clipboard(browser, site_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    tab = context.new_page()
    try:
        tab.goto(site_url + "devops/release/")
        block = tab.locator("div.highlight", has_text="kb release new v1.4.0").first
        block.hover()
        # Material 9.7+ puts the copy button in a code nav; older releases used .md-clipboard.
        block.locator("button[data-md-type='copy'], button.md-clipboard").first.click()
        copied = tab.evaluate("navigator.clipboard.readText()")

        def lines(text: str) -> list[str]:
            return [line for line in text.splitlines() if line.strip()]

        assert lines(copied) == lines(block.locator("code").inner_text())
        assert copied.startswith("kb release new v1.4.0 --service gateway")
        assert "\n" in copied  # the whole block, not one line
    finally:
        context.close()


def test_the_chosen_palette_survives_navigation(page, site_url: str) -> None:
    page.goto(site_url)
    body = page.locator("body")
    for _ in range(3):  # system preference → light → dark
        if body.get_attribute("data-md-color-scheme") == "slate" and (
            body.get_attribute("data-md-color-media") != "(prefers-color-scheme)"
        ):
            break
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.goto(site_url + "devops/release/")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"


def test_follow_a_tag_to_every_page_that_carries_it(page, site_url: str) -> None:
    page.goto(site_url + "devops/release/")
    page.locator("a.md-tag", has_text="release").first.click()
    page.wait_for_url(re.compile(r"tags/#tag:release$"))
    section = page.locator("h2#tag\\:release")
    assert section.is_visible()
    listed = section.locator("xpath=following-sibling::ul[1]//a")
    titles = {t.strip() for t in listed.all_inner_texts()}
    assert {"Release checklists", "Release pipeline"} <= titles
    listed.filter(has_text="Release pipeline").first.click()
    page.wait_for_url(re.compile(r"devops/release/pipeline/$"))


def test_release_checklists_on_a_phone(browser, site_url: str, artifacts_dir: Path) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    try:
        tab.goto(site_url)

        def open_drawer() -> None:
            tab.locator("label.md-header__button[for='__drawer']").click()
            tab.wait_for_function("document.getElementById('__drawer').checked")

        # navigation.prune keeps only the current section expanded: DevOps first, then Release.
        open_drawer()
        drawer = tab.locator("nav.md-nav--primary")
        drawer.locator("a.md-nav__link[href='devops/']").click()
        tab.wait_for_url(re.compile(r"devops/$"))
        open_drawer()
        drawer.locator("a.md-nav__link[href='release/']").click()
        tab.wait_for_url(re.compile(r"devops/release/$"))
        assert tab.locator("h1").first.inner_text().rstrip("¶") == "Release checklists"
        # Wide tables scroll inside their wrapper; the page itself never scrolls sideways.
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than the screen"
        tab.screenshot(path=str(artifacts_dir / "release-checklists-mobile.png"), full_page=False)
    finally:
        context.close()
