"""The small HTTP server behind each local endpoint: bytes in, an `Answer` out, one thread per request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One HTTP response."""

    status: int
    body: bytes
    headers: dict[str, str]


Handle = Callable[[str, str, dict[str, str], bytes], Answer]
"""(method, target, headers, body) → answer: the endpoint's whole logic, testable without a socket."""


class LocalHttpServer:
    """Serves `handle` on 127.0.0.1 from a daemon thread; bodies over `max_body` get `too_large()`."""

    def __init__(self, handle: Handle, *, name: str, max_body: int, too_large: Callable[[], Answer]) -> None:
        self.handle, self.name, self.max_body, self.too_large = handle, name, max_body, too_large
        self._server: ThreadingHTTPServer | None = None

    def start(self, port: int = 0, host: str = "127.0.0.1") -> int:
        """Listen (0 picks a free port) and return the port."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > server.max_body:
                    answer = server.too_large()
                    self.close_connection = True
                else:
                    body = self.rfile.read(length) if length else b""
                    answer = server.handle(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True).start()
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
