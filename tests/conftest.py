"""Shared fixtures: external tools, the built site on a loopback server, and Chromium.

A test that needs an external tool (chromium, promtool, amtool, terraform) asks `require_tool`.
Locally a missing tool skips the test with a message naming it; with `CI=true` it fails, so CI
can never go green by skipping. The same rule holds for every other skip: with `CI=true` the
hooks below turn a skip of any kind (a `skipif` mark, `pytest.skip()`, `pytest.importorskip()`,
a module skipped at collection) into a failure that carries the skip's reason.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

_INSTALL_HINT = {
    "chromium": "apt-get install chromium (or set CHROMIUM=/path/to/chrome); see `make deps-system`",
    "promtool": "apt-get install prometheus; see `make deps-system`",
    "amtool": "apt-get install prometheus-alertmanager; see `make deps-system`",
    "prometheus-blackbox-exporter": "apt-get install prometheus-blackbox-exporter; see `make deps-system`",
    "terraform": "install Terraform >= 1.11 from HashiCorp",
}


def _skip_reason(longrepr) -> str:
    """`path:line: reason` from a skip report's (path, line, message) tuple."""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, message = longrepr
        return f"{path}:{line}: {str(message).removeprefix('Skipped: ')}"
    return str(longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """With CI=true a skipped test fails (an expected failure, xfail, is left as it is)."""
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI=true and the test skipped: {_skip_reason(report.longrepr)}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """With CI=true a module or class skipped while collecting is a collection error."""
    report = yield
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"CI=true and collection skipped: {_skip_reason(report.longrepr)}"
    return report


def find_tool(name: str) -> str | None:
    """The path of `name` on PATH (chromium also honours $CHROMIUM), or None."""
    if name == "chromium":
        candidates = [
            os.environ.get("CHROMIUM", ""),
            "chromium",
            "chromium-browser",
            "google-chrome",
        ]
        for candidate in filter(None, candidates):
            found = shutil.which(candidate)
            if found:
                return found
        return None
    return shutil.which(name)


def require_tool(name: str) -> str:
    """Return the tool's path; skip the test when missing locally, fail it in CI."""
    path = find_tool(name)
    if path:
        return path
    message = f"{name} not found: {_INSTALL_HINT.get(name, 'install it')}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)
    raise AssertionError("unreachable")


def run_tool(args: list[str], cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, capturing text output, without raising on a non-zero exit."""
    return subprocess.run(
        args, cwd=cwd or ROOT, capture_output=True, text=True, check=False, **kwargs
    )


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Build the site for `config` strictly into `site_dir`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return run_tool(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        cwd=config.parent,
        env=env,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve `directory` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's site, built once per session with --strict."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL of the built site served on 127.0.0.1."""
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (never a downloaded browser build)."""
    executable = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (desktop viewport); console errors are collected on `page.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on(
        "console",
        lambda msg: (
            tab.errors.append(f"{msg.text} ({msg.location.get('url', '')})")
            if msg.type == "error"
            else None
        ),
    )
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and reports for CI to keep (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def start_activity_log(repo: Path) -> None:
    """Keep only the header of `repo`'s activity log (a copy), dropping every entry.

    The log is kept oldest first, so `kb log` refuses an entry dated before the newest one. A test
    that pins KB_TODAY and logs into a copy of the real log would fail as soon as the real log
    gained an entry dated later; starting the copy's log empty keeps such tests independent of
    the repository's history.
    """
    path = repo / "docs/devops/activity-log.md"
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\n## ")
    path.write_text(head.rstrip("\n") + "\n", encoding="utf-8")


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the repository's tracked content in a temporary folder, for tests that write."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "site", "test-artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"
    )
    target = tmp_path / "repo"
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture
def mini_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A minimal valid knowledge base (tests/model/conftest.py); build date pinned to 2026-11-24."""
    from tests.model.conftest import make_mini_repo

    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    return make_mini_repo(tmp_path / "kb")
