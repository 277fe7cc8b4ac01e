"""API Gateway's integration timeout on the local stack, and a CLI that is not fooled by it.

The gateway gives up on a slow integration with 504 `Endpoint request timed out` while the function
runs on; a `complete` it gave up on may well have completed the upload, and the CLI must find out
before it says anything. Both run with a gateway whose timeout is far below API Gateway's 29 s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from client import cli
from client.api import NullCheckClient, bearer
from client.uploads import upload_track
from handlers.catalog import Function
from local import slow_completion
from local.apigateway import LocalApiGateway
from local.samples import generate_video
from local.stack import LocalStack

GATEWAY_TIMEOUT_SECONDS = 2.0
S3_COMPLETION_DELAY_SECONDS = 5.0
"""Longer than the gateway waits, shorter than `complete` waits for S3 (20 s): a 504 for a completed upload."""


@pytest.fixture
def impatient(stack: LocalStack) -> Iterator[str]:
    """The stack's functions behind a gateway that waits `GATEWAY_TIMEOUT_SECONDS`; its URL."""
    gateway = LocalApiGateway(
        origin=stack.config.origin,
        invoke=stack.functions.invoke,
        authorizer=stack.api.authorizer,
        integration_timeout_seconds=GATEWAY_TIMEOUT_SECONDS,
    )
    yield gateway.start(port=0)
    gateway.stop()


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("impatient") / "camera.mp4", 2, width=160, height=120)


def test_the_gateway_answers_504_for_a_handler_slower_than_its_timeout() -> None:
    finished: list[str] = []

    def slow(function: Function, event: dict[str, Any]) -> dict[str, Any]:
        time.sleep(1.0)
        finished.append(event["path"])
        return {"statusCode": 200, "body": "{}"}

    gateway = LocalApiGateway(invoke=slow, integration_timeout_seconds=0.3)
    url = gateway.start(port=0)
    try:
        started = time.monotonic()
        answer = httpx.get(f"{url}/episodes/ep-1", timeout=10)
        waited = time.monotonic() - started
        time.sleep(1.0)
    finally:
        gateway.stop()

    assert answer.status_code == 504
    assert answer.json() == {"message": "Endpoint request timed out"}
    assert waited < 0.9, "answered at the gateway's timeout, not when the handler ended"
    assert finished == ["/episodes/ep-1"], "the handler ran on to its end"


def test_the_cli_reports_an_upload_the_gateway_gave_up_on_as_completed(
    stack: LocalStack, api: httpx.Client, token: str, impatient: str, video: Path
) -> None:
    episode_id = api.post("/episodes", json={"title": "Impatient", "episodeNumber": 1}).json()["id"]
    # Every function the CLI calls, imported once through the stack's own gateway: a first import is slow,
    # and the impatient gateway would count it against its timeout.
    with NullCheckClient(stack.api_url, authorization=bearer(token)) as patient:
        upload_track(patient, episode_id, video, "warm-up")
        patient.get_episode(episode_id)

    with slow_completion.slowed(S3_COMPLETION_DELAY_SECONDS):
        result = CliRunner().invoke(
            cli.app,
            ["--api", impatient, "upload-track", episode_id, str(video), "--track", "cam"],
            env={"NULLCHECK_TOKEN": token},
        )

    assert result.exit_code == 0, result.output
    assert "complete got no answer (Endpoint request timed out (HTTP 504))" in result.output
    assert "The track shows the upload completed" in result.output
    assert "Uploaded track cam to " in result.output
    tracks = {track["trackName"]: track for track in api.get(f"/episodes/{episode_id}").json()["tracks"]}
    assert tracks["cam"]["status"] != "Completing"
