"""`kb refresh` under every fault the Exa fake can play: nothing lost, nothing half-written.

Each test first refreshes all topics, then makes the fake's pages change (a new revision) and
refreshes again with topic `bravo` hit by a fault. The other topics must be rewritten, bravo's
records and state must stay exactly as they were, no temporary file may remain, and the exit code
and the one-line reason must say what happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
import yaml

from kb.model.references import Reference
from kb.refresh._client import ExaError, SearchClient
from tests.fakes.exa import FakeExa, Fault
from tests.refresh.conftest import LATER, TODAY, refreshed_records, snapshot

BRAVO = "bravo guide"
MAX_ATTEMPTS = 3  # conftest.SETTINGS


def records_of(snap: dict[str, bytes], topic: str) -> dict[str, bytes]:
    return {
        path: data
        for path, data in snap.items()
        if path.endswith(".yaml") and f"topic {topic})".encode() in data.splitlines()[0]
    }


def no_temp_files(repo: Path) -> bool:
    return not [p for p in repo.rglob("*.tmp")]


def state(repo: Path) -> dict:
    text = (repo / "third_party/references/.refresh-state.yaml").read_text()
    return yaml.safe_load(text)["topics"]


@pytest.fixture
def second_run(refresh, kb_repo, fake_exa):
    """Refresh once, change every page upstream, and return the snapshot before the second run."""
    assert refresh().code == 0
    fake_exa.revision += 1
    fake_exa.log.clear()
    return snapshot(kb_repo)


def assert_bravo_kept_others_refreshed(repo: Path, before: dict[str, bytes]) -> None:
    after = snapshot(repo)
    assert records_of(after, "bravo") == records_of(before, "bravo")
    for topic in ("alpha", "charlie"):
        old, new = records_of(before, topic), records_of(after, topic)
        assert old.keys() == new.keys() and all(old[p] != new[p] for p in old)
    topics = state(repo)
    assert topics["bravo"]["refreshed"].isoformat() == TODAY
    assert topics["alpha"]["refreshed"].isoformat() == LATER
    assert no_temp_files(repo)
    for record in refreshed_records(repo).values():
        Reference.model_validate(record)


PERSISTENT = [
    (
        "429",
        Fault.status(429),
        True,
        "HTTP 429 from /search: Too Many Requests [RATE_LIMIT_EXCEEDED]",
    ),
    ("429-retry-after", Fault.status(429, retry_after=0), True, "HTTP 429 from /search"),
    ("500", Fault.status(500), True, "HTTP 500 from /search: Internal Server Error"),
    ("502", Fault.status(502), True, "HTTP 502 from /search: Bad Gateway"),
    ("503", Fault.status(503), True, "HTTP 503 from /search: Service Unavailable"),
    ("504", Fault.status(504), True, "HTTP 504 from /search: Gateway Timeout"),
    ("html", Fault.html(502), True, "HTTP 502 from /search: HTML error page: 502 Bad Gateway"),
    ("slow", Fault.slow(5), True, "timed out after 0.5s waiting for /search"),
    ("drop", Fault.drop(), True, "connection to /search failed: ('Connection aborted.'"),
    ("malformed", Fault.malformed_json(), False, "invalid JSON in a 200 answer from /search"),
    ("400", Fault.status(400), False, "HTTP 400 from /search: Bad Request"),
    ("402", Fault.status(402), False, "HTTP 402 from /search: Payment Required [NO_MORE_CREDITS]"),
    ("403", Fault.status(403), False, "HTTP 403 from /search: Forbidden"),
]


@pytest.mark.parametrize(
    ("fault", "retried", "reason"),
    [p[1:] for p in PERSISTENT],
    ids=[p[0] for p in PERSISTENT],
)
def test_persistent_fault_fails_only_its_topic(
    refresh, kb_repo, fake_exa, second_run, fault, retried, reason
):
    fake_exa.script(fault, query=BRAVO, times=None)
    result = refresh("--force", "--timeout", "0.5", today=LATER)
    assert result.code == 1
    failures = [line for line in result.err.splitlines() if ": failed: " in line]
    assert len(failures) == 1
    assert failures[0].startswith("third_party/references/sources.yaml:")
    assert ": topic bravo: failed: " in failures[0] and reason in failures[0], failures[0]
    assert "Traceback" not in result.err
    assert "2 results" not in result.out and "1 failed" in result.out
    assert fake_exa.log.queries().count(BRAVO) == (MAX_ATTEMPTS if retried else 1)
    assert_bravo_kept_others_refreshed(kb_repo, second_run)


TRANSIENT = [
    ("429", Fault.status(429)),
    ("500", Fault.status(500)),
    ("502", Fault.status(502)),
    ("503", Fault.status(503)),
    ("504", Fault.status(504)),
    ("html", Fault.html(503)),
    ("slow", Fault.slow(5)),
    ("drop", Fault.drop()),
]


@pytest.mark.parametrize("fault", [t[1] for t in TRANSIENT], ids=[t[0] for t in TRANSIENT])
def test_transient_fault_is_retried_to_success(refresh, kb_repo, fake_exa, second_run, fault):
    fake_exa.script(fault, query=BRAVO, times=MAX_ATTEMPTS - 1)
    result = refresh("--force", "--timeout", "0.5", today=LATER)
    assert result.code == 0, result.err
    assert "0 failed" in result.out
    assert fake_exa.log.queries().count(BRAVO) == MAX_ATTEMPTS
    after = snapshot(kb_repo)
    assert records_of(after, "bravo") != records_of(second_run, "bravo")
    assert no_temp_files(kb_repo)


def test_retry_after_is_honoured(refresh, fake_exa, second_run):
    fake_exa.script(Fault.status(429, retry_after=1), query=BRAVO)
    assert refresh("--force", today=LATER).code == 0
    tries = [e.started for e in fake_exa.log.entries if e.query == BRAVO]
    assert len(tries) == 2
    assert tries[1] - tries[0] >= 0.95  # the test settings' own backoff is at most 0.06 s


def test_contents_failure_for_every_url_keeps_the_topic(refresh, kb_repo, fake_exa, second_run):
    """/contents answering 200 with every URL failed: the pages are skipped, not half-written."""
    bravo = [f"https://bravo.example.com/bravo-guide/{n}" for n in (1, 2, 3)]
    fake_exa.no_content_urls.update(bravo)
    fake_exa.script(Fault.url_errors("SOURCE_NOT_AVAILABLE", 403), path="/contents", times=None)
    result = refresh("--force", today=LATER)
    assert result.code == 0, result.err
    assert result.err.count("page skipped, Exa could not fetch it") == 3
    assert "SOURCE_NOT_AVAILABLE (HTTP 403)" in result.err
    after = snapshot(kb_repo)
    assert records_of(after, "bravo") == records_of(second_run, "bravo")  # kept, not deleted
    assert no_temp_files(kb_repo)


def test_echoed_key_is_redacted_everywhere(refresh, kb_repo, fake_exa, second_run):
    fake_exa.script(Fault.echo_key(401), query=BRAVO, times=None)
    fake_exa.pin_results(
        "alpha guide",
        [{"url": "https://alpha.example.com/leak", "title": f"leak {fake_exa.api_key}"}],
    )
    result = refresh("--force", today=LATER, log=True)
    assert result.code == 1
    assert "HTTP 401 from /search: Invalid API key: [REDACTED] [INVALID_API_KEY]" in result.err
    assert fake_exa.log.queries().count(BRAVO) == 1  # a 401 is never retried
    key = fake_exa.api_key.encode()
    assert key not in result.out.encode() and key not in result.err.encode()
    for path in kb_repo.rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes(), path
    leak = next(r for r in refreshed_records(kb_repo).values() if r["url"].endswith("/leak"))
    assert leak["title"] == "leak [REDACTED]"


def test_exception_text_never_carries_the_key(fake_exa):
    client = SearchClient(
        api_key=fake_exa.api_key,
        base_url=fake_exa.base_url,
        timeout=2,
        qps=50,
        max_attempts=1,
        backoff_initial=0,
        backoff_max=0,
    )
    for fault in (Fault.echo_key(401), Fault.echo_key(500), Fault.drop()):
        fake_exa.script(fault)
        with pytest.raises(ExaError) as caught:
            client.search("x", num_results=1, domains=[], contents={"text": True})
        text = "".join(traceback.format_exception(caught.value))
        assert fake_exa.api_key not in text and fake_exa.api_key not in repr(caught.value)


def test_ctrl_c_leaves_every_file_old_or_new(refresh, kb_repo, fake_exa, second_run):
    """SIGINT while bravo's request hangs: alpha is new, bravo and charlie old, nothing torn."""
    fake_exa.script(Fault.hang(), query=BRAVO, times=None)
    env = {**os.environ, **fake_exa.env(), "KB_TODAY": LATER}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "--root", str(kb_repo), "refresh", "--force", "--no-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    alpha_before = records_of(second_run, "alpha")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alpha_now = records_of(snapshot(kb_repo), "alpha")
        # Alpha is done once its records and then its state entry are written (in that order).
        alpha_done = state(kb_repo)["alpha"]["refreshed"].isoformat() == LATER
        if (
            fake_exa.log.count >= 3
            and all(alpha_now[p] != alpha_before[p] for p in alpha_before)
            and alpha_done
        ):
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(f"kb refresh never got to the hanging request: {proc.communicate()}")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    after = snapshot(kb_repo)
    assert records_of(after, "bravo") == records_of(second_run, "bravo")
    assert records_of(after, "charlie") == records_of(second_run, "charlie")  # finished, unwritten
    assert set(after) == set(second_run)  # no file appeared or vanished
    assert no_temp_files(kb_repo)
    topics = state(kb_repo)
    assert topics["alpha"]["refreshed"].isoformat() == LATER
    assert topics["bravo"]["refreshed"].isoformat() == TODAY
    for record in refreshed_records(kb_repo).values():
        Reference.model_validate(record)
    # The interrupted topics are still due: the next run finishes them.
    fake_exa.clear_faults()
    result = refresh(today=LATER)
    assert result.code == 0 and "2 requests" in result.out


def test_fake_is_isolated_per_test(fake_exa):
    assert isinstance(fake_exa, FakeExa) and fake_exa.log.count == 0
