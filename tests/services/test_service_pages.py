"""Service pages and the Backstage descriptor: the shape Backstage accepts and the facts pages promise.

`catalog-info.yaml` is checked against the Component rules of Backstage's descriptor format (name and
tag syntax, required spec fields) and its TechDocs annotation must point at the folder holding
mkdocs.yml. The gateway page must carry its SLOs, the recorded latency conflict, the generated alert
table and a link to every gateway runbook that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "catalog-info.yaml"
GATEWAY = ROOT / "docs" / "services" / "gateway.md"
RUNBOOKS = ROOT / "docs" / "devops" / "runbooks"

# Backstage descriptor format: names are [a-zA-Z0-9] runs joined by one of -_. (max 63);
# tags are [a-z0-9:+#] runs joined by - (max 63).
NAME = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")


def catalog_problems(entity: dict, root: Path) -> list[str]:
    """What Backstage would reject, or what would leave TechDocs without a site, in `entity`."""
    problems = []
    if entity.get("apiVersion") not in {"backstage.io/v1alpha1", "backstage.io/v1beta1"}:
        problems.append("apiVersion must be backstage.io/v1alpha1")
    if entity.get("kind") != "Component":
        problems.append("kind must be Component")
    meta = entity.get("metadata") or {}
    name = str(meta.get("name", ""))
    if not NAME.match(name) or len(name) > 63:
        problems.append(f"metadata.name {name!r} is not a valid entity name")
    for tag in meta.get("tags", []):
        if not TAG.match(tag) or len(tag) > 63:
            problems.append(f"tag {tag!r} is not a valid Backstage tag")
    spec = entity.get("spec") or {}
    for key in ("type", "lifecycle", "owner"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            problems.append(f"spec.{key} is required")
    if "@" in str(spec.get("owner", "")):
        problems.append("spec.owner must be an entity reference, not an @handle")
    ref = (meta.get("annotations") or {}).get("backstage.io/techdocs-ref", "")
    if not ref.startswith("dir:"):
        problems.append("backstage.io/techdocs-ref must be a dir: location")
    elif not (root / ref.removeprefix("dir:") / "mkdocs.yml").is_file():
        problems.append(f"{ref} does not hold mkdocs.yml")
    return problems


def test_catalog_info_is_a_valid_component() -> None:
    entity = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    assert catalog_problems(entity, ROOT) == []
    assert entity["metadata"]["annotations"]["backstage.io/techdocs-ref"] == "dir:."


def test_catalog_checker_rejects_what_backstage_rejects() -> None:
    entity = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    broken = {
        **entity,
        "metadata": {
            **entity["metadata"],
            "name": "plasma engine kb",
            "tags": ["Runbooks"],
            "annotations": {"backstage.io/techdocs-ref": "dir:./nowhere"},
        },
        "spec": {"type": "website", "owner": "@platform-team"},
    }
    problems = catalog_problems(broken, ROOT)
    for expected in ("metadata.name", "tag", "spec.lifecycle", "@handle", "mkdocs.yml"):
        assert any(expected in p for p in problems), (expected, problems)


def test_gateway_page_states_its_objectives_and_alerts() -> None:
    text = GATEWAY.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["kind"] == "service"
    assert meta["owner"] == "@gateway-team"
    for fact in ("99.9 %", "500 ms", "200 ms", "0.1 %", "PE-101", "PE-102", "PE-103", "PE-105"):
        assert fact in text, fact
    assert '{{ alert_table(service="gateway") }}' in text


def test_gateway_page_links_every_runbook_it_names() -> None:
    text = GATEWAY.read_text(encoding="utf-8")
    for target in re.findall(r"\(\.\./devops/runbooks/([a-z]+\.md)[#)]", text):
        assert (RUNBOOKS / target).is_file(), target
