"""Hostile text in built pages: nothing runs in Chromium, no javascript: URL, no remote image.

Hypothesis writes hostile strings into the places a contributor or upstream controls (page
title and description, an activity-log entry through `kb log`, pages that render the log through
macros), builds the site with the real theme overrides, and opens every page in Chromium.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import main
from kb.escape import one_line
from kb.model.frontmatter import is_plain_text
from tests.conftest import mkdocs_build, serve_directory
from tests.model.conftest import make_mini_repo
from tests.model.test_hostile_text import FRAGMENTS

pytestmark = pytest.mark.browser

hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=6
).map("".join)
hostile_line = hostile.map(one_line).filter(bool)
# Titles are plain text by schema (and the build refuses others): hostile within that rule.
hostile_title = hostile_line.filter(is_plain_text)

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  `${e.violatedDirective} ${e.blockedURI}`));
"""
# Everything in the DOM that could run or fetch from elsewhere, as a list of descriptions.
SCAN = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) bad.push(`${el.tagName} ${attr.name}`);
      if (/^(javascript|vbscript|data:text)/.test(value) && /href|src|action/.test(attr.name))
        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
    if (el.tagName === 'SCRIPT' && !el.src && el.type !== 'application/json')
      bad.push('inline script');
    if (el.tagName === 'IMG' && el.src && !el.src.startsWith(location.origin)
        && !el.src.startsWith('data:')) bad.push(`remote image ${el.src}`);
    if (el.tagName === 'IFRAME') bad.push('iframe');
  }
  return bad;
}"""
MACRO_PAGE = (
    '---\ntitle: {title}\nkind: page\nowner: "@platform-team"\nstatus: active\n'
    "last_reviewed: 2026-11-24\nreview_every: 90d\nrender_macros: true\n---\n\n# Heading\n\n"
    "{{{{ {call} }}}}\n"
)


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_hostile_site(root: Path, title: str, description: str, text: str, file: str) -> Path:
    repo = make_mini_repo(root)
    page = (root / "docs/playbook.md").read_text(encoding="utf-8")
    page = page.replace("title: Example playbook", f"title: {_yaml_str(title)}")
    page = page.replace("tags: [deploy]", f"tags: [deploy]\ndescription: {_yaml_str(description)}")
    repo.write("docs/playbook.md", page)
    for name, call in {"recent": "recent_activity(n=5)", "overview": "activity_overview()"}.items():
        repo.write(f"docs/{name}.md", MACRO_PAGE.format(title=_yaml_str(title), call=call))
    argv = ["--root", str(root), "log", "--area", "exa", "--title", text, "--files", file]
    argv += ["--commands", f"kb mirror => {text}", "--outcome", text, "--next", text]
    assert main([*argv, "--date", "2026-11-24"]) == 0
    site = root.parent / "site"
    result = mkdocs_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def visit_all(browser, site: Path) -> dict[str, list[str]]:
    """Open every page; returns what ran, fetched or was blocked, per page (empty when inert)."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    found: dict[str, list[str]] = {}
    with serve_directory(site) as url:
        for html in sorted(site.rglob("*.html")):
            rel = html.relative_to(site).as_posix()
            if rel.startswith("assets/"):
                continue
            tab.goto(url + rel, wait_until="load")
            tab.wait_for_timeout(100)
            bad = tab.evaluate(SCAN) + tab.evaluate("window.__violations") + dialogs
            raw = html.read_text(encoding="utf-8")
            bad += re.findall(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", raw, re.I)
            if bad:
                found[rel] = bad
            dialogs.clear()
    context.close()
    return found


@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=hostile_title, description=hostile_line, text=hostile_line, file=hostile_line)
def test_hostile_text_never_runs_in_built_pages(browser, title, description, text, file) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-hostile-") as tmp:
        site = build_hostile_site(Path(tmp) / "kb", title, description, text, file)
        assert visit_all(browser, site) == {}
        context = browser.new_context()
        tab = context.new_page()
        with serve_directory(site) as url:
            tab.goto(url + "playbook/", wait_until="load")
            meta = tab.locator("meta[name=description]")
            assert meta.get_attribute("content") == description
            assert tab.title().startswith(title)
            tab.goto(url + "recent/", wait_until="load")
            assert text in tab.locator("article").inner_text()
        context.close()


def test_a_description_cannot_break_out_of_its_meta_tag(browser, tmp_path: Path) -> None:
    description = 'x" onload="alert(1)'
    site = build_hostile_site(tmp_path / "kb", "Plain", description, "t", "f")
    html = (site / "playbook/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="x&#34; onload=&#34;alert(1)">' in html
    assert visit_all(browser, site) == {}


def test_a_hostile_tag_stops_the_build_with_one_line(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    repo = make_mini_repo(root)
    page = (root / "docs/playbook.md").read_text(encoding="utf-8")
    repo.write("docs/playbook.md", page.replace("[deploy]", '["<img src=x onerror=alert(2)>"]'))
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("docs/")]
    assert errors == [
        "docs/playbook.md:9: tag '<img src=x onerror=alert(2)>' must be lowercase letters and "
        "digits joined by single dashes (at most 40 characters)"
    ]
    assert not (tmp_path / "site/playbook/index.html").exists()


@pytest.mark.parametrize("target", [".git/config", "docs/../.git/config", "/etc/passwd"])
def test_a_bad_snippet_stops_the_build_with_one_line(tmp_path: Path, target: str) -> None:
    root = tmp_path / "kb"
    repo = make_mini_repo(root)
    repo.write(".git/config", "[remote]\n  url = https://token@example.org/x\n")
    page = (root / "docs/playbook.md").read_text(encoding="utf-8")
    repo.write("docs/playbook.md", page + f'\n```ini\n--8<-- "{target}"\n```\n')
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "token@" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "refused" in line]
    assert len(errors) == 1 and re.match(
        rf"^docs/playbook\.md:\d+: snippet '{re.escape(target)}'", errors[0]
    ), errors
