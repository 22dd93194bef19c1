"""Terraform modules, the root module and its environments under infra/terraform, parsed once per Repository.

Layout: reusable modules in `modules/<name>/`, one root module in `live/` that every environment
applies, and per environment `live/env/<environment>.tfvars` (values) and
`live/env/<environment>.backend.hcl` (state location).

python-hcl2 decides whether a file parses and which blocks it declares. Because its output
differs between versions (the checkov fork `bc-python-hcl2` and python-hcl2 8 both install the
`hcl2` package, and neither keeps comments or the source text of expressions), types, defaults
and validation conditions are shown as written, cut from the source by a small scanner that
knows HCL strings, comments and heredocs; checkov's inline `#checkov:skip=` comments come from
the same scan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.model._errors import Problem
from kb.model.repo import Repository

TERRAFORM_DIR = Path("infra/terraform")
ROOT_MODULE_DIR = TERRAFORM_DIR / "live"
ENV_DIR = ROOT_MODULE_DIR / "env"
MEMO_KEY = "terraform"

_BLOCK_HEAD = re.compile(r'^([A-Za-z_][\w-]*)((?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)\s*\{')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_ATTRIBUTE = re.compile(r"^([A-Za-z_][\w-]*)\s*=(?!=)")
_SKIP = re.compile(r"#\s*checkov:skip=([A-Za-z0-9_]+)(?::(.*))?$")


@dataclass(frozen=True)
class Validation:
    """One `validation` block: the condition as written and the error message."""

    condition: str
    error_message: str


@dataclass(frozen=True)
class Variable:
    """An input variable; `type` and `default` are HCL source text (None when absent)."""

    name: str
    path: str
    line: int
    type: str | None
    default: str | None
    description: str | None
    sensitive: bool = False
    validations: tuple[Validation, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Output:
    """An output value."""

    name: str
    path: str
    line: int
    description: str | None
    sensitive: bool = False


@dataclass(frozen=True)
class Resource:
    """A managed resource or data source: `address` is `type.name` or `data.type.name`."""

    mode: str  # "resource" or "data"
    type: str
    name: str
    path: str
    line: int

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass(frozen=True)
class ModuleCall:
    """A `module` block of a root module and the source it calls."""

    name: str
    source: str
    path: str
    line: int


@dataclass(frozen=True)
class CheckovSkip:
    """An inline `#checkov:skip=CHECK:reason` comment and the block it sits in."""

    check_id: str
    reason: str
    path: str
    line: int
    address: str  # the enclosing block, e.g. aws_s3_bucket.site; "" at file level


@dataclass
class Module:
    """One folder of .tf files: a reusable module or the root module."""

    name: str
    kind: str  # "module" or "root"
    path: str  # folder relative to the repository root
    files: list[str] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    module_calls: list[ModuleCall] = field(default_factory=list)
    skips: list[CheckovSkip] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Environment:
    """One environment of the root module: its variable file and its backend file, parsed."""

    name: str
    tfvars: str  # path relative to the repository root
    backend: str
    values: dict[str, Any] = field(default_factory=dict)  # variable -> value (Python types)
    backend_values: dict[str, Any] = field(default_factory=dict)


@dataclass
class TerraformTree:
    """Every module, the root module and its environments, plus the problems found reading them."""

    modules: dict[str, Module]
    root: Module | None
    environments: dict[str, Environment]
    problems: list[Problem]

    def all(self) -> Iterator[Module]:
        yield from self.modules.values()
        if self.root is not None:
            yield self.root

    @property
    def skips(self) -> list[CheckovSkip]:
        return sorted(
            (s for m in self.all() for s in m.skips), key=lambda s: (s.path, s.line, s.check_id)
        )


def load(repo: Repository) -> TerraformTree:
    """The parsed Terraform tree of `repo`, read once per Repository."""
    return repo.memo(MEMO_KEY, lambda: _load(repo))


def _load(repo: Repository) -> TerraformTree:
    base = repo.root / TERRAFORM_DIR
    modules = _load_folder(repo, base / "modules", "module")
    root_dir = repo.root / ROOT_MODULE_DIR
    root = load_module(repo, root_dir, "root") if any(root_dir.glob("*.tf")) else None
    environments, env_problems = _load_environments(repo)
    problems = [p for m in [*modules.values(), *([root] if root else [])] for p in m.problems]
    return TerraformTree(
        modules=modules, root=root, environments=environments, problems=problems + env_problems
    )


def _load_environments(repo: Repository) -> tuple[dict[str, Environment], list[Problem]]:
    """Each `live/env/<name>.tfvars` with its `<name>.backend.hcl`; a file without its pair is a problem."""
    folder = repo.root / ENV_DIR
    found: dict[str, Environment] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, problems
    tfvars = {p.name.removesuffix(".tfvars"): p for p in folder.glob("*.tfvars")}
    backends = {p.name.removesuffix(".backend.hcl"): p for p in folder.glob("*.backend.hcl")}
    for name in sorted(set(tfvars) | set(backends)):
        if name not in backends:
            problems.append(Problem(repo.rel(tfvars[name]), 1, f"no {name}.backend.hcl next to it"))
            continue
        if name not in tfvars:
            problems.append(Problem(repo.rel(backends[name]), 1, f"no {name}.tfvars next to it"))
            continue
        env = Environment(name, repo.rel(tfvars[name]), repo.rel(backends[name]))
        for path, target in ((tfvars[name], env.values), (backends[name], env.backend_values)):
            try:
                import hcl2

                parsed = hcl2.loads(path.read_text(encoding="utf-8"))
            except Exception as exc:  # hcl2 raises lark errors of several classes
                line = int(getattr(exc, "line", None) or 1)
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                problems.append(Problem(repo.rel(path), line, f"does not parse as HCL: {first}"))
                continue
            target.update({k: _value(v) for k, v in parsed.items() if not k.startswith("__")})
        found[name] = env
    return found, problems


def _load_folder(repo: Repository, folder: Path, kind: str) -> dict[str, Module]:
    found: dict[str, Module] = {}
    if not folder.is_dir():
        return found
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(sub.glob("*.tf"))
        if files:
            found[sub.name] = load_module(repo, sub, kind)
    return found


def load_module(repo: Repository, folder: Path, kind: str = "module") -> Module:
    """Parse every .tf file of `folder` into a Module (problems are collected, not raised)."""
    module = Module(name=folder.name, kind=kind, path=repo.rel(folder))
    for tf in sorted(folder.glob("*.tf")):
        rel = repo.rel(tf)
        module.files.append(rel)
        text = tf.read_text(encoding="utf-8")
        try:
            import hcl2  # lazy: building its Lark parser costs ~0.15 s, paid only when needed

            parsed = hcl2.loads(text)
        except Exception as exc:  # hcl2 raises lark errors of several classes
            line = getattr(exc, "line", None) or 1
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            module.problems.append(Problem(rel, int(line), f"does not parse as HCL: {first}"))
            continue
        _collect(module, rel, text, parsed)
    return module


def _collect(module: Module, rel: str, text: str, parsed: dict[str, Any]) -> None:
    blocks = list(top_level_blocks(text))
    lines = {(b.kind, *b.labels): b for b in blocks}

    for name, body in _labelled(parsed.get("variable"), 1):
        block = lines.get(("variable", name))
        if block is None:
            module.problems.append(Problem(rel, 1, f'variable "{name}": block not found in source'))
            continue
        attrs = block.attributes()
        validations = tuple(
            Validation(
                condition=nested.attributes().get("condition", ""),
                error_message=_string(nested.attributes().get("error_message", "")),
            )
            for nested in block.children("validation")
        )
        module.variables.append(
            Variable(
                name=name,
                path=rel,
                line=block.line,
                type=attrs.get("type"),
                default=attrs.get("default"),
                description=_text(body.get("description")),
                sensitive=attrs.get("sensitive", "false").strip() == "true",
                validations=validations,
            )
        )

    for name, body in _labelled(parsed.get("output"), 1):
        block = lines.get(("output", name))
        module.outputs.append(
            Output(
                name=name,
                path=rel,
                line=block.line if block else 1,
                description=_text(body.get("description")),
                sensitive=bool(block and block.attributes().get("sensitive", "").strip() == "true"),
            )
        )

    for mode in ("resource", "data"):
        for (rtype, rname), _body in _labelled(parsed.get(mode), 2):
            block = lines.get((mode, rtype, rname))
            module.resources.append(Resource(mode, rtype, rname, rel, block.line if block else 1))

    for name, body in _labelled(parsed.get("module"), 1):
        block = lines.get(("module", name))
        module.module_calls.append(
            ModuleCall(name, _text(body.get("source")) or "", rel, block.line if block else 1)
        )

    for number, line in enumerate(text.splitlines(), start=1):
        match = _SKIP.search(line)
        if not match:
            continue
        enclosing = next((b for b in blocks if b.line <= number <= b.end_line), None)
        module.skips.append(
            CheckovSkip(
                check_id=match.group(1),
                reason=(match.group(2) or "").strip(),
                path=rel,
                line=number,
                address=enclosing.address if enclosing else "",
            )
        )


# --- python-hcl2 output, whichever version is installed ----------------------------------------


def _unquote(label: str) -> str:
    """python-hcl2 8 keeps the quotes of block labels; the checkov fork drops them."""
    if len(label) >= 2 and label[0] == label[-1] == '"':
        return label[1:-1]
    return label


def _labelled(entries: Any, depth: int) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(label or label tuple, body) for each block of a kind, across python-hcl2 versions."""
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        for first, rest in entry.items():
            if first.startswith("__"):
                continue
            if depth == 1:
                yield _unquote(first), rest if isinstance(rest, dict) else {}
            else:
                for second, body in (rest or {}).items():
                    if not second.startswith("__"):
                        yield (_unquote(first), _unquote(second)), body


