"""Every check a standard names under "Enforced by" exists in this repository, or is marked external.

The standards pages (docs/devops/standards/*.md) write each rule as an `### ID Title` section with a
definition list: Rule, Why, Enforced by, Source. "Enforced by" holds code spans such as
`ruff:S105`, `make:lint`, `workflow:.github/workflows/docs.yml#build`, `policy:PE-IAC-001`,
`test:tests/conftest.py`, `service:eslint`, `github:ruleset` or `review`; the notation is documented
in docs/devops/standards/README.md. In-repository checks are resolved against the real files and the
real ruff configuration, so a page cannot promise a gate CI does not run.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, run_tool

STANDARDS = ROOT / "docs" / "devops" / "standards"
RULE_HEADING = re.compile(r"^### (?P<id>[A-Z]+-\d{2}) \S")
TERMS = ("Rule", "Why", "Enforced by", "Source")
CODE_SPAN = re.compile(r"`([^`]+)`")
REFERENCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")

# Checks that run outside this repository; a page may name only these.
SERVICE_CHECKS = {
    "contract-test",
    "dependabot",
    "eslint",
    "mypy",
    "npm-audit",
    "npm-ci",
    "pip-audit",
    "prettier",
    "pytest-cov",
    "sast",
    "secret-scan",
    "tsc",
    "vitest",
    "zap-baseline",
}
GITHUB_SETTINGS = {"codeowners", "environments", "push-protection", "ruleset"}


@dataclass(frozen=True)
class Rule:
    """One `### ID` rule section of a standards page."""

    page: Path
    line: int
    rule_id: str
    terms: dict[str, str]

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line} {self.rule_id}"


def _front_matter(text: str) -> dict:
    _, block, _ = text.split("---\n", 2)
    return yaml.safe_load(block)


def parse_rules(page: Path) -> list[Rule]:
    """The rule sections of `page` with their definition-list terms (term -> definition text)."""
    rules: list[Rule] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    current: Rule | None = None
    term: str | None = None
    for number, line in enumerate(lines, start=1):
        heading = RULE_HEADING.match(line)
        if heading:
            current = Rule(page, number, heading["id"], {})
            rules.append(current)
            term = None
        elif line.startswith("#"):
            current, term = None, None
        elif current is None:
            continue
        elif line in TERMS:
            term = line
            current.terms[term] = ""
        elif term and (
            line.startswith(":   ") or (line.startswith("    ") and current.terms[term])
        ):
            current.terms[term] += line[4:] + "\n"
        elif not line.strip() and term:
            continue
        else:
            term = None
    return rules


def standard_pages() -> list[Path]:
    return sorted(p for p in STANDARDS.glob("*.md") if p.name != "README.md")


def all_rules() -> list[Rule]:
    return [rule for page in standard_pages() for rule in parse_rules(page)]


@functools.cache
def enabled_ruff_codes() -> frozenset[str]:
    """Rule codes ruff enables for library code under this repository's configuration."""
    result = run_tool(
        [str(ROOT / ".venv" / "bin" / "ruff"), "check", "--show-settings", "scripts/kb/__init__.py"]
    )
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("linter.rules.enabled = [", 1)[1].split("\n]", 1)[0]
    return frozenset(re.findall(r"\(([A-Z]+[0-9]+)\)", block))


