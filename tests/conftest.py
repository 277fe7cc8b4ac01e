"""Shared fixtures: Pulumi mocks that record the resource graph, and sample AWS events."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest

from tests.pulumi_mocks import RecordingMocks

# Handlers read their environment once at import; tests point every boto3 client at moto.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")


@pytest.fixture
def mocks() -> Iterator[RecordingMocks]:
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="nullcheck", stack="test", preview=False)
    yield recording


@pytest.fixture
def build(mocks: RecordingMocks) -> Callable[[Callable[[], Any]], Any]:
    """Run a Pulumi program under the mocks and wait until every resource is registered."""

    def run(program: Callable[[], Any]) -> Any:
        result: dict[str, Any] = {}

        @pulumi.runtime.test
        def registered() -> Any:
            result["value"] = program()

        registered()
        return result.get("value")

    return run
