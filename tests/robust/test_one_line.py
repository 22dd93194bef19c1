"""Every bad input gives one line naming the file and exits 1 (findings) or 2 (usage).

The corpus: alias bombs and deep nesting in pages, records and specs, an unquoted `{{ 7*7 }}`,
complex keys, non-UTF-8 pages and records, an oversize summary, bad dates and usage errors. Each
case runs through the command that reads it (`kb check`, `kb mirror`, `kb new`) in process, so a
traceback is a test error; the page cases also run through the strict build, which must stop
with the same line and name the right page.
"""

from __future__ import annotations

import pytest

from kb.cli import main
from tests.conftest import mkdocs_build
from tests.model.conftest import PAGE, REFERENCE, MiniRepo
from tests.robust.hostile import laughs, nested, spec_bomb

PLAYBOOK = "docs/playbook.md"
RECORD = "third_party/references/example/example-source.yaml"


def _page(old: str, new: str) -> str:
    assert old in PAGE
    return PAGE.replace(old, new, 1)


def _record(**changes: str) -> str:
    import yaml

    return yaml.safe_dump({**REFERENCE, **changes}, sort_keys=False)


# (id, file, content (str or bytes), the one expected line)
PAGE_CASES = [
    (
        "laughs-in-kind",
        PLAYBOOK,
        _page("kind: playbook", f"kind: {laughs()}"),
        f"{PLAYBOOK}:3: YAML aliases expand to more than 100000 nodes (an alias bomb?); refused",
    ),
    (
        "laughs-in-tags",
        PLAYBOOK,
        _page("tags: [deploy]", f"tags: {laughs()}"),
        f"{PLAYBOOK}:9: YAML aliases expand to more than 100000 nodes (an alias bomb?); refused",
    ),
    (
        "nesting-3000",
        PLAYBOOK,
        _page("tags: [deploy]", f"tags: {nested()}"),
        f"{PLAYBOOK}:9: YAML nested deeper than 64 levels; refused",
    ),
    (
        "unquoted-jinja-title",
        PLAYBOOK,
        _page("title: Example playbook", "title: {{ 7*7 }}"),
        f"{PLAYBOOK}:2: invalid YAML: a key must be plain text, not a mapping or list "
        "(quote a value that starts with '{' or '[')",
    ),
    (
        "complex-key",
        PLAYBOOK,
        _page("tags: [deploy]", "tags: [deploy]\n? [a, b]\n: c"),
        f"{PLAYBOOK}:10: invalid YAML: a key must be plain text, not a mapping or list "
        "(quote a value that starts with '{' or '[')",
    ),
    (
        "recursive-alias",
        PLAYBOOK,
        _page("tags: [deploy]", "tags: &t [*t]"),
        f"{PLAYBOOK}:9: recursive YAML alias; refused",
    ),
    (
        "non-utf8-page",
        PLAYBOOK,
        PAGE.replace("Some text.", "Some text \udcff.").encode("utf-8", "surrogateescape"),
        f"{PLAYBOOK}:18: not UTF-8 text (byte 0xff); save it as UTF-8",
    ),
]
RECORD_CASES = [
    (
        "non-utf8-record",
        RECORD,
        _record(summary="cafe-X").encode().replace(b"cafe-X", b"r\xe9sum\xe9"),
        f"{RECORD}:7: not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    (
        "summary-5mb",
        RECORD,
        _record(summary="word " * 1_000_000),
        f"{RECORD}:7: 'summary': string should have at most 2000 characters",
    ),
    (
        "laughs-in-record",
        RECORD,
        _record() + f"tags: {laughs()}\n",
        f"{RECORD}:9: YAML aliases expand to more than 100000 nodes (an alias bomb?); refused",
    ),
]


def _write(repo: MiniRepo, rel: str, content: str | bytes) -> None:
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _check(repo: MiniRepo, capsys) -> tuple[int, list[str]]:
    code = main(["--root", str(repo.root), "check", "--only=pages", "--only=references"])
    err = capsys.readouterr().err.splitlines()
    return code, [line for line in err if not line.startswith("kb check:")]


@pytest.mark.parametrize(
    ("rel", "content", "expected"),
    [c[1:] for c in PAGE_CASES + RECORD_CASES],
    ids=[c[0] for c in PAGE_CASES + RECORD_CASES],
)
def test_kb_check_gives_one_line(mini_repo: MiniRepo, capsys, rel, content, expected) -> None:
    _write(mini_repo, rel, content)
    code, problems = _check(mini_repo, capsys)
    assert code == 1
    assert problems == [expected]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rel", "content", "expected"),
    [c[1:] for c in PAGE_CASES],
    ids=[c[0] for c in PAGE_CASES],
)
def test_build_stops_with_the_same_line(mini_repo: MiniRepo, tmp_path, rel, content, expected):
    """The build blames the right page in one line, before MkDocs parses any front matter."""
    _write(mini_repo, "docs/other.md", PAGE.replace("Example playbook", "Other page"))
    _write(mini_repo, rel, content)
    result = mkdocs_build(mini_repo.root / "mkdocs.yml", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line == expected] == [expected]
    assert "docs/other.md" not in result.stderr


