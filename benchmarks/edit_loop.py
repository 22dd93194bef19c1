"""How long an edit takes to show in the served site: `make serve`'s edit loop, measured end to end.

For each site size and each way of serving, starts the server on a copy of the site, waits for the
first build, then (5 times each) appends a unique marker to one page, or renames a team in the
owners registry (a data file the owners page renders), and polls the served page until the marker shows. Prints the median seconds from
write to visible, against the targets (page edit <= 1.5 s today, <= 3 s at 1,000 pages).

    python benchmarks/edit_loop.py [--sizes today 1000] [--servers dirty full zensical]
                                   [--repeat 5] [--port 19600]

Servers: `dirty` is what `make serve` runs (mkdocs serve --dirty with mkdocs.serve.yml's
hooks), `full` is plain `mkdocs serve` (every edit rebuilds every page), `zensical` is
`zensical serve`. Sizes: `today` is a copy of this repository; a number N is the synthetic
knowledge base of benchmarks/build_scale.py with N pages. The page edit changes a playbook (or
synthetic page 1); the data-file edit renames a team in owners.yml and waits for the owners
page to show the new name. The machine's load and the server's CPU seconds per edit are printed too: on a shared,
loaded machine the wall time stretches, the CPU time does not; read medians, not single runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import build_scale  # noqa: E402 - sibling module, found through the path set just above

BIN = Path(sys.executable).parent
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "site", "site-zensical", ".cache", "test-artifacts", "__pycache__",
    ".pytest_cache", ".ruff_cache",
)  # fmt: skip
SERVE_CONFIG = """\
INHERIT: mkdocs.yml
hooks:
  - {hooks}
"""
TARGETS = {"today": 1.5, "1000": 3.0}


def make_site(size: str, into: Path) -> tuple[Path, str, Path]:
    """Write the site; returns (root, URL path of the edited page, its source file)."""
    root = into / "site-src"
    if size == "today":
        shutil.copytree(ROOT, root, ignore=IGNORE)
        return root, "devops/playbooks/plan/", root / "docs/devops/playbooks/plan.md"
    build_scale.generate(root, int(size))
    (root / "mkdocs.yml").write_text(
        build_scale.MKDOCS.format(
            features=build_scale.real_features(),
            macros=build_scale.MACROS_PLUGIN.format(module="macros"),
        )
    )
    (root / "zensical.yml").write_text("INHERIT: mkdocs.yml\n")
    return root, "area-00/page-1/", root / "docs" / build_scale.page_src(1)


def server_command(kind: str, root: Path, port: int) -> list[str]:
    addr = f"127.0.0.1:{port}"
    if kind == "zensical":
        config = "zensical.yml" if (root / "zensical.yml").is_file() else "mkdocs.yml"
        return [str(BIN / "zensical"), "serve", "-f", config, "-a", addr]
    if kind == "full":
        return [str(BIN / "mkdocs"), "serve", "--dev-addr", addr]
    serve = root / "mkdocs.serve.yml"
    if not serve.is_file():  # the synthetic site: the same hooks as the repository's
        serve.write_text(SERVE_CONFIG.format(hooks=ROOT / "scripts/devx/serve_hooks.py"))
    return [str(BIN / "mkdocs"), "serve", "--dirty", "-f", str(serve), "--dev-addr", addr]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, marker: str, timeout: float) -> float | None:
    """Seconds until `marker` is in the page at `url`, polling every 20 ms; None on timeout."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = fetch(url)
        if body is not None and marker in body:
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def measure(kind: str, size: str, repeat: int, port: int, timeout: float) -> dict[str, list]:
    results: dict[str, list] = {"page": [], "data": [], "page_cpu": [], "data_cpu": []}
    with tempfile.TemporaryDirectory(prefix=f"kb-edit-{size}-") as tmp:
        root, page_url, page_file = make_site(size, Path(tmp))
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
        log = (Path(tmp) / "server.log").open("w")
        server = subprocess.Popen(
            server_command(kind, root, port),
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = None
            started = time.perf_counter()
            while base is None and time.perf_counter() - started < 600:
                for prefix in ("plasma-engine-kb/", ""):
                    body = fetch(f"http://127.0.0.1:{port}/{prefix}{page_url}")
                    if body and "Owned by" in body:
                        base = f"http://127.0.0.1:{port}/{prefix}"
                        break
                time.sleep(0.5)
            if base is None:
                raise RuntimeError(f"{kind} server never served {page_url}; see {log.name}")
            url = base + page_url
            time.sleep(2)  # let the watcher settle after the first build
            original = page_file.read_text(encoding="utf-8")
            owners = root / "docs/devops/owners.yml"
            owners_text = owners.read_text(encoding="utf-8")
            owners_url = base + "devops/owners/"
            for i in range(repeat):
                marker = f"edit-loop-marker-{i}-{time.time_ns()}"
                cpu = cpu_seconds(server.pid)
                page_file.write_text(original + f"\n{marker}\n", encoding="utf-8")
                results["page"].append(wait_for(url, marker, timeout))
                results["page_cpu"].append(cpu_seconds(server.pid) - cpu)
                page_file.write_text(original, encoding="utf-8")
                wait_for(url, "Owned by", timeout)
                time.sleep(1)
                # Data file only: rename a team; the owners page renders the name from the data.
                team = f"Platform Engineering {i}x{time.time_ns() % 10**6}"
                cpu = cpu_seconds(server.pid)
                owners.write_text(
                    owners_text.replace("name: Platform Engineering", f"name: {team}", 1), "utf-8"
                )
                results["data"].append(wait_for(owners_url, team, timeout))
                results["data_cpu"].append(cpu_seconds(server.pid) - cpu)
                owners.write_text(owners_text, encoding="utf-8")
                wait_for(owners_url, "Platform Engineering<", timeout)
                time.sleep(1)
            if None in results["page"] + results["data"]:
                log.flush()
                tail = (
                    Path(log.name).read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
                )
                print(f"{kind}/{size}: an edit never showed; the server's last lines:", flush=True)
                print("\n".join(f"    {line}" for line in tail if "[macros]" not in line))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            log.close()
    return results


def _fmt(values: list) -> str:
    done = [v for v in values if v is not None]
    if not done:
        return "   n/a (never showed)"
    missing = len(values) - len(done)
    text = f"{statistics.median(done):6.2f} s"
    return text + (f" ({missing} of {len(values)} never showed)" if missing else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["today", "1000"])
    parser.add_argument("--servers", nargs="+", default=["dirty", "full", "zensical"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=19600)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for size in args.sizes:
        for n, kind in enumerate(args.servers):
            res = measure(kind, size, args.repeat, args.port + n, args.timeout)
            target = TARGETS.get(size)
            page = [v for v in res["page"] if v is not None]
            verdict = ""
            if target and kind == "dirty" and page:
                ok = statistics.median(page) <= target and len(page) == len(res["page"])
                verdict = f"  target page <= {target} s: {'met' if ok else 'MISSED'}"
            print(
                f"size={size:>5}  server={kind:8}  page edit {_fmt(res['page'])}   "
                f"data-file edit {_fmt(res['data'])}   (median of {args.repeat}; load "
                f"{os.getloadavg()[0]:.1f}){verdict}\n{'':29}server CPU per edit (median): page "
                f"{statistics.median(res['page_cpu']):.2f} s, data file "
                f"{statistics.median(res['data_cpu']):.2f} s (what the wall time approaches on an idle "
                "machine, plus the watcher's 0.5 s polling)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
