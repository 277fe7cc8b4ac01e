"""Shared fixtures: Pulumi mocks that record the resource graph, and sample AWS events."""

from __future__ import annotations

import os
import runpy
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import packaging
from tests.pulumi_mocks import RecordingMocks, RecordingMonitor
from tests.studio_fixture import write_studio_site

ROOT = Path(__file__).resolve().parent.parent

# Handlers read their environment once at import; tests point every boto3 client at moto.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")


@pytest.fixture
def stack_name() -> str:
    """The name of the stack the mocks run (`pulumi.get_stack()`); override the fixture to change it."""
    return "test"


@pytest.fixture
def mocks(stack_name: str) -> Iterator[RecordingMocks]:
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(
        recording, project="nullcheck", stack=stack_name, preview=False, monitor=RecordingMonitor(recording)
    )
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


@pytest.fixture
def stack_config() -> dict[str, str]:
    """Extra stack configuration (`nullcheck:…` keys); override the fixture to change it."""
    return {}


@pytest.fixture
def stack(
    mocks: RecordingMocks, build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stack_config: dict[str, str]
) -> dict[str, Any]:
    """Run __main__.py; the layer build (tested in test_packaging) is replaced by a small zip, the studio's build
    by a tiny site (tests/studio_fixture.py; a stack config may point elsewhere or turn the studio off)."""

    def small_layer(*_: Any, **__: Any) -> Path:
        path = tmp_path / "layer.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("python/placeholder.py", "")
        return path

    monkeypatch.setattr(packaging, "build_dependency_layer", small_layer)
    pulumi.runtime.set_all_config(
        {
            "aws:region": "us-east-1",
            "nullcheck:encryptionKey": "a-stack-secret",
            "nullcheck:studioSiteDirectory": str(write_studio_site(tmp_path / "studio-dist")),
            **stack_config,
        },
        secret_keys=["nullcheck:encryptionKey"],
    )
    program: dict[str, Any] = build(lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="nullcheck"))
    return program
