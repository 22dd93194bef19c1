"""Checks that keep pages and the site configuration from running code.

Page Markdown may carry raw HTML (md_in_html, attr_list), so a page could ship a `<script>`, an
`<iframe>`, an `onerror=` handler or a `javascript:` link that every reader's browser would run;
the site's Content-Security-Policy blocks them, and this check stops them in review first.
Snippet includes may only read the allowed folders. `mkdocs.yml` is Python's front door: a
`!!python/object/apply` tag, `hooks:`, an unknown plugin or Markdown extension, or `INHERIT:`
runs or loads code at build time, so only the known ones pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from kb.checks import check
from kb.model import Problem, Repository
from kb.model.pages import load_pages
from kb.snippets import refusal, snippet_targets

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<\s*script\b", re.I), "raw <script> in a page: scripts belong in assets/"),
    (re.compile(r"<\s*iframe\b", re.I), "raw <iframe> in a page: link to the content instead"),
    (
        re.compile(r"<\s*(object|embed|frame|frameset|base|meta)\b", re.I),
        "raw <object>, <embed>, <frame>, <base> or <meta> in a page",
    ),
    (
        # An attribute named on… inside an HTML tag or an attr_list `{: … }`.
        re.compile(r"""(?:<[a-z][^>]*|\{[^}\n]*)[\s"'/]on[a-z]+\s*=""", re.I),
        "inline event handler (on…=) in a page",
    ),
    (
        # Browsers ignore whitespace, control characters and entity-encoding inside a scheme.
        re.compile(
            r"(?:j|&#0*106;|&#x0*6a;)(?:\s|&#[0-9x]+;|\\)*a(?:\s|&#[0-9x]+;)*v(?:\s|&#[0-9x]+;)*a"
            r"(?:\s|&#[0-9x]+;)*s(?:\s|&#[0-9x]+;)*c(?:\s|&#[0-9x]+;)*r(?:\s|&#[0-9x]+;)*i"
            r"(?:\s|&#[0-9x]+;)*p(?:\s|&#[0-9x]+;)*t(?:\s|&#[0-9x]+;)*(?::|&#0*58;|&#x0*3a;|&colon;)",
            re.I,
        ),
        "javascript: URL in a page",
    ),
    (re.compile(r"\b(?:vbscript|livescript):", re.I), "vbscript: URL in a page"),
    (re.compile(r"\bdata:\s*text/html", re.I), "data:text/html URL in a page"),
)


