"""The runbook's first-minute box: generated from the rule, the owners registry and the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kb.model import DataError, Repository
from kb.model.alerts import load_rules, load_runbooks
from kb.model.owners import load_owners
from kb.render._registry import RenderContext
from kb.render.alerts import alert_text
from kb.render.runbooks import runbook_first_minute
from tests.conftest import ROOT

REPO = Repository(ROOT)
RUNBOOKS = load_runbooks(REPO)


class _Box(HTMLParser):
    """The links, code blocks and text of the first admonition titled "First minute"."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.code: list[str] = []
        self.text: list[str] = []
        self._in_pre = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag == "div"
            if tag == "a":
                self.links.append(attrs.get("href", ""))
            if tag == "pre":
                self._in_pre = True
                self.code.append("")
        elif tag == "div" and "admonition" in (attrs.get("class") or "").split():
            self._candidate = True
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        if tag == "pre":
            self._in_pre = False

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._in_pre:
                self.code[-1] += data


def _box(html: str) -> _Box:
    start = html.index('<p class="admonition-title">First minute</p>')
    div = html.rindex("<div", 0, start)
    box = _Box()
    box.feed(html[div:])
    return box


@pytest.mark.slow
@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda r: r.stem)
def test_every_runbook_opens_with_the_first_minute_box(built_site: Path, runbook) -> None:
    html = (built_site / runbook.page.url / "index.html").read_text(encoding="utf-8")
    assert html.index("First minute") < html.index('id="meaning"'), "the box comes first"
    box = _box(html)
    text = "".join(box.text)
    rule = next(a for a in load_rules(REPO).alerts if a.name == runbook.alert)
    team = load_owners(REPO)[rule.owner]
    assert rule.name in text and f"severity {rule.severity}" in text
    assert team.pagerduty_service in text and team.handle in text
    assert "{{" not in text and "$labels" not in text
    anchors = {link for link in box.links if link.startswith("#")}
    assert {"#impact", "#diagnosis", "#mitigation", "#escalation"} <= anchors
    for anchor in anchors:
        assert f'id="{anchor[1:]}"' in html, f"{anchor} does not exist on the page"
    # The first check is the page's own first Diagnosis command, ready to copy.
    diagnosis = runbook.page.body.split("## Diagnosis", 1)[1]
    first = re.search(r"```[\w-]*\n(.*?)\n```", diagnosis, re.S)[1]
    assert box.code and box.code[0].strip() == first.strip()


def test_a_runbook_whose_alert_has_no_rule_is_one_clear_problem(repo_copy: Path) -> None:
    page = repo_copy / "docs/devops/runbooks/redisdown.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("alert: RedisDown", "alert: RedisGone"),
        encoding="utf-8",
    )
    ctx = RenderContext(repo=Repository(repo_copy), page_src="devops/runbooks/redisdown.md")
    with pytest.raises(DataError) as info:
        runbook_first_minute(ctx)
    assert str(info.value).startswith("docs/devops/runbooks/redisdown.md:1:")
    assert "no rule for alert 'RedisGone'" in str(info.value)


def test_alert_placeholders_are_not_shown_as_template_text() -> None:
    text = alert_text("No replica in {{ $labels.namespace }} | {{ $value | humanize }} <b>")
    assert "{{" not in text and "$labels" not in text and "<b>" not in text
    assert '<code class="kb-placeholder">&lt;namespace&gt;</code>' in text
    assert '<code class="kb-placeholder">&lt;value&gt;</code>' in text
    assert "&#124;" in text  # a literal | cannot split a table row
