"""The small HTTP server behind each local endpoint: bytes in, an `Answer` out, one thread per request.

Whatever a client sends (any method, a broken `Content-Length`, an overlong request line), the
endpoint answers in its own error format: problems found before `handle` runs go to `refuse`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
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

Refuse = Callable[[int, str], Answer]
"""(status, reason) → the endpoint's error answer for a request it cannot hand to `handle`."""


# How often the serving loop checks for stop(): socketserver's default 0.5 s would make every stop that slow.
_SHUTDOWN_POLL_SECONDS = 0.05


class _Server(ThreadingHTTPServer):
    # A burst of clients must queue, not be reset (socketserver's default backlog is 5).
    request_queue_size = 256
    daemon_threads = True


class LocalHttpServer:
    """Serves `handle` on 127.0.0.1 from a daemon thread; bodies over `max_body` are refused with 413."""

    def __init__(self, handle: Handle, *, name: str, max_body: int, refuse: Refuse) -> None:
        self.handle, self.name, self.max_body, self.refuse = handle, name, max_body, refuse
        self._server: _Server | None = None

    def start(self, port: int = 0, host: str = "127.0.0.1") -> int:
        """Listen (0 picks a free port) and return the port."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def __getattr__(self, name: str) -> Any:
                # Every method reaches the endpoint (TRACE, HEAD, made-up ones): it decides the answer.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def _serve(self) -> None:
                length = self._content_length()
                if length is None:
                    self.close_connection = True
                    answer = server.refuse(400, "Content-Length must be a non-negative integer")
                elif length > server.max_body:
                    self.close_connection = True
                    answer = server.refuse(413, "request body too large")
                else:
                    body = self.rfile.read(length) if length else b""
                    answer = server.handle(self.command, self.path, dict(self.headers.items()), body)
                self._send(answer)

            def _content_length(self) -> int | None:
                text = self.headers.get("Content-Length")
                if text is None:
                    return 0
                return int(text) if text.strip().isdigit() else None

            def _send(self, answer: Answer) -> None:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.status not in (204, 304):  # no body, and no length either (RFC 9110)
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                # The request line or headers could not be read (too long, malformed): no HTML page.
                self.close_connection = True
                self._send(server.refuse(code, message or HTTPStatus(code).phrase))

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = _Server((host, port), Handler)
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
            name=self.name,
            daemon=True,
        ).start()
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
