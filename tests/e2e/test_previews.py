"""Watching a clip before it is rendered, on the running local stack: a presigned HLS playlist any player plays."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import m3u8
import pytest

from handlers.core.domain.timestamps import parse_timestamp
from local.samples import generate_video
from local.stack import LocalStack
from tests.e2e.conftest import SignedIn
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track
from tests.e2e.test_renders import put_transcript

VIDEO_SECONDS = 40


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("previews") / "cam.mp4", VIDEO_SECONDS, width=320, height=180)


@pytest.fixture
def episode(api: httpx.Client, video: Path) -> dict[str, Any]:
    episode_id = new_episode(api)
    upload_track(api, episode_id, video, "main")
    assert track_when_settled(api, episode_id)["status"] == "Processed"
    put_transcript(api, episode_id, (VIDEO_SECONDS - 5) / 60, seed=5)  # within the track's seconds
    [clip, *_] = api.get(f"/episodes/{episode_id}/clips").json()["items"]
    return {"id": episode_id, "clip": clip}


def played_seconds(url: str, frame_rate: float = 25.0) -> float:
    """How long the playlist plays: the frames ffmpeg decodes from it, at the video's rate (its `time=` is the
    last frame's timestamp, which jumps at each discontinuity)."""
    run = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", url, "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    frames = re.findall(r"frame=\s*(\d+)", run.stderr.decode(errors="replace"))
    return int(frames[-1]) / frame_rate


def test_a_clip_plays_from_a_presigned_playlist_of_its_ranges_without_a_token(
    api: httpx.Client, episode: dict[str, Any]
) -> None:
    clip = episode["clip"]
    answer = api.get(f"/episodes/{episode['id']}/clips/{clip['clipId']}/preview")
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["addressing"] == "keyframes" and preview["trackName"] == "main" and preview["revision"] == 0

    text = httpx.get(preview["playlistUrl"]).text  # no Authorization: the URL carries its own signature
    playlist = m3u8.loads(text)
    assert playlist.is_endlist and all(s.uri.startswith("http") and s.byterange for s in playlist.segments)
    assert text.count("#EXT-X-DISCONTINUITY") == len(clip["segments"]) - 1
    assert abs(sum(s.duration for s in playlist.segments) - preview["durationSeconds"]) < 0.01
    # Each of the clip's ranges, where the playlist says it is, and no more than a keyframe interval around it.
    ranges = preview["ranges"]
    assert [(r["startTime"], r["endTime"]) for r in ranges] == [
        (s["startTime"], s["endTime"]) for s in clip["segments"]
    ]
    clip_seconds = sum(parse_timestamp(r["endTime"]) - parse_timestamp(r["startTime"]) for r in ranges)
    assert sum(r["playTo"] - r["playFrom"] for r in ranges) == pytest.approx(clip_seconds, abs=0.01)
    assert clip_seconds <= preview["durationSeconds"] <= clip_seconds + 2 * len(ranges) * 1.05
    # What a player fetches: the byte ranges (and the tables that start them), close to the clip's own bytes.
    fetched = sum(int(s.byterange.split("@")[0]) for s in playlist.segments) + int(
        playlist.segment_map[0].byterange.split("@")[0]
    )
    assert fetched == preview["fetchBytes"] and preview["clipBytes"] <= fetched <= 2 * preview["clipBytes"]
    assert played_seconds(preview["playlistUrl"]) == pytest.approx(preview["durationSeconds"], abs=0.5)


def test_preview_refusals(api: httpx.Client, episode: dict[str, Any], signed_in: SignedIn, stack: LocalStack) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']['clipId']}/preview"
    other = signed_in("rival")
    assert other.get(path).status_code == 404  # another tenant's ids
    assert api.get(f"/episodes/{episode['id']}/clips/{'0' * 16}/preview").status_code == 404
    assert api.get(path, params={"trackName": "nope"}).status_code == 404
    assert api.get(path, params={"trackName": "x" * 300}).status_code == 400

    s3 = stack.client("s3")
    bucket = stack.config.bucket_name
    [track] = api.get(f"/episodes/{episode['id']}").json()["tracks"]
    for key in [segment["key"] for segment in track["segments"]]:
        s3.delete_object(Bucket=bucket, Key=key)
    gone = api.get(path)
    assert gone.status_code == 409 and "expired" in gone.json()["message"]


def test_a_track_chunked_before_keyframe_indexes_previews_whole_chunks(
    api: httpx.Client, episode: dict[str, Any], stack: LocalStack
) -> None:
    dynamodb = stack.client("dynamodb")
    items = dynamodb.scan(TableName=stack.config.table_name)["Items"]
    [track] = [
        item for item in items if item.get("trackName", {}).get("S") == "main" and episode["id"] in item["pk"]["S"]
    ]
    dynamodb.update_item(
        TableName=stack.config.table_name,
        Key={"pk": track["pk"], "sk": track["sk"]},
        UpdateExpression="REMOVE keyframeIndexKey",
    )
    preview = api.get(f"/episodes/{episode['id']}/clips/{episode['clip']['clipId']}/preview").json()
    assert preview["addressing"] == "chunks" and "fetchBytes" not in preview
    playlist = m3u8.loads(httpx.get(preview["playlistUrl"]).text)
    assert not any(segment.byterange for segment in playlist.segments)
    assert played_seconds(preview["playlistUrl"]) == pytest.approx(preview["durationSeconds"], abs=0.5)


def test_a_clip_without_a_processed_track_is_409_with_the_reason(api: httpx.Client) -> None:
    episode_id = new_episode(api)
    put_transcript(api, episode_id, VIDEO_SECONDS / 60, seed=5)
    [clip, *_] = api.get(f"/episodes/{episode_id}/clips").json()["items"]
    answer = api.get(f"/episodes/{episode_id}/clips/{clip['clipId']}/preview")
    assert answer.status_code == 409 and "Processed" in answer.json()["message"]
