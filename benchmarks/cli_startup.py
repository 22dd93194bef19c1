"""What `kb` costs to start: `kb --help` and `kb check`, with lazy imports and with eager ones.

`kb refresh` needs exa-py (which imports openai) and `kb mirror` needs httpx and the OpenAPI
validator; every other command, and the pre-commit hook's `kb check`, should not pay for them.
Each case runs in a fresh interpreter. "eager" imports the refresh and mirror packages first
(what every command paid when the subcommand modules imported them at the top), "lazy" is `kb`
as shipped. Prints the median wall time of each and the eager/lazy ratio, and fails (exit 1)
when a lazy run has imported exa-py or openai.

    python benchmarks/cli_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = (
    "import sys\n"
    "{eager}"
    "from kb.cli import main\n"
    "try:\n"
    "    main({argv!r})\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = [m for m in ('exa_py', 'openai') if m in sys.modules]\n"
    "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
)
EAGER = "import kb.refresh, kb.mirror\n"
CASES = {
    "kb --help": ["--help"],
    "kb check (one check)": ["check", "--only", "owners"],
}


def once(argv: list[str], eager: bool) -> tuple[float, str]:
    code = RUN.format(eager=EAGER if eager else "", argv=argv)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    heavy = next((line[6:] for line in done.stderr.splitlines() if line.startswith("HEAVY=")), "?")
    return elapsed, heavy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    failed = False
    print(
        f"{'case':24} {'eager median':>13} {'lazy median':>12} {'ratio':>6}  heavy modules (lazy)"
    )
    for name, argv in CASES.items():
        eager, lazy, heavy = [], [], set()
        for _ in range(args.repeat):
            eager.append(once(argv, eager=True)[0])
            seconds, loaded = once(argv, eager=False)
            lazy.append(seconds)
            heavy.add(loaded)
        e, la = statistics.median(eager), statistics.median(lazy)
        shown = ",".join(sorted(h for h in heavy if h)) or "none"
        print(f"{name:24} {e:12.3f}s {la:11.3f}s {e / la:5.2f}x  {shown}")
        failed |= shown != "none"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
