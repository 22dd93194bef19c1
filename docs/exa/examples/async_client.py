"""Run several searches concurrently with AsyncExa, staying under Exa's 10 QPS search limit."""

import asyncio
import os
import time

from exa_py import AsyncExa

QUERIES = ["helm rollback", "argo rollouts canary", "prometheus recording rules"]
MAX_PER_SECOND = 8  # below Exa's default 10 QPS for /search, leaving room for other clients


async def main() -> None:
    # AsyncExa names its base URL `api_base`; the sync `Exa` calls it `base_url`.
    async with AsyncExa(
        api_key=os.environ["EXA_API_KEY"],
        api_base=os.environ.get("EXA_BASE_URL", "https://api.exa.ai"),
        timeout=30,
    ) as exa:
        gate = asyncio.Semaphore(MAX_PER_SECOND)

        async def one(query: str):
            async with gate:
                started = time.monotonic()
                response = await exa.search(query, num_results=2, contents={"highlights": True})
                # Hold the slot for at least a second: at most MAX_PER_SECOND starts per second.
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
                return query, response

        for query, response in await asyncio.gather(*(one(q) for q in QUERIES)):
            print(f"{query}: {[r.url for r in response.results]}")


asyncio.run(main())
