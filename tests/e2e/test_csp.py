"""The Content-Security-Policy: on every page, and the whole site runs under it in Chromium.

The policy (overrides/main.html) allows only same-origin scripts, so an injected inline script,
event handler or remote script is blocked even if it ever got past escaping and `kb check`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import serve_directory
from tests.e2e.test_journeys import open_search

pytestmark = pytest.mark.browser

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith("assets/")
    )


def _sample(site: Path) -> list[str]:
    """Every page with active content (diagrams, tabs, emoji, media), plus every third page.

    Each page loads the same theme scripts, so the theme is covered many times over; content
    is what differs between pages, and every page with active content is visited.
    """
    active = re.compile(r'class="mermaid"|tabbed-set|twemoji|<img|<iframe|<video', re.I)
    pages = _pages(site)
    return [
        rel
        for n, rel in enumerate(pages)
        if n % 3 == 0
        or active.search((site / rel).read_text(encoding="utf-8").split("<article")[-1])
    ]


def _policy(html: str) -> dict[str, str]:
    match = CSP_META.search(html)
    assert match, "no Content-Security-Policy meta tag"
    return dict(
        [*part.strip().split(" ", 1), ""][:2] for part in match[1].split(";") if part.strip()
    )


def test_every_page_carries_a_strict_policy_before_any_script(built_site: Path) -> None:
    pages = _pages(built_site)
    assert len(pages) > 50
    for rel in pages:
        html = (built_site / rel).read_text(encoding="utf-8")
        policy = _policy(html)
        assert policy["script-src"] == "'self'", rel
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'", rel
        assert "'unsafe-eval'" not in html and "unsafe-inline" not in policy["script-src"]
        assert html.index("Content-Security-Policy") < html.index("<script"), rel
        # No inline script is left for the policy to block (JSON data blocks do not run).
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert inline == [], f"{rel}: inline script {inline[:1]}"


def test_the_whole_site_runs_with_zero_violations(browser, built_site: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    found: dict[str, list[str]] = {}
    with serve_directory(built_site) as url:
        for rel in _sample(built_site):
            tab.goto(url + rel.removesuffix("index.html"), wait_until="load")
            tab.wait_for_timeout(150)
            violations = tab.evaluate("window.__violations")
            if violations:
                found[rel] = violations
        # Search (a same-origin worker) and the palette toggle also run under the policy.
        tab.goto(url, wait_until="load")
        tab.locator("form[data-md-component='palette'] label:visible").first.click()
        tab.goto(url + "devops/", wait_until="load")  # the stored palette is applied on load
        open_search(tab, "runbook")
        tab.locator(".md-search-result__item").first.wait_for(timeout=15000)
        if tab.evaluate("window.__violations"):
            found["search and palette"] = tab.evaluate("window.__violations")
    context.close()
    assert found == {}, found
    assert errors == [], errors


def test_mermaid_still_draws_under_the_policy(page, site_url: str) -> None:
    page.context.add_init_script(LISTEN)
    page.goto(site_url + "devops/lifecycle/", wait_until="load")
    diagram = page.locator("div.mermaid").first  # Material swaps the <pre> for a drawn <div>
    diagram.wait_for(timeout=20000)
    page.wait_for_function(
        "document.querySelector('div.mermaid').getBoundingClientRect().height > 20"
    )
    assert page.evaluate("window.__violations") == []
    assert page.errors == []


def test_an_injected_script_is_blocked_and_reported(browser, built_site: Path, tmp_path) -> None:
    """A deliberately broken copy: the policy blocks what escaping would have let through."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    home = site / "index.html"
    html = home.read_text(encoding="utf-8")
    injected = (
        '<script>window.__pwned = "inline"</script>'
        '<img src="x" onerror="window.__pwned = \'handler\'">'
        '<img src="https://evil.example/pixel.png">'
    )
    home.write_text(html.replace("</article>", injected + "</article>", 1), encoding="utf-8")
    context = browser.new_context()
    context.add_init_script(LISTEN)
    tab = context.new_page()
    with serve_directory(site) as url:
        tab.goto(url, wait_until="load")
        tab.wait_for_timeout(300)
        assert tab.evaluate("window.__pwned") is None
        violations = " ".join(tab.evaluate("window.__violations"))
    context.close()
    assert "script-src" in violations and "img-src https://evil.example" in violations
