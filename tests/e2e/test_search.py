"""Search as readers use it: loaded on demand, on-call phrasing, clean previews and highlights."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

QUERY = "input[data-md-component=search-query]"
RESULTS = "[data-md-component=search-result] .md-search-result__item"


def _search(page, text: str) -> list[str]:
    box = page.locator(QUERY)
    box.click()
    box.fill(text)
    box.press("End")
    page.locator(RESULTS).first.wait_for(state="visible", timeout=20000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(
        RESULTS, "(items) => items.map((li) => li.querySelector('a').getAttribute('href'))"
    )


def test_the_index_loads_only_when_search_opens(page, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "devops/runbooks/redisdown/", wait_until="networkidle")
    assert not [u for u in requested if "search_index" in u]
    assert not [u for u in requested if "mermaid" in u], "mermaid on a page without a diagram"
    _search(page, "redis")
    assert [u for u in requested if u.endswith("search/search_index.json")]
    assert page.errors == []


def test_on_call_phrasing_finds_the_escalation_pages(page, site_url: str) -> None:
    page.goto(site_url)
    top = [re.sub(r"[?#].*", "", h) for h in _search(page, "who do I escalate to")[:3]]
    assert any(h.endswith(("incident-response/escalation/", "devops/owners/")) for h in top), top
    top = [re.sub(r"[?#].*", "", h) for h in _search(page, "sev2")[:3]]
    assert any(h.endswith("incident-response/severity-levels/") for h in top), top


def test_previews_skip_the_page_header_and_dashboards_stay_out(page, site_url: str) -> None:
    page.goto(site_url)
    hrefs = _search(page, "review overdue due")
    previews = page.locator("[data-md-component=search-result]").inner_text()
    assert "Owned by" not in previews and "next review due" not in previews
    assert not [h for h in hrefs if re.search(r"devops/(reviews|open-work|inventory)/", h)]


def test_single_letters_are_not_highlighted(page, site_url: str) -> None:
    page.goto(site_url + "devops/incident-response/escalation/?h=a+i+escalation")
    page.locator("article mark").first.wait_for(timeout=20000)
    marked = page.eval_on_selector_all("article mark", "(ms) => ms.map((m) => m.textContent)")
    assert marked and all(len(m.strip()) >= 3 for m in marked), sorted(set(marked))[:10]
