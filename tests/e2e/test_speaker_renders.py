"""Cut to whoever is speaking, on the running local stack: two tracks naming Alice and Bob, one clip, one MP4."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import pytest

from local.samples import generate_video
from tests.e2e.test_media_pipeline import new_episode, upload_track, wait_for
from tests.e2e.test_renders import rendered

SECONDS = 24


def transcript() -> bytes:
    """Cues of 3 s alternating ALICE: and BOB: labels (Alice first)."""
    cues = []
    for number in range(SECONDS // 3):
        speaker = "ALICE" if number % 2 == 0 else "BOB"
        start, end = number * 3, number * 3 + 3
        cues.append(
            f"{number + 1}\n00:00:{start:02d},000 --> 00:00:{end:02d},000\n"
            f"{speaker}: Why does the queue matter here? Point number {number} is the surprising part.\n"
        )
    return "\n".join(cues).encode()


@pytest.fixture(scope="module")
def cameras(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cameras")
    return {
        name: generate_video(folder / f"{name}.mp4", SECONDS, width=320, height=180, color=color)
        for name, color in (("alice-cam", "red"), ("bob-cam", "blue"))
    }


def two_speaker_episode(api: httpx.Client, cameras: dict[str, Path]) -> dict[str, Any]:
    """Alice's and Bob's cameras (`cameras`: alice-cam, bob-cam) processed and naming them, the transcript, and
    one approved clip of 6 s where they take turns: Alice 1.5-3 s, Bob 3-6 s, Alice 6-7.5 s."""
    episode_id = new_episode(api)
    for name, path in cameras.items():
        upload_track(api, episode_id, path, name)

    def processed() -> bool:
        tracks = api.get(f"/episodes/{episode_id}").json()["tracks"]
        return len(tracks) == 2 and all(track["status"] == "Processed" for track in tracks)

    wait_for(processed)
    for name, speaker in (("alice-cam", " Alice"), ("bob-cam", "bob")):
        answer = api.patch(f"/episodes/{episode_id}/tracks/{name}", json={"speakers": [speaker]})
        assert answer.status_code == 200 and answer.json()["speakers"] == [speaker.strip()]
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()
    assert httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": transcript()}).is_success
    wait_for(lambda: api.get(f"/episodes/{episode_id}").json().get("clipsTranscriptKey") == upload["key"])
    clip_id = api.get(f"/episodes/{episode_id}/clips").json()["items"][0]["clipId"]
    # Time an edit adds to a range has no lines until they are sent: lines sent with their speakers (as the
    # transcript labels them).
    lines = [
        {"startTime": "00:00:01,500", "endTime": "00:00:03,000", "text": "Why does it matter?", "speaker": "ALICE"},
        {"startTime": "00:00:03,000", "endTime": "00:00:06,000", "text": "Because of the queue.", "speaker": "BOB"},
        {"startTime": "00:00:06,000", "endTime": "00:00:07,500", "text": "Surprising.", "speaker": "ALICE"},
    ]
    shaped = api.patch(
        f"/episodes/{episode_id}/clips/{clip_id}",
        json={
            "status": "approved",
            "segments": [{"startTime": "00:00:01,500", "endTime": "00:00:07,500"}],
            "captions": lines,
        },
    )
    assert shaped.status_code == 200, shaped.text
    assert [line.get("speaker") for line in shaped.json()["captions"]] == ["ALICE", "BOB", "ALICE"]
    return {"id": episode_id, "clip": clip_id}


@pytest.fixture
def episode(api: httpx.Client, cameras: dict[str, Path]) -> dict[str, Any]:
    return two_speaker_episode(api, cameras)


def colour_at(path: Path, at: float) -> tuple[int, int, int]:
    pixel = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{at}", "-i", str(path),
         "-frames:v", "1", "-vf", "crop=4:4:60:60,scale=1:1", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip
    return pixel[0], pixel[1], pixel[2]


def red(rgb: tuple[int, int, int]) -> bool:
    return rgb[0] > 150 and rgb[2] < 100


def blue(rgb: tuple[int, int, int]) -> bool:
    return rgb[2] > 150 and rgb[0] < 100


def download(render: dict[str, Any], target: Path) -> Path:
    answer = httpx.get(render["downloadUrl"], timeout=60)
    assert answer.status_code == 200
    target.write_bytes(answer.content)
    return target


def test_the_default_layout_cuts_to_whoever_speaks_and_single_shows_one_track(
    api: httpx.Client, episode: dict[str, Any], tmp_path: Path
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}/renders"
    started = api.post(path, json={"format": "square"})
    assert started.status_code == 202, started.text
    accepted = started.json()
    assert accepted["layout"] == "speaker" and accepted["trackName"] == "alice-cam"
    assert [(p["trackName"], p["startTime"], p["endTime"]) for p in accepted["pieces"]] == [
        ("alice-cam", "00:00:01,500", "00:00:03,000"),
        ("bob-cam", "00:00:03,000", "00:00:06,000"),
        ("alice-cam", "00:00:06,000", "00:00:07,500"),
    ]
    assert api.post(path, json={"format": "square", "layout": "speaker"}).json() == accepted  # the same render

    render = rendered(api, episode["id"], episode["clip"], accepted["renderId"])
    assert render["status"] == "Rendered", render
    assert abs(render["durationSeconds"] - 6.0) <= 0.3
    clip = download(render, tmp_path / "speaker.mp4")
    assert red(colour_at(clip, 0.7)) and blue(colour_at(clip, 2.0)) and blue(colour_at(clip, 4.0))
    assert red(colour_at(clip, 5.3))

    single = api.post(path, json={"format": "square", "layout": "single", "trackName": "bob-cam"}).json()
    assert single["layout"] == "single" and single["renderId"] != accepted["renderId"]
    one = download(rendered(api, episode["id"], episode["clip"], single["renderId"]), tmp_path / "single.mp4")
    assert all(blue(colour_at(one, at)) for at in (0.7, 2.0, 5.3))
