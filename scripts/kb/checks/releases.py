"""Checks of the release checklists: the item catalogue and every instance under history/."""

from __future__ import annotations

from collections.abc import Iterator

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.releases import known_services, load_releases


@check
def releases(repo: Repository) -> Iterator[Problem]:
    """checklists.yml items name real KPI/SLO ids; instances use known items, SemVer, no duplicates."""
    found, problems = load_releases(repo)
    yield from problems
    services = known_services(repo)
    for release in found:
        if release.service and release.service not in services:
            text = (repo.root / release.path).read_text(encoding="utf-8", errors="replace")
            line = next(
                (n for n, t in enumerate(text.splitlines(), 1) if t.startswith("**Service:**")), 1
            )
            yield Problem(
                release.path,
                line,
                f"service '{release.service}' has no page under docs/services/ "
                f"(known: {', '.join(sorted(services)) or 'none'})",
            )