def _value(value: Any) -> Any:
    """An attribute value as plain Python: unwraps the fork's one-item lists and 8.x's quotes."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return _string(value)
    if isinstance(value, list):
        return [_value(v) if isinstance(v, str) else v for v in value]
    return value


def _text(value: Any) -> str | None:
    """A string attribute as plain text: unwraps the fork's one-item lists and 8.x's quotes."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None:
        return None
    if not isinstance(value, str):
        return str(value)
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _string(value)
    return value


def _string(source: str) -> str:
    """Decode an HCL quoted string as written in the source (JSON escapes are a superset)."""
    source = source.strip()
    if len(source) >= 2 and source[0] == source[-1] == '"':
        try:
            return json.loads(source)
        except ValueError:
            return source[1:-1]
    return source


# --- source scanner -----------------------------------------------------------------------------


@dataclass
class Block:
    """A block found in source text: kind, labels, 1-based first/last line and its body text."""

    kind: str
    labels: tuple[str, ...]
    line: int
    end_line: int
    body: str  # text between the braces

    @property
    def address(self) -> str:
        if self.kind == "resource" and len(self.labels) == 2:
            return ".".join(self.labels)
        return ".".join((self.kind, *self.labels))

    def attributes(self) -> dict[str, str]:
        """Attributes directly inside this block: name -> expression source, dedented."""
        return {name: expr for name, expr, _ in _members(self.body, self.line) if expr is not None}

    def children(self, kind: str) -> list[Block]:
        """Nested blocks of `kind` directly inside this block."""
        return [
            blk
            for name, expr, blk in _members(self.body, self.line)
            if expr is None and blk is not None and name == kind
        ]


