"""Write the offline incident bundle: runbooks, incident response, escalation and access pages.

Builds those pages with MkDocs and Material's offline plugin into a zip that opens from
`file://` with no network, search included (Material's lunr worker runs through the vendored
third_party/iframe-worker shim). The bundle carries MANIFEST.sha256 (`sha256sum -c` format) and
bundle.json with its page list and a "valid until" date: the earliest next-review date among its
pages, after which someone must rebuild it. Links to pages outside the bundle point at the
published site and are marked as needing the network.

    kb bundle [--output dist/plasma-incident-bundle.zip]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

from kb.model.pages import load_pages

DEFAULT_OUTPUT = "dist/plasma-incident-bundle.zip"
#: Pages (under docs/) that go into the bundle, in navigation order.
SECTIONS = {
    "Runbooks": ["devops/runbooks/README.md", "devops/runbooks/*.md"],
    "Incident response": ["devops/incident-response/README.md", "devops/incident-response/*.md"],
    "Escalation and access": ["devops/owners.md", "devops/alerts.md", "**/*access*.md"],
}
COPY = ["docs/assets", "macros", "overrides", "infra", "third_party", "mkdocs.yml"]
SHIM = "third_party/iframe-worker/shim.js"
SYNONYMS = "docs/assets/search/synonyms.json"
_HREF = re.compile(r'(href=")([^"#?]+)((?:[?#][^"]*)?")')


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bundle", help=__doc__.splitlines()[0], description=__doc__)
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help=f"zip to write ({DEFAULT_OUTPUT})")
    parser.set_defaults(func=run)


def select_pages(srcs: list[str]) -> dict[str, list[str]]:
    """The bundle's pages by section, each page once, from the list of page paths under docs/."""
    chosen: dict[str, list[str]] = {}
    seen: set[str] = set()
    for title, patterns in SECTIONS.items():
        picked = []
        for pattern in patterns:
            for src in sorted(srcs):
                if src not in seen and fnmatch.fnmatch(src, pattern):
                    picked.append(src)
                    seen.add(src)
        chosen[title] = picked
    return chosen


def _nav_title(src: str, titles: dict[str, str]) -> str:
    return titles.get(src, Path(src).stem)


