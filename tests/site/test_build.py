"""The site builds strictly; a broken link or an undefined macro variable stops the build."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import mkdocs_build
from tests.model.conftest import MiniRepo


def test_repository_site_builds_strictly(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "devops/index.html").is_file()
    assert (built_site / "search/search_index.json").is_file()


def test_home_page_shows_owner_and_review_state(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "Owned by" in html and "next review due" in html


def test_broken_link_fails_the_build(mini_repo: MiniRepo, tmp_path: Path) -> None:
    mini_repo.write(
        "docs/index.md",
        (mini_repo.root / "docs/index.md").read_text() + "\nSee [the missing page](missing.md).\n",
    )
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 1
    assert "contains a link 'missing.md', but the target is not found" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr


def test_broken_anchor_fails_the_build(mini_repo: MiniRepo, tmp_path: Path) -> None:
    mini_repo.write(
        "docs/index.md",
        (mini_repo.root / "docs/index.md").read_text()
        + "\nSee [sources](playbook.md#no-such-heading).\n",
    )
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 1
    assert "no-such-heading" in result.stderr


def test_undefined_macro_variable_fails_the_build(mini_repo: MiniRepo, tmp_path: Path) -> None:
    mini_repo.write(
        "docs/index.md",
        (mini_repo.root / "docs/index.md")
        .read_text()
        .replace("review_every: 90d", "review_every: 90d\nrender_macros: true")
        + "\n{{ no_such_variable }}\n",
    )
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode != 0
    assert "'no_such_variable' is undefined" in result.stderr


def test_bad_data_fails_the_build_with_the_kb_check_line(mini_repo: MiniRepo, tmp_path) -> None:
    page = (mini_repo.root / "docs/playbook.md").read_text()
    mini_repo.write("docs/playbook.md", page.replace('"@platform-team"', '"@nobody"'))
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 1
    assert "docs/playbook.md:4: owner '@nobody' is not in docs/devops/owners.yml" in (
        result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr


def test_code_samples_with_braces_render_as_written(mini_repo: MiniRepo, tmp_path: Path) -> None:
    mini_repo.write(
        "docs/ci.md",
        '---\ntitle: CI\nkind: page\nowner: "@platform-team"\n'
        "status: active\nlast_reviewed: 2026-11-24\nreview_every: 90d\n---\n\n# CI\n\n"
        "```yaml\nrun: echo ${{ github.sha }}\n```\n",
    )
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out/ci/index.html").read_text()
    assert "github.sha" in html