def top_level_blocks(text: str) -> Iterator[Block]:
    """Every top-level block of an HCL file, with line spans."""
    yield from (blk for _, expr, blk in _members(text, 1, top=True) if blk is not None)


def _members(text: str, first_line: int, top: bool = False) -> Iterator[tuple[str, Any, Any]]:
    """Attributes (name, expression, None) and blocks (kind, None, Block) at depth 0 of `text`."""
    code = _code_mask(text)
    pos, n = 0, len(text)
    while pos < n:
        eol = text.find("\n", pos)
        eol = n if eol == -1 else eol
        stripped_start = pos + (len(text[pos:eol]) - len(text[pos:eol].lstrip()))
        line_text = text[stripped_start:eol]
        line_no = first_line + text.count("\n", 0, stripped_start)
        if stripped_start < n and code[stripped_start]:
            head = _BLOCK_HEAD.match(line_text)
            attr = None if head else _ATTRIBUTE.match(line_text)
            if head:
                open_at = stripped_start + head.end() - 1
                close_at = _matching(text, code, open_at)
                labels = tuple(a or b for a, b in _LABEL.findall(head.group(2)))
                end_line = first_line + text.count("\n", 0, close_at)
                body = text[open_at + 1 : close_at]
                yield head.group(1), None, Block(head.group(1), labels, line_no, end_line, body)
                nxt = text.find("\n", close_at)
                pos = n if nxt == -1 else nxt + 1
                continue
            if attr and not top:
                start = stripped_start + attr.end()
                end = _expression_end(text, code, start)
                yield attr.group(1), _dedent(text[start:end]).strip(), None
                nxt = text.find("\n", end)
                pos = n if nxt == -1 else nxt + 1
                continue
        pos = eol + 1


