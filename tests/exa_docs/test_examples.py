"""The Exa pages' code examples: each runs against the loopback fake, including its failure paths.

Examples are separate processes with EXA_BASE_URL and EXA_API_KEY pointing at `FakeExa`, exactly
as a reader would run them; the fake scripts the faults (429 with Retry-After, 400, 503, an error
body echoing the key, a slow answer, failed URLs in a 200).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes.exa import FakeExa, Fault

EXAMPLES = ROOT / "docs/exa/examples"
PAGES = ROOT / "docs/exa"
SNIPPET = re.compile(r'^-{2}8<-{2} "([^"]+)"$', re.MULTILINE)

#: What each example prints on success against the fake (a line it must contain).
EXPECTED = {
    "answer_citations.py": r"^\[1\] .+ <https://",
    "async_client.py": r"^helm rollback: \['https://",
    "contents_statuses.py": r"^failed  https://docs\.example\.com/missing-page: CRAWL_NOT_FOUND -> drop it$",
    "curl_bearer.sh": r'"answer":',
    "curl_search.sh": r'"results":',
    "errors_and_timeouts.py": r"^3 results$",
    "key_from_environment.py": r"^Exa key loaded \(…6789, 23 characters\)$",
    "retry_policy.py": r"^3 results, request [0-9a-f]+$",
    "search_filters.py": r"https://(developer\.hashicorp\.com|docs\.aws\.amazon\.com)/",
    "search_quickstart.py": r"^cost: \$0\.\d{4}$",
}


def run_example(name: str, fake: FakeExa, **env: str) -> subprocess.CompletedProcess:
    path = EXAMPLES / name
    command = ["bash", str(path)] if name.endswith(".sh") else [sys.executable, str(path)]
    environment = {**os.environ, **fake.env(), **env}
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def fake():
    with FakeExa() as server:
        server.url_errors["https://docs.example.com/missing-page"] = ("CRAWL_NOT_FOUND", 404)
        yield server


def test_every_example_has_an_expectation():
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_against_the_fake(name, fake):
    result = run_example(name, fake)
    assert result.returncode == 0, result.stderr
    assert re.search(EXPECTED[name], result.stdout, re.MULTILINE), result.stdout
    assert fake.log.count >= 1 or name == "key_from_environment.py"
    assert fake.api_key not in result.stdout + result.stderr


def test_examples_send_the_key_only_in_headers(fake):
    for name in ("curl_search.sh", "search_quickstart.py"):
        assert run_example(name, fake).returncode == 0
    assert fake.log.statuses[401] == 0  # every request authenticated through a header


def test_retry_policy_honours_retry_after_then_succeeds(fake):
    fake.script(Fault.status(429, retry_after=0.2), path="/search", times=2)
    result = run_example("retry_policy.py", fake)
    assert result.returncode == 0, result.stderr
    assert "attempt 1 failed (HTTP 429); retrying in 0.2 s" in result.stdout
    assert "attempt 2 failed (HTTP 429); retrying in 0.2 s" in result.stdout
    assert fake.log.count == 3


def test_retry_policy_retries_server_errors_and_drops(fake):
    fake.script(Fault.status(503), path="/search", times=1)
    fake.script(Fault.drop(), path="/search", times=1)
    result = run_example("retry_policy.py", fake)
    assert result.returncode == 0, result.stderr
    assert "(HTTP 503)" in result.stdout and fake.log.count == 3


def test_retry_policy_never_retries_a_client_error(fake):
    fake.script(Fault.status(400), path="/search", times=None)
    result = run_example("retry_policy.py", fake)
    assert result.returncode != 0
    assert "400" in result.stderr and "retrying" not in result.stdout
    assert fake.log.count == 1


def test_error_example_redacts_a_key_echoed_by_the_server(fake):
    fake.script(Fault.echo_key(401), path="/search")
    result = run_example("errors_and_timeouts.py", fake)
    assert result.returncode == 1
    assert "request refused (401)" in result.stderr
    assert fake.api_key not in result.stdout + result.stderr
    assert "[REDACTED]" in result.stderr


def test_error_example_treats_503_as_transient(fake):
    fake.script(Fault.status(503), path="/search")
    result = run_example("errors_and_timeouts.py", fake)
    assert result.returncode == 1 and "HTTP 503, transient" in result.stderr


def test_error_example_reports_a_timeout(fake):
    fake.script(Fault.slow(8), path="/search")  # the example's client gives up after 5 s
    result = run_example("errors_and_timeouts.py", fake)
    assert result.returncode == 1 and "timed out" in result.stderr


def test_contents_example_retries_only_transient_url_failures(fake):
    fake.url_errors["https://docs.example.com/missing-page"] = ("CRAWL_TIMEOUT", None)
    result = run_example("contents_statuses.py", fake)
    assert result.returncode == 0, result.stderr
    assert "CRAWL_TIMEOUT -> retry later" in result.stdout


def test_key_example_refuses_to_start_without_a_key(fake, tmp_path):
    result = run_example("key_from_environment.py", fake, EXA_API_KEY="")
    assert result.returncode == 1 and "EXA_API_KEY is not set" in result.stderr
    secret = tmp_path / "exa-key"
    secret.write_text("file-key-abcdefghijklmnop\n", encoding="utf-8")
    result = run_example(
        "key_from_environment.py", fake, EXA_API_KEY="", EXA_API_KEY_FILE=str(secret)
    )
    assert result.returncode == 0 and "…mnop" in result.stdout
    assert "file-key-abcdefghijklmnop" not in result.stdout


# -- the pages include the examples, and only through snippets ----------------------------------


def _pages() -> list[Path]:
    return sorted(PAGES.rglob("*.md"))


def test_every_snippet_exists_and_every_example_is_included():
    included: set[str] = set()
    for page in _pages():
        for target in SNIPPET.findall(page.read_text(encoding="utf-8")):
            assert (ROOT / target).is_file(), f"{page}: snippet {target} does not exist"
            included.add(target)
    examples = {f"docs/exa/examples/{p.name}" for p in EXAMPLES.iterdir() if p.is_file()}
    assert examples - included == set(), "examples no page includes"


def test_python_code_on_the_pages_comes_from_tested_examples():
    fence = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
    for page in _pages():
        for body in fence.findall(page.read_text(encoding="utf-8")):
            assert SNIPPET.fullmatch(body.strip()), f"{page}: inline Python; move it to examples/"


def test_examples_never_hold_a_key():
    pattern = re.compile(r"(x-api-key|Bearer|api_key)\s*[:=]\s*['\"]?[A-Za-z0-9_-]{16,}")
    for path in EXAMPLES.iterdir():
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name
