"""Transcripts as a careless producer uploads them: clear outcomes, nothing retried in vain, no stale clips."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from handlers.contract import MAX_TRANSCRIPT_BYTES
from local.stack import LocalStack
from local.transcripts import sample_transcript
from tests.e2e.test_failures import dead_letters
from tests.e2e.test_media_pipeline import new_episode, wait_for


def upload_transcript(api: httpx.Client, episode_id: str, body: bytes) -> str:
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()
    posted = httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": body}, timeout=60)
    assert posted.status_code == 204, posted.text
    return str(upload["key"])


def outcome(api: httpx.Client, episode_id: str, key: str) -> dict[str, Any]:
    """The episode once this transcript has an outcome (clips or a reason)."""

    def settled() -> dict[str, Any] | None:
        episode: dict[str, Any] = api.get(f"/episodes/{episode_id}").json()
        done = episode.get("transcriptKey") == key and episode.get("transcriptStatus") in ("ClipsProposed", "Invalid")
        return episode if done else None

    return dict(wait_for(settled))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (bytes(range(256)) * 40, "not UTF-8 text"),
        (b"Notes for the show: talk about queues.\n", "line 1: expected a cue"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n-00:00:03,000 --> 00:00:04,000\nBye\n", "line 6: timestamp"),
    ],
    ids=["random-bytes", "plain-text", "negative-timestamp"],
)
def test_an_unusable_transcript_says_why_and_is_not_dead_lettered(
    api: httpx.Client, stack: LocalStack, body: bytes, reason: str
) -> None:
    episode_id = new_episode(api)

    key = upload_transcript(api, episode_id, body)
    episode = outcome(api, episode_id, key)

    assert episode["transcriptStatus"] == "Invalid"
    assert reason in episode["transcriptError"]
    assert episode["clipCount"] == 0
    assert stack.wait_idle()
    assert not [m for m in dead_letters(stack, "detect-clips") if key in str(m)]


@pytest.mark.parametrize(
    ("size", "code"),
    [(0, "EntityTooSmall"), (MAX_TRANSCRIPT_BYTES + 1, "EntityTooLarge")],
    ids=["empty", "over-10-MiB"],
)
def test_storage_refuses_an_empty_or_oversized_transcript_and_the_episode_never_sees_it(
    api: httpx.Client, stack: LocalStack, size: int, code: str
) -> None:
    episode_id = new_episode(api)
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()

    refused = httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": b"1" * size}, timeout=60)

    assert refused.status_code == 400 and f"<Code>{code}</Code>" in refused.text
    assert stack.wait_idle()
    assert "transcriptKey" not in api.get(f"/episodes/{episode_id}").json()


def test_a_new_transcript_replaces_the_proposals_and_a_broken_one_keeps_them(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    first = upload_transcript(api, episode_id, sample_transcript(minutes=12, seed=1).encode())
    assert outcome(api, episode_id, first)["transcriptStatus"] == "ClipsProposed"

    second = upload_transcript(api, episode_id, sample_transcript(minutes=8, seed=2).encode())
    episode = outcome(api, episode_id, second)
    clips = api.get(f"/episodes/{episode_id}/clips").json()["items"]

    assert episode["transcriptStatus"] == "ClipsProposed" and episode["clipsTranscriptKey"] == second
    assert clips and {clip["transcriptKey"] for clip in clips} == {second}
    assert episode["clipCount"] == len(clips)

    broken = upload_transcript(api, episode_id, b"oops, the wrong file")
    episode = outcome(api, episode_id, broken)

    assert episode["transcriptStatus"] == "Invalid"
    assert f"the {len(clips)} clips of the previous transcript are kept" in episode["transcriptError"]
    assert api.get(f"/episodes/{episode_id}/clips").json()["items"] == clips
