"""Clip rendering in the local MediaConvert: FILE_GROUP jobs shaped like AWS's, rendered with ffmpeg.

The pure parts (timecodes, ranges, cue re-timing, picture geometry, the ASS script) are checked
directly; the rest drives the emulator with boto3 against a real moto server, sends it the job
settings the handlers build (`handlers.core.domain.render_job`), renders from a generated 60 s
1280x720 source and checks the written MP4 with ffmpeg: size, duration, audio, and captions
compared pixel by pixel against the same clip rendered without them.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
import srt
from botocore import serialize
from moto.server import ThreadedMotoServer

from handlers.core.domain import captions as caption_files
from handlers.core.domain.render_job import burn_in, render_settings
from local import captions, job_settings, media, rendering
from local.job_settings import Clipping, VideoSettings
from local.mediaconvert import LocalMediaConvert
from local.samples import generate_video

REGION, ACCOUNT = "us-east-1", "123456789012"
BUCKET = "nullcheck-media"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mediaconvert"
CREDENTIALS = {"region_name": REGION, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SOURCE_KEY, SRT_KEY = "tenant/ep-1/tracks/main.mp4", "tenant/ep-1/transcripts/t1.srt"
FRAME_RATE = 25.0
# Three 1.2 s segments of a clip, in seconds as the handlers store them, and the input clippings
# they become (frames 125-154, 500-529, 1000-1029 at 25 fps): 3.6 s of output.
SEGMENTS = [(5.0, 6.2), (20.0, 21.2), (40.0, 41.2)]
RANGES = [("00:00:05:00", "00:00:06:04"), ("00:00:20:00", "00:00:21:04"), ("00:00:40:00", "00:00:41:04")]
CLIP_SECONDS = 3.6
# Input-time cues: the first overlaps the start of range 1 (output 0-0.6 s), the second lies
# between ranges (never shown), the third starts inside range 2 (output 1.8-2.4 s).
TRANSCRIPT = """1
00:00:04,000 --> 00:00:05,600
Welcome back to Null Check

2
00:00:10,000 --> 00:00:15,000
This line is cut from the clip

3
00:00:20,600 --> 00:00:30,000
Serverless at <i>scale</i>
"""


# What `ffmpeg -i` says about a camera file with a timecode track.
CAMERA_PROBE = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'camera.mp4':
  Duration: 00:00:10.00, start: 0.000000, bitrate: 6713 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 \
[SAR 1:1 DAR 16:9], 6580 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
      Metadata:
        timecode        : 01:00:00:00
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 127 kb/s (default)
  Stream #0:2[0x3](eng): Data: none (tmcd / 0x64636D74), 0 kb/s
      Metadata:
        timecode        : 01:00:00:00
"""


def srt_cue(start: float, end: float, text: str) -> srt.Subtitle:
    return srt.Subtitle(1, datetime.timedelta(seconds=start), datetime.timedelta(seconds=end), text)


# Timecodes and ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timecode", "fps", "frame"),
    [
        ("00:01:02:10", 25.0, 62 * 25 + 10),
        ("01:00:00:00", 25.0, 90000),
        ("00:10:00:00", 30000 / 1001, 18000),  # non-drop at 29.97: 600.6 s in
        ("00:10:00;00", 30000 / 1001, 17982),  # drop-frame stays on the clock: 599.9994 s
        ("00:01:00;02", 30000 / 1001, 1800),
    ],
)
def test_timecodes_count_frames_at_the_input_rate(timecode: str, fps: float, frame: int) -> None:
    assert rendering.timecode_frame(timecode, fps) == frame


def test_a_frame_number_the_rate_cannot_have_is_an_error() -> None:
    with pytest.raises(media.MediaError) as raised:
        rendering.timecode_frame("00:00:01:25", 25.0)

    assert raised.value.code == 1999
    assert "00:00:01:25" in raised.value.message


def test_ranges_include_the_end_frame_and_stop_at_the_end_of_the_input() -> None:
    clippings = (
        Clipping("00:00:01:00", "00:00:01:24"),
        Clipping("00:00:09:00", "00:00:12:00"),
        Clipping(None, "00:00:00:04"),
    )

    ranges = rendering.resolve_ranges(clippings, 25.0, 10.0)

    assert [(clip.first, clip.frames) for clip in ranges] == [(25, 25), (225, 25), (0, 5)]
    assert [clip.duration for clip in ranges] == [1.0, 1.0, 0.2]


