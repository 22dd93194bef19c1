"""A loopback HTTP server standing in for Grafana and a ruler: it records every request.

`answer` maps a path prefix to the status code to return (default 200), so a test can make one
endpoint fail. Requests are recorded as `Recorded(method, path, headers, body)`.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeStack:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    answer: dict[str, int] = field(default_factory=dict)


@contextlib.contextmanager
def fake_stack() -> Iterator[FakeStack]:
    """Serve on 127.0.0.1 (a free port) until the block ends."""
    stack = FakeStack(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            stack.requests.append(
                Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = next(
                (code for prefix, code in stack.answer.items() if self.path.startswith(prefix)),
                200,
            )
            payload = b'{"status":"success"}' if status < 400 else b'{"message":"boom"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stack.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stack
    finally:
        server.shutdown()
        server.server_close()
