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