def test_a_range_starting_after_the_input_is_an_error() -> None:
    with pytest.raises(media.MediaError, match="after the input's end"):
        rendering.resolve_ranges((Clipping("00:00:11:00", None),), 25.0, 10.0)


def test_embedded_timecode_moves_the_clippings_like_a_camera_file() -> None:
    settings = job_settings.RenderSettings(
        clippings=(Clipping("01:00:05:00", "01:00:05:24"),), video=VideoSettings(None, None), audio=None,
        captions=None, captions_source=None,
    )  # fmt: skip
    camera = media.parse_probe(CAMERA_PROBE)

    embedded = rendering.timecode_origin(settings, camera, 25.0)
    zero_based = rendering.timecode_origin(dataclasses.replace(settings, timecode_source="ZEROBASED"), camera, 25.0)

    assert camera.timecode == "01:00:00:00"
    assert camera.input_detail("s3://b/camera.mp4")["audio"] == [
        {"channels": 2, "codec": "AAC", "language": "ENG", "sampleRate": 48000, "streamId": 2}
    ]
    assert [(video.width, video.height, video.pixel_format, video.frame_rate) for video in camera.video] == [
        (1920, 1080, "yuv420p", 25.0)
    ]
    assert (embedded, zero_based) == (90000, 0)
    [clip] = rendering.resolve_ranges(settings.clippings, 25.0, 10.0, embedded)
    assert (clip.first, clip.frames) == (125, 25)
    with pytest.raises(media.MediaError, match="before the input's first frame"):
        rendering.resolve_ranges((Clipping("00:00:05:00", None),), 25.0, 10.0, embedded)


def test_no_clipping_renders_the_whole_input() -> None:
    [whole] = rendering.resolve_ranges((), 25.0, 10.0)

    assert (whole.first, whole.frames) == (0, 250)


# Captions ---------------------------------------------------------------------------------------


def test_cues_are_clipped_to_each_range_and_moved_into_clip_time() -> None:
    cues = [srt_cue(4.0, 5.6, "a"), srt_cue(10.0, 15.0, "cut"), srt_cue(20.6, 30.0, "b"), srt_cue(40.5, 40.9, "c")]

    retimed = captions.retime_cues(cues, [(5.0, 6.2), (20.0, 21.2), (40.0, 41.2)])

    assert [(round(cue.start, 3), round(cue.end, 3), cue.text) for cue in retimed] == [
        (0.0, 0.6, "a"),
        (1.8, 2.4, "b"),
        (2.9, 3.3, "c"),
    ]


def test_a_cue_spanning_two_ranges_shows_in_both() -> None:
    retimed = captions.retime_cues([srt_cue(0.0, 100.0, "long")], [(10.0, 11.0), (50.0, 52.0)])

    assert [(cue.start, cue.end) for cue in retimed] == [(0.0, 1.0), (1.0, 3.0)]


def test_the_ass_script_sizes_and_places_captions_on_the_output_frame() -> None:
    cue = captions.Cue(1.0, 2.5, "Serverless at <i>scale</i> {not a tag}\\N\nsecond <font color=red>line</font>")

    vertical = captions.ass_document([cue], captions.CaptionStyle(), 1080, 1920)
    landscape = captions.ass_document([cue], captions.CaptionStyle(font_size=40, outline_size=3), 1920, 1080)

    assert "PlayResX: 1080\nPlayResY: 1920" in vertical
    # Automatic size 81 px, outline 6 px, bottom centre, above a safe area of a fifth of the height.
    assert "Style: Default,Noto Sans,81,&H00FFFFFF,&H00FFFFFF,&H00000000," in vertical
    assert ",1,6,0,2,65,65,384,1" in vertical
    assert ",Noto Sans,40," in landscape
    assert ",1,3,0,2,115,115,76,1" in landscape
    dialogue = vertical.splitlines()[-1]
    assert dialogue.startswith("Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,")
    assert dialogue.endswith("Serverless at {\\i1}scale{\\i0} \\{not a tag\\}\\\u200bN\\Nsecond line")


