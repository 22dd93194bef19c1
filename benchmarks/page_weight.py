"""What a page costs a reader on a slow phone link: bytes transferred, first command, full load.

Builds the site, serves it gzip-compressed like a static host, and opens one page of each kind in
Chromium with an emulated 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency link (CDP
Network.emulateNetworkConditions) and an empty cache. For each page prints the median over
`--repeat` runs of: KiB transferred until the network is idle, the time until the first command
block is laid out (and how far down the page it sits), the load event, and network idle.

    python benchmarks/page_weight.py [--site DIR] [--repeat 3]

Targets for a runbook: under 300 KiB transferred, first command within 1.5 s, loaded within 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import CHROMIUM_FLAGS, build_site, chromium_path, serve_compressed

PAGES = {
    "home": "",
    "runbook": "devops/runbooks/redisdown/",
    "exa endpoint": "exa/endpoints/search/",
    "lifecycle (diagram)": "devops/lifecycle/",
    "escalation": "devops/incident-response/escalation/",
}
LINK = {"latency": 150, "down_kbit": 1600, "up_kbit": 750}
TARGETS = {"kib": 300, "first_command_s": 1.5, "load_s": 3.0}

# Records when the first command block in the article is laid out (not just parsed): the first
# animation frame in which it has a size, which is when the browser can paint it.
FIRST_COMMAND_PROBE = """
(() => {
  const tick = () => {
    const block = document.querySelector("article pre > code");
    if (block && block.getBoundingClientRect().height > 0) {
      window.__firstCommand = {t: performance.now(),
        y: block.getBoundingClientRect().top + window.scrollY};
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def measure(browser, url: str) -> dict[str, float]:
    """Open `url` once on the emulated link with a cold cache; return the figures for one run."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.add_init_script(FIRST_COMMAND_PROBE)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LINK["latency"],
            "downloadThroughput": LINK["down_kbit"] * 1000 / 8,
            "uploadThroughput": LINK["up_kbit"] * 1000 / 8,
        },
    )
    transferred: dict[str, float] = {}
    last_finish = [0.0]
    cdp.on(
        "Network.loadingFinished",
        lambda e: (
            transferred.__setitem__(e["requestId"], e["encodedDataLength"]),
            last_finish.__setitem__(0, time.monotonic()),
        ),
    )
    start = time.monotonic()
    page.goto(url, wait_until="load")
    load_s = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd / 1000; }"
    )
    page.wait_for_load_state("networkidle")
    idle_s = max(last_finish[0] - start, load_s)
    probe = page.evaluate("() => window.__firstCommand || null")
    context.close()
    return {
        "kib": sum(transferred.values()) / 1024,
        "requests": len(transferred),
        "first_command_s": probe["t"] / 1000 if probe else float("nan"),
        "first_command_screens": probe["y"] / 844 if probe else float("nan"),
        "load_s": load_s,
        "idle_s": idle_s,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print one line per page kind; exit 1 if a runbook misses a target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    site = args.site or build_site()

    from playwright.sync_api import sync_playwright

    print(
        f"link: {LINK['down_kbit'] / 1000} Mbit/s down, {LINK['latency']} ms latency, gzip, "
        f"cold cache, 390x844 viewport; medians of {args.repeat} runs"
    )
    header = f"{'page':22} {'KiB':>7} {'reqs':>5} {'1st cmd s':>9} {'screens':>7} {'load s':>7} {'idle s':>7}"
    print(header)
    missed = []
    with serve_compressed(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for kind, path in PAGES.items():
            runs = [measure(browser, base + path) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(
                f"{kind:22} {med['kib']:7.0f} {med['requests']:5.0f} "
                f"{med['first_command_s']:9.2f} {med['first_command_screens']:7.1f} "
                f"{med['load_s']:7.2f} {med['idle_s']:7.2f}"
            )
            if kind == "runbook":
                missed = [k for k, limit in TARGETS.items() if not med[k] <= limit]
        browser.close()
    limits = ", ".join(f"{k} <= {v}" for k, v in TARGETS.items())
    print(f"runbook targets ({limits}): {'met' if not missed else 'MISSED: ' + ', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
