"""Run every offline security scanner and log a summary (`make security`).

Runs ruff's S rules, detect-secrets against .secrets.baseline, zizmor (offline audits) over every
workflow, checkov over infra/terraform and the policy tests (pytest tests/policy tests/workflows),
then appends one activity-log entry through `kb log` with the findings per scanner.
Exit 1 when any scanner reports findings, 0 otherwise.

Two helpers used by CI and the tests:
  --list-workflows  print every workflow file (.github/workflows and ci/) one per line
  --sync            copy ci/security/<stage>.yml to .github/workflows/security-<stage>.yml,
                    the files GitHub runs (reusable workflows must live in .github/workflows)
  --check           with --sync: exit 1 if a copy is stale, write nothing

Only the standard library is needed for --list-workflows and --sync, so CI can run them with the
runner's python3 before any dependency is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess  # nosec B404 - runs fixed scanner commands built below, never a shell
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
CANONICAL = ROOT / "ci" / "security"
GITHUB = ROOT / ".github" / "workflows"
# A YAML file is a workflow when it has a top-level `jobs:` key (stages.yml and the like are not).
JOBS_KEY = re.compile(r"^jobs:\s*$", re.MULTILINE)


def workflow_files(root: Path = ROOT) -> list[Path]:
    """Every workflow under .github/workflows and ci/ (any engineer's), sorted."""
    candidates = [
        *(root / ".github" / "workflows").glob("*.y*ml"),
        *(root / "ci").rglob("*.y*ml"),
    ]
    return sorted(p for p in candidates if JOBS_KEY.search(p.read_text(encoding="utf-8")))


def copies(root: Path = ROOT) -> dict[Path, Path]:
    """Canonical ci/security/<stage>.yml -> the .github/workflows/security-<stage>.yml GitHub runs."""
    return {
        source: root / ".github" / "workflows" / f"security-{source.stem}.yml"
        for source in sorted((root / "ci" / "security").glob("*.yml"))
        if JOBS_KEY.search(source.read_text(encoding="utf-8"))
    }


def sync(root: Path = ROOT, check: bool = False) -> list[str]:
    """Refresh the copies (or only report, with check); returns the stale or written paths."""
    changed = []
    for source, target in copies(root).items():
        text = source.read_text(encoding="utf-8")
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        changed.append(target.relative_to(root).as_posix())
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return changed


@dataclass
class Result:
    """One scanner's outcome: findings counted from its output, and its exit code."""

    name: str
    command: list[str]
    returncode: int
    findings: int
    output: str

    @property
    def summary(self) -> str:
        state = "clean" if self.returncode == 0 else f"{self.findings} finding(s)"
        return f"{shlex.join(self._short_command())} => {state}"

    def _short_command(self) -> list[str]:
        return [Path(self.command[0]).name, *self.command[1:4]] + (
            ["..."] if len(self.command) > 4 else []
        )


def _say(message: str) -> None:
    """Progress and results go to stderr; stdout stays for --list-workflows."""
    sys.stderr.write(message + "\n")


def _run(name: str, command: list[str], count) -> Result:
    _say(f"== {name}: {shlex.join(command[:6])}{' ...' if len(command) > 6 else ''}")
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    output = proc.stdout + proc.stderr
    findings = count(proc, output) if proc.returncode else 0
    if proc.returncode:
        _say(output[-4000:])
    return Result(
        name, command, proc.returncode, max(findings, 1 if proc.returncode else 0), output
    )


def _count_lines(pattern: str):
    regex = re.compile(pattern, re.MULTILINE)
    return lambda proc, output: len(regex.findall(output))


def _checkov_failed(proc, output) -> int:
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return 1
    reports = data if isinstance(data, list) else [data]
    return sum(int(r.get("summary", {}).get("failed", 0)) for r in reports)


def scan() -> list[Result]:
    """Run every offline scanner; returns their results in a fixed order."""
    bin_ = VENV_BIN
    tracked = subprocess.run(
        ["git", "ls-files"],  # noqa: S607 - git from PATH, as every developer runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    tracked = [f for f in tracked if (ROOT / f).is_file()]
    results = [
        _run(
            "sast",
            [str(bin_ / "ruff"), "check", "--select", "S", "--output-format", "concise", "."],
            _count_lines(r"^\S+:\d+:\d+: S\d+"),
        ),
        _run(
            "secrets",
            [str(bin_ / "detect-secrets-hook"), "--baseline", ".secrets.baseline", *tracked],
            _count_lines(r"^ERROR: Potential secrets|Secret Type:"),
        ),
        _run(
            "workflows",
            [
                str(bin_ / "zizmor"),
                "--offline",
                "--format",
                "plain",
                *[p.relative_to(ROOT).as_posix() for p in workflow_files()],
            ],
            _count_lines(r"^(error|warning|help|info)\["),
        ),
        _run(
            "iac",
            [
                str(bin_ / "checkov"),
                "--directory",
                "infra/terraform",
                "--framework",
                "terraform",
                "--quiet",
                "--compact",
                "--output",
                "json",
            ],
            _checkov_failed,
        ),
        _run(
            "policy",
            [
                str(bin_ / "python"),
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/policy",
                "tests/workflows",
            ],
            _count_lines(r"^FAILED "),
        ),
    ]
    stale = sync(check=True)
    results.append(
        Result(
            "workflow copies",
            ["scripts/security_scan.py", "--sync", "--check"],
            1 if stale else 0,
            len(stale),
            "\n".join(stale),
        )
    )
    return results


def log(results: list[Result], dry_run: bool = False) -> int:
    """Append the summary to the activity log with `kb log`; returns its exit code."""
    failed = [r for r in results if r.returncode]
    outcome = (
        "every offline scanner is clean"
        if not failed
        else "findings: " + "; ".join(f"{r.name} {r.findings}" for r in failed)
    )
    command = [
        str(VENV_BIN / "kb"),
        "log",
        "--area",
        "security",
        "--owner",
        "@security-team",
        "--title",
        "make security scan",
        "--files",
        ".secrets.baseline",
        "infra/policy",
        "ci/security",
        ".github/workflows",
        "--commands",
        *[r.summary for r in results],
        "--outcome",
        outcome,
        "--next",
        "triage each finding as docs/devops/security/README.md describes" if failed else "none",
        *(["--dry-run"] if dry_run else []),
    ]
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--list-workflows", action="store_true", help="print workflow files")
    parser.add_argument("--sync", action="store_true", help="refresh .github/workflows copies")
    parser.add_argument("--check", action="store_true", help="with --sync: only report staleness")
    parser.add_argument("--no-log", action="store_true", help="scan without writing a log entry")
    parser.add_argument(
        "--log-dry-run", action="store_true", help="print the log entry instead of appending it"
    )
    args = parser.parse_args(argv)
    if args.list_workflows:
        for path in workflow_files():
            sys.stdout.write(path.relative_to(ROOT).as_posix() + "\n")
        return 0
    if args.sync:
        changed = sync(check=args.check)
        for path in changed:
            _say(f"{path}: {'stale' if args.check else 'written'}")
        return 1 if (changed and args.check) else 0
    results = scan()
    for result in results:
        _say(f"{result.name:16} {result.summary}")
    if not args.no_log and log(results, dry_run=args.log_dry_run) != 0:
        _say("security_scan: kb log refused the entry; see the message above")
        return 1
    return 1 if any(r.returncode for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