def test_explicit_positions_and_colours_are_honoured() -> None:
    style = captions.CaptionStyle(
        y_position=1500, font_color="FFFF00", font_opacity=128, alignment="LEFT", x_position=40
    )

    script = captions.ass_document([captions.Cue(0, 1, "hi")], style, 1080, 1920)

    assert ",&H7F00FFFF," in script  # yellow, half transparent (&HAABBGGRR)
    assert script.splitlines()[-1].endswith(",{\\an7\\pos(40,1500)}hi")


def test_an_invalid_srt_is_an_input_error() -> None:
    with pytest.raises(media.MediaError) as raised:
        captions.parse_srt("1\nnot a time\nhello\n", uri="s3://b/t.srt")

    assert raised.value.code == 1010
    assert "s3://b/t.srt" in raised.value.message


# Picture geometry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scaling", "size", "filters", "written"),
    [
        ("FILL", (1080, 1920), ["crop=404:720:438:0", "scale=1080:1920"], (1080, 1920)),
        ("FILL", (1080, 1080), ["crop=720:720:280:0", "scale=1080:1080"], (1080, 1080)),
        ("FILL", (1920, 1080), ["scale=1920:1080"], (1920, 1080)),
        ("DEFAULT", (1080, 1080), ["scale=1080:608", "pad=1080:1080:0:236:black"], (1080, 1080)),
        ("FIT", (1080, 1080), ["scale=1080:608"], (1080, 608)),
        ("FIT_NO_UPSCALE", (1920, 1920), ["scale=1280:720"], (1280, 720)),
        ("STRETCH_TO_OUTPUT", (1080, 1920), ["scale=1080:1920"], (1080, 1920)),
    ],
)
def test_scaling_behaviours_from_a_1280x720_source(
    scaling: str, size: tuple[int, int], filters: list[str], written: tuple[int, int]
) -> None:
    chain, width, height = rendering.picture_filters(1280, 720, VideoSettings(*size, scaling=scaling))

    assert chain == [*filters, "setsar=1"]
    assert (width, height) == written


# Settings ---------------------------------------------------------------------------------------


def wire(settings: dict[str, Any]) -> dict[str, Any]:
    """Job settings as boto3 puts them on the wire (REST-JSON names), via botocore's own serializer."""
    model = botocore.session.get_session().get_service_model("mediaconvert")
    request = serialize.create_serializer("rest-json").serialize_to_request(
        {"Role": ROLE, "Settings": settings}, model.operation_model("CreateJob")
    )
    return json.loads(request["body"])["settings"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s["Inputs"][0]["InputClippings"][0].update(StartTimecode="5s"), "/inputClippings/0/startTimecode"),
        (lambda s: s["Inputs"][0]["InputClippings"][0].update(EndTimecode="00:00:01:00"), "/0/endTimecode"),
        (lambda s: s["Inputs"][0].pop("CaptionSelectors"), "/captionDescriptions/0/captionSelectorName"),
        (lambda s: output(s)["ContainerSettings"].update(Container="MOV"), "/containerSettings/container"),
        (lambda s: output(s)["VideoDescription"]["CodecSettings"].update(Codec="H_265"), "/codecSettings/codec"),
        (lambda s: output(s)["VideoDescription"].update(ScalingBehavior="SMART_CROP"), "/scalingBehavior"),
        (lambda s: output(s)["AudioDescriptions"][0].update(AudioSourceName="Audio Selector 2"), "/audioSourceName"),
        (
            lambda s: output(s)["CaptionDescriptions"][0]["DestinationSettings"].update(DestinationType="SRT"),
            "/destinationSettings/destinationType",
        ),
        (
            lambda s: s["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"].update(Destination="out/x"),
            "/fileGroupSettings/destination",
        ),
    ],
)
def test_file_jobs_the_renderer_cannot_honour_are_refused(change: Any, where: str) -> None:
    settings = clip_settings(SOURCE_KEY, "renders/clip", transcript_key=SRT_KEY)
    change(settings)

    with pytest.raises(job_settings.InvalidSettings) as raised:
        job_settings.parse_settings(wire(settings))

    assert raised.value.path.endswith(where)


