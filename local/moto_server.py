"""moto in server mode, behind a WSGI layer that makes its S3 take uploads the way S3 does.

S3 stores the bytes of a `PUT` (PutObject, UploadPart) whatever `Content-Type` the client sends.
moto's server reads a `PUT` sent as a form (`application/x-www-form-urlencoded`, the default of
`curl --data-binary` and `urllib`) as form fields: a part upload never answers and an object is
stored empty. Such a body is handed to moto as `application/octet-stream`, so it stores the bytes
it was sent.

DynamoDB transactions are atomic on AWS. moto's are not under concurrency: a failing transaction
restores a copy of the whole table taken when it began, wiping what other requests wrote
meanwhile. DynamoDB requests are therefore served one at a time (they take microseconds here).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def uploads_as_bytes(app: WsgiApp) -> WsgiApp:
    """Wrap a WSGI app so a `PUT` whose body is declared a form reaches it as plain bytes."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE", "").strip().lower()
        if environ.get("REQUEST_METHOD") == "PUT" and content_type.startswith(FORM_CONTENT_TYPES):
            environ["CONTENT_TYPE"] = "application/octet-stream"
        return app(environ, start_response)

    return wrapped


def dynamodb_one_at_a_time(app: WsgiApp) -> WsgiApp:
    """Wrap a WSGI app so DynamoDB requests (JSON protocol, `X-Amz-Target: DynamoDB_…`) never overlap."""
    lock = threading.Lock()

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return app(environ, start_response)
        with lock:
            # The whole answer is produced inside the lock: moto's is a list of bytes already.
            return list(app(environ, start_response))

    return wrapped


class LocalMotoServer:
    """moto's whole AWS in one threaded server on 127.0.0.1, uploads taken as S3 takes them."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Listen and return the endpoint URL."""
        app = dynamodb_one_at_a_time(uploads_as_bytes(DomainDispatcherApplication(create_backend_app)))
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-moto", daemon=True)
        self._thread.start()
        return f"http://{self.host}:{self._server.server_port}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread:
            self._thread.join()
            self._thread = None
