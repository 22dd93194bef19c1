"""Locked, atomic file writes: a reader sees the old file or the new one, never half of either.

Every writer of a repository file goes through here. `locked(path)` takes an exclusive lock on a
sibling `.<name>.lock` (filelock; re-entrant within one process), so a read-modify-write done
under it cannot lose another process's write. `write_atomic()` writes a temporary file next to the
target, fsyncs it and renames it over the target, under the same lock; the temporary file is
removed on every exit path Python sees (an exception, Ctrl-C, SIGTERM once `kb` has installed its
handler), and a temporary file left by a run killed outright (SIGKILL, power loss) is swept by
the next writer of that file, which holds the lock and so knows no live writer owns it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from kb.model._errors import DataError, Problem

LOCK_TIMEOUT_S = 120.0


def lock_file(path: Path) -> Path:
    """The lock file guarding `path` (ignored by git: `.*.lock`)."""
    return path.with_name(f".{path.name}.lock")


def _temp_glob(path: Path) -> str:
    return f".{path.name}.*.tmp"


def sweep_temps(path: Path) -> list[Path]:
    """Remove temporary files a killed writer of `path` left; call only while holding its lock."""
    removed = []
    if path.parent.is_dir():
        for tmp in path.parent.glob(_temp_glob(path)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the exclusive lock of `path` (re-entrant within this process).

    Raises DataError naming the file when another process holds it for longer than `timeout`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_file(path), timeout=LOCK_TIMEOUT_S, is_singleton=True)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise DataError(
            Problem(str(path), 1, f"another process held the lock for {timeout:g} s; try again")
        ) from None
    try:
        sweep_temps(path)
        yield
    finally:
        lock.release()


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` through a temporary file and a rename, under the file's lock.

    Returns False (and writes nothing) when the file already holds exactly `text`.
    """
    path = Path(path)
    with locked(path):
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return False
        tmp = stage(path, text)
        commit(tmp, path)
    return True


def stage(path: Path, text: str) -> Path:
    """Write `text` to a fsynced temporary file beside `path` and return it (for `commit`).

    The caller holds `locked(path)` and must `commit` or unlink the result.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def commit(tmp: Path, path: Path) -> None:
    """Rename a staged temporary file over `path` (removing the temporary file if that fails)."""
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_text(path: Path, rel: str | None = None) -> str:
    """The UTF-8 text of `path`; DataError `rel:line: not UTF-8 text …` when it is not.

    The line is where the first bad byte is, so the message blames the right file and place.
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise DataError(
            Problem(rel or str(path), line, f"not UTF-8 text (byte 0x{bad}); save it as UTF-8")
        ) from None
