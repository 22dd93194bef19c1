"""How much the macros add to `mkdocs build`, and how build time grows with the number of pages.

Generates a synthetic knowledge base of N pages (each calling `page_header()` and the listing
macro `recent_activity()`; owners, activity-log entries, TODOs and reference records scaled with
N), then times the build with the macros plugin and with it removed (same pages, macros left as
text), for each N. Prints medians, the macros/no-macros ratio and the per-page cost.

    python benchmarks/build_scale.py [--sizes 100 1000] [--repeat 3] [--no-zensical]

Then, from one run each, compares a cold `mkdocs build` of the same synthetic pages (a new
process, macros included) with a cold `zensical build --clean` (Zensical 0.0.73, which runs the
same macros module) and prints ours over Zensical's as a ratio.

Targets: macros add at most 10 % and per-page cost stays flat as N grows (linear total cost);
at 1,000 pages our cold build is no slower than Zensical's (ratio <= 1.0).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

MKDOCS = """\
site_name: Scale test
site_url: https://kb.example.org/
theme:
  name: material
  font: false
  # The real mkdocs.yml's theme features (read from it, so the two cannot drift). With tabs and
  # pruning, a page renders its own tab's nav and the other tabs' titles; without them, every
  # page renders every other page's nav entry and the build is O(N^2) in Material's nav template.
  features:
{features}
plugins:
  - search
{macros}markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def real_features() -> str:
    """The `theme.features` of the repository's mkdocs.yml, as YAML list lines for MKDOCS."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"!!python/name:[\w.]+", "", text)  # tags MkDocs resolves; not needed here
    features = yaml.safe_load(text)["theme"]["features"]
    return "\n".join(f"    - {feature}" for feature in features)


MACROS_PLUGIN = """\
  - macros:
      module_name: {module}
      render_by_default: false
      on_undefined: strict
      on_error_fail: true
"""

PAGE = """\
---
title: Page {n}
kind: playbook
owner: "{owner}"
status: active
last_reviewed: 2026-{month:02d}-01
review_every: 90d
lifecycle: deploy
tags: [deploy]
sources: [source-{n}]
render_macros: true
---

# Page {n}

{{{{ page_header() }}}}

Step one, step two and step three of procedure {n}, with a command:

```sh
kubectl -n gateway rollout status deploy/gateway-edge --timeout=300s
```

<!-- TODO({owner}): tune the threshold for page {n} — after a month of data [PE-{n}] -->

## Recent changes

{{{{ recent_activity(n=5) }}}}
"""


# The same macro names doing nothing: what mkdocs-macros itself costs (it compiles and renders
# every opted-in page as a Jinja template), so our renderers' own share can be told apart.
NULL_MACROS = """\
def define_env(env):
    for name in ("page_header", "recent_activity", "owners_table", "reference_catalogue"):
        env.macro(lambda *args, **kwargs: "", name)
"""

VARIANTS = {"none": "without macros", "null": "plugin only", "kb": "with macros"}


def page_src(i: int) -> str:
    """Where synthetic page `i` lives under docs/."""
    return f"area-{i // 100:02d}/page-{i}.md"


def generate(root: Path, n: int) -> None:
    """Write a synthetic knowledge base with `n` pages under `root`."""
    (root / "docs/devops").mkdir(parents=True)
    shutil.copytree(ROOT / "macros", root / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "nullmacros").mkdir()
    (root / "nullmacros/__init__.py").write_text(NULL_MACROS)
    (root / "pyproject.toml").write_text("[project]\nname = 'scale'\nversion = '0'\n")
    owners = yaml.safe_load((ROOT / "docs/devops/owners.yml").read_text(encoding="utf-8"))
    (root / "docs/devops/owners.yml").write_text(yaml.safe_dump(owners))
    handles = [team["handle"] for team in owners["teams"]]
    for name in ("owners.md", "references.md"):
        shutil.copy(ROOT / "docs/devops" / name, root / "docs/devops" / name)
    log = [(ROOT / "docs/devops/activity-log.md").read_text(encoding="utf-8").split("\n## ")[0]]
    for i in range(max(1, n // 10)):
        log.append(
            f"## 2026-01-{1 + i % 28:02d} — Change {i}\n\n- **Area:** scale\n"
            f"- **Owner:** @platform-team\n- **Files:**\n    - `docs/{page_src(i)}`\n"
            f"- **Commands:**\n    - `make test` — ok\n- **Outcome:** done {i}\n"
            "- **Next steps:** none\n"
        )
    # Entries must be oldest first: sort by the date in each heading.
    head, entries = log[0], sorted(log[1:], key=lambda e: e[3:13])
    (root / "docs/devops/activity-log.md").write_text(
        head.rstrip("\n") + "\n\n" + "\n".join(entries)
    )
    refs = root / "third_party/references/scale"
    refs.mkdir(parents=True)
    for i in range(n):
        record = {
            "id": f"source-{i}",
            "title": f"Source {i}",
            "url": f"https://example.org/{i}",
            "publisher": "Example",
            "retrieved": "2026-11-24",
            "licence": "CC BY 4.0",
            "summary": f"Summary {i}.",
            "content_sha256": f"{i:064x}",
        }
        (refs / f"source-{i}.yaml").write_text(yaml.safe_dump(record, sort_keys=False))
        # Pages sit in folders of 100, one nav section each, like the real site's areas.
        (root / "docs" / page_src(i)).parent.mkdir(exist_ok=True)
        (root / "docs" / page_src(i)).write_text(
            PAGE.format(n=i, owner=handles[i % len(handles)], month=1 + i % 11)
        )
    (root / "docs/index.md").write_text(
        '---\ntitle: Home\nkind: page\nowner: "@platform-team"\nstatus: active\n'
        "last_reviewed: 2026-11-24\nreview_every: 90d\n---\n\n# Home\n"
    )


def build_once(root: Path, variant: str) -> float:
    """Seconds for one in-process `mkdocs build` (config loading included)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    plugin = {
        "none": "",
        "null": MACROS_PLUGIN.format(module="nullmacros"),
        "kb": MACROS_PLUGIN.format(module="macros"),
    }[variant]
    (root / "mkdocs.yml").write_text(MKDOCS.format(features=real_features(), macros=plugin))
    site = root / "site"
    shutil.rmtree(site, ignore_errors=True)
    # The macros module is imported fresh each time, as in a new mkdocs process (the kb package
    # stays imported, as it would in `mkdocs serve`).
    for name in [m for m in sys.modules if m.split(".")[0] in {"macros", "nullmacros"}]:
        del sys.modules[name]
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        build(config)
    return time.perf_counter() - started


