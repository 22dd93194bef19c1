"""Shared by the browser benchmarks: build the site, serve it like a static host, start Chromium.

The server compresses text responses with gzip when the browser asks for it (as GitHub Pages,
S3 + CloudFront or nginx with `gzip on` do), so transferred bytes are what a reader pays.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import mimetypes
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".mjs"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def build_site(target: Path | None = None) -> Path:
    """Build the repository's site strictly into `target` (a temp folder by default); exit on failure."""
    target = target or Path(tempfile.mkdtemp(prefix="kb-bench-site-"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.stderr.write(result.stderr[-2000:])
        raise SystemExit(1)
    return target


class _StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static file handler that gzips text responses on request, like a typical host."""

    cache: ClassVar[dict[Path, bytes]] = {}  # one compressed copy per file, shared by requests

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            return super().send_head()  # redirect or index.html, handled by the base class
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or path.suffix not in COMPRESSIBLE or not wants_gzip:
            return super().send_head()
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return _Body(body)

    def do_GET(self):
        # The base class reads the file object send_head returns; for gzip that is _Body.
        f = self.send_head()
        if f:
            try:
                shutil.copyfileobj(f, self.wfile)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                f.close()


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk, self._pos = self._data[self._pos : end], min(end, len(self._data))
        return chunk

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve_compressed(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 with gzip like a static host; yields the base URL."""
    handler = functools.partial(_StaticHost, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    """The Debian Chromium (or $CHROMIUM); exits with a clear line when there is none."""
    for name in filter(None, [os.environ.get("CHROMIUM"), "chromium", "chromium-browser"]):
        found = shutil.which(name)
        if found:
            return found
    sys.stderr.write("chromium not found: see `make deps-system`\n")
    raise SystemExit(2)
