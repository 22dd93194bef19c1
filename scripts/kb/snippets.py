"""Markdown extension: pymdownx.snippets, limited to the folders pages may include from.

`--8<-- "path"` inlines a file into a page. Upstream only keeps paths under `base_path`, and
the repository root is the base here, so `.git/config` or a local `.env` would be inlined too.
This wrapper refuses any path outside `ALLOWED_FOLDERS` (and every URL) before upstream reads
it, and turns a bad include into one line on stderr instead of a traceback. `kb check` applies
the same rule to every page (checks/policy.py), with the page and line.

mkdocs.yml loads it as `kb.snippets` under `markdown_extensions`; it takes upstream's options.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePosixPath

from pymdownx.snippets import SnippetExtension, SnippetPreprocessor

#: Folders (relative to the repository root) whose files pages may include.
ALLOWED_FOLDERS = ("docs", "infra", "ci", ".github/workflows")

#: A snippet line: `--8<-- "path"` or `--8<-- 'path'` (escaped with a leading `;` it is text).
SNIPPET_LINE = re.compile(
    r"""^[ \t]*(?P<escape>;*)-+8<-+[ \t]+(?P<q>["'])(?P<path>.+?)(?P=q)\s*$"""
)
#: The marker line that opens or closes a block of snippet paths, one per line.
BLOCK_MARKER = re.compile(r"^[ \t]*-+8<-+\s*$")
# Line ranges and sections after the path: `file.py:3:10`, `file.py:name`.
_TARGET_SUFFIX = re.compile(r"(?i)(?::-?\d*){1,2}(?:,-?\d*(?::-?\d*)?)*$|:[a-z][-_0-9a-z]*$")


def snippet_path(target: str) -> str:
    """The file part of a snippet target (line ranges and `:section` removed)."""
    return _TARGET_SUFFIX.sub("", target.strip())


def refusal(target: str, root: Path) -> str | None:
    """Why the snippet `target` may not be included from `root`, or None when it may."""
    path = snippet_path(target)
    allowed = ", ".join(f"{f}/" for f in ALLOWED_FOLDERS)
    if re.match(r"(?i)^[a-z][a-z0-9+.-]*://", path):
        return "snippets are read from the repository only, never from a URL"
    if not path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return f"snippet paths are relative to the repository root and under {allowed}"
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if ".." in parts or any(part == ".git" or part.startswith(".env") for part in parts):
        return f"a snippet may only come from {allowed} (no '..', .git/ or .env files)"
    if not any(path == f or path.startswith(f + "/") for f in ALLOWED_FOLDERS):
        return f"'{parts[0]}/' is not a folder pages may include from ({allowed})"
    resolved = (root / path).resolve()
    inside = [(root / f).resolve() for f in ALLOWED_FOLDERS]
    if not any(resolved == base or base in resolved.parents for base in inside):
        return f"the file resolves outside {allowed} (a symlink?)"
    if not resolved.is_file():
        return "no such file"
    return None


def snippet_targets(lines: list[str]) -> list[tuple[int, str]]:
    """Every (0-based line index, target) a page includes, inline and block forms alike."""
    found, block = [], False
    for index, line in enumerate(lines):
        inline = SNIPPET_LINE.match(line)
        if inline:
            if not inline["escape"] and not block:
                found.append((index, inline["path"]))
            continue
        if BLOCK_MARKER.match(line):
            block = not block
            continue
        if block and line.strip() and not line.strip().startswith(";"):
            found.append((index, line.strip()))
    return found


def _where(root: Path, target: str) -> str:
    """`docs/page.md:line` of the first page that includes `target`, for the build's message."""
    docs = root / "docs"
    for page in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        try:
            lines = page.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for index, found in snippet_targets(lines):
            if found == target:
                return f"{page.relative_to(root).as_posix()}:{index + 1}"
    return "mkdocs.yml:1"


class _GuardedSnippets(SnippetPreprocessor):
    def get_snippet_path(self, path: str) -> str | None:
        root = Path(self.base_path[0])
        reason = refusal(path, root)
        if reason:
            # One line, like `kb check`; SystemExit passes through MkDocs' page error handling,
            # which would otherwise print the exception with a traceback.
            print(f"{_where(root, path)}: snippet '{path}' refused: {reason}", file=sys.stderr)  # noqa: T201
            raise SystemExit(1)
        return super().get_snippet_path(path)


class GuardedSnippetExtension(SnippetExtension):
    """pymdownx.snippets with `refusal()` applied to every path before it is read."""

    def extendMarkdown(self, md) -> None:
        self.md = md
        md.registerExtension(self)
        config = self.getConfigs()
        config["url_download"] = False  # never: the build is offline and reads only the repo
        config["base_path"] = [os.fspath(b) for b in config["base_path"]][:1] or ["."]
        md.preprocessors.register(_GuardedSnippets(config, md), "snippet", 32)


def makeExtension(**kwargs) -> GuardedSnippetExtension:
    """Entry point Python-Markdown calls for `kb.snippets`."""
    return GuardedSnippetExtension(**kwargs)
