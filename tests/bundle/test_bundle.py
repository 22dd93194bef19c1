"""The offline incident bundle (`kb bundle`, `make bundle`) opens from file:// with no network.

Built once per module through `kb`'s own main(); every runbook page is opened in Chromium with
the network off and every non-file request refused, and search is used inside the bundle.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from kb.cli import main
from kb.model import Repository
from kb.model.alerts import load_runbooks
from tests.conftest import ROOT

RUNBOOKS = load_runbooks(Repository(ROOT))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    archive = out / "bundle.zip"
    assert main(["--root", str(ROOT), "bundle", "--output", str(archive)]) == 0
    with zipfile.ZipFile(archive) as z:
        z.extractall(out)
    return out / "plasma-incident-bundle"


def manifest_problems(folder: Path) -> list[str]:
    """Files whose SHA-256 differs from MANIFEST.sha256, or that it does not list."""
    listed = {}
    for line in (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    problems = []
    for f in sorted(folder.rglob("*")):
        name = f.relative_to(folder).as_posix()
        if not f.is_file() or name == "MANIFEST.sha256":
            continue
        if name not in listed:
            problems.append(f"{name}: not in the manifest")
        elif hashlib.sha256(f.read_bytes()).hexdigest() != listed.pop(name):
            problems.append(f"{name}: SHA-256 differs")
    return problems + [f"{name}: listed but missing" for name in listed]


@pytest.mark.slow
def test_the_manifest_and_validity_date_hold(bundle: Path, tmp_path: Path) -> None:
    assert manifest_problems(bundle) == []
    info = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["valid_until"])
    assert len(info["pages"]) >= len(RUNBOOKS) + 9
    landing = (bundle / "index.html").read_text(encoding="utf-8")
    assert f"Valid until {info['valid_until']}" in landing
    # A tampered copy is caught.
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy)
    page = copy / "devops/runbooks/redisdown.html"
    page.write_text(page.read_text(encoding="utf-8").replace("PONG", "PING"), encoding="utf-8")
    assert manifest_problems(copy) == ["devops/runbooks/redisdown.html: SHA-256 differs"]


@pytest.mark.slow
@pytest.mark.browser
def test_every_runbook_opens_offline_and_search_works(browser, bundle: Path) -> None:
    context = browser.new_context(offline=True, viewport={"width": 390, "height": 844})
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!file:).*"), refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for runbook in RUNBOOKS:
        target = bundle / "devops/runbooks" / f"{runbook.stem}.html"
        assert target.is_file(), runbook.stem
        page.goto(target.as_uri(), wait_until="load")
        assert page.locator("h1").first.inner_text().rstrip("¶").strip() == runbook.alert
        box = page.locator(".admonition", has_text="First minute").first
        assert box.is_visible(), runbook.stem
        assert page.locator("pre code").count() >= 2
        # Stylesheets came from the bundle: the header is Material's coloured bar.
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in {
            "sticky",
            "fixed",
        }
    page.goto((bundle / "index.html").as_uri(), wait_until="load")
    page.locator("label[for=__search]").first.click()
    query = page.locator("input[data-md-component=search-query]")
    query.fill("redis down")
    query.press("End")
    results = page.locator("[data-md-component=search-result] .md-search-result__item")
    results.first.wait_for(state="visible", timeout=20000)
    page.wait_for_timeout(1000)  # the index is built on first use; let the results settle
    top = results.evaluate_all(
        "(items) => items.slice(0, 3).map((li) => li.querySelector('a').href)"
    )
    assert any("devops/runbooks/redisdown.html" in href for href in top), top
    context.close()
    assert outside == [], f"requests beyond the bundle: {outside[:5]}"
    assert errors == []
