"""Check this machine can build and test the knowledge base, and print the exact fix for each gap.

  python3 scripts/devx/doctor.py            (also: make doctor, once the target exists)

Checks, in order: Python >= 3.11, uv, the synced .venv, Chromium (or $CHROMIUM), promtool, amtool,
Terraform >= 1.11, and whether EXA_API_KEY is set (only `kb refresh` against the real API needs it;
its value is never printed). Standard library only, so it runs before anything is installed.
Exit 0 when everything required is present, 1 when something required is missing (optional gaps
only warn), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIN_PYTHON = (3, 11)
MIN_TERRAFORM = (1, 11)

FIX = {
    "python": "install Python 3.11 or newer: `sudo apt-get install python3` (Debian 12+), "
    "`brew install python@3.12`, or `uv python install 3.12`",
    "uv": "run `make install` (creates .venv and installs uv into it), or install uv: "
    "`curl -LsSf https://astral.sh/uv/install.sh | sh`",
    "venv": "run `make install` (uv sync --locked)",
    "chromium": "`sudo apt-get install chromium` (or `make deps-system` as root); elsewhere install "
    "Chromium or Chrome and `export CHROMIUM=/path/to/chrome`",
    "promtool": "`sudo apt-get install prometheus` (or `make deps-system`); macOS: `brew install prometheus`",
    "amtool": "`sudo apt-get install prometheus-alertmanager` (or `make deps-system`); "
    "macOS: `brew install alertmanager`",
    "terraform": "install Terraform 1.11 or newer from HashiCorp: "
    "https://developer.hashicorp.com/terraform/install (Debian: the apt.releases.hashicorp.com repository)",
    "exa": "only for `kb refresh` against the real API: create a key at "
    "https://dashboard.exa.ai/api-keys, keep it in your password manager, and run "
    '`export EXA_API_KEY="$(pass show exa/api-key)"` in the shell that needs it '
    "(docs/devops/devx/exa-setup.md)",
}


@dataclass(frozen=True)
class Result:
    """One check: its name, whether it passed, what was found, and whether it is required."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        if self.ok:
            return f"ok       {self.name}: {self.detail}"
        label = "MISSING " if self.required else "warning "
        return f"{label} {self.name}: {self.detail}\n         fix: {self.fix}"


def _version(text: str) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(g) for g in match.groups() if g is not None) if match else None


def _run(args: list[str], env: Mapping[str, str]) -> str | None:
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=30, env=dict(env), check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout + done.stderr) if done.returncode == 0 else None


def check_python(python: str, env: Mapping[str, str]) -> Result:
    out = _run([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], env)
    found = _version(out or "")
    if found is None:
        return Result("python", False, f"cannot run {python}", FIX["python"])
    shown = ".".join(map(str, found))
    if found[:2] < MIN_PYTHON:
        return Result("python", False, f"{shown} at {python} is older than 3.11", FIX["python"])
    return Result("python", True, f"{shown} ({python})")


def check_uv(root: Path, which: Callable[[str], str | None]) -> Result:
    found = which("uv") or (
        str(root / ".venv/bin/uv") if (root / ".venv/bin/uv").is_file() else None
    )
    if found is None:
        return Result("uv", False, "not on PATH and not in .venv/bin", FIX["uv"])
    return Result("uv", True, found)


def check_venv(root: Path) -> Result:
    needed = ["mkdocs", "kb", "pytest"]
    missing = [n for n in needed if not (root / ".venv/bin" / n).is_file()]
    if missing:
        return Result("venv", False, f".venv lacks {', '.join(missing)}", FIX["venv"])
    return Result("venv", True, f"{root / '.venv'} has mkdocs, kb and pytest")


def check_tool(name: str, which: Callable[[str], str | None], env: Mapping[str, str]) -> Result:
    if name == "chromium":
        candidates = [env.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]
        found = next((which(c) for c in candidates if c and which(c)), None)
    else:
        found = which(name)
    if found is None:
        return Result(name, False, "not found on PATH", FIX[name])
    if name == "terraform":
        version = _version(_run([found, "version"], env) or "")
        if version is None:
            return Result(name, False, f"{found} does not report a version", FIX[name])
        shown = ".".join(map(str, version))
        if version[:2] < MIN_TERRAFORM:
            return Result(name, False, f"{shown} at {found} is older than 1.11", FIX[name])
        return Result(name, True, f"{shown} ({found})")
    return Result(name, True, found)


def check_exa(env: Mapping[str, str]) -> Result:
    # Say only whether it is set: never its value, length or prefix.
    if env.get("EXA_API_KEY", "").strip():
        return Result("EXA_API_KEY", True, "set (value not shown)", required=False)
    return Result("EXA_API_KEY", False, "not set", FIX["exa"], required=False)


def diagnose(root: Path, python: str, env: Mapping[str, str]) -> list[Result]:
    """Every check against `env` (its PATH decides what is found)."""
    path = env.get("PATH", "")

    def which(name: str) -> str | None:
        return shutil.which(name, path=path)  # an absolute name ($CHROMIUM) is checked as given

    return [
        check_python(python, env),
        check_uv(root, which),
        check_venv(root),
        *(check_tool(t, which, env) for t in ("chromium", "promtool", "amtool", "terraform")),
        check_exa(env),
    ]


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="doctor",
        description=__doc__.splitlines()[0],
        epilog="\n".join(__doc__.splitlines()[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root to check")
    parser.add_argument("--python", default=sys.executable, help="interpreter to check")
    args = parser.parse_args(argv)
    results = diagnose(args.root.resolve(), args.python, os.environ if env is None else env)
    for result in results:
        print(result.line())
    missing = [r.name for r in results if r.required and not r.ok]
    warnings = [r.name for r in results if not r.required and not r.ok]
    if missing:
        print(
            f"\n{len(missing)} required piece(s) missing: {', '.join(missing)}. "
            "Apply the fixes above, then run the doctor again."
        )
        return 1
    tail = f" ({len(warnings)} optional: {', '.join(warnings)})" if warnings else ""
    print(f"\nReady: make serve, make test and make lint will run here{tail}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
