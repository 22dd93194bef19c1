"""Call Exa over plain HTTP with our retry policy: 429, 5xx and timeouts only, with backoff."""

import os
import random
import time

import httpx

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 5
BASE_DELAY_S, MAX_DELAY_S = 1.0, 30.0


def retry_delay(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait before the next attempt: Exa's Retry-After if given, else backoff."""
    if retry_after:
        try:
            return min(float(retry_after), MAX_DELAY_S)
        except ValueError:
            pass  # an HTTP date: fall back to our own backoff
    return min(BASE_DELAY_S * 2**attempt, MAX_DELAY_S) * random.uniform(0.5, 1.0)  # noqa: S311


def post(client: httpx.Client, path: str, body: dict) -> dict:
    """POST `body` to `path`; retries only what can succeed later, raises on anything else."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = client.post(path, json=body)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            reason, wait = type(exc).__name__, retry_delay(attempt, None)
        else:
            if response.status_code not in RETRY_STATUSES or attempt == MAX_ATTEMPTS - 1:
                response.raise_for_status()  # 400/401/402/403/404/422: fix the request instead
                return response.json()
            reason = f"HTTP {response.status_code}"
            wait = retry_delay(attempt, response.headers.get("Retry-After"))
        print(f"attempt {attempt + 1} failed ({reason}); retrying in {wait:.1f} s")
        time.sleep(wait)
    raise RuntimeError("unreachable")


with httpx.Client(
    base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
    headers={"x-api-key": os.environ["EXA_API_KEY"]},
    timeout=httpx.Timeout(30.0, connect=5.0),
) as client:
    data = post(client, "/search", {"query": "grafana alert routing", "numResults": 3})
    print(f"{len(data['results'])} results, request {data.get('requestId')}")
