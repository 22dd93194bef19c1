"""The broken-input corpus: each case must give exactly one clear line and exit 1."""

from __future__ import annotations

import pytest

from kb.cli import main
from tests.model.conftest import LOG, PAGE, MiniRepo

CHECKS = ["pages", "todos", "activity_log", "references", "owners"]


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"corpus case does not apply: {old!r}"
    return text.replace(old, new, 1)


# (id, file, new content, expected stderr line)
CASES = [
    (
        "bad-yaml",
        "docs/playbook.md",
        _replace(PAGE, "tags: [deploy]", "tags: [deploy"),
        "docs/playbook.md:10: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "missing-key",
        "docs/playbook.md",
        _replace(PAGE, 'owner: "@platform-team"\n', ""),
        "docs/playbook.md:2: missing required key 'owner'",
    ),
    (
        "wrong-type",
        "docs/playbook.md",
        _replace(PAGE, "tags: [deploy]", "tags: deploy"),
        "docs/playbook.md:9: 'tags': input should be a valid list",
    ),
    (
        "unknown-owner",
        "docs/playbook.md",
        _replace(PAGE, "@platform-team", "@nobody"),
        "docs/playbook.md:4: owner '@nobody' is not in docs/devops/owners.yml",
    ),
    (
        "bad-date",
        "docs/playbook.md",
        _replace(PAGE, "2026-11-01", "2026-13-40"),
        "docs/playbook.md:6: 'last_reviewed': '2026-13-40' is not a date in YYYY-MM-DD form",
    ),
    (
        "future-date",
        "docs/playbook.md",
        _replace(PAGE, "2026-11-01", "2027-01-01"),
        "docs/playbook.md:6: last_reviewed 2027-01-01 is after today (2026-11-24)",
    ),
    (
        "bad-period",
        "docs/playbook.md",
        _replace(PAGE, "review_every: 90d", "review_every: soon"),
        "docs/playbook.md:7: 'review_every': review period 'soon' is not a number followed by "
        "d, w, m or y",
    ),
    (
        "unknown-key",
        "docs/playbook.md",
        _replace(PAGE, "review_every: 90d", "review_every: 90d\nlast_reveiwed: 2026-11-01"),
        "docs/playbook.md:8: unknown key 'last_reveiwed'",
    ),
    (
        "title-with-markup",
        "docs/playbook.md",
        _replace(PAGE, "title: Example playbook", 'title: "<img src=x onerror=alert(1)>"'),
        "docs/playbook.md:2: 'title': must be plain text: no '<', '>' or Jinja delimiters",
    ),
    (
        "title-with-jinja",
        "docs/playbook.md",
        _replace(PAGE, "title: Example playbook", 'title: "{{ config }}"'),
        "docs/playbook.md:2: 'title': must be plain text: no '<', '>' or Jinja delimiters",
    ),
    (
        "bad-kind",
        "docs/playbook.md",
        _replace(PAGE, "kind: playbook", "kind: guide"),
        "docs/playbook.md:3: 'kind' input should be 'playbook', 'runbook', 'checklist', 'standard', "
        "'sop', 'reference', 'service' or 'page', got 'guide'",
    ),
    (
        "runbook-without-alert",
        "docs/playbook.md",
        _replace(PAGE, "kind: playbook", "kind: runbook"),
        "docs/playbook.md:3: a runbook needs 'alert', 'service', 'severity'",
    ),
    (
        "unknown-source",
        "docs/playbook.md",
        _replace(PAGE, "[example-source]", "[no-such-source]"),
        "docs/playbook.md:10: source 'no-such-source' is not a record in third_party/references",
    ),
    (
        "no-front-matter",
        "docs/playbook.md",
        "# Just a heading\n",
        "docs/playbook.md:1: no front matter: a page starts with '---'",
    ),
    (
        "todo-without-owner",
        "docs/playbook.md",
        PAGE + "\n<!-- TODO: fix the numbers -->\n",
        "docs/playbook.md:22: TODO without an owner; write it as "
        "'TODO(@owner): what to do — when it is done [PE-123]'",
    ),
    (
        "todo-without-exit",
        "docs/playbook.md",
        PAGE + "\n<!-- TODO(@platform-team): fix the numbers -->\n",
        "docs/playbook.md:22: TODO without an exit condition after ' — '; write it as "
        "'TODO(@owner): what to do — when it is done [PE-123]'",
    ),
    (
        "todo-unknown-owner",
        "infra/main.tf",
        "# TODO(@ghost-team): set the CIDR plan — when the network team has one [PE-120]\n",
        "infra/main.tf:1: TODO owner '@ghost-team' is not in docs/devops/owners.yml",
    ),
    (
        "todo-visible",
        "docs/playbook.md",
        PAGE + "\nTODO(@platform-team): a — b\n",
        "docs/playbook.md:22: TODO outside an HTML comment: wrap it in <!-- --> so readers never "
        "see it",
    ),
    (
        "log-missing-field",
        "docs/devops/activity-log.md",
        _replace(LOG, "- **Outcome:** it works\n", ""),
        "docs/devops/activity-log.md:20: field 'Next steps' out of order; expected 'Outcome'",
    ),
    (
        "log-bad-heading",
        "docs/devops/activity-log.md",
        _replace(LOG, "## 2026-11-20 — First change", "## 20 Nov 2026: First change"),
        "docs/devops/activity-log.md:12: entry heading must be '## YYYY-MM-DD — title'",
    ),
    (
        "log-bad-date",
        "docs/devops/activity-log.md",
        _replace(LOG, "2026-11-20", "2026-02-30"),
        "docs/devops/activity-log.md:12: '2026-02-30' is not a date in YYYY-MM-DD form",
    ),
    (
        "log-out-of-order",
        "docs/devops/activity-log.md",
        LOG + "\n" + _replace(LOG.split("# Activity log\n")[1], "2026-11-20", "2026-11-01"),
        "docs/devops/activity-log.md:24: entry dated 2026-11-01 comes after one dated 2026-11-20: "
        "the log is oldest first, newest last",
    ),
    (
        "log-stray-line",
        "docs/devops/activity-log.md",
        _replace(LOG, "- **Next steps:** none", "- **Next steps:** none\nand more prose"),
        "docs/devops/activity-log.md:22: unexpected line in an entry; each line is a "
        "'- **Field:** value' or a nested '    - item'",
    ),
    (
        "log-unknown-owner",
        "docs/devops/activity-log.md",
        _replace(LOG, "- **Owner:** @platform-team", "- **Owner:** @nobody"),
        "docs/devops/activity-log.md:12: owner '@nobody' is not in docs/devops/owners.yml",
    ),
    (
        "reference-missing-url",
        "third_party/references/example/example-source.yaml",
        "id: example-source\ntitle: T\npublisher: P\nretrieved: 2026-11-24\nlicence: L\n"
        "summary: S\ncontent_sha256: '" + "0" * 64 + "'\n",
        "third_party/references/example/example-source.yaml:1: missing required key 'url'",
    ),
    (
        "reference-id-mismatch",
        "third_party/references/example/example-source.yaml",
        "id: other\ntitle: T\nurl: https://e.org/\npublisher: P\nretrieved: 2026-11-24\n"
        "licence: L\nsummary: S\ncontent_sha256: '" + "0" * 64 + "'\n",
        "third_party/references/example/example-source.yaml:1: id 'other' does not match the file "
        "name 'example-source'",
    ),
    (
        "reference-bad-url",
        "third_party/references/example/example-source.yaml",
        "id: example-source\ntitle: T\nurl: not a url\npublisher: P\nretrieved: 2026-11-24\n"
        "licence: L\nsummary: S\ncontent_sha256: '" + "0" * 64 + "'\n",
        "third_party/references/example/example-source.yaml:3: 'url': input should be a valid URL, "
        "relative URL without a base",
    ),
    (
        "owners-bad-handle",
        "docs/devops/owners.yml",
        "teams:\n  - handle: platform\n    name: P\n    scope: S\n    slack: '#p'\n"
        "    pagerduty_service: p\n    escalation:\n      - after: 0m\n        notify: x\n",
        "docs/devops/owners.yml:2: 'teams[0].handle': a handle is '@' then lowercase letters, "
        "digits and dashes",
    ),
]


@pytest.mark.parametrize(("name", "rel", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_input_gives_one_exact_line(
    mini_repo: MiniRepo, capsys, name: str, rel: str, content: str, expected: str
) -> None:
    mini_repo.write(rel, content)
    argv = ["--root", str(mini_repo.root), "check"] + [f"--only={c}" for c in CHECKS]
    code = main(argv)
    err = capsys.readouterr().err.splitlines()
    problems = [line for line in err if not line.startswith("kb check:")]
    assert code == 1
    assert problems == [expected]


def test_clean_mini_repo_passes(mini_repo: MiniRepo, capsys) -> None:
    code = main(["--root", str(mini_repo.root), "check"] + [f"--only={c}" for c in CHECKS])
    assert code == 0, capsys.readouterr().err
