"""What a reader sees in Chromium: the home page, search, the palette toggle, the mobile drawer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_home_page_loads_without_console_errors(page, site_url: str, artifacts_dir: Path) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Plasma Engine DevOps")
    assert (
        page.locator("h1").first.inner_text().rstrip("¶") == "Plasma Engine DevOps knowledge base"
    )
    assert page.get_by_text("Owned by").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)
    # No error of any kind: no script error, no missing local asset, no failed foreign request
    # (the site makes none; tests/e2e/test_requests.py proves it for every page kind).
    assert page.errors == []


def test_search_lists_the_expected_page(page, site_url: str) -> None:
    page.goto(site_url)
    from tests.e2e.test_journeys import open_search

    open_search(page, "escalation")
    result = page.locator(".md-search-result__item a").filter(has_text="Owners and escalation")
    result.first.wait_for(state="visible", timeout=15000)
    result.first.click()
    page.wait_for_url(re.compile(r"devops/owners/"))
    assert page.locator("h1").first.inner_text().rstrip("¶") == "Owners and escalation"


def test_palette_toggle_switches_to_dark_and_back(page, site_url: str) -> None:
    page.goto(site_url)
    body = page.locator("body")

    def toggle_until(scheme: str) -> None:
        for _ in range(3):  # three palettes: system preference, light, dark
            if body.get_attribute("data-md-color-scheme") == scheme and (
                body.get_attribute("data-md-color-media") != "(prefers-color-scheme)"
            ):
                return
            page.locator("form[data-md-component='palette'] label:visible").first.click()
        raise AssertionError(f"palette never reached {scheme}")

    toggle_until("slate")
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle_until("default")
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg


def test_mobile_viewport_shows_the_navigation_drawer(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(site_url)
    drawer_button = tab.locator("label.md-header__button[for='__drawer']")
    assert drawer_button.is_visible()
    drawer = tab.locator("nav.md-nav--primary")
    drawer_button.click()
    tab.wait_for_function("document.getElementById('__drawer').checked")
    assert drawer.get_by_text("Knowledge base").first.is_visible()
    context.close()
