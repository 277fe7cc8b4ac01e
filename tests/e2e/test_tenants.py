"""Two tenants on one running stack: nothing of one ever reaches the other, over HTTP only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from local.samples import generate_video
from local.stack import LocalStack
from local.transcripts import sample_transcript
from tests.e2e.conftest import SignedIn
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track, wait_for


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("tenants") / "cam.mp4", 3, width=160, height=120)


def test_a_tenants_episodes_uploads_transcripts_and_clips_are_its_own(
    signed_in: SignedIn, stack: LocalStack, video: Path
) -> None:
    studio_a, studio_b = signed_in("studio-a"), signed_in("studio-b")
    mine = new_episode(studio_a)
    upload_track(studio_a, mine, video, "main")
    upload = studio_a.post(f"/episodes/{mine}/transcripts", json={}).json()
    body = sample_transcript(minutes=3).encode()
    assert httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": body}).status_code == 204
    assert track_when_settled(studio_a, mine)["status"] == "Processed"
    wait_for(lambda: studio_a.get(f"/episodes/{mine}").json().get("transcriptStatus") == "ClipsProposed")
    clip_id = studio_a.get(f"/episodes/{mine}/clips").json()["items"][0]["clipId"]
    theirs = new_episode(studio_b)

    # Listings: each sees only its own.
    assert [e["id"] for e in studio_b.get("/episodes").json()["items"]] == [theirs]
    assert mine in [e["id"] for e in studio_a.get("/episodes").json()["items"]]
    assert theirs not in [e["id"] for e in studio_a.get("/episodes").json()["items"]]
    # Every route on the other tenant's ids: 404, never 403, nothing changed.
    probes = [
        studio_b.get(f"/episodes/{mine}"),
        studio_b.get(f"/episodes/{mine}/clips"),
        studio_b.get(f"/episodes/{mine}/clips/{clip_id}"),
        studio_b.patch(f"/episodes/{mine}/clips/{clip_id}", json={"status": "rejected"}),
        studio_b.post(f"/episodes/{mine}/clips/{clip_id}/renders", json={}),
        studio_b.post(f"/episodes/{mine}/transcripts", json={}),
        studio_b.post(f"/episodes/{mine}/tracks", json={"filename": "x.mp4", "trackName": "main"}),
        studio_b.post(f"/episodes/{mine}/tracks/main/parts", json={"uploadId": "u", "partNumbers": [1]}),
        studio_b.delete(f"/episodes/{mine}/tracks/main"),
    ]
    assert [(p.request.method, p.status_code) for p in probes] == [(p.request.method, 404) for p in probes]
    assert studio_a.get(f"/episodes/{mine}/clips/{clip_id}").json()["status"] == "pending_review"
    assert studio_a.get(f"/episodes/{mine}").json()["numTracks"] == 1
    # A page token of one tenant is refused for the other.
    new_episode(studio_a)
    token = studio_a.get("/episodes", params={"limit": 1}).json()["nextToken"]
    assert studio_b.get("/episodes", params={"nextToken": token}).status_code == 400
    # Objects and events stayed under the tenant's prefix.
    listed = stack.client("s3").list_objects_v2(Bucket=stack.config.bucket_name, Prefix="media/studio-b/")
    assert listed.get("KeyCount", 0) == 0


def test_a_user_without_a_tenant_is_refused_with_403(signed_in: SignedIn) -> None:
    answer = signed_in(None).get("/episodes")

    assert answer.status_code == 403 and "tenant" in answer.json()["message"]
    assert answer.headers["Access-Control-Allow-Origin"] == "https://studio.example.com"
