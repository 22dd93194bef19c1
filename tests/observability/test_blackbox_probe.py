"""The stop-gap probe SLI: the real blackbox_exporter, with our module, against a loopback /ready.

The gateway's /ready answers 200 whether or not it is ready (PE-101), so the module must fail a
200 whose body says not_ready; a plain status-code probe would report the outage as success.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, require_tool

CONFIG = ROOT / "infra/observability/blackbox/blackbox.yml"
EXPORTER_PORT = 19210


class _Ready(http.server.BaseHTTPRequestHandler):
    body = b'{"status":"ready"}'
    status = 200

    def do_GET(self) -> None:
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="module")
def gateway() -> Iterator[tuple[str, type[_Ready]]]:
    handler = type("Handler", (_Ready,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ready", handler
    server.shutdown()


@pytest.fixture(scope="module")
def exporter() -> Iterator[str]:
    binary = require_tool("prometheus-blackbox-exporter")
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={CONFIG}",
            f"--web.listen-address=127.0.0.1:{EXPORTER_PORT}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{EXPORTER_PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/-/healthy", timeout=1).close()  # noqa: S310
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"blackbox_exporter exited: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def probe(exporter: str, target: str, module: str = "http_gateway_ready") -> float:
    query = urllib.parse.urlencode({"target": target, "module": module})
    with urllib.request.urlopen(f"{exporter}/probe?{query}", timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    match = re.search(r"^probe_success (\S+)$", text, re.MULTILINE)
    assert match, text
    return float(match[1])


def test_a_ready_gateway_passes_the_probe(exporter, gateway) -> None:
    url, handler = gateway
    handler.status, handler.body = 200, b'{"status": "ready"}'
    assert probe(exporter, url) == 1


def test_a_200_that_says_not_ready_fails_the_probe(exporter, gateway) -> None:
    url, handler = gateway
    handler.status, handler.body = 200, b'{"status":"not_ready","checks":{"redis":"down"}}'
    assert probe(exporter, url) == 0
    # The plain status-code module would have called this a success: the reason for the module.
    assert probe(exporter, url, module="http_2xx") == 1


def test_a_5xx_fails_the_probe(exporter, gateway) -> None:
    url, handler = gateway
    handler.status, handler.body = 503, b'{"status":"ready"}'
    assert probe(exporter, url) == 0
