"""One verification stack per test session (it takes tens of seconds to start), shared by tests.

Tools come from `make deps-system` and `make install`; locally a missing one skips, in CI it fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, require_tool


@pytest.fixture(scope="session")
def stack() -> Iterator:
    for tool in ("promtool", "prometheus", "amtool", "redis-server", "redis-cli", "shellcheck"):
        require_tool(tool)
    from kb.verify.stack import Stack

    with Stack(ROOT) as running:
        yield running
