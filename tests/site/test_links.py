"""No broken internal link (linkchecker) or anchor (parsed here) in the built site."""

from __future__ import annotations

import html
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.conftest import ROOT, run_tool

_ID = re.compile(r"""\s(?:id|name)=["']([^"']+)["']""")
_HREF = re.compile(r"""\shref=["']([^"']+)["']""")


def test_no_broken_internal_links(site_url: str) -> None:
    result = run_tool(
        [
            sys.executable,
            "-m",
            "linkcheck",
            "--config",
            str(ROOT / ".linkcheckerrc"),
            "--no-status",
            site_url,
        ],
    )
    # linkchecker exits 1 when it found errors; its report names each broken URL.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout


def _anchors_and_links(site: Path) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8", errors="replace")
        ids[rel] = {html.unescape(i) for i in _ID.findall(text)}
        links.extend((rel, html.unescape(h)) for h in _HREF.findall(text))
    return ids, links


def _target(page: str, href: str) -> tuple[str, str] | None:
    """(file under site/, fragment) for an internal link with a fragment, else None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.fragment:
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if href.split("#")[0].endswith("/") or not posixpath.splitext(path)[1]:
        path = posixpath.join(path, "index.html")
    return path, unquote(parts.fragment)


def broken_anchors(site: Path) -> list[str]:
    """Every internal link whose fragment names no id on the target page."""
    ids, links = _anchors_and_links(site)
    broken = []
    for page, href in links:
        target = _target(page, href)
        if target is None:
            continue
        file, fragment = target
        if file in ids and fragment not in ids[file] and not fragment.startswith("__"):
            broken.append(f"{page}: {href} (no id '{fragment}' in {file})")
    return sorted(set(broken))


def test_every_internal_anchor_exists(built_site: Path) -> None:
    _, links = _anchors_and_links(built_site)
    assert sum(1 for p, h in links if _target(p, h)) > 1000  # the check really looks at anchors
    broken = broken_anchors(built_site)
    assert broken == [], "\n".join(broken[:50])


def test_anchor_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<h2 id="here">x</h2><a href="../b/#missing">b</a><a href="#here">self</a>'
    )
    (tmp_path / "b").mkdir()
    (tmp_path / "b/index.html").write_text('<h2 id="present">y</h2><a href="../a/#here">a</a>')
    assert broken_anchors(tmp_path) == [
        "a/index.html: ../b/#missing (no id 'missing' in b/index.html)"
    ]
