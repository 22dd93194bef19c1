"""`make serve`'s partial rebuilds: an edit rebuilds its page and the pages that read the changed file.

Each test drives MkDocs' own `build(dirty=True)` in a child process, exactly as `mkdocs serve
--dirty -f mkdocs.serve.yml` does between edits (the hooks keep process-wide state, so they run
apart from the test process), on a copy of the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DRIVER = r"""
import json, os, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

root, site, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
os.chdir(root)

def rebuild(first=False):
    config = load_config("mkdocs.serve.yml", site_dir=site)
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
    config.site_url = "http://127.0.0.1:1/"
    try:
        build(config, serve_url="http://127.0.0.1:1/", dirty=True)
    except Abort as exc:
        return str(exc)
    return "ok"

def mtimes():
    out = {}
    for dirpath, _, names in os.walk(site):
        for name in names:
            if name == "index.html":
                path = os.path.join(dirpath, name)
                out[os.path.relpath(path, site)] = os.stat(path).st_mtime_ns
    return out

results = [{"build": rebuild(first=True)}]
for path, old, new in steps:
    before = mtimes()
    time.sleep(0.05)
    text = open(path, encoding="utf-8").read()
    assert old in text, (path, old)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new, 1))
    outcome = rebuild()
    after = mtimes()
    results.append({
        "build": outcome,
        "rebuilt": sorted(p for p in after if after[p] != before.get(p)),
    })
print("RESULTS " + json.dumps(results))
"""


def _drive(repo: Path, steps: list[tuple[str, str, str]]) -> list[dict]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_TODAY": "2026-11-24"}
    site = repo.parent / "served"
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(repo), str(site), json.dumps(steps)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert lines, f"driver failed:\n{result.stderr[-3000:]}"
    return json.loads(lines[0].removeprefix("RESULTS "))


def test_page_edit_rebuilds_that_page_not_the_site(repo_copy: Path) -> None:
    steps = [("docs/devops/playbooks/plan.md", "# Plan", "# Plan (edited)")]
    first, edit = _drive(repo_copy, steps)
    assert first["build"] == "ok"
    assert edit["build"] == "ok", "the dirty-build warning must not abort a strict serve"
    assert "devops/playbooks/plan/index.html" in edit["rebuilt"]
    # Pages that list every page (reviews, open work) are rebuilt too; unrelated ones are not.
    assert "devops/playbooks/code/index.html" not in edit["rebuilt"]
    assert len(edit["rebuilt"]) < 20


@pytest.mark.parametrize(
    ("path", "old", "new", "page"),
    [
        ("docs/devops/owners.yml", "name: Platform Engineering", "name: Platform Eng Ops",
         "devops/owners/index.html"),
        ("docs/devops/kpis.yml", "name: Change lead time", "name: Change lead-time span",
         "devops/kpis/index.html"),
        ("infra/observability/prometheus/rules/gateway-slo.yml",
         "summary: Gateway availability error budget is eroding",
         "summary: Gateway availability error budget erodes now", "devops/runbooks/index.html"),
    ],
)  # fmt: skip
def test_data_file_edit_rebuilds_the_pages_that_render_it(
    repo_copy: Path, path: str, old: str, new: str, page: str
) -> None:
    first, edit = _drive(repo_copy, [(path, old, new)])
    assert first["build"] == "ok" and edit["build"] == "ok"
    assert page in edit["rebuilt"]
    html = (repo_copy.parent / "served" / page).read_text(encoding="utf-8")
    assert new.split(": ", 1)[1] in html


def test_other_warnings_still_abort_a_served_rebuild(repo_copy: Path) -> None:
    steps = [("docs/devops/playbooks/plan.md", "# Plan", "# Plan\n\nSee [gone](no-such-page.md).")]
    first, edit = _drive(repo_copy, steps)
    assert first["build"] == "ok"
    assert edit["build"] != "ok" and "strict mode" in edit["build"]


def test_the_server_survives_a_page_saved_without_front_matter(repo_copy: Path) -> None:
    # An editor that truncates before writing, or a half-finished edit, leaves a page the macros
    # refuse with one line. `make serve` must print that line and rebuild on the next save.
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_TODAY": "2026-11-24"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    log = repo_copy.parent / "serve.log"
    page = repo_copy / "docs/devops/playbooks/plan.md"
    original = page.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/plasma-engine-kb/devops/playbooks/plan/"

    def served() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait(predicate, seconds: float = 180) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    with log.open("w") as out:
        server = subprocess.Popen(
            [str(mkdocs), "serve", "--dirty", "-f", "mkdocs.serve.yml", "-a", f"127.0.0.1:{port}"],
            cwd=repo_copy,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait(lambda: "Owned by" in served()), log.read_text()[-3000:]
        page.write_text("# Plan\n\nno front matter yet\n", encoding="utf-8")
        assert wait(lambda: "no front matter" in log.read_text()), log.read_text()[-3000:]
        page.write_text(original + "\nback-after-the-error\n", encoding="utf-8")
        assert wait(lambda: "back-after-the-error" in served()), log.read_text()[-3000:]
        text = log.read_text()
        assert "docs/devops/playbooks/plan.md:1: no front matter" in text
        assert "still serving" in text
        assert "Traceback" not in text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_file_written_while_its_page_was_building_counts_as_changed(tmp_path: Path) -> None:
    # The page read the old (or a half-written) file, and the write landed before the build
    # recorded it: the next rebuild must still rebuild the page, or the edit is lost.
    import time

    from kb.live import DependencyMap

    steady, racing = tmp_path / "owners.yml", tmp_path / "plan.md"
    steady.write_text("teams: []\n")
    time.sleep(0.1)
    started = time.time_ns() - 50_000_000
    racing.write_text("# Plan, saved during the build\n")
    deps = DependencyMap()
    deps.record("devops/playbooks/plan.md", {str(steady), str(racing)}, started)
    assert deps.changed_files() == {str(racing)}
    assert deps.stale_pages(deps.changed_files()) == {"devops/playbooks/plan.md"}
    deps.record("devops/playbooks/plan.md", {str(steady), str(racing)})  # a later, quiet build
    assert deps.changed_files() == set()
