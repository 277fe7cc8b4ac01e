"""SnapStart's after-restore hooks, run as Lambda's Python runtime runs them: every hook `snapshot_restore_py`
holds, in order of registration, each time an execution environment resumes from the snapshot."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import botocore.session
import pytest
import snapshot_restore_py
from botocore.config import Config

from handlers.core.runtime import snapshot


@pytest.fixture
def restore() -> Iterator[Callable[[], None]]:
    """Resume from the snapshot: run the registered after-restore hooks. Hooks a test registers are dropped."""
    registry = snapshot_restore_py.get_after_restore()
    registered = len(registry)

    def run() -> None:
        for hook, args, kwargs in list(registry):
            hook(*args, **kwargs)

    yield run
    del registry[registered:]


class Peers(BaseHTTPRequestHandler):
    """Answers DynamoDB's ListTables over keep-alive HTTP/1.1 and records the client port of every request."""

    protocol_version = "HTTP/1.1"
    ports: list[int]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.ports.append(self.client_address[1])
        body = json.dumps({"TableNames": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        """Quiet."""


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[int]]]:
    """A local endpoint and the client ports it saw, one per request: a new port is a new connection."""
    ports: list[int] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (Peers,), {"ports": ports}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", ports
    server.shutdown()
    server.server_close()


def dynamodb(url: str) -> Any:
    return botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_a_restored_client_opens_a_new_connection_instead_of_its_pooled_one(
    restore: Callable[[], None], endpoint: tuple[str, list[int]]
) -> None:
    url, ports = endpoint
    client = snapshot.forget_connections(dynamodb(url))
    client.list_tables()
    client.list_tables()
    assert len(ports) == 2 and ports[0] == ports[1], "the client reuses its pooled connection while warm"

    restore()

    assert client.list_tables()["TableNames"] == []
    assert ports[2] != ports[0], "after a restore the client connects afresh"


def test_environments_restored_from_one_snapshot_draw_different_random_numbers(
    restore: Callable[[], None],
) -> None:
    snapshotted = random.getstate()
    draws = []
    for _ in range(2):
        random.setstate(snapshotted)  # an environment resumes with the init's random state
        restore()
        draws.append(random.random())
    assert draws[0] != draws[1]


def module_without_the_runtime(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of `handlers.core.runtime.snapshot` loaded where `snapshot_restore_py` cannot be imported."""
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    spec = importlib.util.spec_from_file_location("snapshot_without_the_runtime", snapshot.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_the_runtime_module_registering_does_nothing(
    monkeypatch: pytest.MonkeyPatch, endpoint: tuple[str, list[int]]
) -> None:
    registered = len(snapshot_restore_py.get_after_restore())
    module = module_without_the_runtime(monkeypatch)

    client = dynamodb(endpoint[0])
    assert module.forget_connections(client) is client
    assert len(snapshot_restore_py.get_after_restore()) == registered
