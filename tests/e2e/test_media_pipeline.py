"""Uploads, chunking and transcript ingest on the running local stack, through HTTP only."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.samples import generate_video
from tests.e2e.conftest import CHUNK_SECONDS, TENANT

PART_SIZE = 5 * 1024 * 1024
VIDEO_SECONDS = 7


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Noise compresses badly, so a few seconds make a file of several multipart parts.
    return generate_video(
        tmp_path_factory.mktemp("media") / "main camera.mp4", VIDEO_SECONDS, width=320, height=240, noise=True
    )


def new_episode(api: httpx.Client) -> str:
    answer = api.post("/episodes", json={"title": "Pipeline", "episodeNumber": 1})
    assert answer.status_code == 201
    return str(answer.json()["id"])


def upload_track(api: httpx.Client, episode_id: str, path: Path, track: str) -> dict[str, Any]:
    """The whole multipart protocol: start, part URLs, PUT each part, complete."""
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": path.name, "trackName": track}).json()
    data = path.read_bytes()
    chunks = [data[i : i + PART_SIZE] for i in range(0, len(data), PART_SIZE)]
    urls = api.post(
        f"/episodes/{episode_id}/tracks/{session['trackName']}/parts",
        json={"uploadId": session["uploadId"], "partNumbers": list(range(1, len(chunks) + 1))},
    ).json()["urls"]
    parts = []
    for entry, chunk in zip(urls, chunks, strict=True):
        put = httpx.put(entry["url"], content=chunk, headers=session["requiredHeaders"], timeout=60)
        assert put.status_code == 200
        parts.append({"ETag": put.headers["ETag"], "PartNumber": entry["partNumber"]})
    done = api.post(
        f"/episodes/{episode_id}/tracks/{session['trackName']}/complete",
        json={"uploadId": session["uploadId"], "parts": parts},
    )
    assert done.status_code == 200
    return {"parts": len(parts), **done.json()}


def wait_for(check: Callable[[], Any], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def track_when_settled(api: httpx.Client, episode_id: str) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        [track] = api.get(f"/episodes/{episode_id}").json()["tracks"]
        return track if track["status"] in ("Processed", "ProcessingFailed") else None

    return dict(wait_for(settled))


def test_a_track_uploaded_in_parts_is_chunked_into_hls_segments(api: httpx.Client, video: Path) -> None:
    episode_id = new_episode(api)

    uploaded = upload_track(api, episode_id, video, "Main Camera")
    track = track_when_settled(api, episode_id)

    assert uploaded["parts"] >= 2 and uploaded["trackName"] == "main-camera"
    assert track["status"] == "Processed", track
    assert track["segmentCount"] == math.ceil(VIDEO_SECONDS / CHUNK_SECONDS)
    assert abs(track["totalDurationSeconds"] - VIDEO_SECONDS) <= 1
    assert [segment["seq"] for segment in track["segments"]] == list(range(1, track["segmentCount"] + 1))
    # Each upload attempt has its own chunk folder: {episodeId}/videos/{trackName}/{attemptId}/chunks/
    assert all(
        re.fullmatch(rf"media/{TENANT}/{episode_id}/videos/main-camera/[0-9A-Za-z-]+/chunks/[^/]+", segment["key"])
        for segment in track["segments"]
    )


def test_a_corrupt_track_ends_processing_failed_with_a_reason(api: httpx.Client, tmp_path: Path) -> None:
    episode_id = new_episode(api)
    corrupt = tmp_path / "broken.mp4"
    corrupt.write_bytes(b"\x00\x01not a video at all" * 1000)

    upload_track(api, episode_id, corrupt, "broken")
    track = track_when_settled(api, episode_id)

    assert track["status"] == "ProcessingFailed"
    # What went wrong with the file, naming no bucket, key or service.
    assert track["failureReason"].startswith("the file could not be read as video")
    assert "s3://" not in track["failureReason"] and episode_id not in track["failureReason"]


def test_a_transcript_uploaded_through_its_url_is_recorded(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={"filename": "episode.srt"}).json()

    body = b"1\n00:00:00,000 --> 00:00:02,000\nHello\n"
    posted = httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": ("episode.srt", body)})
    assert posted.status_code == 204, posted.text

    episode = wait_for(lambda: (e := api.get(f"/episodes/{episode_id}").json()).get("transcriptKey") and e)
    assert episode["transcriptKey"] == upload["key"]
    assert upload["key"].startswith(f"media/{TENANT}/{episode_id}/transcripts/") and upload["key"].endswith(".srt")
    assert episode["status"] == "Transcript Uploaded"