def _matching(text: str, code: list[bool], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if not code[i]:
            continue
        if text[i] in "{[(":
            depth += 1
        elif text[i] in "}])":
            depth -= 1
            if depth == 0:
                return i
    return len(text) - 1


def _expression_end(text: str, code: list[bool], start: int) -> int:
    """End of an attribute's expression: the first newline outside brackets, strings, heredocs."""
    depth = 0
    for i in range(start, len(text)):
        if not code[i]:
            continue
        ch = text[i]
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == "\n" and depth <= 0:
            return i
    return len(text)


def _dedent(expr: str) -> str:
    lines = expr.splitlines()
    if len(lines) < 2:
        return expr
    indents = [len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()]
    cut = max(0, min(indents, default=0) - 2)
    return "\n".join([lines[0], *(x[cut:] for x in lines[1:])])


_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


def _code_mask(text: str) -> list[bool]:
    """For each character: True when it is code (not inside a string, comment or heredoc).

    Template interpolations `${ ... }` inside strings count as code, so braces in them balance;
    the quote characters themselves count as string.
    """
    mask = [True] * len(text)
    i, n = 0, len(text)
    stack: list[str] = []  # "str" for a string, "interp" for ${ } inside a string
    interp_depth: list[int] = []
    while i < n:
        ch = text[i]
        in_string = bool(stack) and stack[-1] == "str"
        if in_string:
            mask[i] = False
            if ch == "\\":
                if i + 1 < n:
                    mask[i + 1] = False
                i += 2
                continue
            if text.startswith("${", i) or text.startswith("%{", i):
                mask[i] = mask[i + 1] = False
                stack.append("interp")
                interp_depth.append(0)
                i += 2
                continue
            if ch == '"':
                stack.pop()
            i += 1
            continue
        # code (top level or inside an interpolation)
        if ch == '"':
            mask[i] = False
            stack.append("str")
            i += 1
            continue
        if ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            for j in range(i, end):
                mask[j] = False
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            for j in range(i, end):
                mask[j] = False
            i = end
            continue
        heredoc = _HEREDOC.match(text, i)
        if heredoc:
            marker = heredoc.group(1)
            closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.MULTILINE)
            found = closing.search(text, heredoc.end())
            end = found.end() if found else n
            for j in range(heredoc.end(), end):
                mask[j] = False
            i = end
            continue
        if stack and stack[-1] == "interp":
            if ch == "{":
                interp_depth[-1] += 1
            elif ch == "}":
                if interp_depth[-1] == 0:
                    mask[i] = False
                    stack.pop()
                    interp_depth.pop()
                    i += 1
                    continue
                interp_depth[-1] -= 1
        i += 1
    return mask
