"""Fixtures for the client: a real S3 (moto server on a free port) behind a fake API.

Every test runs as a user with a config directory and working directory of its own: no token
cache, local stack file or `NULLCHECK_*` variable of the machine leaks in.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from client.api import NullCheckClient
from tests.unit.client.fakes import FakeApi

API_URL = "http://127.0.0.1:3999/api"  # loopback: the CLI trusts a local stack file only on this machine


@pytest.fixture(autouse=True)
def isolated_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh config directory and working directory; returns the config directory."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for variable in ("NULLCHECK_API", "NULLCHECK_TOKEN", "NULLCHECK_USER_POOL_ID", "NULLCHECK_CLIENT_ID"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    return config


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a moto server on a free local port, for the whole test session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str) -> Any:
    """A boto3 S3 client of the moto server (path-style, so presigned URLs point at it)."""
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


@pytest.fixture
def bucket(s3: Any) -> str:
    """A fresh bucket per test: moto's state is process-wide and other tests may reset it."""
    name = f"nullcheck-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def fake_api(s3: Any, bucket: str) -> FakeApi:
    return FakeApi(s3, bucket, required_headers={"x-nullcheck-test": "required"})


@pytest.fixture
def api_client(fake_api: FakeApi) -> Iterator[NullCheckClient]:
    with NullCheckClient(API_URL, transport=httpx.MockTransport(fake_api.handle)) as client:
        yield client


@pytest.fixture
def video(tmp_path: Path) -> Path:
    """A ~12 MiB file of random bytes: three parts at 5 MiB, the last one short."""
    path = tmp_path / "Main Camera.mp4"
    with path.open("wb") as file:
        for _ in range(12):
            file.write(os.urandom(1024 * 1024))
        file.write(os.urandom(4000))
    return path