SPEC_CASES = [
    (
        "spec-alias-bomb",
        spec_bomb().encode(),
        "spec.yaml:12: YAML aliases expand to more than 100000 nodes (an alias bomb?); refused",
    ),
    (
        "spec-nesting-3000",
        f"openapi: 3.1.0\ninfo: {{title: x, version: '1'}}\npaths: {nested()}\n".encode(),
        "spec.yaml:3: YAML nested deeper than 64 levels; refused",
    ),
    (
        "spec-not-utf8",
        b"openapi: 3.1.0\ninfo:\n  title: r\xe9sum\xe9\n",
        "spec.yaml:1: the spec is not UTF-8 text: invalid continuation byte",
    ),
    (
        "spec-complex-key",
        b"openapi: 3.1.0\n? {a: b}\n: c\n",
        "spec.yaml:2: invalid YAML: a key must be plain text, not a mapping or list "
        "(quote a value that starts with '{' or '[')",
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES]
)
def test_kb_mirror_gives_one_line(
    mini_repo: MiniRepo, capsys, monkeypatch, content, expected
) -> None:
    monkeypatch.chdir(mini_repo.root)  # the spec path is relative to the working directory
    (mini_repo.root / "spec.yaml").write_bytes(content)
    code = main(["--root", str(mini_repo.root), "mirror", "--spec-url", "spec.yaml", "--no-log"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [expected]
    assert not (mini_repo.root / "docs/exa").exists()  # nothing written


USAGE_CASES = [
    ("mirror-ftp", ["mirror", "--spec-url", "ftp://x"], "unsupported scheme 'ftp'"),
    ("new-markup-title", ["new", "playbook", "x", "--title", "A <b>"], "must be plain text"),
    ("new-jinja-title", ["new", "playbook", "x", "--title", "{{ 7*7 }}"], "must be plain text"),
    ("new-two-line-title", ["new", "playbook", "x", "--title", "a\nb"], "one non-empty line"),
    ("new-unknown-owner", ["new", "playbook", "x", "--owner", "@ghost"], "not in docs/devops"),
    ("check-missing-path", ["check", "/nonexistent"], "no such file or folder"),
    ("todos-unknown-owner", ["todos", "--owner", "ghost-team"], "no team @ghost-team"),
    ("log-empty-outcome", ["log", "--area", "a", "--title", "t", "--outcome", ""], "--outcome"),
    ("log-blank-title", ["log", "--area", "a", "--title", " ", "--outcome", "o"], "--title"),
]


@pytest.mark.parametrize(
    ("argv", "fragment"), [c[1:] for c in USAGE_CASES], ids=[c[0] for c in USAGE_CASES]
)
def test_usage_error_exits_2_with_one_line(mini_repo: MiniRepo, capsys, argv, fragment) -> None:
    before = sorted(p for p in mini_repo.root.rglob("*") if p.is_file())
    code = main(["--root", str(mini_repo.root), *argv])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len(err) == 1 and fragment in err[0], err
    assert sorted(p for p in mini_repo.root.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize("value", ["2026-13-45", "tomorrow", "24/11/2026"])
def test_invalid_kb_today_exits_2(mini_repo: MiniRepo, capsys, monkeypatch, value) -> None:
    monkeypatch.setenv("KB_TODAY", value)
    code = main(["--root", str(mini_repo.root), "check"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err == [f"kb: KB_TODAY={value!r} is not a date (YYYY-MM-DD)"]


@pytest.mark.parametrize(
    "title", ["Runbook #2 for gateway", "Deploy: the hard way", "Fix the C# build #123"]
)
def test_kb_new_title_round_trips(mini_repo: MiniRepo, capsys, title) -> None:
    from kb.model.pages import split_front_matter

    code = main(["--root", str(mini_repo.root), "new", "playbook", "x-page", "--title", title])
    assert code == 0, capsys.readouterr().err
    text = (mini_repo.root / "docs/devops/playbooks/x-page.md").read_text(encoding="utf-8")
    meta, _, _, problems = split_front_matter(text, "x-page.md")
    assert problems == []
    assert meta["title"] == title


def test_kb_todos_owner_without_at_is_normalised(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write(PLAYBOOK, PAGE + "\n<!-- TODO(@platform-team): add numbers — when known -->\n")
    assert main(["--root", str(mini_repo.root), "todos", "--owner", "platform-team"]) == 0
    captured = capsys.readouterr()
    assert "1 TODO(s)" in captured.err
    assert "add numbers" in captured.out
