"""Nothing lost: failing events are retried, dead-lettered with their payload, and can be redriven."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from typer.testing import CliRunner

from client.cli import app
from local.samples import generate_video
from local.stack import LocalStack
from tests.e2e.conftest import TENANT
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track, wait_for


@pytest.fixture
def mediaconvert_down(stack: LocalStack) -> Iterator[Callable[[], None]]:
    """The preprocessing function's MediaConvert endpoint refuses connections until restored."""
    module = importlib.import_module("handlers.events.start_preprocessing")
    working = module.mediaconvert
    module.mediaconvert = boto3.client(
        "mediaconvert", endpoint_url="http://127.0.0.1:9", config=Config(retries={"max_attempts": 1})
    )

    def restore() -> None:
        module.mediaconvert = working

    yield restore
    restore()


def dead_letters(stack: LocalStack, function: str) -> list[dict[str, Any]]:
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{function}-dlq")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def test_a_failing_event_is_retried_then_dead_lettered_and_redriven(
    api: httpx.Client, stack: LocalStack, tmp_path: Path, mediaconvert_down: Callable[[], None]
) -> None:
    restore_mediaconvert = mediaconvert_down
    episode_id = new_episode(api)
    video = generate_video(tmp_path / "short.mp4", 3, width=160, height=120)
    upload_track(api, episode_id, video, "main")

    [letter] = wait_for(lambda: dead_letters(stack, "start-preprocessing"), timeout=60)

    assert letter["detail-type"] == "Video Upload Completed"
    assert letter["detail"] == {
        "tenantId": TENANT,
        "episodeId": episode_id,
        "trackName": "main",
        "attemptId": letter["detail"]["attemptId"],
        "key": f"media/{TENANT}/{episode_id}/tracks/main.mp4",
    }
    [track] = api.get(f"/episodes/{episode_id}").json()["tracks"]
    assert track["status"] == "Unprocessed"  # the lock was released for the retry

    listed = CliRunner().invoke(app, ["dlq", "list", "--aws-endpoint", stack.moto_url])
    assert listed.exit_code == 0 and "start-preprocessing-dlq" in listed.output and "Video Upload" in listed.output

    restore_mediaconvert()
    redriven = CliRunner().invoke(app, ["dlq", "redrive", "start-preprocessing-dlq", "--aws-endpoint", stack.moto_url])
    assert redriven.exit_code == 0, redriven.output
    assert "1 events sent back" in redriven.output
    assert track_when_settled(api, episode_id)["status"] == "Processed"
    assert dead_letters(stack, "start-preprocessing") == []


def test_a_malformed_event_is_dropped_without_retries(stack: LocalStack) -> None:
    stack.client("events").put_events(
        Entries=[{"Source": "nullcheck", "DetailType": "Video Upload Completed", "Detail": json.dumps({"oops": 1})}]
    )
    assert stack.wait_idle(timeout=30)
    assert dead_letters(stack, "start-preprocessing") == []
