"""On the built site, every alert's runbook_url is a page with the six section anchors, and the
alerts page lists every alert."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import Repository
from kb.model.alerts import RUNBOOK_SECTIONS, load_rules, site_url
from tests.conftest import ROOT

REPO = Repository(ROOT)
ALERTS = load_rules(REPO).alerts


@pytest.mark.slow
@pytest.mark.parametrize("alert", ALERTS, ids=lambda a: a.name)
def test_runbook_url_resolves_to_a_page_with_section_anchors(built_site: Path, alert) -> None:
    base = site_url(REPO)
    assert alert.runbook_url.startswith(base)
    page = built_site / alert.runbook_url.removeprefix(base) / "index.html"
    assert page.is_file(), f"{alert.runbook_url} is not in the built site"
    html = page.read_text(encoding="utf-8")
    for section in RUNBOOK_SECTIONS:
        assert f'id="{section.lower()}"' in html, f"{alert.name}: no #{section.lower()} anchor"


@pytest.mark.slow
def test_alerts_page_lists_every_alert(built_site: Path) -> None:
    html = (built_site / "devops" / "alerts" / "index.html").read_text(encoding="utf-8")
    assert "0</strong> gaps" in html
    for alert in ALERTS:
        assert alert.name in html
