"""Subcommands of `kb`: each module defines `register(subparsers)` and a `run(args) -> int`.

`register` adds the subcommand's parser (its `help` is the module docstring's first line) and
sets `func=run`. Modules are discovered, so adding a subcommand touches only its own file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def load_all() -> list[ModuleType]:
    """Import every subcommand module, sorted by name."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]
