"""A loopback HTTP server that misbehaves on purpose: trickles bytes or sends far too many.

Modes: `trickle-body` (headers at once, then one body byte every `interval` seconds),
`trickle-headers` (the status line and headers one byte at a time), `huge` (a declared 50 MB
body, streamed) and `huge-chunked` (50 MB in chunks, no length declared). `connections` counts
the requests it saw, so a test can tell whether the client retried.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time

HUGE = 50 * 1024 * 1024


class Misbehaving:
    def __init__(self, mode: str, interval: float = 1.0, body: bytes = b'{"results": []}' * 40):
        self.mode, self.interval, self.body = mode, interval, body
        self.connections = 0
        self.stopping = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer.connections += 1
                self.request.settimeout(5)
                try:
                    self.request.recv(65536)  # the request; its content does not matter
                    outer.answer(self.request)
                except OSError:
                    pass  # the client gave up, as it should

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, sock: socket.socket) -> None:
        if self.mode == "trickle-headers":
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(self.body)}\r\n\r\n".encode()
            self._trickle(sock, head + self.body)
        elif self.mode == "trickle-body":
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(self.body)}\r\n\r\n"
            )
            sock.sendall(head.encode())
            self._trickle(sock, self.body)
        elif self.mode == "huge":
            sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {HUGE}\r\n\r\n".encode())
            self._flood(sock, chunked=False)
        elif self.mode == "huge-chunked":
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            self._flood(sock, chunked=True)

    def _trickle(self, sock: socket.socket, data: bytes) -> None:
        for byte in data:
            if self.stopping.wait(self.interval):
                return
            sock.sendall(bytes([byte]))

    def _flood(self, sock: socket.socket, chunked: bool) -> None:
        block = b"a" * 65536
        for _ in range(HUGE // len(block)):
            if self.stopping.is_set():
                return
            sock.sendall(b"10000\r\n" + block + b"\r\n" if chunked else block)
        if chunked:
            sock.sendall(b"0\r\n\r\n")

    def __enter__(self) -> Misbehaving:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def run_bounded(fn, limit: float) -> tuple[bool, object]:
    """Run `fn()` on a thread; (finished within `limit` seconds, its result)."""
    box: dict[str, object] = {}
    worker = threading.Thread(target=lambda: box.update(result=fn()), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(limit)
    return (not worker.is_alive() and time.monotonic() - started <= limit), box.get("result")
