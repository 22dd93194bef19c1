"""No page sends a request beyond the site's own origin: no live repository counters, fonts or CDNs.

The site promises to work offline and to send readers' addresses nowhere. Chromium records every
request each page kind makes (documents, scripts, styles, fonts, images, fetch/XHR) while it loads
and settles; any host other than the site's own fails the test with the URLs it asked for.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.test_accessibility import PAGES, WIDTHS

pytestmark = pytest.mark.browser


def _foreign_requests(browser, site_url: str, path: str, width: str) -> list[str]:
    origin = urlsplit(site_url).netloc
    context = browser.new_context(**WIDTHS[width])
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    page = context.new_page()
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    # Open the search box: the index and its worker load on demand on some configurations.
    page.keyboard.press("/")
    page.wait_for_load_state("networkidle")
    context.close()
    return [
        url
        for url in seen
        if urlsplit(url).scheme not in {"data", "blob", "about"} and urlsplit(url).netloc != origin
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_request_leaves_the_site(browser, site_url: str, kind: str, width: str) -> None:
    foreign = _foreign_requests(browser, site_url, PAGES[kind], width)
    assert not foreign, f"{PAGES[kind] or 'home'} ({width}) asked other hosts for: {foreign}"


def test_the_recorder_sees_a_foreign_request(browser, site_url: str) -> None:
    # The recorder is live: a page that asks another host is caught (the request fails offline,
    # but it is still recorded as sent).
    # The site's Content-Security-Policy refuses the request before it is sent (tests/e2e/
    # test_csp.py fails on any violation), so this check of the recorder itself bypasses it.
    origin = urlsplit(site_url).netloc
    context = browser.new_context(bypass_csp=True)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    page = context.new_page()
    page.goto(site_url)
    page.evaluate("fetch('https://api.github.com/repos/x/y').catch(() => null)")
    page.wait_for_timeout(200)
    context.close()
    assert any(urlsplit(url).netloc not in {origin, ""} for url in seen)


def test_the_repository_link_shows_without_live_counters(page, site_url: str) -> None:
    page.goto(site_url)
    source = page.locator("a.md-source").first
    assert source.get_attribute("href") == "https://github.com/Plasma-Engine/plasma-engine-kb"
    assert "Plasma-Engine/plasma-engine-kb" in source.inner_text()
    assert source.get_attribute("data-md-component") is None
    assert page.locator(".md-source__facts").count() == 0
