"""Pytest fixtures for the fakes; a test folder opts in with `from tests.fakes.fixtures import fake_exa`.

Importing the fixture into a folder's conftest.py (or test module) is enough; pytest finds it by name.
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