def test_a_file_job_names_its_mp4_like_mediaconvert() -> None:
    settings = clip_settings("in/talk.mp4", "renders/ep-1/clip", bucket="b", name_modifier="_vertical")

    spec = job_settings.parse_settings(wire(settings))

    assert (spec.group_type, spec.output_uri(spec.file_name)) == ("FILE_GROUP", "s3://b/renders/ep-1/clip_vertical.mp4")
    assert spec.render is not None
    assert spec.render.clippings == tuple(Clipping(start, end) for start, end in RANGES)


def output(settings: dict[str, Any]) -> dict[str, Any]:
    return settings["OutputGroups"][0]["Outputs"][0]  # type: ignore[no-any-return]


def clip_settings(
    upload_key: str,
    destination_key: str,
    *,
    bucket: str = BUCKET,
    segments: list[tuple[float, float]] = SEGMENTS,
    format_name: str = "vertical",
    transcript_key: str | None = None,
    name_modifier: str | None = None,
) -> dict[str, Any]:
    """CreateJob Settings for a clip render, built by the handlers' own `render_settings` (boto3 names).

    The handlers name the format in the destination key; `name_modifier` adds MediaConvert's
    NameModifier on top, to check that the emulator names the MP4 as the service would.
    """
    settings = render_settings(
        bucket=bucket,
        upload_key=upload_key,
        segments=segments,
        frame_rate=FRAME_RATE,
        format_name=format_name,
        destination_key=destination_key,
        captions_key=transcript_key,
    )
    if name_modifier:
        output(settings)["NameModifier"] = name_modifier
    return settings


# Rendering through the emulator -----------------------------------------------------------------


