""".github/CODEOWNERS: the platform team must approve every path that runs code at build or CI time.

GitHub applies the last matching pattern, so the test resolves each path the same way: a later,
broader line without the platform team would silently drop the requirement.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

CODEOWNERS = ROOT / ".github/CODEOWNERS"
ORG = "Plasma-Engine"
PLATFORM = f"@{ORG}/platform-team"
#: Files whose change runs code when the site builds or CI runs, one per guarded area.
GUARDED = [
    "mkdocs.yml",
    "macros/__init__.py",
    "scripts/kb/cli.py",
    "scripts/kb/snippets.py",
    "ci/security/dast.yml",
    ".github/workflows/docs.yml",
    ".github/CODEOWNERS",
    "overrides/main.html",
    "pyproject.toml",
    "uv.lock",
]


def rules(text: str) -> list[tuple[str, list[str], int]]:
    """(pattern, owners, line) for every rule, in file order."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if stripped:
            pattern, *owners = stripped.split()
            found.append((pattern, owners, number))
    return found


def _regex(pattern: str) -> re.Pattern[str]:
    """A CODEOWNERS (gitignore-style) pattern as a regex over repository-relative paths."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    out = ""
    for part in re.split(r"(\*\*|\*|\?)", body):
        out += {"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
    prefix = "^" if anchored else "^(?:.*/)?"
    return re.compile(prefix + out + "(?:/.*)?$")


def owners_of(path: str, text: str) -> list[str]:
    """The owners GitHub would request for `path` (last matching rule wins)."""
    owners: list[str] = []
    for pattern, rule_owners, _ in rules(text):
        if _regex(pattern).match(path):
            owners = rule_owners
    return owners


@pytest.mark.parametrize("path", GUARDED)
def test_the_platform_team_must_approve(path: str) -> None:
    assert (ROOT / path).exists(), f"{path} moved: update GUARDED and CODEOWNERS"
    assert PLATFORM in owners_of(path, CODEOWNERS.read_text(encoding="utf-8")), path


def test_every_owner_is_a_team_in_the_registry() -> None:
    registry = yaml.safe_load((ROOT / "docs/devops/owners.yml").read_text(encoding="utf-8"))
    handles = {team["handle"] for team in registry["teams"]}
    for pattern, owners, line in rules(CODEOWNERS.read_text(encoding="utf-8")):
        assert owners, f"CODEOWNERS:{line}: {pattern} has no owner"
        for owner in owners:
            assert owner.startswith(f"@{ORG}/"), f"CODEOWNERS:{line}: {owner}"
            assert "@" + owner.split("/", 1)[1] in handles, f"CODEOWNERS:{line}: {owner}"


def test_every_pattern_matches_a_tracked_file() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:  # not a git checkout (an exported tree): fall back to the files on disk
        tracked = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]
    for pattern, _, line in rules(CODEOWNERS.read_text(encoding="utf-8")):
        regex = _regex(pattern)
        assert any(regex.match(path) for path in tracked), f"CODEOWNERS:{line}: {pattern}"


def test_a_later_broader_rule_would_be_caught(tmp_path: Path) -> None:
    broken = CODEOWNERS.read_text(encoding="utf-8") + "\n/scripts/ @Plasma-Engine/gateway-team\n"
    assert PLATFORM not in owners_of("scripts/kb/cli.py", broken)
    assert PLATFORM in owners_of("mkdocs.yml", broken)
