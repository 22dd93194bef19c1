"""Checks of the delivery events: deployment and incident records under docs/devops/events/."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.events import repo_events


@check
def events(repo: Repository) -> Iterator[Problem]:
    """Deployments and incidents: required fields, offsets on times, order, known services and runbooks."""
    yield from repo_events(repo).problems
