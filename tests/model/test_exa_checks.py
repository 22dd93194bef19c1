"""kb check covers the Exa data: the refresh topics and the explanations of mirrored fields."""

from __future__ import annotations

from pathlib import Path

from kb.cli import main


def test_repository_exa_data_passes(capsys) -> None:
    assert main(["check", "--only", "refresh_topics", "--only", "exa_explanations"]) == 0


def test_orphan_explanation_is_reported_with_its_line(repo_copy: Path, capsys) -> None:
    path = repo_copy / "docs/exa/explanations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "search:noSuchField:\n  text: Gone.\n  written_against: abc\n")
    line = len(text.splitlines()) + 1
    assert main(["--root", str(repo_copy), "check", "--only", "exa_explanations"]) == 1
    assert (
        f"docs/exa/explanations.yaml:{line}: explanation 'search:noSuchField' names no field "
        "in the mirror; remove or rename it"
    ) in capsys.readouterr().err


def test_bad_refresh_topic_is_reported(repo_copy: Path, capsys) -> None:
    path = repo_copy / "third_party/references/sources.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "unknown_top_level_key: 1\n")
    assert main(["--root", str(repo_copy), "check", "--only", "refresh_topics"]) == 1
    err = capsys.readouterr().err
    assert "third_party/references/sources.yaml:" in err and "unknown_top_level_key" in err
