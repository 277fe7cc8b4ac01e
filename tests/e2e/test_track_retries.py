"""A producer fixes a failed track over HTTP: upload it again, or delete it; complete refuses bad part lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from local.samples import generate_video
from local.stack import LocalStack
from tests.e2e.conftest import TENANT
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("retries") / "camera.mp4", 3, width=160, height=120)


@pytest.fixture
def corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "camera.mov"
    path.write_bytes(b"\x00\x01not a video at all" * 1000)
    return path


def objects(stack: LocalStack, prefix: str) -> list[str]:
    listing = stack.client("s3").list_objects_v2(Bucket=stack.config.bucket_name, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def episode(api: httpx.Client, episode_id: str) -> dict[str, Any]:
    answer = api.get(f"/episodes/{episode_id}")
    assert answer.status_code == 200
    return dict(answer.json())


def test_a_failed_track_uploaded_again_is_processed_and_counted_once(
    api: httpx.Client, stack: LocalStack, corrupt: Path, video: Path
) -> None:
    episode_id = new_episode(api)
    upload_track(api, episode_id, corrupt, "Main Camera")
    failed = track_when_settled(api, episode_id)
    assert failed["status"] == "ProcessingFailed"
    failed_chunks = objects(stack, f"media/{TENANT}/{episode_id}/videos/main-camera/")

    upload_track(api, episode_id, video, "Main Camera")
    track = track_when_settled(api, episode_id)

    assert track["status"] == "Processed", track
    assert "failureReason" not in track and track["segmentCount"] >= 1
    assert episode(api, episode_id)["numTracks"] == 1
    # The failed attempt's upload (.mov) and chunks were replaced by the new attempt's.
    assert objects(stack, f"media/{TENANT}/{episode_id}/tracks/") == [
        f"media/{TENANT}/{episode_id}/tracks/main-camera.mp4"
    ]
    chunks = objects(stack, f"media/{TENANT}/{episode_id}/videos/main-camera/")
    assert not set(failed_chunks) & set(chunks)
    assert {segment["key"] for segment in track["segments"]} <= set(chunks)
    # Processed: uploading it again needs a delete first.
    again = api.post(f"/episodes/{episode_id}/tracks", json={"filename": video.name, "trackName": "Main Camera"})
    assert again.status_code == 409 and "delete it" in again.json()["message"]


def test_deleting_a_track_removes_its_objects_and_chunks(api: httpx.Client, stack: LocalStack, video: Path) -> None:
    episode_id = new_episode(api)
    upload_track(api, episode_id, video, "main")
    assert track_when_settled(api, episode_id)["status"] == "Processed"
    assert objects(stack, f"media/{TENANT}/{episode_id}/videos/main/")

    preflight = api.options(f"/episodes/{episode_id}/tracks/main")
    assert "DELETE" in preflight.headers["Access-Control-Allow-Methods"].split(",")
    deleted = api.delete(f"/episodes/{episode_id}/tracks/main")

    assert deleted.status_code == 204 and deleted.content == b""
    assert deleted.headers["Access-Control-Allow-Origin"] == "https://studio.example.com"
    detail = episode(api, episode_id)
    assert detail["numTracks"] == 0 and detail["tracks"] == []
    assert objects(stack, f"media/{TENANT}/{episode_id}/") == []
    again = api.delete(f"/episodes/{episode_id}/tracks/main")
    assert again.status_code == 404 and "main" in again.json()["message"]


def test_another_file_for_a_track_with_an_open_upload_is_refused_until_it_is_deleted(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    first = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "take 1.mp4", "trackName": "Guest"})
    assert first.status_code == 200

    other = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "take 2.mp4", "trackName": "Guest"})
    assert other.status_code == 409 and "'take 1.mp4'" in other.json()["message"]

    assert api.delete(f"/episodes/{episode_id}/tracks/Guest").status_code == 204
    retried = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "take 2.mp4", "trackName": "Guest"})
    assert retried.status_code == 200 and retried.json()["uploadId"] != first.json()["uploadId"]


def test_complete_refuses_duplicate_and_missing_parts(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    session = api.post(f"/episodes/{episode_id}/tracks", json={"filename": "cam.mp4", "trackName": "cam"}).json()
    urls = api.post(
        f"/episodes/{episode_id}/tracks/cam/parts", json={"uploadId": session["uploadId"], "partNumbers": [1, 2]}
    ).json()["urls"]
    etags = [
        {"ETag": httpx.put(entry["url"], content=data).headers["ETag"], "PartNumber": entry["partNumber"]}
        for entry, data in zip(urls, [b"a" * (5 * 1024 * 1024), b"b"], strict=True)
    ]

    def complete(parts: list[dict[str, Any]]) -> httpx.Response:
        return api.post(
            f"/episodes/{episode_id}/tracks/cam/complete", json={"uploadId": session["uploadId"], "parts": parts}
        )

    # Refused by the handler, naming the part (the schema has no uniqueItems: validators check it
    # comparing every pair of items, far too slow for 10,000 parts).
    identical = complete([etags[0], etags[0], etags[1]])
    assert identical.status_code == 400 and "part 1 is listed more than once" in identical.json()["message"]
    same_number = complete([etags[0], {**etags[1], "PartNumber": 1}, etags[1]])
    assert same_number.status_code == 400 and "listed more than once" in same_number.json()["message"]
    gap = complete([{**etags[1], "PartNumber": 3}, etags[0]])
    assert gap.status_code == 400 and "part 2 is missing" in gap.json()["message"]
    assert complete(etags).status_code == 200
