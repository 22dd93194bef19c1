"""The DORA macros with no events, and with events that carry markup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.model import DataError, Repository
from kb.render._registry import RenderContext
from kb.render.dora import dora_events, dora_measured
from kb.render.knowledge import page_header

DATA = Path(__file__).parent / "data" / "two-services"


def _ctx(root: Path, page: str) -> RenderContext:
    return RenderContext(repo=Repository(root), page_src=page)


def _empty(repo_copy: Path) -> Path:
    events = repo_copy / "docs/devops/events"
    for name, key in (("deployments", "deployments"), ("incidents", "incidents")):
        (events / f"{name}.yml").write_text(f"{key}: []\n", encoding="utf-8")
    return repo_copy


def test_no_events_says_so_plainly(repo_copy: Path) -> None:
    root = _empty(repo_copy)
    measured = dora_measured(_ctx(root, "devops/kpis.md"))
    assert measured.startswith("**No deployments are recorded yet**")
    assert "|" not in measured.split("<small>")[0]  # no table of empty cells
    listed = dora_events(_ctx(root, "devops/events/index.md"))
    assert "No deployments or incidents are recorded yet" in listed
    header = page_header(_ctx(root, "devops/runbooks/gatewaynotready.md"))
    assert "Last used" not in header


def test_titles_are_text_not_markup(repo_copy: Path) -> None:
    events = repo_copy / "docs/devops/events"
    for name in ("services.yml", "deployments.yml", "incidents.yml"):
        shutil.copy(DATA / name, events / name)
    text = (events / "incidents.yml").read_text(encoding="utf-8")
    (events / "incidents.yml").write_text(
        text.replace(
            "title: Gateway 5xx after v1.5.0", 'title: "<script>x</script> {{ config }} |"'
        ),
        encoding="utf-8",
    )
    listed = dora_events(_ctx(repo_copy, "devops/events/index.md"))
    assert "<script>" not in listed and "{{ config }}" not in listed
    assert "&#60;script&#62;x&#60;/script&#62; &#123;&#123; config &#125;&#125; &#124;" in listed


def test_a_bad_record_stops_the_page(repo_copy: Path) -> None:
    events = repo_copy / "docs/devops/events"
    (events / "incidents.yml").write_text(
        "incidents:\n  - id: INC-1\n    title: x\n    service: gateway\n    severity: SEV-9\n"
        "    started: 2026-11-26T10:00:00Z\n    detected: 2026-11-26T10:05:00Z\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        dora_measured(_ctx(repo_copy, "devops/kpis.md"))
    assert str(caught.value).startswith(
        "docs/devops/events/incidents.yml:5: incidents[0]: 'severity'"
    )
