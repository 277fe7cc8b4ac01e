"""The local stack, started once in this process; tests talk to it over HTTP only.

Handlers read their environment at import, so the local stack runs in its own pytest process
(`make test` runs tests/e2e separately from tests/unit).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from local.stack import LocalStack, LocalStackConfig

CHUNK_SECONDS = 2


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    config = LocalStackConfig(api_port=0, origin="https://studio.example.com", chunk_seconds=CHUNK_SECONDS)
    with LocalStack(config) as running:
        yield running


@pytest.fixture
def api(stack: LocalStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client
