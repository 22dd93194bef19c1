"""Reads are bounded: a total deadline per request, a size cap, Retry-After up to a maximum.

The misbehaving server (servers.py) trickles one byte a second or floods 50 MB. `kb refresh
--timeout 2` must give up on each attempt at its deadline, retry it like a timeout, and end
with one line; `kb mirror --timeout 2` the same; a 50 MB answer is refused at the cap.
"""

from __future__ import annotations

import pytest

from kb.cli import main
from kb.refresh._client import (
    MAX_RESPONSE_BYTES,
    RETRY_AFTER_MAX_S,
    ExaApiError,
    ExaTransportError,
    SearchClient,
)
from tests.model.conftest import MiniRepo
from tests.refresh.conftest import topic, write_sources
from tests.robust.servers import Misbehaving, run_bounded

# With a 2 s deadline and 3 attempts a refresh ends in about 10 s; the trickle would last 10 min.
BOUND_S = 60


def _refresh(kb_repo, server: Misbehaving, monkeypatch) -> int:
    monkeypatch.setenv("EXA_BASE_URL", server.url)
    monkeypatch.setenv("EXA_API_KEY", "test-key-0123456789")
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    write_sources(kb_repo, [topic("alpha", num=1)], max_attempts=3)
    return main(["--root", str(kb_repo), "refresh", "--force", "--timeout", "2", "--no-log"])


@pytest.mark.parametrize("mode", ["trickle-body", "trickle-headers"])
def test_refresh_trickle_is_cut_at_the_deadline_and_retried(kb_repo, monkeypatch, capsys, mode):
    with Misbehaving(mode, interval=1.0) as server:
        finished, code = run_bounded(lambda: _refresh(kb_repo, server, monkeypatch), BOUND_S)
        assert finished, f"kb refresh still waiting after {BOUND_S} s on a trickling server"
        assert code == 1
        assert server.connections == 3  # each stalled attempt was retried like a timeout
    failures = [line for line in capsys.readouterr().err.splitlines() if "failed:" in line]
    assert failures == [
        "third_party/references/sources.yaml:18: topic alpha: failed: "
        "no complete answer from /search within the 2s deadline"
    ]


@pytest.mark.parametrize("mode", ["huge", "huge-chunked"])
def test_refresh_refuses_a_50_mb_answer(kb_repo, monkeypatch, capsys, mode):
    with Misbehaving(mode) as server:
        finished, code = run_bounded(lambda: _refresh(kb_repo, server, monkeypatch), BOUND_S)
        assert finished and code == 1
        assert server.connections == 1  # too large is not transient: no retry
    err = capsys.readouterr().err
    limit = MAX_RESPONSE_BYTES // 2**20
    assert f"failed: the answer from /search exceeds the {limit} MiB limit; refused" in err


def _mirror(repo: MiniRepo, url: str) -> int:
    return main(
        ["--root", str(repo.root), "mirror", "--spec-url", url, "--timeout", "2", "--no-log"]
    )


@pytest.mark.parametrize("mode", ["trickle-body", "trickle-headers"])
def test_mirror_trickle_is_cut_at_the_deadline(mini_repo: MiniRepo, capsys, mode):
    with Misbehaving(mode, interval=1.0) as server:
        url = f"{server.url}/spec.yaml"
        finished, code = run_bounded(lambda: _mirror(mini_repo, url), BOUND_S)
        assert finished, f"kb mirror still waiting after {BOUND_S} s on a trickling server"
        assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{url}:1: cannot fetch the spec: no complete answer within 2 s"
    ]


@pytest.mark.parametrize("mode", ["huge", "huge-chunked"])
def test_mirror_refuses_a_50_mb_spec(mini_repo: MiniRepo, capsys, mode):
    with Misbehaving(mode) as server:
        url = f"{server.url}/spec.yaml"
        finished, code = run_bounded(lambda: _mirror(mini_repo, url), BOUND_S)
        assert finished and code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{url}:1: the spec is larger than the 20 MiB limit; refused"
    ]


# -- the retry policy's delays ----------------------------------------------------------------


def _client(initial: float, maximum: float, attempts: int) -> tuple[SearchClient, list[float]]:
    client = SearchClient(
        api_key="test-key-0123456789",
        base_url="http://127.0.0.1:9",
        timeout=1,
        qps=1000,
        max_attempts=attempts,
        backoff_initial=initial,
        backoff_max=maximum,
    )
    slept: list[float] = []
    client._sleep = slept.append  # record the delays instead of waiting them
    return client, slept


def _failing(errors: list[Exception]):
    def call():
        if errors:
            raise errors.pop(0)
        return "ok"

    return call


def test_backoff_grows_exponentially_with_jitter_and_is_capped_after_it():
    client, slept = _client(initial=1.0, maximum=5.0, attempts=6)
    errors = [ExaTransportError("stalled") for _ in range(5)]
    assert client.call(_failing(errors)) == "ok"
    assert len(slept) == 5
    for n, delay in enumerate(slept, start=1):
        base = 2 ** (n - 1)
        assert min(base, 5.0) <= delay <= min(base + 1.0, 5.0), (n, delay)
    assert slept[-1] == 5.0 and slept[-2] == 5.0  # 8 and 16 plus jitter, capped at 5


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(30.0, 30.0), (RETRY_AFTER_MAX_S + 500, RETRY_AFTER_MAX_S)],
    ids=["longer-than-backoff", "beyond-the-maximum"],
)
def test_retry_after_is_honoured_up_to_the_maximum(retry_after, expected):
    client, slept = _client(initial=0.01, maximum=0.05, attempts=3)
    errors = [ExaApiError("/search", 429, "slow down", retry_after) for _ in range(2)]
    assert client.call(_failing(errors)) == "ok"
    assert slept == [expected, expected]


def test_errors_that_are_not_transient_are_not_retried():
    client, slept = _client(initial=0.01, maximum=0.05, attempts=3)
    with pytest.raises(ExaApiError):
        client.call(_failing([ExaApiError("/search", 401, "bad key", None)]))
    assert slept == []
