"""Release checklist instances: create → record → complete → history, and every invalid case.

Each test works on a copy of the repository (`repo_copy`) and drives `kb` through `main(argv)`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.cli import main
from kb.model import Repository
from kb.model.releases import load_catalogue, load_releases, parse_catalogue, targets
from kb.render._registry import RenderContext
from kb.render.releases import release_checklist, release_history

TODAY = "2026-11-24"
RECORD = "docs/devops/release/history/2026-11-24-gateway-v1.4.0.md"


@pytest.fixture
def repo(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KB_TODAY", TODAY)
    history = repo_copy / "docs/devops/release/history"
    for record in history.glob("*.md"):  # start from an empty history, whatever the checkout holds
        if record.name != "README.md":
            record.unlink()
    return repo_copy


def kb(root: Path, *argv: str) -> int:
    return main(["--root", str(root), *argv])


def item_ids(root: Path) -> list[str]:
    catalogue = load_catalogue(Repository(root))
    return [item.id for _, item in catalogue.items()]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def history_markdown(root: Path) -> str:
    repo = Repository(root)
    return release_history(RenderContext(repo, page_src="devops/release/history/README.md"))


def test_new_creates_a_valid_record_with_every_item_open(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    record = repo / RECORD
    text = record.read_text(encoding="utf-8")
    assert "kind: checklist" in text and "status: draft" in text
    ids = re.findall(r"^- \[ \] `([a-z0-9-]+)`", text, re.MULTILINE)
    assert ids == item_ids(repo)
    assert "- [x]" not in text
    assert "**Service:** `gateway` · **Version:** `v1.4.0` · **Opened:** 2026-11-24" in text
    assert "(../../kpis.md#change-fail-rate)" in text
    assert f"{RECORD}: created with {len(ids)} open items" in capsys.readouterr().err
    # The record passes kb check (front matter, items, file name) as it is.
    assert kb(repo, "check") in (0, 1)
    assert RECORD not in capsys.readouterr().err


def test_create_complete_and_appear_in_history(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    ids = item_ids(repo)
    skipped = "rel-latency-check"
    checked = [i for i in ids if i != skipped]
    assert kb(repo, "release", "complete", "v1.4.0", "--service", "gateway") == 1
    assert f"{RECORD}:" in capsys.readouterr().err

    assert (
        kb(
            repo,
            "release",
            "check-item",
            "v1.4.0",
            "--service",
            "gateway",
            *checked[:3],
            "--note",
            "seen green",
        )
        == 0
    )
    assert kb(repo, "release", "check-item", "v1.4.0", "--service", "gateway", *checked[3:]) == 0
    assert (
        kb(
            repo,
            "release",
            "skip-item",
            "v1.4.0",
            "--service",
            "gateway",
            skipped,
            "--reason",
            "docs-only change, no code path",
        )
        == 0
    )
    capsys.readouterr()
    assert kb(repo, "release", "complete", "v1.4.0", "--service", "gateway") == 0
    out = capsys.readouterr()
    assert f"gateway v1.4.0: {len(checked)} checked, 1 skipped, 0 open of {len(ids)}" in out.out

    text = (repo / RECORD).read_text(encoding="utf-8")
    assert "status: active" in text
    assert f"- [x] `{checked[0]}`" in text and "— **checked** 2026-11-24: seen green" in text
    assert f"- [ ] `{skipped}`" in text
    assert "— **skipped** 2026-11-24: docs-only change, no code path" in text

    history = history_markdown(repo)
    share = round(len(checked) / len(ids) * 100)
    assert re.search(
        rf"\| 2026-11-24 \| gateway \| \[v1\.4\.0\]\(2026-11-24-gateway-v1\.4\.0\.md\) "
        rf"\| complete \| {len(checked)} \| 1 \| 0 \| {share} (%|&#37;) \|",
        history,
    ), history
    assert f"<code>{skipped}</code>" in history and "1 of 1" in history


def test_history_ranks_the_gates_skipped_most_often(repo: Path) -> None:
    for version in ("v1.4.0", "v1.4.1", "v1.5.0"):
        assert kb(repo, "release", "new", version, "--service", "gateway") == 0
        assert (
            kb(
                repo,
                "release",
                "skip-item",
                version,
                "--service",
                "gateway",
                "rel-latency-check",
                "--reason",
                f"no perf rig for {version}",
            )
            == 0
        )
    assert (
        kb(
            repo,
            "release",
            "skip-item",
            "v1.5.0",
            "--service",
            "gateway",
            "post-graphql",
            "--reason",
            "federation not deployed",
        )
        == 0
    )
    history = history_markdown(repo)
    skipped_table = history.split("Gates skipped most often")[1]
    latency, graphql = skipped_table.find("rel-latency-check"), skipped_table.find("post-graphql")
    assert 0 <= latency < graphql
    assert "| 3 | 3 of 3 | no perf rig for v1.5.0 |" in skipped_table
    assert "3 releases recorded; 0 complete" in history


def test_new_refuses_a_duplicate_release(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    capsys.readouterr()
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway", "--date", "2026-11-25") == 1
    assert f"{RECORD}:1: release gateway v1.4.0 already has a checklist" in capsys.readouterr().err
    assert not (repo / "docs/devops/release/history/2026-11-25-gateway-v1.4.0.md").exists()


@pytest.mark.parametrize("version", ["1.4.0", "v1.4", "v01.4.0", "v1.4.0-", "latest"])
def test_new_refuses_a_version_that_is_not_semver(repo: Path, capsys, version: str) -> None:
    assert kb(repo, "release", "new", version, "--service", "gateway") == 2
    assert f"version '{version}' is not SemVer" in capsys.readouterr().err
    assert not list((repo / "docs/devops/release/history").glob("*gateway*"))


def test_recording_an_unknown_item_writes_nothing(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    before = (repo / RECORD).read_text(encoding="utf-8")
    capsys.readouterr()
    assert (
        kb(
            repo,
            "release",
            "check-item",
            "v1.4.0",
            "--service",
            "gateway",
            "pre-main-green",
            "pre-no-such-gate",
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"{RECORD}:1: unknown checklist item 'pre-no-such-gate' in this record" in err
    assert "nothing written" in err
    assert (repo / RECORD).read_text(encoding="utf-8") == before


def test_a_skip_needs_a_reason(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    before = (repo / RECORD).read_text(encoding="utf-8")
    capsys.readouterr()
    assert (
        kb(
            repo,
            "release",
            "skip-item",
            "v1.4.0",
            "--service",
            "gateway",
            "rel-latency-check",
            "--reason",
            "  ",
        )
        == 1
    )
    assert "needs a reason; nothing written" in capsys.readouterr().err
    assert (repo / RECORD).read_text(encoding="utf-8") == before


def test_reopen_undoes_a_check(repo: Path) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    original = (repo / RECORD).read_text(encoding="utf-8")
    assert (
        kb(repo, "release", "check-item", "v1.4.0", "--service", "gateway", "pre-main-green") == 0
    )
    assert (
        kb(repo, "release", "reopen-item", "v1.4.0", "--service", "gateway", "pre-main-green") == 0
    )
    assert (repo / RECORD).read_text(encoding="utf-8") == original


# --- kb check on hand-edited records: exact `path:line: message` --------------------------------


def _check_errors(root: Path, capsys) -> list[str]:
    capsys.readouterr()
    kb(root, "check")
    return capsys.readouterr().err.splitlines()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_reports_an_unknown_item_id(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    record = repo / RECORD
    _edit(record, "- [ ] `pre-changelog`", "- [ ] `pre-change-log`")
    line = line_of(record, "`pre-change-log`")
    assert (
        f"{RECORD}:{line}: unknown checklist item 'pre-change-log' "
        "(not in docs/devops/release/checklists.yml)"
    ) in _check_errors(repo, capsys)


def test_check_reports_a_skip_without_a_reason(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    record = repo / RECORD
    line = line_of(record, "`post-graphql`")
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + " — **skipped** 2026-11-24:\n"
    record.write_text("".join(lines), encoding="utf-8")
    assert f"{RECORD}:{line}: item 'post-graphql' is skipped without a reason" in _check_errors(
        repo, capsys
    )


def test_check_reports_a_version_that_is_not_semver(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    record = repo / RECORD
    _edit(record, "**Version:** `v1.4.0`", "**Version:** `v1.4`")
    line = line_of(record, "**Version:**")
    assert (
        f"{RECORD}:{line}: version 'v1.4' is not SemVer: write vMAJOR.MINOR.PATCH, "
        "e.g. v1.4.0 or v1.4.0-rc.1"
    ) in _check_errors(repo, capsys)


def test_check_reports_a_duplicate_release(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    copy = repo / "docs/devops/release/history/2026-11-25-gateway-v1.4.0.md"
    text = (repo / RECORD).read_text(encoding="utf-8")
    copy.write_text(
        text.replace("**Opened:** 2026-11-24", "**Opened:** 2026-11-25"), encoding="utf-8"
    )
    rel = copy.relative_to(repo).as_posix()
    assert f"{rel}:1: duplicate release gateway v1.4.0 (also {RECORD})" in _check_errors(
        repo, capsys
    )


def test_check_reports_an_item_under_the_wrong_checklist(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    record = repo / RECORD
    text = record.read_text(encoding="utf-8")
    moved = next(line for line in text.splitlines() if "`post-announced`" in line)
    text = text.replace(moved + "\n", "").replace("## Release\n", f"## Release\n\n{moved}\n", 1)
    record.write_text(text, encoding="utf-8")
    line = line_of(record, "`post-announced`")
    assert (
        f"{RECORD}:{line}: item 'post-announced' belongs under '## Post-release', not '## Release'"
    ) in _check_errors(repo, capsys)


def test_check_reports_a_file_name_that_disagrees(repo: Path, capsys) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    renamed = repo / "docs/devops/release/history/2026-11-24-gateway-v1.4.1.md"
    (repo / RECORD).rename(renamed)
    rel = renamed.relative_to(repo).as_posix()
    line = line_of(renamed, "**Version:**")
    assert (
        f"{rel}:{line}: file name should be '2026-11-24-gateway-v1.4.0.md' for this release line"
        in _check_errors(repo, capsys)
    )


def test_the_build_fails_on_a_bad_record(repo: Path) -> None:
    assert kb(repo, "release", "new", "v1.4.0", "--service", "gateway") == 0
    _edit(repo / RECORD, "- [ ] `pre-changelog`", "- [ ] `pre-change-log`")
    from kb.model import DataError

    with pytest.raises(DataError) as caught:
        history_markdown(repo)
    assert "unknown checklist item 'pre-change-log'" in str(caught.value)


# --- the catalogue ---------------------------------------------------------------------------


def test_every_item_protects_a_known_kpi_or_slo() -> None:
    from tests.conftest import ROOT

    repo = Repository(ROOT)
    catalogue = load_catalogue(repo)
    known = targets(repo)
    assert [c.id for c in catalogue.checklists] == ["pre-release", "release", "post-release"]
    assert all(t in known for _, item in catalogue.items() for t in item.protects)
    assert load_releases(repo)[1] == []


def test_catalogue_rejects_an_unknown_kpi_with_its_line(repo: Path) -> None:
    path = "docs/devops/release/checklists.yml"
    file = repo / path
    text = file.read_text(encoding="utf-8")
    text = text.replace("protects: [change-fail-rate]", "protects: [change-failure-rate]", 1)
    from kb.model import DataError

    with pytest.raises(DataError) as caught:
        parse_catalogue(text, path, targets(Repository(repo)))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "change-failure-rate" in t)
    assert any(
        str(p).startswith(f"{path}:{line}: ")
        and "'change-failure-rate' is not a KPI or SLO id" in str(p)
        for p in caught.value.problems
    ), caught.value.problems


def test_checklist_macro_links_each_kpi_to_its_anchor() -> None:
    from tests.conftest import ROOT

    ctx = RenderContext(Repository(ROOT), page_src="devops/release/README.md")
    markdown = release_checklist(ctx, checklist="post-release")
    assert "[Deployment frequency](../kpis.md#deployment-frequency)" in markdown
    assert "(../kpis.md#slos-and-error-budgets)" in markdown
    with pytest.raises(ValueError, match="unknown checklist 'during'"):
        release_checklist(ctx, checklist="during")
