"""The block extractor and classifier of the model layer (no services needed)."""

from __future__ import annotations

from pathlib import Path

from kb.model.blocks import extract, split_commands
from kb.model.catalogue import load_catalogue
from kb.model.repo import Repository
from tests.conftest import ROOT

PAGE = """\
# Page

## Diagnosis

```promql
up == 0
```

1. A step:

    ```bash
    DB=plasma-prod-postgres   # staging: plasma-staging-postgres
    HOST=$(aws rds describe-db-instances --db-instance-identifier "$DB" \\
      --query 'DBInstances[0].Endpoint.Address' --output text)
    kubectl -n gateway logs deploy/gateway-edge -c gateway --since=15m 2>&1 | tail -5
    aws elasticache modify-replication-group --cache-node-type <next-size-up>
    ```

```bash
--8<-- "docs/exa/examples/curl_search.sh"
```

```text
not a command
```
"""


def test_blocks_are_extracted_with_lines_sections_and_kinds(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    blocks = extract(page, "docs/page.md")
    assert [(b.index, b.line, b.kind, b.section) for b in blocks] == [
        (1, 5, "promql", "Diagnosis"),
        (2, 11, "shell", "Diagnosis"),
        (3, 19, "snippet", "Diagnosis"),
        (4, 23, "sample", "Diagnosis"),
    ]
    assert blocks[2].snippet == "docs/exa/examples/curl_search.sh"
    shell = blocks[1]
    assert shell.where == "docs/page.md:11: block 2"
    assert shell.assignments == {"DB": "plasma-prod-postgres"}
    names = [(c.name, c.line) for c in shell.commands]
    # The command inside $( … ) is found too, on the line where its logical line starts.
    assert names == [("aws", 13), ("kubectl", 15), ("tail", 15), ("aws", 16)]
    aws = shell.commands[-1]
    assert aws.argv[-1] == "PLACEHOLDER_next_size_up"
    assert "2>&1" not in " ".join(shell.commands[1].argv)


def test_loops_and_conditionals_yield_their_commands():
    commands, _ = split_commands(
        'for p in $(kubectl -n gateway get pods -o name); do\n  kubectl -n gateway describe "$p"\ndone',
        1,
    )
    assert [c.argv[:3] for c in commands] == [
        ("kubectl", "-n", "gateway"),
        ("kubectl", "-n", "gateway"),
    ]


def test_the_catalogue_comes_from_terraform_manifests_alertmanager_and_owners():
    cat = load_catalogue(Repository(ROOT))
    assert cat.has("db_instance", "plasma-prod-postgres")
    assert cat.has("db_subnet_group", "plasma-prod")
    assert cat.has("db_parameter_group", "plasma-prod-postgres15")
    assert cat.has("redis_group", "plasma-prod-redis")
    assert cat.has("aws_secret", "plasma-prod/redis/auth-token")
    assert cat.has("namespace", "gateway") and not cat.has("namespace", "gateway-prod")
    assert cat.has("deployment", "gateway/gateway-edge")
    assert cat.has("container", "gateway/gateway-graphql")
    assert cat.has("argocd_app", "gateway") and not cat.has("argocd_app", "gateway-production")
    assert cat.has("pagerduty_service", "plasma-gateway")
    assert cat.has("receiver", "pagerduty-gateway")
    assert cat.self_healed["gateway"] == {"gateway", "gateway-staging"}
