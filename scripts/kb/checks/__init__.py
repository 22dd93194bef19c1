"""Checks run by `kb check`: each module registers functions with `@check`.

A check is `def name(repo: Repository) -> Iterable[Problem]`. It never raises for bad data: it
reports a `Problem` instead, so one broken file cannot hide the findings in the others.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable

from kb.model import Problem, Repository

Check = Callable[[Repository], Iterable[Problem]]
CHECKS: dict[str, Check] = {}


def check(fn: Check) -> Check:
    """Register `fn` as a check named after the function."""
    if fn.__name__ in CHECKS:
        raise KeyError(f"check {fn.__name__!r} is registered twice")
    CHECKS[fn.__name__] = fn
    return fn


def owner_handles(repo: Repository) -> set[str] | None:
    """The registry's team handles, or None when the registry is broken (its own check says so)."""
    from kb.model import DataError
    from kb.model.owners import load_owners

    try:
        return set(load_owners(repo))
    except DataError:
        return None


def load_all() -> dict[str, Check]:
    """Import every check module so its checks register, and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return CHECKS
