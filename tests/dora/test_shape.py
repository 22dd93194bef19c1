"""One shape: the deployment payload the release pipeline writes fits the deployment record."""

from __future__ import annotations

import re

import yaml

from kb.model.events import Deployment
from tests.conftest import ROOT

DEPLOY = ROOT / "ci/release/deploy.yml"
# jq object literals in the workflow's run scripts: {service: $service, rollback: true, ...}
_JQ_OBJECT = re.compile(r"'\{(?P<body>[^}]*)\}'", re.DOTALL)
_KEY = re.compile(r"(?:^|,)\s*(?P<key>[a-z_]+):")


def _payload_keys() -> list[set[str]]:
    workflow = yaml.safe_load(DEPLOY.read_text(encoding="utf-8"))
    found = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            script = step.get("run", "")
            if "record.sh create" not in script:
                continue
            for match in _JQ_OBJECT.finditer(script):
                found.append({m["key"] for m in _KEY.finditer(match["body"])})
    return found


def test_every_payload_field_is_a_deployment_field() -> None:
    payloads = _payload_keys()
    assert len(payloads) >= 2  # the deployment and the automatic rollback
    fields = set(Deployment.model_fields)
    for keys in payloads:
        assert "service" in keys
        assert keys <= fields, f"payload fields the record does not know: {sorted(keys - fields)}"


def test_a_payload_with_blank_inputs_validates() -> None:
    """jq --arg writes "" for an unset input; a record copied from a payload keeps it."""
    record = Deployment.model_validate(
        {
            "id": "1234567",
            "service": "gateway",
            "version": "v1.5.0",
            "environment": "production",
            "started": "2026-11-10T11:30:00Z",
            "finished": "2026-11-10T12:00:00Z",
            "result": "success",
            "digest": "sha256:" + "a" * 64,
            "previous_digest": "",
            "incident": "",
            "rollback": False,
        }
    )
    assert record.incident is None and record.planned
