"""Fixtures for the fake's own tests: the official spec loaded once, and the running fake."""

from __future__ import annotations

import pytest
from openapi_core import OpenAPI

from tests.fakes import fixtures
from tests.fakes.exa import SPEC_PATH

fake_exa = fixtures.fake_exa  # the running fake, EXA_* variables pointing at it


@pytest.fixture(scope="session")
def exa_spec() -> OpenAPI:
    """Exa's OpenAPI spec v1.2.0 from the shared reference folder (never copied into the repo)."""
    if not SPEC_PATH.is_file():
        pytest.fail(f"{SPEC_PATH} is missing: the fake's tests need the shared Exa spec")
    return OpenAPI.from_file_path(str(SPEC_PATH))
