"""A moto server for the local emulators' sign-in tests (moto's state is shared by the process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.moto_server import LocalMotoServer


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = LocalMotoServer()
    url = server.start()
    yield url
    server.stop()
