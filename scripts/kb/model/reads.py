"""Which files the model layer reads, recorded as it reads them: the data-to-page dependency map.

`mkdocs serve` (through `scripts/devx/serve_hooks.py`) rebuilds only the pages whose inputs
changed, and Zensical's per-page macro calls share one parse per build; both need to know which
files a page's macros read, including the ones behind a cached `Repository.memo()` value. A
process-wide audit hook (PEP 578) sees every `open()` and directory listing; while `recording()`
is active it adds the absolute path to the open recorders, and it does nothing otherwise.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

#: (mtime in ns, size) of a file or folder when read; None when it did not exist.
Stamp = tuple[int, int] | None

_ACTIVE: ContextVar[tuple[set[str], ...]] = ContextVar("kb_reads", default=())
_EVENTS = frozenset({"open", "os.scandir", "os.listdir"})
_installed = False


def _audit(event: str, args: tuple) -> None:
    if event not in _EVENTS:
        return
    sinks = _ACTIVE.get()
    if not sinks or not args:
        return
    path = args[0]
    if event == "open" and len(args) > 1 and isinstance(args[1], str) and "r" not in args[1]:
        return  # writes are not inputs
    if isinstance(path, int) or path is None:
        return
    try:
        name = os.path.abspath(os.fsdecode(path))  # noqa: PTH100 - hot path, str in and out
    except (TypeError, ValueError):
        return
    for sink in sinks:
        sink.add(name)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the absolute paths of files opened and folders listed inside the block."""
    global _installed  # one hook per process: audit hooks cannot be removed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    files: set[str] = set()
    token = _ACTIVE.set((*_ACTIVE.get(), files))
    try:
        yield files
    finally:
        _ACTIVE.reset(token)


def note(paths: Iterable[str]) -> None:
    """Count `paths` as read by every open recorder (a cached value stands for its files)."""
    for sink in _ACTIVE.get():
        sink.update(paths)


def stamp(path: str) -> Stamp:
    """The file's (mtime_ns, size), or None when it does not exist."""
    try:
        st = os.stat(path)  # noqa: PTH116 - hot path
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def stamps(paths: Iterable[str]) -> dict[str, Stamp]:
    """`stamp()` of each path."""
    return {path: stamp(path) for path in paths}


def files_unchanged(recorded: Mapping[str, Stamp]) -> bool:
    """True when every file still has the stamp it had when read."""
    return all(stamp(path) == was for path, was in recorded.items())
