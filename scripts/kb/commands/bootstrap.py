"""Push the Grafana dashboards and Prometheus rule groups into a running stack over HTTP.

Dashboards (infra/observability/grafana/dashboards/*.json) go to Grafana's `POST /api/dashboards/db`
with `Authorization: Bearer $GRAFANA_TOKEN`, overwriting the dashboard of the same uid. Each rule
group of infra/observability/prometheus/rules/*.yml goes, as YAML, to a Prometheus-compatible
ruler's set-rule-group endpoint `POST <ruler-url>/<namespace>`, one namespace per rule file (its
name without .yml). Pass the ruler's rules endpoint as --ruler-url: Mimir
`https://<host>/prometheus/config/v1/rules`, Cortex `https://<host>/api/v1/rules`. $RULER_TOKEN,
when set, is sent as a Bearer token; --tenant sets X-Scope-OrgID.

--dry-run lists every request it would make and sends nothing. The first failed request stops the
run with one line on stderr and exit status 1; a missing URL or token exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.model import DataError, Problem, Repository
from kb.model.alerts import load_rules

DASHBOARDS_DIR = "infra/observability/grafana/dashboards"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Request:
    """One HTTP request `kb bootstrap` makes."""

    what: str  # e.g. "dashboard plasma-gateway-slo" or "rule group gateway/gateway-health"
    url: str
    body: bytes
    content_type: str
    headers: dict[str, str]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bootstrap",
        help=__doc__.splitlines()[0],
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--grafana-url", help="Grafana base URL, e.g. https://grafana.example")
    parser.add_argument("--ruler-url", help="ruler rules endpoint (see above)")
    parser.add_argument("--folder-uid", help="Grafana folder uid for the dashboards")
    parser.add_argument("--tenant", help="tenant id sent as X-Scope-OrgID (Mimir, Cortex)")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per request (default 10)"
    )
    parser.add_argument("--dry-run", action="store_true", help="list the requests, send nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.grafana_url and not args.ruler_url:
        _err("kb bootstrap: give --grafana-url, --ruler-url or both")
        return EXIT_USAGE
    grafana_token = os.environ.get("GRAFANA_TOKEN", "")
    if args.grafana_url and not grafana_token and not args.dry_run:
        _err("kb bootstrap: set GRAFANA_TOKEN to a Grafana service-account token")
        return EXIT_USAGE
    requests: list[Request] = []
    if args.grafana_url:
        requests += dashboard_requests(args.repo, args.grafana_url, grafana_token, args.folder_uid)
    if args.ruler_url:
        requests += rule_requests(
            args.repo, args.ruler_url, os.environ.get("RULER_TOKEN", ""), args.tenant
        )
    for request in requests:
        if args.dry_run:
            _out(f"would POST {request.what} to {request.url} ({len(request.body)} bytes)")
            continue
        failure = send(request, args.timeout)
        if failure:
            _err(f"kb bootstrap: {request.what}: POST {request.url}: {failure}")
            return EXIT_FAILED
        _out(f"sent {request.what} to {request.url}")
    verb = "would send" if args.dry_run else "sent"
    _out(f"kb bootstrap: {verb} {len(requests)} request(s)")
    return EXIT_OK


def dashboard_requests(
    repo: Repository, base_url: str, token: str, folder_uid: str | None
) -> list[Request]:
    """One Grafana `POST /api/dashboards/db` per dashboard file. Raises DataError on bad JSON."""
    url = f"{base_url.rstrip('/')}/api/dashboards/db"
    found = []
    for file in sorted(Path(repo.root, DASHBOARDS_DIR).glob("*.json")):
        rel = repo.rel(file)
        try:
            dashboard = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(Problem(rel, exc.lineno, f"invalid JSON: {exc.msg}")) from None
        if not isinstance(dashboard, dict) or not dashboard.get("uid"):
            raise DataError(Problem(rel, 1, "a dashboard needs a 'uid'"))
        # id null: Grafana matches on uid, so the same file updates the same dashboard everywhere.
        payload: dict[str, Any] = {
            "dashboard": {**dashboard, "id": None},
            "overwrite": True,
            "message": f"kb bootstrap from {rel}",
        }
        if folder_uid:
            payload["folderUid"] = folder_uid
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        found.append(
            Request(
                f"dashboard {dashboard['uid']}",
                url,
                json.dumps(payload, sort_keys=True).encode(),
                "application/json",
                headers,
            )
        )
    return found


def rule_requests(
    repo: Repository, ruler_url: str, token: str, tenant: str | None
) -> list[Request]:
    """One set-rule-group POST per rule group, namespaced by rule file. Raises DataError."""
    rules = load_rules(repo).or_raise()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if tenant:
        headers["X-Scope-OrgID"] = tenant
    found = []
    for entry in rules.groups:
        namespace = Path(entry["file"]).stem
        url = f"{ruler_url.rstrip('/')}/{urllib.parse.quote(namespace, safe='')}"
        body = yaml.dump(_plain(entry["group"]), Dumper=_BlockDumper, sort_keys=False)
        found.append(
            Request(
                f"rule group {namespace}/{entry['name']}",
                url,
                body.encode(),
                "application/yaml",
                dict(headers),
            )
        )
    return found


def send(request: Request, timeout: float) -> str:
    """POST `request`; returns "" on a 2xx answer, else a one-line reason."""
    http = urllib.request.Request(  # noqa: S310 - URLs come from the operator's own flags
        request.url,
        data=request.body,
        method="POST",
        headers={"Content-Type": request.content_type, **request.headers},
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:  # noqa: S310
            response.read()
            return ""
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
        return f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"cannot connect: {reason}"


def _plain(value: Any) -> Any:
    """The loader's line-tracking dicts and lists as plain ones, which PyYAML can dump."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _BlockDumper(yaml.SafeDumper):
    """Multi-line PromQL stays a readable `|` block in what the ruler stores."""


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str)


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
