"""Transcript ingest from S3 `Object Created` events (EventBridge), through the real handler."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET

EPISODE = "0b3f5c1e-9d9a-4f5e-8c53-2a4b6d7e8f90"


@pytest.fixture
def ingest(handler: Any) -> Any:
    module = handler("handlers.events.transcript_added")
    return lambda event: module.lambda_handler(event, FakeContext())


@pytest.fixture
def episode(table: Any) -> Any:
    table.put_item(Item={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata", "id": EPISODE, "title": "T", "status": "Draft"})
    table.put_item(
        Item={
            "pk": f"{TENANT}#{EPISODE}",
            "sk": "transcript-upload-url",
            "key": f"media/{TENANT}/{EPISODE}/transcripts/20261124T185500000000Z-0a1b2c3d.srt",
            "uploadUrl": "https://example",
        }
    )
    return lambda: table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata"})["Item"]


def test_transcript_is_recorded_and_its_upload_url_forgotten(ingest: Any, episode: Any, table: Any) -> None:
    ingest(load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET))
    ingest(load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET))

    stored = episode()
    assert stored["transcriptKey"] == f"media/{TENANT}/{EPISODE}/transcripts/20261124T185500000000Z-0a1b2c3d.srt"
    assert stored["transcriptStatus"] == "Uploaded"
    assert stored["status"] == "Transcript Uploaded"
    assert "Item" not in table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "transcript-upload-url"})


@pytest.mark.parametrize(
    "key",
    [
        f"media/{TENANT}/{EPISODE}/notes/other.srt",
        "transcript.srt",
        f"media/{TENANT}/{EPISODE}/transcript.srt",
        f"media/{TENANT}/{EPISODE}/transcripts/x.srt",
    ],
)
def test_other_srt_keys_are_ignored(ingest: Any, episode: Any, key: str) -> None:
    event = load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"]["object"]["key"] = key

    ingest(event)

    assert episode()["status"] == "Draft"


def test_unknown_episode_and_malformed_events_are_dropped(ingest: Any, table: Any) -> None:
    ingest(load_event("s3_object_created", EPISODE="unknown-episode", BUCKET=BUCKET))
    malformed = load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET)
    del malformed["detail"]["object"]

    assert ingest(malformed) is None
    assert "Item" not in table.get_item(Key={"pk": f"{TENANT}#unknown-episode", "sk": "metadata"})


def test_a_transcript_under_another_tenants_prefix_never_reaches_the_episode(ingest: Any, episode: Any) -> None:
    event = load_event("s3_object_created", TENANT="studio-b", EPISODE=EPISODE, BUCKET=BUCKET)

    ingest(event)

    assert episode()["status"] == "Draft" and "transcriptKey" not in episode()
