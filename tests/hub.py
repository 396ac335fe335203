"""A WebSub hub on loopback that records what publishers tell it (for tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Hub:
    url: str = ""
    pings: list[tuple[str, str]] = field(default_factory=list)
    """(hub.mode, hub.url) of every accepted request."""
    fail_next: int = 0
    """Answer this many requests with 503 before accepting again."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def topics(self) -> set[str]:
        with self.lock:
            return {topic for mode, topic in self.pings if mode == "publish"}


@contextmanager
def running_hub() -> Iterator[Hub]:
    hub = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            with hub.lock:
                if hub.fail_next > 0:
                    hub.fail_next -= 1
                    status = 503
                else:
                    form = dict(parse_qsl(body))
                    hub.pings.append((form.get("hub.mode", ""), form.get("hub.url", "")))
                    status = 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hub.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
