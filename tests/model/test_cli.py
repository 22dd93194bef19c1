"""The kb command driven through main(argv): log, todos, new, inventory, check and --help."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from kb.cli import build_parser, main
from kb.model.activity import parse_log
from tests.model.conftest import MiniRepo


def run(repo: MiniRepo, *argv: str) -> int:
    return main(["--root", str(repo.root), *argv])


def test_every_subcommand_has_help(capsys) -> None:
    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    assert {"check", "log", "todos", "new", "inventory"} <= set(names)
    for name in names:
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0
        assert f"usage: kb {name}" in capsys.readouterr().out


def test_unknown_subcommand_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_log_appends_a_valid_entry(mini_repo: MiniRepo, capsys) -> None:
    code = run(
        mini_repo,
        "log",
        "--area",
        "exa",
        "--title",
        "Refresh <sources>",
        "--files",
        "a.yaml",
        "b.yaml",
        "--commands",
        "kb refresh => 3 new",
        "--outcome",
        "three sources added",
        "--next",
        "review them",
    )
    assert code == 0, capsys.readouterr().err
    text = (mini_repo.root / "docs/devops/activity-log.md").read_text()
    entries, problems = parse_log(text)
    assert problems == []
    last = entries[-1]
    assert (last.area, last.title, last.files) == (
        "exa",
        "Refresh <sources>",
        ("a.yaml", "b.yaml"),
    )
    assert "## 2026-11-24 — Refresh &#60;sources&#62;" in text
    assert last.commands == ("`kb refresh` — 3 new",)
    assert text.endswith("- **Next steps:** review them\n")
    assert run(mini_repo, "check", "--only", "activity_log") == 0


def test_log_refuses_bad_input_and_writes_nothing(mini_repo: MiniRepo, capsys) -> None:
    path = mini_repo.root / "docs/devops/activity-log.md"
    before = path.read_bytes()
    assert run(mini_repo, "log", "--area", "Bad Area", "--title", "t", "--outcome", "o") == 1
    assert "kb log: refused, nothing written:" in capsys.readouterr().err
    assert (
        run(mini_repo, "log", "--area", "x", "--title", "t", "--outcome", "o", "--owner", "@nobody")
        == 2
    )
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".activity-log.md.*.tmp"))


def test_log_dry_run_writes_nothing(mini_repo: MiniRepo, capsys) -> None:
    path = mini_repo.root / "docs/devops/activity-log.md"
    before = path.read_bytes()
    assert run(mini_repo, "log", "--area", "x", "--title", "t", "--outcome", "o", "--dry-run") == 0
    assert "## 2026-11-24 — t" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_todos_lists_owner_action_exit_and_ticket(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write(
        "infra/main.tf",
        "# TODO(@platform-team): set the CIDR plan — when the network team has one [PE-120]\n",
    )
    mini_repo.write(
        "docs/extra.md", "<!-- TODO(@sre-team): pick a number — after the first quarter -->\n"
    )
    assert run(mini_repo, "todos", "--format", "json") == 0
    todos = json.loads(capsys.readouterr().out)
    assert todos == [
        {
            "path": "docs/extra.md",
            "line": 1,
            "owner": "@sre-team",
            "action": "pick a number",
            "exit_condition": "after the first quarter",
            "ticket": None,
        },
        {
            "path": "infra/main.tf",
            "line": 1,
            "owner": "@platform-team",
            "action": "set the CIDR plan",
            "exit_condition": "when the network team has one",
            "ticket": "PE-120",
        },
    ]
    assert run(mini_repo, "todos", "--owner", "@sre-team", "--format", "json") == 0
    assert [t["owner"] for t in json.loads(capsys.readouterr().out)] == ["@sre-team"]


def test_todos_table_output(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write("x.py", "# TODO(@sre-team): tune it — when load tests exist\n")
    assert run(mini_repo, "todos") == 0
    out = capsys.readouterr().out
    assert "@sre-team" in out and "x.py:1" in out and "when load tests exist" in out


@pytest.mark.parametrize("kind", ["playbook", "runbook", "checklist", "sop"])
def test_new_scaffolds_a_valid_page_and_refuses_to_overwrite(
    mini_repo: MiniRepo, capsys, kind: str
) -> None:
    name = "GatewayTestAlert" if kind == "runbook" else "Rotate the keys"
    assert run(mini_repo, "new", kind, name) == 0
    created = [
        p
        for p in (mini_repo.root / "docs").rglob("*.md")
        if p.name in {"gatewaytestalert.md", "rotate-the-keys.md"}
    ]
    assert len(created) == 1
    text = created[0].read_text()
    assert f"kind: {kind}" in text and "status: draft" in text
    if kind == "runbook":
        headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
        assert headings == [
            "Meaning",
            "Impact",
            "Diagnosis",
            "Mitigation",
            "Escalation",
            "Verification",
        ]
    checks = ["--only=pages", "--only=todos"]
    assert run(mini_repo, "check", *checks) == 0, capsys.readouterr().err
    capsys.readouterr()
    before = created[0].read_bytes()
    assert run(mini_repo, "new", kind, name) == 1
    assert "already exists; kb new never overwrites a page" in capsys.readouterr().err
    assert created[0].read_bytes() == before


def test_new_rejects_a_bad_runbook_name(mini_repo: MiniRepo, capsys) -> None:
    assert run(mini_repo, "new", "runbook", "not an alert") == 2
    assert "CamelCase" in capsys.readouterr().err


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_inventory_writes_data_and_check_detects_staleness(mini_repo: MiniRepo, capsys) -> None:
    root = mini_repo.root
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(
        root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@e",
        "commit",
        "-qm",
        "init",
        "--date",
        "2026-11-20T10:00:00",
    )
    assert run(mini_repo, "inventory", "--check") == 1
    assert "inventory is stale; run kb inventory" in capsys.readouterr().err
    assert run(mini_repo, "inventory") == 0
    assert run(mini_repo, "inventory", "--check") == 0
    data = (root / "docs/devops/inventory.yml").read_text()
    assert "path: mkdocs.yml" in data and "kind: yaml" in data
    # Commit dates alone never make it stale (they move with every commit).
    dated = re.sub(r"last_commit: '?\d{4}-\d{2}-\d{2}'?", "last_commit: '2000-01-01'", data)
    assert dated != data
    (root / "docs/devops/inventory.yml").write_text(dated)
    assert run(mini_repo, "inventory", "--check") == 0
    # Changing a tracked file makes the data stale again.
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + "# more\n")
    assert run(mini_repo, "inventory", "--check") == 1
    assert run(mini_repo, "check", "--only", "inventory") == 1


def test_check_limits_report_to_paths(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write("docs/a.md", "# no front matter\n")
    mini_repo.write("docs/b/c.md", "# no front matter\n")
    assert run(mini_repo, "check", "--only", "pages", "docs/b") == 1
    err = capsys.readouterr().err
    assert "docs/b/c.md:1:" in err and "docs/a.md" not in err


def test_check_outside_a_repository_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["--root", str(tmp_path), "check"]) == 2
    assert "not inside the knowledge base" in capsys.readouterr().err


def test_regen_rewrites_a_stale_region_and_check_catches_it(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write(
        "Makefile", "build: ## Build the site\n\ttrue\ntest: ## Run the tests\n\ttrue\n"
    )
    region = (
        "<!-- BEGIN GENERATED: make-targets (from Makefile; regenerate with `kb regen`) -->\n"
        "| old | table |\n<!-- END GENERATED: make-targets -->\n"
    )
    mini_repo.write("README.md", "# Mini\n\n" + region + "\nAfter.\n")
    assert run(mini_repo, "check", "--only", "generated_regions") == 1
    assert "README.md:4: generated region is stale; run kb regen" in capsys.readouterr().err
    assert run(mini_repo, "regen", "--check") == 1
    assert run(mini_repo, "regen") == 0
    text = (mini_repo.root / "README.md").read_text()
    assert "| `make build` | Build the site |\n| `make test` | Run the tests |" in text
    assert text.endswith("\nAfter.\n")
    assert run(mini_repo, "regen", "--check") == 0
    assert run(mini_repo, "check", "--only", "generated_regions") == 0


def test_regen_reports_an_unclosed_region(mini_repo: MiniRepo, capsys) -> None:
    mini_repo.write("Makefile", "build: ## Build\n\ttrue\n")
    mini_repo.write("README.md", "<!-- BEGIN GENERATED: make-targets (from Makefile) -->\nx\n")
    assert run(mini_repo, "check", "--only", "generated_regions") == 1
    assert (
        "README.md:1: generated region 'make-targets' has no '<!-- END GENERATED: make-targets -->'"
    ) in capsys.readouterr().err