def cold_build(root: Path, engine: str) -> float:
    """Seconds for one build in a fresh process: `mkdocs build` or `zensical build --clean`."""
    import subprocess

    bin_dir = Path(sys.executable).parent
    (root / "mkdocs.yml").write_text(
        MKDOCS.format(features=real_features(), macros=MACROS_PLUGIN.format(module="macros"))
    )
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    if engine == "mkdocs":
        command = [str(bin_dir / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"]
    else:
        command = [str(bin_dir / "zensical"), "build", "--clean", "-f", "mkdocs.yml"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or not (root / "site/area-00/page-1/index.html").is_file():
        raise RuntimeError(f"{engine} build failed:\n{(result.stdout + result.stderr)[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-zensical", action="store_true", help="skip the Zensical comparison")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    os.environ.setdefault("KB_TODAY", "2026-11-24")
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    rows = []
    zensical_rows: list[tuple[int, float, float]] = []
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"kb-scale-{n}-") as tmp:
            root = Path(tmp)
            generate(root, n)
            if not args.no_zensical:
                ours, theirs = cold_build(root, "mkdocs"), cold_build(root, "zensical")
                zensical_rows.append((n, ours, theirs))
                print(
                    f"N={n:5d}  cold build: ours (mkdocs + macros) {ours:7.2f} s   zensical "
                    f"{theirs:7.2f} s   ratio ours/zensical {ours / theirs:5.2f} (one run each)",
                    flush=True,
                )
            build_once(root, "kb")  # warm caches (imports, Material templates)
            timings: dict[str, list[float]] = {v: [] for v in VARIANTS}
            for _ in range(args.repeat):
                for variant in VARIANTS:  # interleaved so machine noise hits all alike
                    timings[variant].append(build_once(root, variant))
            med = {v: statistics.median(t) for v, t in timings.items()}
            without, null, with_m = med["none"], med["null"], med["kb"]
            rows.append((n, without, with_m))
            print(
                f"N={n:5d}  without macros {without:7.2f} s   plugin only {null:7.2f} s   "
                f"with macros {with_m:7.2f} s   ratio {with_m / without:5.3f} "
                f"(plugin {null / without:5.3f}, our renderers {with_m / null:5.3f})   "
                f"macro cost per page {1000 * (with_m - without) / n:5.2f} ms "
                f"(median of {args.repeat})",
                flush=True,
            )
    if len(rows) > 1:
        (n0, b0, t0), (n1, b1, t1) = rows[0], rows[-1]
        print(
            f"growth: N x{n1 / n0:.0f} -> build x{t1 / t0:.2f}, macro cost x"
            f"{(t1 - b1) / (t0 - b0):.2f} (1 = constant, {n1 / n0:.0f} = linear)"
        )
    worst = max(w / wo for _, wo, w in rows)
    print(f"macro overhead: worst ratio {worst:.3f} (target <= 1.10)")
    for n, ours, theirs in zensical_rows:
        if n == 1000:
            verdict = "met" if ours <= theirs else "MISSED"
            print(
                f"cold build vs Zensical at 1000 pages: {ours / theirs:.2f} (target <= 1.0: {verdict})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
