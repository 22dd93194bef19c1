"""Search with exa-py and print the top results with their highlights and the request's cost."""

import os

from exa_py import Exa

# The key and the base URL come from the environment: never hard-code either.
exa = Exa(
    api_key=os.environ["EXA_API_KEY"],
    base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
    timeout=30,  # seconds without data; exa-py's own default is 600
)

response = exa.search(
    "kubernetes pod disruption budget best practices",
    num_results=3,
    contents={"highlights": {"max_characters": 500}},
)

for result in response.results:
    print(f"{result.title} <{result.url}>")
    for passage in result.highlights or []:
        print(f"  - {passage[:120]}")
if response.cost_dollars:
    print(f"cost: ${response.cost_dollars.total:.4f}")
