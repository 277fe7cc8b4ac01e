"""Review and render on the running local stack, over HTTP: approve, render, download, and the unhappy paths."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import imageio_ffmpeg
import pytest

from handlers.core.domain import captions
from handlers.core.domain.timestamps import parse_timestamp
from local.mediaconvert import LocalMediaConvert
from local.samples import generate_video
from local.stack import LocalStack
from local.transcripts import sample_transcript
from tests.e2e.conftest import TENANT
from tests.e2e.test_media_pipeline import new_episode, track_when_settled, upload_track, wait_for

VIDEO_SECONDS = 40


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_video(tmp_path_factory.mktemp("renders") / "cam.mp4", VIDEO_SECONDS, width=320, height=180)


def put_transcript(api: httpx.Client, episode_id: str, minutes: float, seed: int) -> str:
    """Upload a transcript and wait for its clips; returns its key."""
    upload = api.post(f"/episodes/{episode_id}/transcripts", json={}).json()
    body = sample_transcript(minutes=minutes, seed=seed).encode()
    assert httpx.post(upload["uploadUrl"], data=upload["fields"], files={"file": body}).is_success
    wait_for(lambda: api.get(f"/episodes/{episode_id}").json().get("clipsTranscriptKey") == upload["key"])
    return str(upload["key"])


@pytest.fixture
def episode(api: httpx.Client, video: Path) -> dict[str, Any]:
    episode_id = new_episode(api)
    upload_track(api, episode_id, video, "main")
    assert track_when_settled(api, episode_id)["status"] == "Processed"
    transcript = put_transcript(api, episode_id, VIDEO_SECONDS / 60, seed=3)
    clips = api.get(f"/episodes/{episode_id}/clips").json()["items"]
    return {"id": episode_id, "transcript": transcript, "clip": clips[0]["clipId"]}


def rendered(api: httpx.Client, episode_id: str, clip_id: str, render_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        renders = api.get(f"/episodes/{episode_id}/clips/{clip_id}").json()["renders"]
        render = next(r for r in renders if r["renderId"] == render_id)
        return render if render["status"] not in ("Framing", "Rendering") else None

    return dict(wait_for(done, timeout=120))


def probe(path: Path) -> str:
    """ffmpeg's description of a media file (imageio-ffmpeg ships no ffprobe)."""
    run = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    return run.stderr.decode(errors="replace")


def test_approve_render_and_download_a_vertical_captioned_clip(
    api: httpx.Client, episode: dict[str, Any], stack: LocalStack, tmp_path: Path
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}"
    assert api.patch(path, json={"status": "approved"}).json()["status"] == "approved"

    first = api.post(f"{path}/renders", json={})
    again = api.post(f"{path}/renders", json={"format": "vertical", "captions": True})
    assert first.status_code == again.status_code == 202 and first.json() == again.json()  # one render, one job
    render = rendered(api, episode["id"], episode["clip"], first.json()["renderId"])

    assert render["status"] == "Rendered" and (render["width"], render["height"]) == (1080, 1920)
    clip = api.get(path).json()
    assert abs(render["durationSeconds"] - clip["totalDurationSeconds"]) <= 0.2
    download = httpx.get(render["downloadUrl"], timeout=60)
    assert download.status_code == 200 and len(download.content) == render["sizeBytes"]
    saved = tmp_path / "clip.mp4"
    saved.write_bytes(download.content)
    description = probe(saved)
    assert "1080x1920" in description and "Audio: aac" in description
    folder = f"renders/{TENANT}/{episode['id']}/{episode['clip']}/"
    objects = stack.client("s3").list_objects_v2(Bucket=stack.config.bucket_name, Prefix=folder)
    keys = [o["Key"].removeprefix(folder) for o in objects["Contents"]]
    [caption_file] = [key for key in keys if key.endswith(".srt")]  # the captions the render burned in
    attempt = caption_file.removesuffix(".srt")
    frames = sorted(key for key in keys if key.startswith(f"{attempt}-frames_frame."))  # vertical: framed first
    assert frames and frames[0] == f"{attempt}-frames_frame.0000000.jpg"
    kept = ["r0-main-vertical-captions-social.mp4", caption_file, f"{attempt}.plan.json", f"{attempt}-frames_proxy.mp4"]
    assert sorted(keys) == sorted([*kept, *frames])  # vertical: social captions
    assert caption_file.startswith(f"{render['renderId']}-")


