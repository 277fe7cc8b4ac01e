"""The clip agent on the local stack (offline clip model), through HTTP only."""

from __future__ import annotations

import httpx

from local.transcripts import sample_transcript
from tests.e2e.test_media_pipeline import new_episode, wait_for


def test_an_uploaded_transcript_yields_valid_clips_and_a_summary(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    assert api.get(f"/episodes/{episode_id}/clips").json() == {"items": []}
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()

    body = sample_transcript(minutes=20).encode()
    assert httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": body}).status_code == 204

    episode = wait_for(lambda: (e := api.get(f"/episodes/{episode_id}").json()).get("agentSummary") and e)
    clips = api.get(f"/episodes/{episode_id}/clips").json()["items"]
    assert 5 <= len(clips) <= 10
    assert episode["clipCount"] == len(clips)
    for clip in clips:
        assert clip["status"] == "pending_review"
        assert 0 < clip["totalDurationSeconds"] <= 45
        assert clip["clipType"] in {"educational", "funny", "demo", "hot_take", "insight"}
        assert clip["hook"] and clip["summary"] and clip["segments"]
        assert 0 <= clip["score"] <= 100 and clip["scoreSource"] == "agent"
        assert clip["reason"] and "\n" not in clip["reason"] and len(clip["reason"]) <= 160
    scores = [clip["score"] for clip in clips]
    assert scores == sorted(scores, reverse=True), "the best clip first"
    assert len(set(scores)) > 1, "the offline model's scores follow its signals"


def test_clips_of_an_unknown_episode_are_404(api: httpx.Client) -> None:
    answer = api.get("/episodes/nope/clips")
    assert answer.status_code == 404 and answer.json()["message"]
