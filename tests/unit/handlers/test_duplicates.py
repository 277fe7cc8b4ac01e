"""The same event delivered twice, at the same time: the work is done once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from handlers.core.rules import chunking
from handlers.core.rules.clip_detection import AgentServices
from handlers.core.runtime.eventbridge import JobStateChangeEvent
from local.resources import create_agent_memory
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_clip_agent import SRT, clip, final_turn, stored_clips, tool_turn
from tests.unit.handlers.test_preprocessing import ATTEMPT, CHUNKS, EPISODE, JOB, MASTER_PLAYLIST, MEDIA_PLAYLIST
from tests.unit.handlers.test_uploads_api import complete, start, upload_parts


def twice_at_once(call: Callable[[], Any]) -> list[Any]:
    """Run `call` in two threads released together; results (or raised exceptions) in order."""
    barrier = threading.Barrier(2)

    def run() -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:  # the losing delivery may raise to be retried
            return error

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _: run(), range(2)))


class SlowMediaConvert:
    """Counts CreateJob calls; slow, so a second delivery arrives while the first is inside it."""

    def __init__(self) -> None:
        self.calls = 0

    def create_job(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        time.sleep(0.3)
        return {"Job": {"Id": JOB}}


@pytest.fixture
def track(table: Any, bucket: str) -> Any:
    table.put_item(Item={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft"})
    table.put_item(
        Item={
            "pk": f"{TENANT}#{EPISODE}",
            "sk": "track#main",
            "trackName": "main",
            "status": "Unprocessed",
            "attemptId": ATTEMPT,
            "uploadId": "u",
            "uploadKey": f"media/{TENANT}/{EPISODE}/tracks/main.mp4",  # the object the upload event names
        }
    )
    return lambda: table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"})["Item"]


def test_concurrent_upload_events_create_one_job(handler: Any, track: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    module = handler("handlers.events.start_preprocessing")
    fake = SlowMediaConvert()
    monkeypatch.setattr(module, "mediaconvert", fake)
    event = load_event("video_upload_completed", EPISODE=EPISODE)

    twice_at_once(lambda: module.lambda_handler(event, FakeContext()))

    assert fake.calls == 1
    assert track()["mediaConvertJobId"] == JOB


def test_concurrent_completions_index_the_track_once(handler: Any, track: Any, table: Any) -> None:
    table.update_item(
        Key={"pk": f"{TENANT}#{EPISODE}", "sk": "track#main"},
        UpdateExpression="SET #s = :p, mediaConvertJobId = :j",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":p": "Processing", ":j": JOB},
    )
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=f"{CHUNKS}main.m3u8", Body=MASTER_PLAYLIST.encode())
    s3.put_object(Bucket=BUCKET, Key=f"{CHUNKS}main_chunk.m3u8", Body=MEDIA_PLAYLIST.encode())
    change = JobStateChangeEvent.model_validate(
        load_event("mediaconvert_complete", EPISODE=EPISODE, BUCKET=BUCKET)
    ).detail

    outcomes = twice_at_once(lambda: chunking.completed(table, s3, BUCKET, change))

    # DynamoDB makes the conditional write atomic, so one of the two returns False there; moto does not
    # serialise writes landing in the same instant, so here both may win. Neither may fail or corrupt the
    # record; the sequential redelivery test in test_preprocessing.py pins the "once" behaviour.
    assert True in outcomes and not any(isinstance(o, Exception) for o in outcomes)
    assert track()["status"] == "Processed" and track()["segmentCount"] == 3


class SlowBedrock:
    """A model that proposes one clip then summarises; slow enough for deliveries to overlap."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def converse(self, **request: Any) -> dict[str, Any]:
        with self.lock:
            self.calls += 1
        time.sleep(0.3)
        last = request["messages"][-1]["content"][0]
        return final_turn("Summary.") if "toolResult" in last else tool_turn([clip()])


def test_concurrent_transcript_events_run_the_agent_once(
    handler: Any, table: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table.put_item(Item={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft"})
    boto3.client("s3").put_object(
        Bucket=BUCKET,
        Key=f"media/{TENANT}/{EPISODE}/transcripts/20261124T185500000000Z-0a1b2c3d.srt",
        Body=SRT.encode(),
    )
    module = handler("handlers.agents.detect_clips")
    model = SlowBedrock()
    services = AgentServices(
        table=table,
        s3=boto3.client("s3"),
        bedrock=model,
        agentcore=boto3.client("bedrock-agentcore"),
        bucket=BUCKET,
        memory_id=create_agent_memory(boto3.client("bedrock-agentcore-control"), "clipAgentMemory_dup"),
        model_id="model",
    )
    monkeypatch.setattr(module, "services", services)
    event = load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET)

    outcomes = twice_at_once(lambda: module.lambda_handler(event, FakeContext()))
    retried = module.lambda_handler(event, FakeContext())  # the loser's retry, after the winner finished

    assert sum(isinstance(o, IdempotencyAlreadyInProgressError) for o in outcomes) == 1
    assert retried is None and model.calls == 2  # one run: a tool turn and a summary turn
    assert len(stored_clips(table, EPISODE)) == 1


def test_concurrent_completes_count_the_track_once_and_announce_it_once(api: Any, published: Any) -> None:
    episode_id = api("create_episode", "POST", "/episodes", {"title": "Race", "episodeNumber": 1})[1]["id"]
    _, session = start(api, episode_id, track="main")
    etags = upload_parts(api, episode_id, session, [b"x" * 1000])

    outcomes = twice_at_once(lambda: complete(api, episode_id, "main", session["uploadId"], etags))

    assert outcomes[0] == outcomes[1] == (200, {"key": session["key"], "trackName": "main", "status": "Unprocessed"})
    assert api("get_episode", "GET", "/episodes/{episodeId}", episodeId=episode_id)[1]["numTracks"] == 1
    assert len(published()) == 1
