"""Fetch pages with /contents and handle the URLs that failed inside a 200 response."""

import os

from exa_py import Exa

exa = Exa(
    api_key=os.environ["EXA_API_KEY"],
    base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
    timeout=60,
)

urls = [
    "https://docs.example.com/runbooks/gateway-latency",
    "https://docs.example.com/missing-page",
]
response = exa.get_contents(urls, text={"max_characters": 1000}, max_age_hours=24)

for result in response.results:
    print(f"ok      {result.url}: {len(result.text or '')} chars")
# A 200 response can still carry failed URLs: each has its own status.
retry_later = {"CRAWL_TIMEOUT", "CRAWL_LIVECRAWL_TIMEOUT", "CRAWL_UNKNOWN_ERROR"}
for status in response.statuses or []:
    if status.status == "error":
        tag = status.error.tag if status.error else "unknown"
        action = "retry later" if tag in retry_later else "drop it"
        print(f"failed  {status.id}: {tag} -> {action}")