@pytest.fixture
def source_gone_when_the_job_starts(stack: LocalStack) -> Iterator[None]:
    """The original upload disappears between the render request and MediaConvert reading it."""
    mediaconvert = stack.mediaconvert
    assert mediaconvert is not None
    download = LocalMediaConvert._download

    def delete_then_download(self: LocalMediaConvert, location: Any, target: Path) -> None:
        if "/tracks/" in location.key:
            stack.client("s3").delete_object(Bucket=location.bucket, Key=location.key)
        download(self, location, target)

    mediaconvert._download = delete_then_download.__get__(mediaconvert)  # type: ignore[method-assign]
    yield
    del mediaconvert._download  # type: ignore[attr-defined]


def test_a_render_whose_source_is_gone_fails_with_a_reason_then_asking_again_is_409(
    api: httpx.Client, episode: dict[str, Any], source_gone_when_the_job_starts: None, stack: LocalStack
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}/renders"
    api.patch(path.removesuffix("/renders"), json={"status": "approved"})

    started = api.post(path, json={"format": "square", "captions": False}).json()
    render = rendered(api, episode["id"], episode["clip"], started["renderId"])

    assert render["status"] == "RenderFailed" and render["failureReason"]
    assert stack.config.bucket_name not in render["failureReason"] and "downloadUrl" not in render
    retried = api.post(path, json={"format": "square", "captions": False})
    assert retried.status_code == 409 and "expired" in retried.json()["message"]


def test_an_approved_clip_survives_a_new_transcript_and_renders_its_own_captions(
    api: httpx.Client, episode: dict[str, Any], stack: LocalStack
) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}"
    api.patch(path, json={"status": "approved"})

    newer = put_transcript(api, episode["id"], VIDEO_SECONDS / 60, seed=4)
    clip = api.get(path).json()
    assert clip["status"] == "approved" and clip["fromEarlierTranscript"] is True
    assert clip["transcriptKey"] == episode["transcript"] != newer

    started = api.post(f"{path}/renders", json={"format": "landscape"}).json()
    assert rendered(api, episode["id"], episode["clip"], started["renderId"])["status"] == "Rendered"
    table = boto3.resource("dynamodb", endpoint_url=stack.moto_url, region_name="us-east-1").Table(
        stack.config.table_name
    )
    item = table.get_item(Key={"pk": f"{TENANT}#{episode['id']}", "sk": f"clip#{episode['clip']}"})["Item"]
    render = item["renders"][started["renderId"]]
    job = stack.mediaconvert.get_job(render["jobId"])  # type: ignore[union-attr]
    [job_input] = job["settings"]["inputs"]
    source = job_input["captionSelectors"]["Captions Selector 1"]["sourceSettings"]["fileSourceSettings"]
    key = f"renders/{TENANT}/{episode['id']}/{episode['clip']}/{started['renderId']}-{render['attempt']}.srt"
    assert source["sourceFile"] == f"s3://{stack.config.bucket_name}/{key}"
    s3 = stack.client("s3")

    def read(key: str) -> str:
        return str(s3.get_object(Bucket=stack.config.bucket_name, Key=key)["Body"].read().decode())

    segments = [(parse_timestamp(s["startTime"]), parse_timestamp(s["endTime"])) for s in item["segments"]]
    layout = captions.layout_for("landscape")
    burned = read(key)
    # The clip's own caption lines, taken from its transcript's cues when it was proposed.
    lines = [(parse_timestamp(c["startTime"]), parse_timestamp(c["endTime"]), c["text"]) for c in item["captions"]]
    assert burned == captions.caption_file_of_lines(lines, layout, within=segments)
    assert all(line[2] in read(episode["transcript"]) for line in lines)
    assert burned != captions.caption_file(read(newer), layout, within=segments)


def test_render_refusals_over_http(api: httpx.Client, episode: dict[str, Any]) -> None:
    path = f"/episodes/{episode['id']}/clips/{episode['clip']}"
    assert api.post(f"{path}/renders", json={"format": "portrait"}).status_code == 400
    unapproved = api.post(f"{path}/renders", json={})
    assert unapproved.status_code == 409 and "not approved" in unapproved.json()["message"]
    api.patch(path, json={"status": "approved"})
    assert api.post(f"{path}/renders", json={"trackName": "Guest Cam"}).status_code == 404
    assert api.patch(path, json={}).status_code == 400
    assert api.patch(path, json={"status": "maybe"}).status_code == 400
    assert api.get(f"/episodes/{episode['id']}/clips/unknown").status_code == 404
