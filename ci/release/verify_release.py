"""Verify a deployed service before or after a release: smoke checks and the SLO burn rate.

Run by ci/release/deploy.yml before a promotion (is the environment healthy enough to change?) and
after it (did the release hold?). Standard library only, so the runner's python3 runs it as is:

  python3 ci/release/verify_release.py --base-url https://staging.example \
      --prometheus-url https://prometheus.example --service gateway --max-burn-rate 1

Checks, each printed as one `ok`/`FAIL` line:
  health   GET <base>/health answers 200.
  ready    GET <base>/ready answers 200 *and* its JSON body says "status": "ready" (the gateway
           answers 200 with {"status":"not_ready"} when it is not ready, so the code alone lies).
  burn     the availability burn rate over --window, from the recording rules of
           infra/observability/prometheus/rules/gateway-slo.yml:
           <service>:slo_availability_errors:ratio_rate<window> / (1 - <service>:slo_availability:objective)
           must be at most --max-burn-rate. No data fails unless --allow-missing-slo-data (the
           gateway exports request metrics only once PE-105 lands).
$PROMETHEUS_TOKEN, when set, is sent as a bearer token and never printed.
Exit 0 when every check passed, 1 when one failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

WINDOWS = ("5m", "30m", "1h", "6h", "3d", "30d")  # the windows the recording rules exist for


def burn_rate_query(service: str, window: str) -> str:
    """The PromQL for the availability burn rate of `service` over `window`."""
    return (
        f"{service}:slo_availability_errors:ratio_rate{window}"
        f" / (1 - {service}:slo_availability:objective)"
    )


def _get(url: str, timeout: float, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) checked in main
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def check_health(base: str, timeout: float) -> tuple[bool, str]:
    status, _ = _get(urllib.parse.urljoin(base, "health"), timeout)
    return status == 200, f"GET /health answered {status}"


def check_ready(base: str, timeout: float) -> tuple[bool, str]:
    status, body = _get(urllib.parse.urljoin(base, "ready"), timeout)
    try:
        reported = json.loads(body).get("status")
    except (ValueError, AttributeError):
        reported = None
    ok = status == 200 and reported == "ready"
    return ok, f"GET /ready answered {status} with status {reported!r} (want 200 and 'ready')"


def check_burn(
    prometheus: str, service: str, window: str, limit: float, timeout: float, allow_missing: bool
) -> tuple[bool, str]:
    query = burn_rate_query(service, window)
    url = (
        urllib.parse.urljoin(prometheus, "api/v1/query")
        + "?"
        + urllib.parse.urlencode({"query": query})
    )
    status, body = _get(url, timeout, os.environ.get("PROMETHEUS_TOKEN") or None)
    if status != 200:
        return False, f"Prometheus answered {status} for {query}"
    try:
        result = json.loads(body)["data"]["result"]
        values = [float(sample["value"][1]) for sample in result]
    except (ValueError, KeyError, TypeError, IndexError):
        return False, f"Prometheus answer is not an instant vector for {query}"
    if not values:
        verdict = "allowed by --allow-missing-slo-data" if allow_missing else "no data"
        return allow_missing, f"burn rate over {window}: {verdict} ({query})"
    worst = max(values)
    return worst <= limit, f"burn rate over {window} is {worst:.3g} (limit {limit:g})"


def _with_retries(check, attempts: int, interval: float) -> tuple[bool, str]:
    ok, message = False, ""
    for attempt in range(1, attempts + 1):
        try:
            ok, message = check()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            ok, message = False, f"unreachable: {getattr(exc, 'reason', exc)}"
        if ok or attempt == attempts:
            break
        time.sleep(interval)
    return ok, message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    parser.add_argument("--base-url", required=True, help="the service's base URL")
    parser.add_argument(
        "--prometheus-url", default="", help="Prometheus base URL; empty skips burn"
    )
    parser.add_argument(
        "--service", default="gateway", help="recording-rule prefix (default gateway)"
    )
    parser.add_argument("--window", default="1h", choices=WINDOWS, help="burn-rate window")
    parser.add_argument(
        "--max-burn-rate",
        type=float,
        default=14.4,
        help="highest acceptable burn rate (default 14.4, the fast-burn page)",
    )
    parser.add_argument(
        "--allow-missing-slo-data",
        action="store_true",
        help="pass the burn check when Prometheus has no data for the query",
    )
    parser.add_argument("--attempts", type=int, default=1, help="tries per smoke check")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between tries")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args(argv)
    for name in ("base_url", "prometheus_url"):
        value = getattr(args, name)
        if value and not re.match(r"^https?://", value):
            parser.error(f"--{name.replace('_', '-')} must be an http(s) URL")
        if value and not value.endswith("/"):
            setattr(args, name, value + "/")
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", args.service) or args.attempts < 1:
        parser.error("--service must be a lower-case name and --attempts at least 1")

    checks = [
        ("health", lambda: check_health(args.base_url, args.timeout)),
        ("ready", lambda: check_ready(args.base_url, args.timeout)),
    ]
    if args.prometheus_url:
        checks.append(
            (
                "burn",
                lambda: check_burn(
                    args.prometheus_url,
                    args.service,
                    args.window,
                    args.max_burn_rate,
                    args.timeout,
                    args.allow_missing_slo_data,
                ),
            )
        )
    failed = 0
    for name, check in checks:
        attempts = args.attempts if name != "burn" else 1
        ok, message = _with_retries(check, attempts, args.interval)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {message}")  # noqa: T201 - the report
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