@dataclass
class Emulator:
    """moto, the local MediaConvert and the job-state events, collected per job from an SQS queue."""

    s3: Any
    sqs: Any
    queue_url: str
    mediaconvert: Any
    local: LocalMediaConvert
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def run(self, settings: dict[str, Any], **metadata: str) -> dict[str, Any]:
        job = self.mediaconvert.create_job(Role=ROLE, Settings=settings, UserMetadata=metadata)["Job"]
        assert self.local.wait_idle(120)
        return job  # type: ignore[no-any-return]

    def events(self, job_id: str, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The job's first `count` events, in the order they were sent."""
        deadline = time.monotonic() + timeout
        while len(self.received.get(job_id, [])) < count and time.monotonic() < deadline:
            response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in response.get("Messages", []):
                event = json.loads(message["Body"])
                self.received.setdefault(event["detail"]["jobId"], []).append(event)
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        order = ["PROGRESSING", "INPUT_INFORMATION", "COMPLETE", "ERROR"]
        events = self.received.get(job_id, [])
        return sorted(events, key=lambda event: (event["detail"]["timestamp"], order.index(event["detail"]["status"])))

    def download(self, key: str, target: Path) -> Path:
        self.s3.download_file(BUCKET, key, str(target))
        return target


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s of 1280x720 H.264 + AAC at 25 fps: 10 s of test pattern, looped without re-encoding."""
    folder = tmp_path_factory.mktemp("source")
    ten = generate_video(folder / "ten.mp4", 10)
    looped = folder / "episode.mp4"
    subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "5", "-i", str(ten),
         "-c", "copy", str(looped)],
        check=True, timeout=60,
    )  # fmt: skip
    return looped


@pytest.fixture(scope="module")
def emulator(source: Path) -> Iterator[Emulator]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    events = boto3.client("events", endpoint_url=endpoint, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=endpoint, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    s3.upload_file(str(source), BUCKET, SOURCE_KEY)
    s3.put_object(Bucket=BUCKET, Key=SRT_KEY, Body=TRANSCRIPT.encode())
    queue_url = sqs.create_queue(QueueName="mediaconvert-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="mediaconvert", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
    events.put_targets(Rule="mediaconvert", Targets=[{"Id": "queue", "Arn": queue_arn}])
    local = LocalMediaConvert(s3=s3, events=events, region=REGION, account_id=ACCOUNT)
    url = local.start()
    client = boto3.client("mediaconvert", endpoint_url=url, **CREDENTIALS)
    yield Emulator(s3, sqs, queue_url, client, local)
    local.stop()
    server.stop()


@dataclass(frozen=True)
class Rendered:
    job: dict[str, Any]
    path: Path


@pytest.fixture(scope="module")
def vertical(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Three ranges, vertical 1080x1920, captions burned in."""
    settings = clip_settings(
        SOURCE_KEY, "tenant/ep-1/renders/clip-1", transcript_key=SRT_KEY, name_modifier="_vertical"
    )
    job = emulator.run(settings, episodeId="ep-1", renderId="r-1")
    path = tmp_path_factory.mktemp("vertical") / "clip.mp4"
    return Rendered(job, emulator.download("tenant/ep-1/renders/clip-1_vertical.mp4", path))


@pytest.fixture(scope="module")
def vertical_plain(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The same clip without captions."""
    job = emulator.run(clip_settings(SOURCE_KEY, "tenant/ep-1/renders/plain"))
    path = tmp_path_factory.mktemp("plain") / "clip.mp4"
    return Rendered(job, emulator.download("tenant/ep-1/renders/plain.mp4", path))


def probe(path: Path) -> media.MediaInfo:
    return media.probe(path, cancel=threading.Event())


def grey_pixels(path: Path, at: float, box: tuple[int, int, int, int]) -> bytes:
    """The 8-bit luma of a w:h:x:y box of the frame shown at `at` seconds."""
    width, height, x, y = box
    return subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{at}", "-i", str(path), "-frames:v", "1",
         "-vf", f"crop={width}:{height}:{x}:{y}", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
        check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip


def difference(first: bytes, second: bytes) -> float:
    """Mean absolute difference per pixel (0-255)."""
    assert len(first) == len(second) > 0
    return sum(abs(a - b) for a, b in zip(first, second, strict=True)) / len(first)


@pytest.mark.slow
def test_a_vertical_clip_has_the_output_size_the_ranges_duration_and_audio(vertical: Rendered) -> None:
    info = probe(vertical.path)

    assert (info.width, info.height) == (1080, 1920)
    assert info.duration_ms is not None
    assert abs(info.duration_ms / 1000 - CLIP_SECONDS) <= 0.1
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.audio[0].channels == 2
    data = vertical.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "PROGRESSIVE_DOWNLOAD puts the index first"


# The caption box: where the handlers' burn-in settings put a vertical clip's captions, from their
# YPosition (the top of the text) two font sizes down, inside the side margins.
VERTICAL_BURN_IN = burn_in(1920, vertical=True)["BurninDestinationSettings"]
CAPTION_BOX = (960, 2 * VERTICAL_BURN_IN["FontSize"], 60, VERTICAL_BURN_IN["YPosition"])
PICTURE_BOX = (960, 600, 60, 100)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("at", "shown"),
    [(0.3, True), (1.0, False), (2.1, True), (3.2, False)],
    ids=["first-cue", "between-cues", "cue-of-range-2", "range-3-has-none"],
)
def test_captions_are_burned_in_at_their_clip_time(
    vertical: Rendered, vertical_plain: Rendered, at: float, shown: bool
) -> None:
    caption_area = difference(
        grey_pixels(vertical.path, at, CAPTION_BOX), grey_pixels(vertical_plain.path, at, CAPTION_BOX)
    )
    picture = difference(grey_pixels(vertical.path, at, PICTURE_BOX), grey_pixels(vertical_plain.path, at, PICTURE_BOX))

    assert picture < 2, "away from the captions both renders show the same picture"
    if shown:
        assert caption_area > 5 * max(picture, 1), caption_area
    else:
        assert caption_area < 2, caption_area


# A transcript that spoils the frame: a 400-character word (one line wider than five frames), bidi
# controls and emoji, in the cue of range 2 (output 1.2-2.4 s). Burned in as uploaded it runs off
# both sides; the render's caption file (`handlers.core.domain.captions`) stays inside.
LONG_WORD = ("nullcheckserverless" * 22)[:400]
MESSY_TRANSCRIPT = f"""1
00:00:20,000 --> 00:00:21,200
\u202eLook\u202c {LONG_WORD} \U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467 done\u200f
"""
MARGIN_BOXES = {
    "left edge": (40, 500, 0, VERTICAL_BURN_IN["YPosition"] - 100),
    "right edge": (40, 500, 1040, VERTICAL_BURN_IN["YPosition"] - 100),
    "below two lines": (1080, 1920 - VERTICAL_BURN_IN["YPosition"] - 220, 0, VERTICAL_BURN_IN["YPosition"] + 220),
}


def text_pixels(first: bytes, second: bytes) -> int:
    """Pixels whose luma differs by more than encoding noise does: drawn text or its outline."""
    return sum(abs(a - b) > 48 for a, b in zip(first, second, strict=True))


@pytest.fixture(scope="module")
def messy_captions(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The clip of `vertical`, captioned from the transcript as uploaded and from its caption file."""
    layout = caption_files.layout_for("vertical")
    files = {
        "as uploaded": MESSY_TRANSCRIPT,
        "cleaned": caption_files.caption_file(MESSY_TRANSCRIPT, layout, within=SEGMENTS),
    }
    folder = tmp_path_factory.mktemp("messy")
    rendered = {}
    for number, (name, text) in enumerate(files.items()):
        key = f"tenant/ep-1/captions/{number}.srt"
        emulator.s3.put_object(Bucket=BUCKET, Key=key, Body=text.encode())
        emulator.run(clip_settings(SOURCE_KEY, f"renders/messy-{number}", transcript_key=key))
        rendered[name] = emulator.download(f"renders/messy-{number}.mp4", folder / f"{number}.mp4")
    return rendered


@pytest.mark.slow
@pytest.mark.parametrize("at", [1.5, 2.1])
def test_the_caption_file_keeps_a_400_character_word_inside_the_frame(
    messy_captions: dict[str, Path], vertical_plain: Rendered, at: float
) -> None:
    def text_in(name: str, box: tuple[int, int, int, int]) -> int:
        return text_pixels(grey_pixels(messy_captions[name], at, box), grey_pixels(vertical_plain.path, at, box))

    assert text_in("as uploaded", MARGIN_BOXES["left edge"]) > 100, "the word as uploaded runs off the left"
    assert text_in("as uploaded", MARGIN_BOXES["right edge"]) > 100, "and off the right"
    assert text_in("cleaned", CAPTION_BOX) > 1000, "the cleaned captions are shown"
    assert {where: text_in("cleaned", box) for where, box in MARGIN_BOXES.items()} == dict.fromkeys(MARGIN_BOXES, 0)


@pytest.mark.slow
def test_the_complete_event_reports_the_mp4(emulator: Emulator, vertical: Rendered) -> None:
    progressing, information, complete = emulator.events(vertical.job["Id"], 3)

    assert [event["detail"]["status"] for event in (progressing, information, complete)] == [
        "PROGRESSING",
        "INPUT_INFORMATION",
        "COMPLETE",
    ]
    assert complete["detail"]["userMetadata"] == {"episodeId": "ep-1", "renderId": "r-1"}
    [group] = complete["detail"]["outputGroupDetails"]
    [detail] = group.pop("outputDetails")
    assert group == {"type": "FILE_GROUP"}
    assert detail["outputFilePaths"] == [f"s3://{BUCKET}/tenant/ep-1/renders/clip-1_vertical.mp4"]
    assert detail["videoDetails"] == {"widthInPx": 1080, "heightInPx": 1920}
    assert abs(detail["durationInMs"] - CLIP_SECONDS * 1000) <= 100
    head = emulator.s3.head_object(Bucket=BUCKET, Key="tenant/ep-1/renders/clip-1_vertical.mp4")
    assert head["ContentType"] == "video/mp4"
    done = emulator.mediaconvert.get_job(Id=vertical.job["Id"])["Job"]
    assert done["Status"] == "COMPLETE"
    assert done["OutputGroupDetails"][0]["OutputDetails"][0]["VideoDetails"] == {"WidthInPx": 1080, "HeightInPx": 1920}


@pytest.mark.slow
def test_input_information_describes_the_source(emulator: Emulator, vertical: Rendered) -> None:
    _, information, _ = emulator.events(vertical.job["Id"], 3)

    assert information["detail"]["inputDetails"] == [
        {
            "id": 1,
            "uri": f"s3://{BUCKET}/{SOURCE_KEY}",
            "audio": [{"channels": 1, "codec": "AAC", "language": "UND", "sampleRate": 48000, "streamId": 2}],
            "video": [
                {
                    "bitDepth": 8,
                    "codec": "H_264",
                    "colorFormat": "YUV_420",
                    "fourCC": "avc1",
                    "frameRate": 25,
                    "height": 720,
                    "interlaceMode": "PROGRESSIVE",
                    "sar": "1:1",
                    "standard": "UNSPECIFIED",
                    "streamId": 1,
                    "width": 1280,
                }
            ],
        }
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("format_name", "size", "with_captions"),
    [("square", (1080, 1080), False), ("landscape", (1920, 1080), True)],
    ids=["square", "landscape"],
)
def test_square_and_landscape_clips(
    emulator: Emulator, tmp_path: Path, format_name: str, size: tuple[int, int], with_captions: bool
) -> None:
    name = f"{size[0]}x{size[1]}"
    settings = clip_settings(
        SOURCE_KEY,
        f"renders/{name}",
        segments=[(30.0, 31.0)],
        format_name=format_name,
        transcript_key=SRT_KEY if with_captions else None,
    )
    job = emulator.run(settings)

    info = probe(emulator.download(f"renders/{name}.mp4", tmp_path / "clip.mp4"))
    assert (info.width, info.height) == size
    assert info.duration_ms is not None and abs(info.duration_ms - 1000) <= 100
    complete = emulator.events(job["Id"], 3)[-1]
    assert complete["detail"]["outputGroupDetails"][0]["outputDetails"][0]["videoDetails"] == {
        "widthInPx": size[0],
        "heightInPx": size[1],
    }


@pytest.mark.slow
def test_a_chunking_job_also_reports_input_information(emulator: Emulator) -> None:
    settings = {
        "Inputs": [{"FileInput": f"s3://{BUCKET}/{SOURCE_KEY}"}],
        "OutputGroups": [
            {
                "OutputGroupSettings": {
                    "Type": "HLS_GROUP_SETTINGS",
                    "HlsGroupSettings": {"Destination": f"s3://{BUCKET}/chunks/", "SegmentLength": 30},
                },
                "Outputs": [{"ContainerSettings": {"Container": "M3U8"}, "NameModifier": "_720p"}],
            }
        ],
    }
    job = emulator.run(settings)

    statuses = [event["detail"]["status"] for event in emulator.events(job["Id"], 3)]
    information = emulator.events(job["Id"], 3)[1]["detail"]
    complete = emulator.events(job["Id"], 3)[2]["detail"]
    assert statuses == ["PROGRESSING", "INPUT_INFORMATION", "COMPLETE"]
    assert information["inputDetails"][0]["video"][0]["frameRate"] == 25
    assert complete["outputGroupDetails"][0]["type"] == "HLS_GROUP"
    assert complete["outputGroupDetails"][0]["playlistFilePaths"] == [f"s3://{BUCKET}/chunks/main.m3u8"]


@pytest.mark.slow
def test_a_missing_source_ends_in_error(emulator: Emulator) -> None:
    job = emulator.run(clip_settings("tenant/ep-1/tracks/gone.mp4", "renders/gone"))

    progressing, error = emulator.events(job["Id"], 2)

    assert progressing["detail"]["status"] == "PROGRESSING"
    assert (error["detail"]["status"], error["detail"]["errorCode"]) == ("ERROR", 1404)
    assert error["detail"]["errorMessage"].startswith(
        f"Unable to open input file [s3://{BUCKET}/tenant/ep-1/tracks/gone.mp4]: ["
    )
    assert emulator.events(job["Id"], 3, timeout=1) == [progressing, error], "no INPUT_INFORMATION without an input"


@pytest.mark.slow
def test_a_missing_transcript_ends_in_error(emulator: Emulator) -> None:
    settings = clip_settings(SOURCE_KEY, "renders/no-srt", transcript_key="gone.srt")
    job = emulator.run(settings)

    *_, error = emulator.events(job["Id"], 3)

    assert (error["detail"]["status"], error["detail"]["errorCode"]) == ("ERROR", 1404)
    assert f"[s3://{BUCKET}/gone.srt]" in error["detail"]["errorMessage"]
    assert "outputGroupDetails" not in error["detail"]
