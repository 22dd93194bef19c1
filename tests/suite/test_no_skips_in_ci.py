"""With CI=true nothing skips: tests/conftest.py turns every kind of skip into a failure.

Each test runs a tiny pytest session in a subprocess whose conftest is a copy of the suite's own
tests/conftest.py, so what is checked is the file the suite really loads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SKIPPING_TESTS = """
import pytest

@pytest.mark.skipif(True, reason="a skipif mark")
def test_skipif():
    pass

@pytest.mark.skip(reason="a skip mark")
def test_skip_mark():
    pass

def test_skip_call():
    pytest.skip("a pytest.skip call")

def test_importorskip():
    pytest.importorskip("kb_no_such_module")

@pytest.fixture
def skipping():
    pytest.skip("a skipping fixture")

def test_fixture_skip(skipping):
    pass

@pytest.mark.xfail(reason="a known failure", strict=True)
def test_xfail():
    assert False

def test_passes():
    pass
"""
SKIPPED_MODULE = """
import pytest

pytest.importorskip("kb_no_such_module_either")

def test_never_collected():
    pass
"""
SKIPPERS = ["test_skipif", "test_skip_mark", "test_skip_call", "test_importorskip"]


def _session(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "tests/conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(SKIPPING_TESTS, encoding="utf-8")
    (tmp_path / "test_module_skip.py").write_text(SKIPPED_MODULE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    args = [sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "-p", "no:xdist"]
    args += ["--continue-on-collection-errors", "-o", "addopts=", str(tmp_path)]
    return subprocess.run(
        args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _counts(output: str) -> dict[str, int]:
    """{passed: 1, skipped: 6, ...} from pytest's last line."""
    last = output.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}


def _outcomes(output: str) -> dict[str, str]:
    """{test or module: PASSED/FAILED/ERROR/SKIPPED/XFAIL} from the -rA summary."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL) (?:\[\d+\] )?(\S+)", line)
        if match:
            found[match[2].split("::")[-1]] = match[1]
    return found


@pytest.mark.parametrize("ci", ["true", "1"])
def test_every_kind_of_skip_fails_when_ci_is_set(tmp_path, ci):
    result = _session(tmp_path, ci)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    outcomes = _outcomes(output)
    for name in SKIPPERS:
        assert outcomes.get(name) in {"FAILED", "ERROR"}, (name, output)
    assert outcomes.get("test_fixture_skip") == "ERROR", output
    assert outcomes.get("test_module_skip.py") == "ERROR", output
    assert outcomes.get("test_passes") == "PASSED"
    assert outcomes.get("test_xfail") == "XFAIL"  # an expected failure is not a skip
    assert "SKIPPED" not in outcomes.values()
    assert _counts(result.stdout) == {"failed": 2, "passed": 1, "xfailed": 1, "errors": 4}
    # Each failure names the skip it replaced, so the fix is obvious from the CI log.
    for reason in ("a skipif mark", "a pytest.skip call", "kb_no_such_module_either"):
        assert re.search(rf"CI=true and (the test|collection) skipped: \S+:\d+: .*{reason}", output)


def test_without_ci_skips_stay_skips(tmp_path):
    result = _session(tmp_path, None)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _counts(result.stdout) == {"passed": 1, "skipped": 6, "xfailed": 1}, output
    assert "CI=true" not in output
