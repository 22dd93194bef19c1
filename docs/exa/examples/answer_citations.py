"""Ask /answer a question and print the answer with the sources it was written from."""

import os

from exa_py import Exa

exa = Exa(
    api_key=os.environ["EXA_API_KEY"],
    base_url=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
    timeout=60,
)

response = exa.answer("What does a Kubernetes PodDisruptionBudget protect against?")

print(response.answer)
for number, citation in enumerate(response.citations, start=1):
    print(f"[{number}] {citation.title} <{citation.url}>")
