"""Pytest fixtures for the fakes. A test folder opts in from its conftest.py with

    from tests.fakes import fixtures
    fake_exa = fixtures.fake_exa

(an assignment rather than an import, so a test taking `fake_exa` as an argument is not flagged
as shadowing an import).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.exa import FakeExa


@pytest.fixture
def fake_exa(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExa]:
    """A running FakeExa (no latency, no rate limit) with EXA_BASE_URL and EXA_API_KEY set to it."""
    with FakeExa() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        yield fake
