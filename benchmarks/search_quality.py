"""How often the site's own search box puts a right answer in the top three results.

Builds the site, serves it on 127.0.0.1, types every question of benchmarks/search_questions.yml
into the real search box in Chromium (Material's lunr worker, the lazy index loader and the
synonyms in docs/assets/search/synonyms.json, exactly as readers get them), and reads the first
three results. Prints each miss with what came back, the top-1 and top-3 hit rates, and the
median time from the last keystroke to results.

    python benchmarks/search_quality.py [--site DIR] [--verbose]

Target: top-3 hit rate of at least 95 %. The questions were written before the search was tuned;
improve the index, never the list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import CHROMIUM_FLAGS, build_site, chromium_path, serve_compressed

QUESTIONS = Path(__file__).with_name("search_questions.yml")
TARGET = 0.95
QUERY = "input[data-md-component=search-query]"
RESULTS = "[data-md-component=search-result] .md-search-result__item"


def page_key(path: str) -> str:
    """`devops/owners`, `devops/incident-response/README` or a result URL -> one comparable key."""
    path = urlsplit(path).path.strip("/")
    for suffix in ("/README", "/index", "README", "index"):
        if path.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
    return path


WATCH = """() => {
  window.__kbChanges = 0;
  if (!window.__kbWatch) {
    window.__kbWatch = new MutationObserver(() => window.__kbChanges++);
    const result = document.querySelector("[data-md-component=search-result]");
    window.__kbWatch.observe(result, {childList: true, subtree: true, characterData: true});
  }
}"""


def top_results(page, question: str, limit: int = 3) -> tuple[list[str], float]:
    """Type `question` into the search box; return the first `limit` result pages and the wait."""
    box = page.locator(QUERY)
    page.evaluate(WATCH)
    box.fill(question)
    start = time.monotonic()
    box.press("End")  # Material queries on keyup
    page.wait_for_function("() => window.__kbChanges > 0", timeout=20000)
    # Results render in several steps; wait until the list has been quiet for 200 ms.
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 0.2:
        changes = page.evaluate("() => window.__kbChanges")
        if changes != last:
            last, quiet_since = changes, time.monotonic()
        page.wait_for_timeout(40)
    waited = quiet_since - start
    hrefs = page.eval_on_selector_all(
        RESULTS, "(items) => items.map((li) => li.querySelector('a').getAttribute('href'))"
    )
    return [page_key(h) for h in hrefs[:limit]], waited


def main(argv: list[str] | None = None) -> int:
    """Run every question and print the hit rates; exit 1 below the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--verbose", action="store_true", help="print every question's results")
    args = parser.parse_args(argv)
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    site = args.site or build_site()

    from playwright.sync_api import sync_playwright

    top1 = top3 = 0
    waits = []
    with serve_compressed(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base, wait_until="networkidle")
        page.locator(QUERY).click()
        for item in questions:
            expected = {page_key(p) for p in item["expect"]}
            got, wait = top_results(page, item["q"])
            waits.append(wait)
            top1 += bool(got[:1]) and got[0] in expected
            hit = bool(expected & set(got))
            top3 += hit
            if args.verbose or not hit:
                mark = "ok  " if hit else "MISS"
                print(f"{mark} {item['q']!r}: {got} (want one of {sorted(expected)})")
        browser.close()
    n = len(questions)
    print(
        f"{n} questions; top-1 hit rate {top1 / n:.0%}, top-3 hit rate {top3 / n:.1%} "
        f"(target {TARGET:.0%}); median time to results {statistics.median(waits):.2f} s"
    )
    return 0 if top3 / n >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