def run(args: argparse.Namespace) -> int:
    repo = args.repo
    root = Path(repo.root)
    pages = {p.src: p for p in load_pages(repo) if p.meta is not None}
    sections = select_pages(list(pages))
    included = [src for srcs in sections.values() for src in srcs]
    due = {src: pages[src].meta.review_due() for src in included}
    valid_until = min(due.values())
    first = min(due, key=lambda s: due[s])
    titles = {src: pages[src].meta.title for src in included}

    with tempfile.TemporaryDirectory(prefix="kb-bundle-") as tmp:
        work = Path(tmp, "src")
        for item in COPY:
            source = root / item
            target = work / item
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        for src in included:
            target = work / "docs" / src
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / "docs" / src, target)
        for data in (root / "docs").rglob("*.yml"):  # data files the macros read
            target = work / data.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(data, target)
        js = work / "docs/assets/javascripts"
        shutil.copy2(root / SHIM, js / "iframe-worker-shim.js")
        groups = json.loads((root / SYNONYMS).read_text(encoding="utf-8"))["groups"]
        (work / "docs/assets/search/synonyms.js").write_text(
            "// The search synonyms for file:// (fetch is not allowed there); from "
            f"{SYNONYMS}.\nwindow.__kbSynonyms = {json.dumps(groups)};\n",
            encoding="utf-8",
        )
        (work / "docs/index.md").write_text(
            _landing(sections, titles, valid_until, first, repo.today), encoding="utf-8"
        )
        config = _config(root, sections, titles)
        (work / "mkdocs.bundle.yml").write_text(config, encoding="utf-8")
        site = Path(tmp, "site")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_TODAY": repo.today.isoformat()}
        result = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.bundle.yml",
             "-d", str(site)],
            cwd=work, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            sys.stderr.write(result.stderr[-3000:])
            print("mkdocs.yml:1: bundle build failed (output above)", file=sys.stderr)
            return 1
        site_url = _site_url(root)
        for page in site.rglob("*.html"):
            _point_outside_links_online(page, site, site_url)
        (site / "bundle.json").write_text(
            json.dumps(
                {
                    "built": repo.today.isoformat(),
                    "valid_until": valid_until.isoformat(),
                    "valid_until_set_by": f"docs/{first}",
                    "pages": [f"docs/{src}" for src in included],
                    "open": "index.html",
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        manifest = "".join(
            f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(site).as_posix()}\n"
            for f in sorted(site.rglob("*"))
            if f.is_file()
        )
        (site / "MANIFEST.sha256").write_text(manifest, encoding="utf-8")
        output = Path(args.output)
        output = output if output.is_absolute() else Path.cwd() / output
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.tmp")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for f in sorted(site.rglob("*")):
                if f.is_file():
                    info = zipfile.ZipInfo(
                        f"plasma-incident-bundle/{f.relative_to(site).as_posix()}",
                        date_time=(repo.today.year, repo.today.month, repo.today.day, 0, 0, 0),
                    )
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, f.read_bytes())
        partial.replace(output)
    print(
        f"{output}: {len(included)} pages, valid until {valid_until} (docs/{first})",
        file=sys.stderr,
    )
    return 0


def _site_url(root: Path) -> str:
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^site_url:\s*(\S+)", text, re.M)
    return match[1].rstrip("/") + "/" if match else ""


def _landing(sections, titles, valid_until, first, today) -> str:
    lines = [
        "---",
        "title: Offline incident bundle",
        "kind: page",
        'owner: "@sre-team"',
        "status: active",
        f"last_reviewed: {today.isoformat()}",
        "review_every: 30d",
        "---",
        "",
        "# Offline incident bundle",
        "",
        f"Built {today.isoformat()}. **Valid until {valid_until.isoformat()}**: the first",
        f"review due among these pages (`docs/{first}`); after that, rebuild it with",
        "`make bundle`. Every file is listed with its SHA-256 in `MANIFEST.sha256`",
        "(`sha256sum -c MANIFEST.sha256`). Links marked *online* need the network.",
        "",
    ]
    for title, srcs in sections.items():
        lines += [f"## {title}", ""]
        lines += [f"- [{titles[s]}]({s})" for s in srcs]
        lines.append("")
    return "\n".join(lines)


def _config(root: Path, sections, titles) -> str:
    nav = [{"Offline incident bundle": "index.md"}]
    for title, srcs in sections.items():
        nav.append({title: [{_nav_title(s, titles): s} for s in srcs]})
    base = yaml.safe_load(
        re.sub(r"!!python/name:[\w.]+", "", (root / "mkdocs.yml").read_text(encoding="utf-8"))
    )
    search = next(p["search"] for p in base["plugins"] if isinstance(p, dict) and "search" in p)
    macros = next(p["macros"] for p in base["plugins"] if isinstance(p, dict) and "macros" in p)
    config = {
        "INHERIT": "mkdocs.yml",
        "site_name": "Plasma Engine incident bundle",
        "strict": False,
        "use_directory_urls": False,
        "watch": [],
        "nav": nav,
        "not_in_nav": "",
        "plugins": [{"search": search}, {"macros": macros}, "offline"],
        "extra": {
            "polyfills": ["assets/javascripts/iframe-worker-shim.js"],
            # The shim starts the search worker from an inline script (overrides/main.html).
            "csp_script_src": "'self' 'unsafe-inline'",
            "status": base.get("extra", {}).get("status", {}),
        },
        "extra_javascript": [*base.get("extra_javascript", []), "assets/search/synonyms.js"],
        # Links to pages left out are rewritten to the published site after the build.
        "validation": {
            "nav": {"omitted_files": "info", "not_found": "info"},
            "links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"},
        },
    }
    return "# Written by `kb bundle` into a temporary folder; never committed.\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True
    )


def _point_outside_links_online(page: Path, site: Path, site_url: str) -> None:
    text = page.read_text(encoding="utf-8")
    here = page.parent

    def fix(match: re.Match) -> str:
        target = html.unescape(match[2])
        if re.match(r"^[a-z]+:", target) or target.startswith("/"):
            return match[0]
        resolved = (here / target).resolve()
        if resolved.exists():
            return match[0]
        rel = posixpath.normpath((here / target).relative_to(site).as_posix())
        rel = re.sub(r"(^|/)index\.html$", r"\1", re.sub(r"\.html$", "/", rel))
        rel = rel.removesuffix("README/")
        url = html.escape(site_url + rel, quote=True)
        return (
            f'class="kb-online" title="Needs the network: published site" {match[1]}{url}{match[3]}'
        )

    new = _HREF.sub(fix, text)
    if new != text:
        page.write_text(new, encoding="utf-8")
