"""The catalogue of names a command may use, derived from the repository's own infrastructure files.

Sources: the Terraform root module infra/terraform/live, read once per environment file in
live/env/ and followed into the modules it calls (RDS identifier, subnet, parameter and security
groups, the Redis replication group, Secrets Manager secrets, S3 buckets), the Kubernetes manifests under
infra/kubernetes/ (namespaces, deployments and their containers, Services, Secrets, the AWS secrets
External Secrets read, ArgoCD applications), the Alertmanager config (receivers) and the owners
registry (PagerDuty services, Slack channels). `kb verify` rejects a command naming anything else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.model import terraform
from kb.model.repo import Repository

#: Terraform resource type -> (attribute holding the name, catalogue kind).
_TF_NAMES = {
    "aws_db_instance": ("identifier", "db_instance"),
    "aws_db_subnet_group": ("name", "db_subnet_group"),
    "aws_db_parameter_group": ("name", "db_parameter_group"),
    "aws_security_group": ("name", "security_group"),
    "aws_elasticache_replication_group": ("replication_group_id", "redis_group"),
    "aws_secretsmanager_secret": ("name", "aws_secret"),
    "aws_s3_bucket": ("bucket", "bucket"),
}
_RESOURCE = re.compile(r'^resource\s+"(\w+)"\s+"(\w+)"\s*\{', re.MULTILINE)
_MODULE = re.compile(r'^module\s+"([\w-]+)"\s*\{', re.MULTILINE)
_LOCAL = re.compile(r'^\s*(\w+)\s*=\s*"([^"]*)"\s*$', re.MULTILINE)


@dataclass
class Catalogue:
    """Names by kind (`namespace`, `deployment`, `container`, …) and where each was found."""

    names: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    containers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: namespace -> ArgoCD applications with self-heal on that deploy into it.
    self_healed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, kind: str, name: str, source: str) -> None:
        self.names[kind].setdefault(name, source)

    def has(self, kind: str, name: str) -> bool:
        return name in self.names.get(kind, {})

    def kinds(self) -> dict[str, list[str]]:
        return {kind: sorted(names) for kind, names in sorted(self.names.items())}


def _interpolate(text: str, values: dict[str, str]) -> str | None:
    def sub(match: re.Match) -> str:
        return values.get(match[1], "\0")

    out = re.sub(r"\$\{([\w.]+)\}", sub, text)
    return None if "\0" in out else out


def _terraform(repo: Repository, cat: Catalogue) -> None:
    """Names each environment's apply would create: the root module's calls, followed into modules."""
    root = repo.root / terraform.ROOT_MODULE_DIR
    main_tf = root / "main.tf"
    if not main_tf.is_file():
        return
    root_text = main_tf.read_text(encoding="utf-8")
    environments = terraform.load(repo).environments
    for env in sorted(environments):
        environment = environments[env].values.get("environment")
        if not isinstance(environment, str):
            continue
        values = _locals(root_text, {"var.environment": environment})
        _follow_calls(repo, root, root_text, values, cat, depth=0)


def _locals(text: str, values: dict[str, str]) -> dict[str, str]:
    """`values` plus every string local of `text` that resolves from them."""
    values = dict(values)
    locals_block = re.search(r"^locals\s*\{(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    for name, raw in _LOCAL.findall(locals_block[1] if locals_block else ""):
        resolved = _interpolate(raw, values)
        if resolved is not None:
            values[f"local.{name}"] = resolved
    return values


def _argument(body: str, attr: str, values: dict[str, str]) -> str | None:
    """The value of `attr = "..."` or `attr = some.reference` in a block body, resolved."""
    found = re.search(rf'^\s*{attr}\s*=\s*(?:"([^"]*)"|([\w.]+))\s*$', body, re.M)
    if not found:
        return None
    raw = found[1] if found[1] is not None else "${" + found[2] + "}"
    return _interpolate(raw, values)


def _follow_calls(
    repo: Repository, folder: Path, text: str, values: dict[str, str], cat: Catalogue, depth: int
) -> None:
    """Each local `module` block of `text`, entered with its resolved name and environment."""
    for match in _MODULE.finditer(text):
        body = text[match.end() : text.find("\n}", match.end())]
        source = _argument(body, "source", {})
        if not source or not source.startswith("."):
            continue
        target = (folder / source).resolve()
        main_tf = target / "main.tf"
        if depth > 5 or not main_tf.is_file():
            continue
        inputs = {
            f"var.{attr}": value
            for attr in ("name", "environment")
            if (value := _argument(body, attr, values)) is not None
        }
        _module_names(repo, target, main_tf.read_text(encoding="utf-8"), inputs, cat, depth + 1)


def _module_names(
    repo: Repository, folder: Path, text: str, inputs: dict[str, str], cat: Catalogue, depth: int
) -> None:
    values = _locals(text, inputs)
    rel = repo.rel(folder / "main.tf")
    for match in _RESOURCE.finditer(text):
        rtype = match[1]
        if rtype not in _TF_NAMES:
            continue
        attr, kind = _TF_NAMES[rtype]
        body = text[match.end() : text.find("\n}", match.end())]
        name = _argument(body, attr, values)
        if name:
            line = text[: match.start()].count("\n") + 1
            cat.add(kind, name, f"{rel}:{line}")
    _follow_calls(repo, folder, text, values, cat, depth)


def _kubernetes(repo: Repository, cat: Catalogue) -> None:
    for path in sorted((repo.root / "infra/kubernetes").rglob("*.yaml")):
        rel = repo.rel(path)
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(doc, dict):
                continue
            kind, meta = doc.get("kind"), doc.get("metadata") or {}
            name, ns = meta.get("name"), meta.get("namespace", "")
            if kind == "Namespace":
                cat.add("namespace", name, rel)
            elif kind in {"Deployment", "StatefulSet", "DaemonSet"}:
                cat.add("deployment", f"{ns}/{name}", rel)
                for container in doc["spec"]["template"]["spec"].get("containers", []):
                    cat.add("container", f"{ns}/{container['name']}", rel)
                    cat.containers[f"{ns}/{name}"].add(container["name"])
            elif kind == "Service":
                cat.add("service", f"{ns}/{name}", rel)
            elif kind in {"Secret", "ExternalSecret"}:
                cat.add("secret", f"{ns}/{name}", rel)
                for item in (doc.get("spec") or {}).get("dataFrom", []):
                    key = (item.get("extract") or {}).get("key")
                    if key:
                        cat.add("aws_secret", key, rel)
            elif kind == "Application":
                cat.add("argocd_app", name, rel)
                spec = doc.get("spec") or {}
                automated = (spec.get("syncPolicy") or {}).get("automated") or {}
                target = (spec.get("destination") or {}).get("namespace")
                if automated.get("selfHeal") and target:
                    cat.self_healed[target].add(name)


def _alerting(repo: Repository, cat: Catalogue) -> None:
    am = repo.root / "infra/observability/alertmanager/alertmanager.yml"
    if am.exists():
        for receiver in (yaml.safe_load(am.read_text()) or {}).get("receivers", []):
            cat.add("receiver", receiver["name"], repo.rel(am))
    owners = repo.root / "docs/devops/owners.yml"
    if owners.exists():
        for team in (yaml.safe_load(owners.read_text()) or {}).get("teams", []):
            if team.get("pagerduty_service"):
                cat.add("pagerduty_service", team["pagerduty_service"], repo.rel(owners))
            if team.get("slack"):
                cat.add("slack_channel", team["slack"], repo.rel(owners))


def load_catalogue(repo: Repository) -> Catalogue:
    """The catalogue for `repo`, built once per Repository."""

    def build() -> Catalogue:
        cat = Catalogue()
        _terraform(repo, cat)
        _kubernetes(repo, cat)
        _alerting(repo, cat)
        return cat

    return repo.memo("catalogue", build)
