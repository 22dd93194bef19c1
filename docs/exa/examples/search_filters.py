"""Narrow a search: trusted domains, a publication window, a phrase, capped text per page."""

import os

from exa_py import Exa

exa = Exa(
    api_key=os.environ["EXA_API_KEY"],
    base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
    timeout=30,
)

response = exa.search(
    "terraform state locking with S3",
    type="auto",
    num_results=5,
    include_domains=["developer.hashicorp.com", "docs.aws.amazon.com"],
    start_published_date="2025-01-01T00:00:00.000Z",
    include_text=["use_lockfile"],  # one phrase of at most five words
    contents={"text": {"max_characters": 2000}, "max_age_hours": 168},
)

for result in response.results:
    print(f"{result.published_date or 'undated'}  {result.url}  {len(result.text or '')} chars")
