"""The visible marks: per block under the block, "last drilled" in runbook headers, the status page."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml

from kb.model.verification import VERIFICATION_FILE, digest, load_verification, record_drill


def _write(root: Path, blocks: list[tuple[str, str, str]]) -> None:
    pages = {
        "docs/page.md": [
            {
                "block": i + 1,
                "line": 1,
                "kind": "shell",
                "digest": digest(text),
                "status": s,
                "mark": m,
            }
            for i, (text, s, m) in enumerate(blocks)
        ]
    }
    path = root / VERIFICATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"summary": {}, "pages": pages}))


def test_each_known_block_gets_its_mark_escaped_and_in_place(tmp_path: Path):
    _write(
        tmp_path,
        [
            ("kubectl -n gateway get pods", "parsed", "parsed by kubectl's own flag parser"),
            ("gh run list", "unverifiable", "not verifiable here: gh: <needs> GitHub & co"),
        ],
    )
    load_verification.cache_clear()
    source = (
        "Intro\n\n```bash\nkubectl -n gateway get pods\n```\n\n1. Step\n\n"
        "    ```bash\n    gh run list\n    ```\n\n```bash\necho unknown\n```\n"
    )
    html = markdown.markdown(
        source,
        extensions=["pymdownx.superfences", "kb.render.block_marks"],
        extension_configs={"kb.render.block_marks": {"root": str(tmp_path)}},
    )
    assert html.count('class="kb-verify') == 2
    assert "Parsed by kubectl&#39;s own flag parser" in html
    assert "Not verifiable here: gh: &lt;needs&gt; GitHub &amp; co" in html
    # The mark inside the list item stays in the list item, after its block.
    item = html[html.index("<li>") : html.index("</li>")]
    assert "kb-verify--unverifiable" in item
    assert "unknown" in html.split("kb-verify")[-1] and "unknown" not in html.split("kb-verify")[0]


def test_drill_records_are_appended_atomically_and_trimmed(tmp_path: Path):
    for day in range(1, 8):
        import datetime as dt

        record_drill(tmp_path, "RedisDown", day % 2 == 1, 1.25, dt.date(2026, 12, day))
    data = yaml.safe_load((tmp_path / "docs/devops/drills.yml").read_text())
    runs = data["drills"]["RedisDown"]
    assert len(runs) == 5
    assert runs[-1] == {"date": "2026-12-07", "result": "passed", "seconds": 1.2}


@pytest.mark.slow
def test_the_built_runbook_shows_block_marks_and_its_last_drill(built_site: Path):
    page = (built_site / "devops/runbooks/redisdown/index.html").read_text()
    assert "kb-verify--verified" in page and "Verified against Prometheus" in page
    assert "kb-verify--parsed" in page
    assert "Last drilled 20" in page and "kb drill RedisDown" in page
    status = (built_site / "devops/verification/index.html").read_text()
    assert "runbooks/redisdown" in status
    index = (built_site / "devops/runbooks/index.html").read_text()
    assert "../verification/" in index


def test_the_unverifiable_count_may_only_fall():
    from kb.model.verification import unverifiable_rose

    committed = {"summary": {"verified": 80, "parsed": 120, "unverifiable": 82, "failed": 0}}
    assert unverifiable_rose(committed, 82) == ""
    assert unverifiable_rose(committed, 70) == ""
    assert unverifiable_rose({}, 90) == ""  # no record yet: nothing to compare with
    assert unverifiable_rose(committed, 83) == (
        "docs/devops/verification.yml:1: 83 blocks are not verifiable here, up from 82; give them "
        "a local stand-in, or run `kb verify --raise-ceiling` and say why in the commit"
    )
