"""What a producer sees after a transcript upload: clips or an actionable reason, newest upload wins."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from handlers.core.rules import clip_review
from handlers.core.rules.clip_detection import AgentServices, detect_clips
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys, transcripts
from tests.lambda_events import TENANT, FakeContext, load_event
from tests.unit.handlers.conftest import BUCKET
from tests.unit.handlers.test_clip_agent import (
    EPISODE,
    SRT,
    clip,
    episode,
    final_turn,
    services,
    stored_clips,
    tool_turn,
)

__all__ = ["episode", "services"]  # fixtures shared with the clip agent's tests

MIB = 1024 * 1024
START = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture
def upload(services: AgentServices) -> Callable[[bytes, int], str]:
    """Put a transcript upload `n` (later n, later upload) and return its key."""

    def put(body: bytes, n: int = 0) -> str:
        key = object_keys.transcript_key(
            EpisodeRef(TENANT, EPISODE), object_keys.new_transcript_id(START + timedelta(minutes=n))
        )
        boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=body)
        return key

    return put


def episode_record(services: AgentServices) -> dict[str, Any]:
    item: dict[str, Any] = services.table.get_item(Key={"pk": f"{TENANT}#{EPISODE}", "sk": "metadata"})["Item"]
    return item


def stats(services: AgentServices) -> dict[str, Any]:
    item: dict[str, Any] = services.table.get_item(Key={"pk": f"{TENANT}#stats#Null Check", "sk": "stats"})["Item"]
    return item


def propose(services: AgentServices, key: str, *proposals: dict[str, Any]) -> dict[str, Any]:
    """Run the detector with a model that proposes these clips, then ends its turn."""
    with Stubber(services.bedrock) as stubber:
        stubber.add_response("converse", tool_turn(list(proposals)))
        stubber.add_response("converse", final_turn("Summary."))
        return detect_clips(services, key)


SAMPLE_CUES = "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (os.urandom(4096), "not UTF-8 text"),
        (b"", "the file is empty"),
        (b"just some notes\nabout the show\n", "line 1: expected a cue"),
        (b"1\n-00:00:01,000 --> 00:00:02,000\nhi\n", "line 2: timestamp is not valid"),
        ((SAMPLE_CUES * 6).encode() + b"12\n00:00:xx,000 --> 00:00:05,000\nbad\n", "line 26: timestamp is not valid"),
        (b"1\n00:00:05,000 --> 00:00:02,000\nhi\n", "line 2: the cue ends before it starts"),
        (SAMPLE_CUES.encode() * (11 * MIB // len(SAMPLE_CUES)), "larger than the 10 MiB a transcript may be"),
    ],
    ids=["random-bytes", "empty", "plain-text", "negative-timestamp", "bad-timestamp", "backwards", "11MiB"],
)
def test_an_unusable_transcript_is_invalid_with_a_reason_and_no_model_call(
    services: AgentServices, upload: Any, body: bytes, reason: str
) -> None:
    key = upload(body)

    with Stubber(services.bedrock):  # nothing stubbed: any model call would raise
        result = detect_clips(services, key)

    stored = episode_record(services)
    assert result["invalid"].startswith(reason) or reason in result["invalid"]
    assert stored["transcriptStatus"] == "Invalid" and reason in stored["transcriptError"]
    assert stored["transcriptKey"] == key
    assert len(stored["transcriptError"]) < 300


def test_an_invalid_transcript_is_dropped_not_retried(services: AgentServices, upload: Any, handler: Any) -> None:
    module = handler("handlers.agents.detect_clips")
    module.services = services
    key = upload(b"not a transcript")
    event = load_event("s3_object_created", EPISODE=EPISODE, BUCKET=BUCKET)
    event["detail"]["object"]["key"] = key

    assert module.lambda_handler(event, FakeContext()) is None  # returned: no retry, no dead letter
    assert episode_record(services)["transcriptStatus"] == "Invalid"


@pytest.fixture
def log_lines(handler: Any) -> Iterator[io.StringIO]:
    """What the handlers' loggers write, captured."""
    stream = io.StringIO()
    writers = [h for h in logging.getLogger(handler("handlers.agents.detect_clips").logger.service).handlers]
    previous = [writer.setStream(stream) for writer in writers if isinstance(writer, logging.StreamHandler)]
    yield stream
    for writer, old in zip(writers, previous, strict=False):
        if isinstance(writer, logging.StreamHandler) and old is not None:
            writer.setStream(old)


