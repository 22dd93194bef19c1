"""TODO markers across the repository, in the grammar every marker must follow.

    TODO(@owner): what to do — when it is done [PE-123]

The ticket is optional. In Markdown a marker lives inside an HTML comment (readers never see
it); in Python, YAML, HCL, Rego, shell, TOML and Makefiles inside a `#` (or `//`) comment.
Markers in fenced code and inline code are examples, not work, and are ignored.
"""

from __future__ import annotations

import io
import re
import subprocess
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path

from kb.model._errors import Problem
from kb.model.repo import Repository

GRAMMAR = "TODO(@owner): what to do — when it is done [PE-123]"
# A marker is a comment that starts with TODO, or TODO directly followed by "(" or ":";
# prose that merely mentions TODOs in a comment is not one.
_MARK = re.compile(r"^\s*TODO\b|\bTODO[(:]")
_FULL = re.compile(
    r"TODO\((?P<owner>@[a-z0-9][a-z0-9-]*)\):\s*(?P<action>\S.*?)\s+—\s+(?P<exit>\S.*?)"
    r"(?:\s+\[(?P<ticket>PE-\d+)\])?\s*(?:-->.*)?$"
)
_HASH_COMMENT = {".py", ".yml", ".yaml", ".tf", ".tfvars", ".hcl", ".rego", ".sh", ".toml", ".cfg"}
_NAMES_HASH = {"Makefile", ".gitignore", ".editorconfig", "run"}
# Deliberately broken inputs used by tests are not work items.
_EXCLUDED_PARTS = {"corpus", "fixtures", "golden", "scaffolds"}


@dataclass(frozen=True, order=True)
class Todo:
    """One well-formed TODO marker."""

    path: str
    line: int
    owner: str
    action: str
    exit_condition: str
    ticket: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def _comment_spans(line: str, suffix: str) -> list[str]:
    """The parts of one source line that are comments (where a TODO may live)."""
    if suffix in {".tf", ".hcl"} and "//" in line:
        return [line.split("//", 1)[1]]
    if "#" in line:
        return [line.split("#", 1)[1]]
    return []


def scan_text(text: str, path: str) -> tuple[list[Todo], list[Problem]]:
    """Find TODO markers in one file's text; malformed markers become problems."""
    suffix = Path(path).suffix
    name = Path(path).name
    markdown = suffix == ".md"
    hashed = suffix in _HASH_COMMENT or name in _NAMES_HASH
    todos: list[Todo] = []
    problems: list[Problem] = []
    in_fence = in_comment = False
    python_comments = _python_comments(text) if suffix == ".py" else {}
    for number, line in enumerate(text.splitlines(), start=1):
        if markdown:
            if re.match(r"^\s*(```|~~~)", line) and not in_comment:
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            candidates = _markdown_candidates(line, in_comment)
            in_comment = _still_in_comment(line, in_comment)
            visible = _visible_part(line)
            if "TODO(" in re.sub(r"`[^`]*`", "", visible):
                problems.append(
                    Problem(
                        path,
                        number,
                        "TODO outside an HTML comment: wrap it in <!-- --> so readers never see it",
                    )
                )
        elif suffix == ".py":
            candidates = python_comments.get(number, [])
        elif hashed:
            candidates = _comment_spans(line, suffix)
        else:
            continue
        for chunk in candidates:
            if not _MARK.search(chunk) or re.search(r"`[^`]*TODO[^`]*`", chunk):
                continue
            start = chunk.index("TODO")
            match = _FULL.match(chunk[start:].rstrip())
            if match:
                todos.append(
                    Todo(
                        path,
                        number,
                        match["owner"],
                        match["action"],
                        match["exit"],
                        match["ticket"],
                    )
                )
            else:
                problems.append(Problem(path, number, _why(chunk[start:])))
    return todos, problems


def _python_comments(text: str) -> dict[int, list[str]]:
    """Comments of a Python file by line (strings that merely contain '#' are not comments)."""
    comments: dict[int, list[str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments.setdefault(tok.start[0], []).append(tok.string[1:])
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments


def _why(marker: str) -> str:
    if not re.match(r"TODO\(@[a-z0-9][a-z0-9-]*\)", marker):
        return f"TODO without an owner; write it as '{GRAMMAR}'"
    if "—" not in marker:
        return f"TODO without an exit condition after ' — '; write it as '{GRAMMAR}'"
    return f"malformed TODO; write it as '{GRAMMAR}'"


def _markdown_candidates(line: str, in_comment: bool) -> list[str]:
    chunks = []
    if in_comment:
        chunks.append(line.split("-->", 1)[0])
    chunks.extend(part.split("-->", 1)[0] for part in line.split("<!--")[1:])
    return chunks


def _still_in_comment(line: str, in_comment: bool) -> bool:
    state = in_comment
    for marker in re.findall(r"<!--|-->", line):
        state = marker == "<!--"
    return state


def _visible_part(line: str) -> str:
    text = re.sub(r"<!--.*?-->", "", line)
    text = re.sub(r"<!--.*$", "", text)
    return re.sub(r"^.*?-->", "", text) if "-->" in text else text


def tracked_files(repo: Repository) -> list[Path]:
    """Files git tracks plus untracked ones it does not ignore; every file when not in git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=repo.root,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        files = [repo.root / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "site", "node_modules", "__pycache__"}
        files = [p for p in repo.root.rglob("*") if not skip & set(p.parts)]
    return sorted(p for p in files if p.is_file())


#: scan_text() results by (path, content): a pure function, so `make serve`'s rebuilds re-scan
#: only the files that changed (Python files are tokenized, which is the slow part).
_SCANNED: dict[tuple[str, str], tuple[list[Todo], list[Problem]]] = {}


def load_todos(repo: Repository) -> tuple[list[Todo], list[Problem]]:
    """Every TODO in the repository and every malformed one, scanned once per repository."""

    def _load() -> tuple[list[Todo], list[Problem]]:
        todos: list[Todo] = []
        problems: list[Problem] = []
        for file in tracked_files(repo):
            rel = repo.rel(file)
            if _EXCLUDED_PARTS & set(Path(rel).parts[:-1]):
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if "TODO" not in text:
                continue
            scanned = _SCANNED.get((rel, text))
            if scanned is None:
                scanned = _SCANNED[(rel, text)] = scan_text(text, rel)
            found, bad = scanned
            todos.extend(found)
            problems.extend(bad)
        found, bad = _assumption_notes(repo)
        return sorted(todos + found), sorted(problems + bad)

    return repo.memo("todos", _load)


def _assumption_notes(repo: Repository) -> tuple[list[Todo], list[Problem]]:
    """Each visible assumption note on a page, as work for its owner (unknown ids are the check's)."""
    from kb.model._errors import DataError
    from kb.model.assumptions import load_assumptions, uses

    try:
        known = load_assumptions(repo)
    except DataError as exc:
        return [], exc.problems
    todos = []
    for file in sorted(repo.docs.rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        if "assumption(" not in text:
            continue
        for line, assumption_id in uses(text):
            item = known.get(assumption_id)
            if item is not None:
                todos.append(
                    Todo(
                        repo.rel(file),
                        line,
                        item.owner,
                        f"confirm the assumption: {item.title}",
                        item.confirm_when,
                        item.ticket,
                    )
                )
    return todos, []
