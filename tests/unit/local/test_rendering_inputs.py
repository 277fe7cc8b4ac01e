"""Jobs of several inputs in the local MediaConvert: each input's clippings, captions and audio, joined in order.

Two generated sources of different solid colours (and tones) stand for two camera tracks; the job
settings are the handlers' own (`render_settings` with `pieces`), checked against botocore's model,
and the MP4 is checked frame by frame: each piece shows its own track's colour, at its place.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.validate import validate_parameters
from moto.server import ThreadedMotoServer

from handlers.core.domain.render_job import SourceInput, render_settings
from local import job_settings, media
from local.job_inputs import InvalidSettings, parse_inputs
from local.mediaconvert import LocalMediaConvert
from local.samples import generate_video

REGION, ACCOUNT = "us-east-1", "123456789012"
BUCKET = "nullcheck-media"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mediaconvert"
CREDENTIALS = {"region_name": REGION, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
RED_KEY, BLUE_KEY, SRT_KEY = "t/ep/tracks/alice.mp4", "t/ep/tracks/bob.mp4", "t/ep/renders/c.srt"
TRANSCRIPT = "1\n00:00:02,000 --> 00:00:03,000\nHello from Alice\n\n2\n00:00:03,000 --> 00:00:05,000\nAnd Bob\n"
# Red 2-3 s, blue 3-5 s, red again 6-7 s: 4 s of output, blue from 1 s to 3 s.
PIECES = [(RED_KEY, 2.0, 3.0), (BLUE_KEY, 3.0, 5.0), (RED_KEY, 6.0, 7.0)]


def settings_of(pieces: list[tuple[str, float, float]], *, audio_key: str | None = None, captions: bool = True) -> Any:
    return render_settings(
        bucket=BUCKET,
        upload_key=RED_KEY,
        segments=[],
        frame_rate=25.0,
        format_name="square",
        destination_key="t/ep/renders/speaker",
        captions_key=SRT_KEY if captions else None,
        pieces=[SourceInput(key, ((start, end),), 25.0, audio_key) for key, start, end in pieces],
    )


def test_n_inputs_are_valid_create_job_parameters_each_with_its_clipping_and_caption_selector() -> None:
    settings = settings_of(PIECES, audio_key=BLUE_KEY)
    model = botocore.session.get_session().get_service_model("mediaconvert").operation_model("CreateJob")
    validate_parameters({"Role": ROLE, "Settings": settings}, model.input_shape)  # raises on a wrong field

    inputs = settings["Inputs"]
    assert [item["FileInput"] for item in inputs] == [f"s3://{BUCKET}/{key}" for key, _, _ in PIECES]
    assert [item["InputClippings"] for item in inputs] == [
        [{"StartTimecode": "00:00:02:00", "EndTimecode": "00:00:02:24"}],
        [{"StartTimecode": "00:00:03:00", "EndTimecode": "00:00:04:24"}],
        [{"StartTimecode": "00:00:06:00", "EndTimecode": "00:00:06:24"}],
    ]
    assert all("Captions Selector 1" in item["CaptionSelectors"] for item in inputs)
    # The program audio is the blue track's: external on the red inputs, the file's own on the blue one.
    audio = [item["AudioSelectors"]["Audio Selector 1"] for item in inputs]
    assert audio[0] == audio[2] == {"ExternalAudioFileInput": f"s3://{BUCKET}/{BLUE_KEY}"}
    assert audio[1] == {"DefaultSelection": "DEFAULT"}


def test_at_most_150_inputs() -> None:
    with pytest.raises(ValueError, match="150"):
        settings_of([(RED_KEY, float(n), n + 0.5) for n in range(151)])


def wire(settings: dict[str, Any]) -> dict[str, Any]:
    from botocore import serialize

    model = botocore.session.get_session().get_service_model("mediaconvert")
    request = serialize.create_serializer("rest-json").serialize_to_request(
        {"Role": ROLE, "Settings": settings}, model.operation_model("CreateJob")
    )
    return json.loads(request["body"])["settings"]  # type: ignore[no-any-return]


def test_the_caption_selector_must_be_on_every_input() -> None:
    settings = wire(settings_of(PIECES))
    del settings["inputs"][1]["captionSelectors"]
    with pytest.raises(InvalidSettings, match="/settings/inputs/1/captionSelectors"):
        job_settings.parse_settings(settings)
    parsed = parse_inputs(wire(settings_of(PIECES))["inputs"], captions_selector=None, audio_selector=None)
    assert [item.location.key for item in parsed] == [key for key, _, _ in PIECES]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, LocalMediaConvert, Any]]:
    folder = tmp_path_factory.mktemp("sources")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    events = boto3.client("events", endpoint_url=endpoint, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    for key, color, tone in ((RED_KEY, "red", 440), (BLUE_KEY, "blue", 880)):
        path = generate_video(folder / f"{color}.mp4", 8, width=640, height=360, color=color, frequency=tone)
        s3.upload_file(str(path), BUCKET, key)
    s3.put_object(Bucket=BUCKET, Key=SRT_KEY, Body=TRANSCRIPT.encode())
    local = LocalMediaConvert(s3=s3, events=events, region=REGION, account_id=ACCOUNT)
    client = boto3.client("mediaconvert", endpoint_url=local.start(), **CREDENTIALS)
    yield s3, local, client
    local.stop()
    server.stop()


def colour_at(path: Path, at: float) -> tuple[int, int, int]:
    """The RGB of a pixel near the top left of the frame shown at `at` seconds (away from the captions)."""
    pixel = subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{at}", "-i", str(path), "-frames:v", "1",
         "-vf", "crop=2:2:40:40,scale=1:1", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip
    return pixel[0], pixel[1], pixel[2]


def is_red(rgb: tuple[int, int, int]) -> bool:
    return rgb[0] > 150 and rgb[2] < 100


def is_blue(rgb: tuple[int, int, int]) -> bool:
    return rgb[2] > 150 and rgb[0] < 100


@pytest.mark.slow
def test_two_tracks_render_as_one_clip_in_input_order(
    emulator: tuple[Any, LocalMediaConvert, Any], tmp_path: Path
) -> None:
    s3, local, client = emulator
    job = client.create_job(Role=ROLE, Settings=settings_of(PIECES, audio_key=BLUE_KEY))["Job"]
    assert local.wait_idle(180)
    assert client.get_job(Id=job["Id"])["Job"]["Status"] == "COMPLETE"
    path = tmp_path / "clip.mp4"
    s3.download_file(BUCKET, "t/ep/renders/speaker.mp4", str(path))

    info = media.probe(path, cancel=threading.Event())
    assert info.first_video is not None and (info.first_video.width, info.first_video.height) == (1080, 1080)
    assert abs((info.duration_ms or 0) / 1000 - 4.0) < 0.2 and info.audio
    assert is_red(colour_at(path, 0.5)) and is_blue(colour_at(path, 1.5)) and is_blue(colour_at(path, 2.8))
    assert is_red(colour_at(path, 3.5))
