"""Fenced code blocks on the operational pages, extracted and classified once for kb verify and macros.

A block's `kind` says which checker takes it: `promql`, `sql`, `shell` (bash/sh), `snippet` (a
`--8<--` include of an example file) or `sample` (output, config or diagrams: not a command). Shell
blocks are split into simple commands (`ShellCommand`), including those inside `$( … )`, so each
command can go to its own tool's parser. `<placeholder>` words are the pages' convention for a value
the reader fills in; checkers see them as a plain word.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from kb.model.repo import Repository

#: The operational pages whose command blocks are verified (globs under docs/).
OPERATIONAL = (
    "devops/runbooks/*.md",
    "devops/sops/*.md",
    "devops/playbooks/*.md",
    "devops/incident-response/*.md",
    "devops/release/*.md",
    "services/gateway.md",
    "exa/*.md",
    "exa/endpoints/*.md",
)

_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_SNIPPET = re.compile(r'^-{2}8<-{2}\s+"([^"]+)"\s*$')
PLACEHOLDER = re.compile(r"<([A-Za-z][\w .:/-]*)>")
SHELL_LANGS = {"bash", "sh", "shell", "console"}


@dataclass(frozen=True)
class ShellCommand:
    """One simple command of a shell block: its words (assignments stripped) and its block line."""

    argv: tuple[str, ...]
    line: int  # file line where the command starts

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name if self.argv else ""


@dataclass
class Block:
    """One fenced block: page path, opening line, 1-based index on its page, language and text."""

    path: str
    line: int
    index: int
    lang: str
    text: str
    section: str  # the H2 the block sits under ("" before the first)
    kind: str = ""
    snippet: str | None = None
    commands: list[ShellCommand] = field(default_factory=list)
    assignments: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}: block {self.index}"


def operational_pages(repo: Repository) -> list[Path]:
    """The operational pages, sorted, as absolute paths."""
    found: set[Path] = set()
    for pattern in OPERATIONAL:
        found.update(repo.docs.glob(pattern))
    return sorted(found)


def iter_fences(lines: list[str]):
    """Yield (open index, close index, indent, lang, dedented body) for each fenced block."""
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
            j += 1
        body = "\n".join(
            line[indent:] if line[:indent].isspace() else line.lstrip() for line in lines[i + 1 : j]
        )
        yield i, j, indent, match["lang"].lower(), body
        i = j + 1


def extract(path: Path, rel: str) -> list[Block]:
    """Every fenced block on the page at `path` (reported as `rel`), classified."""
    lines = path.read_text(encoding="utf-8").splitlines()
    sections = []
    current = ""
    for line in lines:
        if line.startswith("## "):
            current = line[3:].strip()
        sections.append(current)
    blocks: list[Block] = []
    for start, _end, _indent, lang, body in iter_fences(lines):
        block = Block(rel, start + 1, len(blocks) + 1, lang, body, sections[start])
        classify(block)
        blocks.append(block)
    return blocks


def classify(block: Block) -> None:
    """Set `kind`, `snippet` and (for shell) `commands` and `assignments` on `block`."""
    snippet = _SNIPPET.match(block.text.strip())
    if snippet:
        block.kind, block.snippet = "snippet", snippet[1]
    elif block.lang == "promql":
        block.kind = "promql"
    elif block.lang == "sql":
        block.kind = "sql"
    elif block.lang in SHELL_LANGS:
        block.kind = "shell"
        block.commands, block.assignments = split_commands(block.text, block.line + 1)
    else:
        block.kind = "sample"


def fill_placeholders(text: str) -> str:
    """`text` with each `<placeholder>` replaced by a plain word (`PLACEHOLDER_name`)."""
    return PLACEHOLDER.sub(lambda m: "PLACEHOLDER_" + re.sub(r"\W", "_", m[1]), text)


def _logical_lines(text: str, first_line: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    buffer, start, depth_quote = "", first_line, None
    for offset, raw in enumerate(text.splitlines()):
        if not buffer:
            start = first_line + offset
        line = raw
        if depth_quote is None and line.lstrip().startswith("#"):
            if not buffer:
                continue
            line = ""
        buffer += line
        depth_quote = _open_quote(buffer)
        if buffer.endswith("\\"):
            buffer = buffer[:-1] + " "
            continue
        if depth_quote is not None:
            buffer += "\n"
            continue
        out.append((buffer, start))
        buffer = ""
    if buffer.strip():
        out.append((buffer, start))
    return out


def _open_quote(text: str) -> str | None:
    quote = None
    escaped = False
    for char in text:
        if escaped:
            escaped = False
            continue
        if char == "\\" and quote != "'":
            escaped = True
        elif quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
    return quote


def _substitutions(text: str) -> tuple[str, list[str]]:
    """`text` with each `$( … )` replaced by a word, and the inner command texts."""
    inner: list[str] = []
    out, i = [], 0
    while i < len(text):
        if text.startswith("$(", i) and not text.startswith("$((", i):
            depth, j = 1, i + 2
            quote = None
            while j < len(text) and depth:
                char = text[j]
                if quote:
                    if char == quote:
                        quote = None
                elif char in "'\"":
                    quote = char
                elif char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                j += 1
            inner.append(text[i + 2 : j - 1])
            out.append("SUBSTITUTED")
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out), inner


_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_SPLIT = re.compile(r"\s*(?:\|\||&&|;|\|)\s*")


def split_commands(text: str, first_line: int) -> tuple[list[ShellCommand], dict[str, str]]:
    """The simple commands in a shell text and its literal `NAME=value` assignments."""
    commands: list[ShellCommand] = []
    assignments: dict[str, str] = {}
    for logical, line in _logical_lines(fill_placeholders(text), first_line):
        flat, inner = _substitutions(logical)
        for sub in inner:
            found, _ = split_commands(sub, line)
            commands.extend(ShellCommand(c.argv, line) for c in found)
        for piece in _split_outside_quotes(flat):
            try:
                words = shlex.split(piece, comments=True)
            except ValueError:
                continue
            while words and _ASSIGN.match(words[0]):
                name, value = _ASSIGN.match(words[0]).groups()
                if "SUBSTITUTED" not in value and "$" not in value:
                    assignments[name] = value
                words = words[1:]
            while words and words[0] in {"do", "then", "else", "if", "while", "until", "!", "time"}:
                words = words[1:]
            if words and words[0] in {"for", "done", "fi", "esac", "case"}:
                continue
            if words and words[0] in {"export", "local", "readonly"}:
                for word in words[1:]:
                    assign = _ASSIGN.match(word)
                    if assign and "SUBSTITUTED" not in assign[2] and "$" not in assign[2]:
                        assignments[assign[1]] = assign[2]
                continue
            words = _drop_redirections(words)
            if words:
                commands.append(ShellCommand(tuple(words), line))
    return commands, assignments


_REDIRECT = re.compile(r"^(?:\d*|&)(>>?|<)(&\d+|&-)?(\S*)$")


def _drop_redirections(words: list[str]) -> list[str]:
    """`words` without shell redirections (`2>&1`, `> file`, `2>/dev/null`, `< input`)."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        match = _REDIRECT.match(word)
        if match:
            # A bare operator (`>`, `2>`, `<`) takes the next word as its target.
            skip = not match[2] and not match[3]
            continue
        out.append(word)
    return out


def _split_outside_quotes(text: str) -> list[str]:
    pieces, current, quote, i = [], [], None, 0
    while i < len(text):
        char = text[i]
        if quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current.append(char)
        elif text.startswith(("&&", "||"), i):
            pieces.append("".join(current))
            current = []
            i += 1
        elif char in "|;&\n" and not (
            char == "&" and (text[i - 1 : i] in {">", "<"} or text[i + 1 : i + 2] == ">")
        ):
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def load_blocks(repo: Repository, paths: list[Path] | None = None) -> list[Block]:
    """The blocks of `paths` (default: every operational page), page by page in order."""
    blocks: list[Block] = []
    for path in paths or operational_pages(repo):
        rel = repo.rel(path)
        blocks.extend(repo.memo(f"blocks:{rel}", lambda p=path, r=rel: extract(p, r)))
    return blocks
