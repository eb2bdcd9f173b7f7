"""A webhook receiver over a real socket that keeps each form posted to it: a provider's callbacks, seen by a test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs


class FormHook:
    """The forms received, oldest first, and the URL they are posted to."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.received: list[dict[str, str]] = []


@contextmanager
def form_hook(path: str = "/hooks/sms") -> Iterator[FormHook]:
    """Serves ``path`` on a free 127.0.0.1 port, answering 200 to each form, until the block ends."""
    hook: FormHook

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            hook.received.append({key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet: the test reads what was received."""

    server = HTTPServer(("127.0.0.1", 0), Handler)
    hook = FormHook(f"http://127.0.0.1:{server.server_address[1]}{path}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
