"""Fixtures for the fake's own tests: the spec rebuilt from the committed mirror, and the fake."""

from __future__ import annotations

import pytest
from openapi_core import OpenAPI

from tests.fakes import fixtures
from tests.fakes.exa_openapi import exa_openapi

fake_exa = fixtures.fake_exa  # the running fake, EXA_* variables pointing at it


@pytest.fixture(scope="session")
def exa_spec() -> OpenAPI:
    """Exa's API as docs/exa/ mirrors it, rebuilt as OpenAPI 3.1 (nothing outside the repo)."""
    return exa_openapi()
