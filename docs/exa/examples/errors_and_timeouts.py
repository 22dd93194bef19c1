"""Tell exa-py's failures apart: timeouts, HTTP errors by status, and bodies that are not JSON."""

import os
import re
import sys

from exa_py import Exa, ExaTimeoutError

KEY = os.environ["EXA_API_KEY"]
exa = Exa(api_key=KEY, base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"), timeout=5)


def redact(text: str) -> str:
    """exa-py puts the response body in its error message; never let the key reach a log."""
    return text.replace(KEY, "[REDACTED]")


try:
    response = exa.search("incident review template", num_results=3)
except ExaTimeoutError:
    # No data for 5 s. Safe to retry a search; it is read-only.
    sys.exit("exa: timed out after 5 s; retry with backoff")
except ValueError as exc:
    # exa-py raises ValueError("Request failed with status code N: <body>") for HTTP errors.
    match = re.search(r"status code (\d{3})", str(exc))
    status = int(match.group(1)) if match else None
    if status in {429, 500, 502, 503, 504}:
        sys.exit(f"exa: HTTP {status}, transient; retry with backoff")
    sys.exit(f"exa: request refused ({status}); fix it, do not retry: {redact(str(exc))[:200]}")
print(f"{len(response.results)} results")
