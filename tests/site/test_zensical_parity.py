"""The site builds under Zensical and every page's main content reads as it does under MkDocs.

Both engines build the same checkout with the build date pinned; `tests/site/parity.py` reduces
each page's main content to text blocks (theme chrome removed, links shown with their resolved
targets) and every difference must be listed, with a reason, in `zensical-allowlist.yml`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.site.parity import differences, load_allow_list

ALLOW_LIST = Path(__file__).with_name("zensical-allowlist.yml")
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "site", "site-zensical", ".cache", "test-artifacts", "__pycache__",
    ".pytest_cache", ".ruff_cache", "node_modules",
)  # fmt: skip

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_TODAY": "2026-11-24"}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(MkDocs site, Zensical site) of one copy of the repository."""
    repo = tmp_path_factory.mktemp("parity") / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    mkdocs = _run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(repo / "site")], repo
    )
    assert mkdocs.returncode == 0, f"mkdocs build --strict failed:\n{mkdocs.stderr[-4000:]}"
    zensical = _run(
        [sys.executable, "-m", "zensical", "build", "--strict", "-f", "zensical.yml"], repo
    )
    output = zensical.stdout + zensical.stderr
    assert zensical.returncode == 0, f"zensical build failed:\n{output[-4000:]}"
    return repo / "site", repo / "site-zensical"


def test_zensical_builds_every_page(builds: tuple[Path, Path]) -> None:
    mkdocs_site, zensical_site = builds
    mkdocs_pages = {p.relative_to(mkdocs_site) for p in mkdocs_site.rglob("index.html")}
    zensical_pages = {p.relative_to(zensical_site) for p in zensical_site.rglob("index.html")}
    assert len(mkdocs_pages) > 100
    assert mkdocs_pages == zensical_pages


def test_main_content_matches_except_listed_differences(builds: tuple[Path, Path]) -> None:
    allowed = load_allow_list(ALLOW_LIST)
    used = set()
    unexplained = []
    for diff in differences(*builds):
        covering = [n for n, entry in enumerate(allowed) if entry.covers(diff)]
        if covering:
            used.update(covering)
        else:
            unexplained.append(str(diff))
    assert not unexplained, (
        f"{len(unexplained)} difference(s) between the MkDocs and Zensical builds are not in "
        f"{ALLOW_LIST.name} (add each with a reason, or fix the cause):\n"
        + "\n".join(unexplained[:40])
    )
    stale = [entry.reason for n, entry in enumerate(allowed) if n not in used]
    assert not stale, f"{ALLOW_LIST.name} lists differences that no longer occur: {stale}"


def test_allow_list_entry_without_reason_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "allow.yml"
    bad.write_text("differences:\n  - pages: '*'\n    mkdocs: 'x'\n")
    with pytest.raises(ValueError, match="needs `pages` and a `reason`"):
        load_allow_list(bad)