def _prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(0-based offset, line) of body lines outside fenced code, with inline code removed."""
    fence: str | None = None
    for offset, line in enumerate(body.splitlines()):
        match = _FENCE.match(line)
        if match:
            marker = match[1]
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None:
            yield offset, _CODE_SPAN.sub("``", line)


@check
def page_policy(repo: Repository) -> Iterator[Problem]:
    """Page Markdown has no raw script, iframe, event handler or javascript: URL."""
    for page in load_pages(repo):
        for offset, line in _prose_lines(page.body):
            for pattern, message in _RULES:
                if pattern.search(line):
                    yield Problem(page.path, page.body_line + offset, message)


@check
def snippets(repo: Repository) -> Iterator[Problem]:
    """Every `--8<--` include names an existing file under the allowed folders."""
    root = Path(repo.root)
    for page in load_pages(repo):
        for offset, target in snippet_targets(page.body.splitlines()):
            reason = refusal(target, root)
            if reason:
                yield Problem(
                    page.path, page.body_line + offset, f"snippet '{target}' refused: {reason}"
                )


# --- mkdocs.yml -----------------------------------------------------------------------------

SITE_CONFIG = "mkdocs.yml"
#: Plugins the build may load (each runs Python in the build).
ALLOWED_PLUGINS = frozenset({"search", "tags", "macros", "offline", "privacy"})
#: Markdown extensions outside these prefixes are refused: the name is a Python module to import.
ALLOWED_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "md_in_html",
        "tables",
        "toc",
        "meta",
        "sane_lists",
        "smarty",
        "kb.snippets",
        "kb.render.block_marks",
    }
)
ALLOWED_EXTENSION_PREFIXES = ("pymdownx.", "material.extensions.", "markdown.extensions.")
#: `!!python/name:` may only point into these packages (references, never calls).
ALLOWED_PYTHON_NAMES = ("pymdownx.", "material.extensions.")
_PYTHON_TAG = "tag:yaml.org,2002:python/"
#: The only mkdocs-macros module the build may import.
MACROS_MODULE = "macros"


def _walk(node: yaml.Node) -> Iterator[yaml.Node]:
    yield node
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(key)
            yield from _walk(value)


def _entries(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node, yaml.Node | None]]:
    """(name, name node, options node) of a plugins or markdown_extensions list."""
    if not isinstance(node, yaml.SequenceNode):
        return
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            yield str(item.value), item, None
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                yield str(key.value), key, value


def _option(options: yaml.Node | None, name: str) -> yaml.Node | None:
    if isinstance(options, yaml.MappingNode):
        for key, value in options.value:
            if key.value == name:
                return value
    return None


def site_config_problems(text: str, path: str = SITE_CONFIG) -> list[Problem]:
    """Everything in mkdocs.yml `text` that would run or load code the project did not vet."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}")]
    if not isinstance(root, yaml.MappingNode):
        return [Problem(path, 1, "the site configuration is not a mapping")]
    problems = []

    def at(node: yaml.Node, message: str) -> None:
        problems.append(Problem(path, node.start_mark.line + 1, message))

    for node in _walk(root):
        if node.tag.startswith(_PYTHON_TAG):
            kind = node.tag[len(_PYTHON_TAG) :]
            if kind.startswith("name:"):
                target = kind.removeprefix("name:")
                if not target.startswith(ALLOWED_PYTHON_NAMES):
                    at(node, f"!!python/{kind} points outside {', '.join(ALLOWED_PYTHON_NAMES)}")
            else:
                at(node, f"!!python/{kind.split(':')[0]} runs code at build time; not allowed")
    top = {str(k.value): (k, v) for k, v in root.value}
    for key in ("hooks", "INHERIT"):
        if key in top:
            at(top[key][0], f"'{key}:' loads code or configuration from elsewhere; not allowed")
    for name, node, options in _entries(top.get("plugins", (None, None))[1]):
        if name not in ALLOWED_PLUGINS:
            at(
                node,
                f"plugin '{name}' is not in the allowed list ({', '.join(sorted(ALLOWED_PLUGINS))})",
            )
        if name == "macros":
            module = _option(options, "module_name")
            if module is not None and module.value != MACROS_MODULE:
                at(module, f"macros module_name must be '{MACROS_MODULE}'")
            for unsafe in ("modules", "include_dir", "include_yaml", "j2_variable_start_string"):
                found = _option(options, unsafe)
                if found is not None:
                    at(found, f"macros option '{unsafe}' is not allowed")
    for name, node, _ in _entries(top.get("markdown_extensions", (None, None))[1]):
        if name not in ALLOWED_EXTENSIONS and not name.startswith(ALLOWED_EXTENSION_PREFIXES):
            at(node, f"Markdown extension '{name}' is not in the allowed list")
        if name == "pymdownx.snippets":
            at(node, "use kb.snippets, which limits includes to the allowed folders")
    return problems


@check
def site_config(repo: Repository) -> Iterator[Problem]:
    """mkdocs.yml has no Python tags, hooks, INHERIT, or unknown plugins and extensions."""
    file = Path(repo.root, SITE_CONFIG)
    if not file.is_file():
        yield Problem(SITE_CONFIG, 1, "site configuration not found")
        return
    yield from site_config_problems(file.read_text(encoding="utf-8"))
