"""A minimal knowledge base in a temporary folder, for model, CLI and macro tests."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import yaml

from tests.conftest import ROOT

PAGE = """\
---
title: Example playbook
kind: playbook
owner: "@platform-team"
status: active
last_reviewed: 2026-11-01
review_every: 90d
lifecycle: deploy
tags: [deploy]
sources: [example-source]
render_macros: true
---

# Example playbook

{{ page_header() }}

Some text.

{{ page_sources() }}
"""

REFERENCE = {
    "id": "example-source",
    "title": "An example source",
    "url": "https://example.org/guide",
    "publisher": "Example Org",
    "retrieved": "2026-11-24",
    "licence": "CC BY 4.0",
    "summary": "A guide about deploying safely.",
    "content_sha256": "0" * 64,
}

LOG = """\
---
title: Activity log
kind: page
owner: "@platform-team"
status: active
last_reviewed: 2026-11-24
review_every: 30d
---

# Activity log

## 2026-11-20 — First change

- **Area:** foundation
- **Owner:** @platform-team
- **Files:**
    - `Makefile`
- **Commands:**
    - `make test` — 3 passed
- **Outcome:** it works
- **Next steps:** none
"""

MKDOCS = """\
site_name: Test KB
site_url: https://kb.example.org/
repo_url: https://github.com/example/kb
strict: true
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
theme:
  name: material
  custom_dir: overrides
  font: false
plugins:
  - search
  - macros:
      module_name: macros
      render_by_default: false
      on_undefined: strict
      on_error_fail: true
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - kb.snippets:
      base_path: ["."]
      check_paths: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


class MiniRepo:
    """A small but complete knowledge base: helpers write files relative to its root."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def write_yaml(self, rel: str, data) -> Path:
        return self.write(rel, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def make_mini_repo(root: Path) -> MiniRepo:
    repo = MiniRepo(root)
    repo.write("mkdocs.yml", MKDOCS)
    repo.write("pyproject.toml", "[project]\nname = 'mini'\nversion = '0'\n")
    shutil.copytree(ROOT / "macros", root / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", root / "overrides")
    repo.write("docs/devops/owners.yml", (ROOT / "docs/devops/owners.yml").read_text("utf-8"))
    repo.write("docs/devops/activity-log.md", LOG)
    for page in ("owners.md", "references.md"):  # targets of the header and sources links
        repo.write(f"docs/devops/{page}", (ROOT / "docs/devops" / page).read_text("utf-8"))
    repo.write("docs/playbook.md", PAGE)
    repo.write_yaml("third_party/references/example/example-source.yaml", REFERENCE)
    repo.write(
        "docs/index.md",
        '---\ntitle: Home\nkind: page\nowner: "@platform-team"\nstatus: active\n'
        "last_reviewed: 2026-11-24\nreview_every: 90d\n---\n\n# Home\n",
    )
    return repo
