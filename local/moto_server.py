"""moto in server mode, behind a WSGI layer that makes its S3 take uploads the way S3 does.

S3 stores the bytes of a `PUT` (PutObject, UploadPart) whatever `Content-Type` the client sends.
moto's server reads a `PUT` sent as a form (`application/x-www-form-urlencoded`, the default of
`curl --data-binary` and `urllib`) as form fields: a part upload never answers and an object is
stored empty. Such a body is handed to moto as `application/octet-stream`, so it stores the bytes
it was sent.

Memory does not grow with the size of a recording (the local stack stays well under 1 GB with
multi-GB uploads):

- object bytes stay on disk (`local/moto_s3.py`): completing a multipart upload, writing a large
  value and answering a GET go through files a chunk at a time;
- a large `PUT` body is read from the socket once, not three times (`bodies_read_once`);
- moto's Flask apps run with debug off: in debug mode Flask gives every request that reads a
  body an ad-hoc class of its own, a reference cycle that kept the request and its body alive
  until a full garbage collection, which a large heap runs rarely (parts piled up by the hundred
  megabytes);
- glibc maps blocks of 1 MiB and more one by one and unmaps them when freed (`unmap_large_blocks`):
  by default it serves them from per-thread heaps after the first large free and keeps what is
  freed there, so the server threads' request bodies stayed resident (about 280 MB after a
  300 MB upload).

A browser-style S3 POST (a presigned POST's form) is held to its policy before moto sees it
(`local/s3_post_policy.py`): moto stores any POST, S3 refuses what the policy does not allow (a
transcript over 10 MiB, another key, an expired form).

DynamoDB transactions are atomic on AWS. moto's are not under concurrency: a failing transaction
restores a copy of the whole table taken when it began, wiping what other requests wrote
meanwhile. DynamoDB requests are therefore served one at a time (they take microseconds here).
"""

from __future__ import annotations

import ctypes
import io
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import BaseWSGIServer, make_server

from local import moto_s3
from local.s3_post_policy import checked_post_policies

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
READ_AT_ONCE = 1 << 20
"""A `PUT` body at least this large is read from the socket in one piece (see `bodies_read_once`)."""
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def uploads_as_bytes(app: WsgiApp) -> WsgiApp:
    """Wrap a WSGI app so a `PUT` whose body is declared a form reaches it as plain bytes."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE", "").strip().lower()
        if environ.get("REQUEST_METHOD") == "PUT" and content_type.startswith(FORM_CONTENT_TYPES):
            environ["CONTENT_TYPE"] = "application/octet-stream"
        return app(environ, start_response)

    return wrapped


def bodies_read_once(app: WsgiApp) -> WsgiApp:
    """Wrap a WSGI app so a large `PUT` body (a part, an object) is held in memory once, not three times.

    werkzeug reads a body 64 KiB at a time into a growing `bytearray`, then copies it to `bytes`;
    moto needs the bytes of a part, so each request in flight held about three times its part.
    Read here at once (one allocation of the declared length) and handed over as a terminated
    stream, which werkzeug passes through and `BytesIO` answers with the very same `bytes`.
    """

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # werkzeug and moto judge a malformed length as before
        if environ.get("REQUEST_METHOD") == "PUT" and length >= READ_AT_ONCE and "wsgi.input_terminated" not in environ:
            body = environ["wsgi.input"].read(length)
            if len(body) < length:
                return ClientDisconnected()(environ, start_response)  # as werkzeug answers a short body
            environ["wsgi.input"] = io.BytesIO(body)
            environ["wsgi.input_terminated"] = True
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


def unmap_large_blocks(threshold: int = MMAP_THRESHOLD) -> bool:
    """Have glibc map every allocation of `threshold` bytes or more on its own and unmap it when
    freed (a fixed threshold also stops glibc from raising it after the first large free).
    Process-wide; True when applied (glibc on Linux), False elsewhere, where nothing changes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))


def backend_app(service: Any) -> Flask:
    """moto's Flask app for one service, with debug off (see above: no reference cycle per request).

    The only other differences debug makes to moto: an exception inside moto is answered 500 by
    Flask rather than by werkzeug's server, and a missing form key 400 rather than 500.
    """
    app = create_backend_app(service)
    app.debug = False
    return app


class LocalMotoServer:
    """moto's whole AWS in one threaded server on 127.0.0.1, uploads taken as S3 takes them."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Listen and return the endpoint URL."""
        moto_s3.install()
        moto_s3.allow_open_files()
        unmap_large_blocks()
        moto = DomainDispatcherApplication(backend_app)
        app = dynamodb_one_at_a_time(bodies_read_once(uploads_as_bytes(checked_post_policies(moto))))
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