def test_logs_never_copy_a_transcript(services: AgentServices, upload: Any, log_lines: io.StringIO) -> None:
    key = upload(b"this is not srt, just a long text " * 150_000)  # about 5 MB

    with Stubber(services.bedrock):
        detect_clips(services, key)

    logged = log_lines.getvalue()
    assert "transcript refused" in logged
    assert len(logged) < 2000


def test_a_model_refusal_is_permanent_and_throttling_is_retried(services: AgentServices, upload: Any) -> None:
    key = upload(SRT.encode())
    with Stubber(services.bedrock) as stubber:
        stubber.add_client_error("converse", "ThrottlingException", "slow down", 429)
        with pytest.raises(ClientError):
            detect_clips(services, key)
        assert "transcriptStatus" not in episode_record(services)
        stubber.add_client_error("converse", "ValidationException", "Input is too long for requested model.", 400)
        result = detect_clips(services, key)

    assert "the model refused the transcript" in result["invalid"]
    assert episode_record(services)["transcriptStatus"] == "Invalid"


def test_ingest_never_overwrites_the_outcome_of_the_same_transcript(services: AgentServices, upload: Any) -> None:
    key = upload(b"garbage")
    with Stubber(services.bedrock):
        detect_clips(services, key)  # the detector wins the race: Invalid

    assert transcripts.record_uploaded(services.table, key) is False  # ingest arrives late

    assert episode_record(services)["transcriptStatus"] == "Invalid"


def test_a_late_event_of_an_older_transcript_changes_nothing(services: AgentServices, upload: Any) -> None:
    older, newer = upload(SRT.encode(), 1), upload(SRT.encode(), 2)
    transcripts.record_uploaded(services.table, newer)

    assert transcripts.record_uploaded(services.table, older) is False
    with Stubber(services.bedrock):  # superseded: the model is not asked
        assert detect_clips(services, older)["skipped"]
    assert episode_record(services)["transcriptKey"] == newer


def test_a_new_transcript_replaces_proposals_and_keeps_approved_clips(services: AgentServices, upload: Any) -> None:
    first = upload(SRT.encode(), 1)
    propose(services, first, clip(hook="Kept"), clip("00:00:20,000", "00:00:30,000", "funny", "Replaced"))
    kept = next(c for c in stored_clips(services.table) if c["hook"] == "Kept")
    services.table.update_item(
        Key={"pk": f"{TENANT}#{EPISODE}", "sk": kept["sk"]},
        UpdateExpression="SET #s = :a",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":a": "approved"},
    )
    second = upload(SRT.replace("line", "words").encode(), 2)

    result = propose(services, second, clip("00:00:40,000", "00:00:50,000", "insight", "New"))

    assert result["replaced"] == 1
    listed = {c.hook: c for c in clip_review.list_clips(services.table, EpisodeRef(TENANT, EPISODE)).items}
    assert set(listed) == {"Kept", "New"}
    assert listed["Kept"].fromEarlierTranscript and listed["Kept"].transcriptKey == first
    assert not listed["New"].fromEarlierTranscript and listed["New"].transcriptKey == second
    assert episode_record(services)["clipsTranscriptKey"] == second
    assert stats(services)["totalClips"] == 2
    assert stats(services)["clipsByType"]["funny"] == 0 and stats(services)["clipsByType"]["insight"] == 1


def test_the_same_content_uploaded_again_is_a_new_transcript(services: AgentServices, upload: Any) -> None:
    a1, b, a2 = upload(SRT.encode(), 1), upload(SRT.replace("line", "words").encode(), 2), upload(SRT.encode(), 3)
    propose(services, a1, clip(hook="A"))
    propose(services, b, clip(hook="B"))

    result = propose(services, a2, clip(hook="A"))

    assert result["stored"] == 1 and result["replaced"] == 1
    assert [c["transcriptKey"] for c in stored_clips(services.table)] == [a2]
    assert stats(services)["totalClips"] == 1


def test_a_failed_new_transcript_leaves_the_previous_clips_and_says_so(services: AgentServices, upload: Any) -> None:
    first = upload(SRT.encode(), 1)
    propose(services, first, clip(hook="One"), clip("00:00:20,000", "00:00:30,000", "funny", "Two"))

    with Stubber(services.bedrock):
        detect_clips(services, upload(b"\x00\xff broken", 2))

    stored = episode_record(services)
    assert stored["transcriptStatus"] == "Invalid"
    assert "the 2 clips of the previous transcript are kept" in stored["transcriptError"]
    assert stored["clipsTranscriptKey"] == first
    assert len(stored_clips(services.table)) == 2