@functools.cache
def make_targets() -> frozenset[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^([A-Za-z0-9_.-]+):", text, flags=re.MULTILINE))


@functools.cache
def policy_ids() -> frozenset[str]:
    """`custom.id` of every Rego METADATA block under infra/policy/."""
    ids: set[str] = set()
    for rego in (ROOT / "infra" / "policy").rglob("*.rego"):
        lines = rego.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            if line.strip() != "# METADATA":
                continue
            block = []
            for follow in lines[index + 1 :]:
                if not follow.startswith("#"):
                    break
                block.append(follow[2:] if follow.startswith("# ") else follow[1:])
            meta = yaml.safe_load("\n".join(block)) or {}
            custom = meta.get("custom") or {}
            if "id" in custom:
                ids.add(str(custom["id"]))
    return frozenset(ids)


def resolve(check: str) -> str | None:
    """None when the enforcement `check` names a check that exists; otherwise why it does not."""
    if check == "review":
        return None
    kind, _, name = check.partition(":")
    if not name:
        return f"`{check}` has no `kind:` prefix"
    if kind == "ruff":
        codes = enabled_ruff_codes()
        # A code names itself; a prefix (`S`, `PTH`) covers whole plugin codes only (SIM is not S).
        if name in codes or any(
            code.startswith(name) and code[len(name) :].isdigit() for code in codes
        ):
            return None
        return f"ruff rule `{name}` is not enabled by pyproject.toml"
    if kind == "make":
        return None if name in make_targets() else f"Makefile has no target `{name}`"
    if kind == "workflow":
        path, _, job = name.partition("#")
        workflow = ROOT / path
        if not job:
            return f"`{check}` names no job (`<path>#<job>`)"
        if not workflow.is_file():
            return f"workflow file `{path}` does not exist"
        jobs = (yaml.safe_load(workflow.read_text(encoding="utf-8")) or {}).get("jobs") or {}
        return None if job in jobs else f"`{path}` defines no job `{job}`"
    if kind == "policy":
        return None if name in policy_ids() else f"no Rego METADATA declares id `{name}`"
    if kind == "test":
        return None if (ROOT / name).is_file() else f"test file `{name}` does not exist"
    if kind == "service":
        return None if name in SERVICE_CHECKS else f"unknown service check `{name}`"
    if kind == "github":
        return None if name in GITHUB_SETTINGS else f"unknown GitHub setting `{name}`"
    return f"unknown enforcement kind `{kind}`"


def test_every_standard_has_rules():
    pages = standard_pages()
    assert {p.stem for p in pages} == {
        "python",
        "typescript",
        "testing",
        "branching-and-review",
        "security",
        "release",
    }
    for page in pages:
        assert parse_rules(page), f"{page.relative_to(ROOT)} has no `### ID Title` rules"


def test_rule_ids_are_unique():
    seen: dict[str, str] = {}
    for rule in all_rules():
        assert rule.rule_id not in seen, f"{rule.where()} repeats {seen[rule.rule_id]}"
        seen[rule.rule_id] = rule.where()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.rule_id)
def test_rule_states_rule_reason_check_and_source(rule: Rule):
    missing = [t for t in TERMS if not rule.terms.get(t, "").strip()]
    assert not missing, f"{rule.where()} lacks {missing}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.rule_id)
def test_named_checks_exist(rule: Rule):
    tokens = CODE_SPAN.findall(rule.terms.get("Enforced by", ""))
    assert tokens, f"{rule.where()}: Enforced by names no check as a code span"
    problems = [f"{token}: {why}" for token in tokens if (why := resolve(token))]
    assert not problems, f"{rule.where()}: " + "; ".join(problems)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.rule_id)
def test_cited_sources_are_in_front_matter(rule: Rule):
    sources = set(_front_matter(rule.page.read_text(encoding="utf-8")).get("sources") or [])
    cited = [s for s in CODE_SPAN.findall(rule.terms.get("Source", "")) if REFERENCE_ID.match(s)]
    unknown = [s for s in cited if s not in sources]
    assert not unknown, f"{rule.where()} cites {unknown}, not in the page's `sources`"


@pytest.mark.parametrize(
    "token",
    [
        "ruff:S999",
        "ruff:D100",  # pydocstyle is not selected
        "ruff:TD003",  # selected by TD, then ignored
        "ruff:SI",  # a prefix matches whole plugin codes only: SIM101 is not "SI" + digits
        "make:deploy-prod",
        "workflow:.github/workflows/absent.yml#build",
        "workflow:Makefile",
        "policy:PE-IAC-999",
        "test:tests/standards/absent.py",
        "service:jenkins",
        "github:wiki",
        "lint",
    ],
)
def test_resolver_rejects_missing_checks(token: str):
    assert resolve(token) is not None


def test_resolver_accepts_known_checks():
    assert resolve("ruff:S105") is None
    assert resolve("ruff:PTH") is None
    assert resolve("make:lint") is None
    assert resolve("test:tests/conftest.py") is None
    assert policy_ids(), "no Rego METADATA ids found under infra/policy/"
    assert resolve(f"policy:{min(policy_ids())}") is None


def test_parser_reads_definition_lists(tmp_path: Path):
    page = tmp_path / "sample.md"
    page.write_text(
        "---\ntitle: t\n---\n\n### XX-01 Something\n\nRule\n:   Do it.\n    Really.\n\n"
        "Why\n:   Because.\n\nEnforced by\n:   `make:lint`\n    `ruff:S105`\n\nSource\n:   `a-b`\n\n"
        "## Other\n\nRule\n:   not part of XX-01\n",
        encoding="utf-8",
    )
    (rule,) = parse_rules(page)
    assert rule.rule_id == "XX-01"
    assert rule.terms["Rule"] == "Do it.\nReally.\n"
    assert CODE_SPAN.findall(rule.terms["Enforced by"]) == ["make:lint", "ruff:S105"]
