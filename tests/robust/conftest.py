"""Fixtures for the robustness tests: the refresh tests' small knowledge base and the Exa fake."""

from __future__ import annotations

from tests.refresh.conftest import fake_exa, kb_repo  # noqa: F401 - fixtures used here too
