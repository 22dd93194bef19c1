"""A Markdown extension that shows, under each command block, how `kb verify` checked it.

It reads docs/devops/verification.yml (written by `kb verify`) and, after each fenced block
whose text it knows, adds one line: "Verified against …", "Parsed by …" or "Not verifiable here:
reason". Blocks are matched by a digest of their text, so the extension needs no page path and
works wherever the page's Markdown is converted. Mark text is escaped as HTML text.

Registered in mkdocs.yml as `kb.render.block_marks` (options: `data`, the YAML path, relative to
the working directory of the build, which is the folder holding mkdocs.yml).
"""

from __future__ import annotations

from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markupsafe import escape

from kb.model.blocks import iter_fences
from kb.model.verification import VERIFICATION_FILE, digest, marks_by_digest

ICONS = {"verified": "✔", "parsed": "✔", "unverifiable": "⚠", "failed": "✘"}


class _Marks(Preprocessor):
    def __init__(self, md, root: Path):
        super().__init__(md)
        self.root = root

    def run(self, lines: list[str]) -> list[str]:
        marks = marks_by_digest(self.root)
        if not marks:
            return lines
        inserts: list[tuple[int, str]] = []
        for _start, end, indent, _lang, body in iter_fences(lines):
            found = marks.get(digest(body))
            if found:
                status, text = found
                words = text[0].upper() + text[1:]
                inserts.append(
                    (
                        end,
                        " " * indent
                        + f'<small class="kb-verify kb-verify--{status}" title="kb verify">'
                        + f"{ICONS.get(status, '')} {escape(words)}</small>",
                    )
                )
        for end, mark in reversed(inserts):
            prefix = mark[: len(mark) - len(mark.lstrip())]
            lines[end + 1 : end + 1] = [prefix, mark, prefix]
        return lines


class BlockMarks(Extension):
    def __init__(self, **kwargs):
        self.config = {"root": [".", "folder holding docs/devops/verification.yml's docs/"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        root = Path(self.getConfig("root")).resolve()
        # Before pymdownx.snippets (32) so `--8<--` blocks are matched as the page writes them.
        md.preprocessors.register(_Marks(md, root), "kb_block_marks", 33)


def makeExtension(**kwargs):
    return BlockMarks(**kwargs)


__all__ = ["VERIFICATION_FILE", "BlockMarks", "makeExtension"]
