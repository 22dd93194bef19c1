"""`kb check` keeps code out of pages and the site configuration, and hostile text out of the log.

Each case was reproduced against the knowledge base as a hostile contributor or upstream would
try it; each test names what a reader or reviewer would otherwise have run into.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.checks.policy import site_config_problems
from kb.cli import main
from kb.model.activity import parse_log
from tests.conftest import ROOT, start_activity_log
from tests.model.conftest import MiniRepo
from tests.model.test_hostile_text import assert_inert, to_html

PAGE_HEAD = (
    '---\ntitle: T\nkind: page\nowner: "@platform-team"\nstatus: active\n'
    "last_reviewed: 2026-11-24\nreview_every: 90d\n"
)


def check(repo: MiniRepo, only: str, capsys) -> tuple[int, list[str]]:
    code = main(["--root", str(repo.root), "check", "--only", only])
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("kb ")]
    return code, lines


def one_line_each(lines: list[str]) -> None:
    assert lines, "expected findings"
    for line in lines:
        assert re.match(r"^[^:\s]+:\d+: \S", line), line
        assert "Traceback" not in line


# -- front matter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tags",
    ['["<img src=x onerror=alert(2)>"]', '["ok", "a b"]', '["Deploy"]', '["x--y"]', '["-x"]'],
)
def test_tags_outside_the_safe_charset_are_refused(mini_repo: MiniRepo, capsys, tags) -> None:
    mini_repo.write("docs/t.md", f"{PAGE_HEAD}tags: {tags}\n---\n\n# T\n")
    code, lines = check(mini_repo, "pages", capsys)
    assert code == 1
    one_line_each(lines)
    assert any(line.startswith("docs/t.md:8: ") and "tag" in line for line in lines), lines


def test_the_repositorys_tags_all_pass() -> None:
    from kb.model.pages import theme_problems
    from kb.model.repo import Repository

    assert theme_problems(Repository(ROOT)) == []


# -- page bodies ---------------------------------------------------------------------------------

HOSTILE_BODIES = {
    "<script>alert(1)</script>": "raw <script>",
    "<SCRIPT src=https://evil.example/x.js></SCRIPT>": "raw <script>",
    '<iframe src="https://evil.example"></iframe>': "raw <iframe>",
    "<img src=x onerror=alert(1)>": "inline event handler",
    '<div markdown onclick="alert(1)">x</div>': "inline event handler",
    "Some text\n{: onmouseover=alert(1) }": "inline event handler",
    "[click](javascript:alert(1))": "javascript: URL",
    "[click](JavaScript&#58;alert(1))": "javascript: URL",
    "[click](java\tscript:alert(1))": "javascript: URL",
    '<a href="&#106;avascript:alert(1)">x</a>': "javascript: URL",
    "[ref]: javascript:alert(1)": "javascript: URL",
    "[x](data:text/html;base64,PHNjcmlwdD4=)": "data:text/html",
    "<object data=x.swf></object>": "raw <object>",
}


@pytest.mark.parametrize("body", list(HOSTILE_BODIES))
def test_code_in_a_page_body_is_refused_with_its_line(mini_repo: MiniRepo, capsys, body) -> None:
    mini_repo.write("docs/t.md", f"{PAGE_HEAD}---\n\n# T\n\nIntro.\n\n{body}\n")
    code, lines = check(mini_repo, "page_policy", capsys)
    assert code == 1
    one_line_each(lines)
    line = 14 + body.count("\n")  # the offending line is the body's last
    assert lines[0].startswith(f"docs/t.md:{line}: "), lines
    assert HOSTILE_BODIES[body] in lines[0]


def test_code_shown_as_code_is_allowed(mini_repo: MiniRepo, capsys) -> None:
    body = (
        "Never write `<script>` or `[x](javascript:alert(1))` in a page.\n\n"
        "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```\n\n"
        "~~~\n<iframe src=x></iframe>\n~~~\n\n"
        "A <kbd>Ctrl</kbd> key, an [online guide](https://example.org/one) and "
        'a <span class="x">span</span>.\n'
    )
    mini_repo.write("docs/t.md", f"{PAGE_HEAD}---\n\n# T\n\n{body}")
    assert check(mini_repo, "page_policy", capsys) == (0, [])


def test_the_repositorys_pages_pass_the_policy(capsys) -> None:
    assert main(["--root", str(ROOT), "check", "--only", "page_policy"]) == 0
    assert main(["--root", str(ROOT), "check", "--only", "snippets"]) == 0


# -- snippet includes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (".git/config", ".git/"),
        ("docs/../.git/config", "no '..'"),
        ("/etc/passwd", "relative to the repository root"),
        ("pyproject.toml", "not a folder pages may include from"),
        ("docs/.env", ".env"),
        ("https://evil.example/x.md", "never from a URL"),
        ("docs/missing.sh", "no such file"),
    ],
)
def test_snippets_only_include_files_under_the_allowed_folders(
    mini_repo: MiniRepo, capsys, target, reason
) -> None:
    mini_repo.write("docs/ok.sh", "echo ok\n")
    mini_repo.write("docs/.env", "EXA_API_KEY=x\n")
    body = f'```sh\n--8<-- "docs/ok.sh"\n```\n\n```ini\n--8<-- "{target}"\n```\n'
    mini_repo.write("docs/t.md", f"{PAGE_HEAD}---\n\n# T\n\n{body}")
    code, lines = check(mini_repo, "snippets", capsys)
    assert code == 1
    one_line_each(lines)
    assert len(lines) == 1 and lines[0].startswith("docs/t.md:17: "), lines
    assert reason in lines[0]


def test_block_snippets_and_escaped_markers(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write("docs/ok.sh", "echo ok\n")
    body = ';--8<-- ".git/config"\n\n--8<--\ndocs/ok.sh\n.git/HEAD\n--8<--\n'
    mini_repo.write("docs/t.md", f"{PAGE_HEAD}---\n\n# T\n\n{body}")
    code, lines = check(mini_repo, "snippets", capsys)
    assert code == 1 and len(lines) == 1 and lines[0].startswith("docs/t.md:16: "), lines
    assert "'.git/HEAD'" in lines[0]


# -- mkdocs.yml ----------------------------------------------------------------------------------


def test_the_repositorys_site_config_passes() -> None:
    assert site_config_problems((ROOT / "mkdocs.yml").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ('pwned: !!python/object/apply:os.system ["touch /tmp/pwned"]\n', "python/object"),
        ("pwned: !!python/object/new:os.system [x]\n", "python/object"),
        ("pwned: !!python/module:os\n", "python/module"),
        ("pwned: !!python/name:os.system\n", "points outside"),
        ("hooks:\n  - scripts/hook.py\n", "'hooks:'"),
        ("INHERIT: ../other.yml\n", "'INHERIT:'"),
    ],
)
def test_mkdocs_yml_cannot_run_code(mini_repo: MiniRepo, capsys, addition, message) -> None:
    config = mini_repo.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + addition, encoding="utf-8")
    code, lines = check(mini_repo, "site_config", capsys)
    assert code == 1
    one_line_each(lines)
    assert lines[0].startswith("mkdocs.yml:") and message in lines[0], lines


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - search\n", "  - search\n  - evil-plugin\n", "plugin 'evil-plugin'"),
        ("  - admonition\n", "  - admonition\n  - evil_module\n", "extension 'evil_module'"),
        ("module_name: macros", "module_name: scripts.evil", "module_name must be"),
        ("  - admonition\n", "  - admonition\n  - pymdownx.snippets\n", "use kb.snippets"),
    ],
)
def test_mkdocs_yml_loads_only_known_plugins_and_extensions(
    mini_repo: MiniRepo, capsys, old, new, message
) -> None:
    config = mini_repo.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, lines = check(mini_repo, "site_config", capsys)
    assert code == 1 and message in lines[0], lines


# -- activity log and release notes through the commands -----------------------------------------


def test_kb_log_writes_a_hostile_title_and_files_as_text(mini_repo: MiniRepo, capsys) -> None:
    title = "Spec [x](javascript:alert(1)) ![p](https://evil.example/p.png)"
    files = ["a``<img src=x onerror=alert(1)>``b", "docs/x.md"]
    argv = ["log", "--area", "exa", "--title", title, "--files", *files]
    argv += ["--commands", "kb mirror => <b>ok</b>", "--outcome", "[y](javascript:alert(2))"]
    code = main(["--root", str(mini_repo.root), *argv, "--next", "{{ config }}"])
    assert code == 0, capsys.readouterr().err
    text = (mini_repo.root / "docs/devops/activity-log.md").read_text(encoding="utf-8")
    last = text[text.rindex("\n## ") :]
    tree = assert_inert(to_html(last))
    assert not [a for tag, a in tree.elements if tag in {"a", "b"}]
    assert title in tree.text and files[0] in tree.text and "{{ config }}" in tree.text
    entries, problems = parse_log(text)
    assert problems == [] and entries[-1].title == title and entries[-1].files == tuple(files)


def test_kb_mirror_logs_a_hostile_spec_title_as_text(repo_copy: Path, capsys, monkeypatch) -> None:
    start_activity_log(repo_copy)  # the pinned date may fall before the real log's newest entry
    monkeypatch.setenv("KB_TODAY", "2026-12-01")
    title = "Exa [x](javascript:alert(1)) ![pixel](https://evil.example/p.png) <img src=x>"
    spec = repo_copy.parent / "spec.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        f"info:\n  title: {title!r}\n  version: '9.9.9'\n"
        "paths:\n  /search:\n    post:\n      operationId: search\n"
        "      summary: 'Search ![t](https://evil.example/t.gif)'\n"
        "      responses:\n        '200':\n          description: ok\n",
        encoding="utf-8",
    )
    assert main(["--root", str(repo_copy), "mirror", "--spec-url", str(spec)]) == 0
    text = (repo_copy / "docs/devops/activity-log.md").read_text(encoding="utf-8")
    last = text[text.rindex("\n## ") :]
    assert "Exa API mirror refreshed" in last
    tree = assert_inert(to_html(last))
    assert not [a for tag, a in tree.elements if tag == "a"]
    assert title in tree.text
    report = (repo_copy / "docs/exa/changes.md").read_text(encoding="utf-8")
    assert_inert(to_html(report))
    assert main(["--root", str(repo_copy), "check", "--only", "activity_log"]) == 0


def test_kb_release_note_and_reason_are_written_as_text(
    repo_copy: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    for record in (repo_copy / "docs/devops/release/history").glob("2026-11-24-gateway-*.md"):
        record.unlink()
    release = ["release", "{}", "v9.9.9", "--service", "gateway"]

    def kb(action: str, *argv: str) -> int:
        args = [a.format(action) for a in release]
        return main(["--root", str(repo_copy), *args, *argv])

    assert kb("new") == 0
    record = repo_copy / "docs/devops/release/history/2026-11-24-gateway-v9.9.9.md"
    ids = re.findall(r"^- \[ \] `([a-z0-9-]+)`", record.read_text(encoding="utf-8"), re.M)
    note = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ config }}"
    reason = "![pixel](https://evil.example/p.png) `` <script>alert(1)</script>"
    assert kb("check-item", ids[0], "--note", note) == 0
    assert kb("skip-item", ids[1], "--reason", reason) == 0
    text = record.read_text(encoding="utf-8")
    items = "\n".join(line for line in text.splitlines() if line.startswith("- ["))
    tree = assert_inert(to_html(items))
    assert note in tree.text and reason in tree.text
    assert "{{ config }}" not in text  # the record renders macros: Jinja must not see it
    capsys.readouterr()
    assert main(["--root", str(repo_copy), "check", "--only", "releases"]) == 0, (
        capsys.readouterr().err
    )
    from kb.model import Repository
    from kb.model.releases import load_releases

    (mine,) = [r for r in load_releases(Repository(repo_copy))[0] if r.version == "v9.9.9"]
    notes = {i.id: i.note for i in mine.items}
    assert (notes[ids[0]], notes[ids[1]]) == (note, reason)
