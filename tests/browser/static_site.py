"""A static web site on its own port: the raw-client page and the media it uploads, on another origin than the API."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


class StaticSite:
    """Serves fixed files (path → bytes) on 127.0.0.1 from a daemon thread; anything else is 404."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self._server: ThreadingHTTPServer | None = None
        self.origin = ""

    def add(self, path: str, data: bytes, content_type: str) -> str:
        """Publish `data` at `path`; returns its URL."""
        self.files[path] = (data, content_type)
        return self.origin + path

    def add_directory(self, directory: Path) -> None:
        for file in sorted(directory.iterdir()):
            self.add(f"/{file.name}", file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream"))

    def start(self) -> StaticSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = site.files.get(urlsplit(self.path).path)
                data, content_type = found if found else (b"not found", "text/plain")
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="browser-static-site", daemon=True).start()
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
