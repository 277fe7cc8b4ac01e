"""The local MediaConvert, driven through boto3 against a real moto server and the real ffmpeg.

Job state changes are read the way the stack consumes them: an EventBridge rule on
`aws.mediaconvert` routes them to an SQS queue in moto.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import imageio_ffmpeg
import m3u8
import pytest
import requests
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from local import hls, media
from local.mediaconvert import LocalMediaConvert

pytestmark = pytest.mark.slow

REGION, ACCOUNT = "us-east-1", "123456789012"
BUCKET = "nullcheck-media"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mediaconvert"
CREDENTIALS = {"region_name": REGION, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SECONDS, SEGMENT = 5, 2
ORDER = ["PROGRESSING", "INPUT_INFORMATION", "COMPLETE", "ERROR"]


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def lavfi_sources(seconds: int) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]  # fmt: skip


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """320x240 test inputs: 5 s H.264+AAC (keyframe every second) and a 12 s one, 5 s MPEG-4 (one
    keyframe), 5 s audio only, and random bytes named .mp4."""
    folder = tmp_path_factory.mktemp("videos")
    files = {name: folder / f"{name}.mp4" for name in ("h264_aac", "h264_aac_12s", "mpeg4", "audio_only")}
    for name, seconds in (("h264_aac", SECONDS), ("h264_aac_12s", 12)):
        ffmpeg(*lavfi_sources(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-shortest", str(files[name]))  # fmt: skip
    ffmpeg(*lavfi_sources(SECONDS), "-c:v", "mpeg4", "-g", "1000", "-c:a", "aac", "-shortest", str(files["mpeg4"]))
    ffmpeg("-f", "lavfi", "-i", f"sine=duration={SECONDS}", "-c:a", "aac", str(files["audio_only"]))
    files["corrupt"] = folder / "corrupt.mp4"
    # Text no demuxer takes for media (random bytes sometimes probe as an audio stream).
    files["corrupt"].write_bytes(b"this upload is not a video, whatever its name says\n" * 1300)
    return files


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Stack:
    """moto clients, the emulator and a boto3 mediaconvert client reaching it like the handlers do."""

    s3: Any
    sqs: Any
    queue_url: str
    emulator: LocalMediaConvert
    mediaconvert: Any

    def events(self, job_id: str, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The first `count` EventBridge events delivered for a job, in the order they were sent."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            bodies = [json.loads(message["Body"]) for message in response.get("Messages", [])]
            found += [body for body in bodies if body["detail"]["jobId"] == job_id]
        return sorted(found, key=lambda event: (event["detail"]["timestamp"], ORDER.index(event["detail"]["status"])))

    def keys(self, prefix: str) -> set[str]:
        return {item["Key"] for item in self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])}

    def text(self, key: str) -> str:
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()

    def run(self, settings: dict[str, Any], **metadata: str) -> dict[str, Any]:
        """Create a job and wait until the emulator has finished it."""
        job = self.mediaconvert.create_job(Role=ROLE, Settings=settings, UserMetadata=metadata)["Job"]
        assert self.emulator.wait_idle(30)
        return job


@pytest.fixture
def stack(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    s3 = boto3.client("s3", endpoint_url=moto_url, **CREDENTIALS)
    events = boto3.client("events", endpoint_url=moto_url, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=moto_url, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    queue_url = sqs.create_queue(QueueName="mediaconvert-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="mediaconvert", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
    events.put_targets(Rule="mediaconvert", Targets=[{"Id": "queue", "Arn": queue_arn}])
    emulator = LocalMediaConvert(s3=s3, events=events, region=REGION, account_id=ACCOUNT)
    monkeypatch.setenv("AWS_ENDPOINT_URL_MEDIACONVERT", emulator.start())
    yield Stack(s3, sqs, queue_url, emulator, boto3.client("mediaconvert", **CREDENTIALS))
    emulator.stop()


def job_settings(
    file_input: str, destination: str = f"s3://{BUCKET}/hls/", segment_length: int | None = SEGMENT, **output: Any
) -> dict[str, Any]:
    """CreateJob Settings as a handler would send them (boto3's PascalCase names)."""
    hls_settings: dict[str, Any] = {"Destination": destination}
    if segment_length is not None:
        hls_settings["SegmentLength"] = segment_length
    return {
        "Inputs": [{"FileInput": file_input}],
        "OutputGroups": [
            {
                "OutputGroupSettings": {"Type": "HLS_GROUP_SETTINGS", "HlsGroupSettings": hls_settings},
                "Outputs": [{"ContainerSettings": {"Container": "M3U8"}, **output}],
            }
        ],
    }


def upload(stack: Stack, path: Path, key: str) -> str:
    stack.s3.upload_file(str(path), BUCKET, key)
    return f"s3://{BUCKET}/{key}"


def segment_durations(stack: Stack, key: str) -> list[float]:
    return [segment.duration for segment in m3u8.loads(stack.text(key)).segments]


# CreateJob / GetJob / DescribeEndpoints ---------------------------------------------------------


def test_create_job_answers_a_submitted_job(stack: Stack, videos: dict[str, Path]) -> None:
    settings = job_settings(upload(stack, videos["h264_aac"], "uploads/talk.mp4"), NameModifier="_360p")

    job = stack.mediaconvert.create_job(Role=ROLE, Settings=settings, UserMetadata={"episode": "ep-1"})["Job"]

    assert job["Status"] == "SUBMITTED"
    assert job["Arn"] == f"arn:aws:mediaconvert:{REGION}:{ACCOUNT}:jobs/{job['Id']}"
    assert (job["Role"], job["Settings"], job["UserMetadata"]) == (ROLE, settings, {"episode": "ep-1"})
    assert abs(job["CreatedAt"].timestamp() - time.time()) < 60


def test_get_job_reports_the_completed_output(stack: Stack, videos: dict[str, Path]) -> None:
    job = stack.run(job_settings(upload(stack, videos["h264_aac"], "uploads/talk.mp4"), NameModifier="_360p"))

    done = stack.mediaconvert.get_job(Id=job["Id"])["Job"]

    assert done["Status"] == "COMPLETE"
    assert done["OutputGroupDetails"] == [
        {"OutputDetails": [{"DurationInMs": 5000, "VideoDetails": {"WidthInPx": 320, "HeightInPx": 240}}]}
    ]
    assert done["Timing"]["SubmitTime"] <= done["Timing"]["StartTime"] <= done["Timing"]["FinishTime"]


def test_get_job_of_an_unknown_id_is_not_found(stack: Stack) -> None:
    with pytest.raises(ClientError) as raised:
        stack.mediaconvert.get_job(Id="1700000000000-nojob0")

    assert raised.value.response["Error"]["Code"] == "NotFoundException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_describe_endpoints_points_at_the_emulator(stack: Stack) -> None:
    endpoints = stack.mediaconvert.describe_endpoints()["Endpoints"]

    assert endpoints == [{"Url": stack.emulator.url}]


GROUP = ("Settings", "OutputGroups", 0)


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        pytest.param(("Settings", "Inputs"), [], "/settings/inputs", id="no-input"),
        pytest.param(("Settings", "Inputs"), [{"FileInput": "s3://a/1.mp4"}] * 2, "/settings/inputs", id="two-inputs"),
        pytest.param(
            ("Settings", "Inputs", 0, "FileInput"), "https://a.b/1.mp4", "/settings/inputs/0/fileInput", id="https"
        ),
        pytest.param(
            ("Settings", "Inputs", 0, "FileInput"), f"s3://{BUCKET}/", "/settings/inputs/0/fileInput", id="no-key"
        ),
        pytest.param(("Settings", "OutputGroups"), [], "/settings/outputGroups", id="no-output-group"),
        pytest.param(
            (*GROUP, "OutputGroupSettings", "Type"),
            "FILE_GROUP_SETTINGS",
            "/settings/outputGroups/0/outputGroupSettings",
            id="file-group-without-its-settings",
        ),
        pytest.param(
            (*GROUP, "OutputGroupSettings", "Type"),
            "DASH_ISO_GROUP_SETTINGS",
            "/settings/outputGroups/0/outputGroupSettings",
            id="dash-group",
        ),
        pytest.param(
            (*GROUP, "OutputGroupSettings", "HlsGroupSettings", "Destination"),
            "/var/media/",
            "/settings/outputGroups/0/outputGroupSettings/hlsGroupSettings/destination",
            id="local-destination",
        ),
        pytest.param((*GROUP, "Outputs"), [{}, {}], "/settings/outputGroups/0/outputs", id="two-outputs"),
        pytest.param(("Role",), "", "/role", id="empty-role"),
    ],
)
def test_invalid_requests_are_refused_with_400(stack: Stack, path: tuple[Any, ...], value: Any, where: str) -> None:
    request: dict[str, Any] = {"Role": ROLE, "Settings": job_settings(f"s3://{BUCKET}/uploads/talk.mp4")}
    parent = request
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value

    with pytest.raises(ClientError) as raised:
        stack.mediaconvert.create_job(**request)

    error = raised.value.response
    assert error["Error"]["Code"] == "BadRequestException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"].startswith(f"{where}:")
    assert stack.emulator.wait_idle(0), "a refused job must not be queued"


@pytest.mark.parametrize(
    ("method", "target", "body", "status", "error_type", "message"),
    [
        ("PUT", "/2017-08-29/jobs", b"{}", 404, "NotFoundException", "does not serve PUT /2017-08-29/jobs"),
        ("GET", "/2017-08-29/jobs/1/x?a=b", b"", 404, "NotFoundException", "does not serve GET /2017-08-29/jobs/1/x"),
        ("POST", "/2017-08-29/jobs", b"{role", 400, "BadRequestException", "The request body is not valid JSON"),
        ("POST", "/2017-08-29/jobs", b"[]", 400, "BadRequestException", "The request body must be a JSON object"),
    ],
    ids=["unknown-method", "unknown-path", "not-json", "not-an-object"],
)
def test_requests_it_does_not_serve_answer_in_mediaconvert_error_format(
    method: str, target: str, body: bytes, status: int, error_type: str, message: str
) -> None:
    # Never started, and neither S3 nor EventBridge: routing needs no socket and no job is made.
    emulator = LocalMediaConvert(s3=None, events=None, region=REGION, account_id=ACCOUNT)

    answer = emulator.handle(method, target, {}, body)

    assert answer.status == status
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["x-amzn-ErrorType"] == error_type
    assert answer.headers["x-amzn-RequestId"]
    assert json.loads(answer.body)["message"].endswith(message)
    assert emulator.wait_idle(0)


def test_a_request_the_server_cannot_read_is_refused_in_mediaconvert_error_format(stack: Stack) -> None:
    connection = http.client.HTTPConnection(urlsplit(stack.emulator.url).netloc, timeout=10)
    connection.putrequest("POST", "/2017-08-29/jobs")
    connection.putheader("Content-Length", "many")
    connection.endheaders()

    response = connection.getresponse()

    assert response.status == 400
    assert response.getheader("x-amzn-ErrorType") == "BadRequestException"
    assert json.loads(response.read()) == {"message": "Content-Length must be a non-negative integer"}
    connection.close()


# Transcoding ------------------------------------------------------------------------------------


def test_h264_aac_input_is_segmented_into_the_bucket_with_mediaconvert_names(
    stack: Stack, videos: dict[str, Path]
) -> None:
    stack.run(job_settings(upload(stack, videos["h264_aac"], "uploads/talk.mp4"), NameModifier="_360p"))

    segments = [f"hls/talk_360p_{n:05d}.ts" for n in range(1, math.ceil(SECONDS / SEGMENT) + 1)]
    assert stack.keys("hls/") == {"hls/talk.m3u8", "hls/talk_360p.m3u8", *segments}
    assert segment_durations(stack, "hls/talk_360p.m3u8") == [2, 2, 1]
    [variant] = m3u8.loads(stack.text("hls/talk.m3u8")).playlists
    assert variant.uri == "talk_360p.m3u8"
    # Stream copy keeps the source's Constrained Baseline H.264; a re-encode would be High profile.
    assert variant.stream_info.codecs == "avc1.42c00d,mp4a.40.2"
    head = stack.s3.head_object(Bucket=BUCKET, Key="hls/talk_360p.m3u8")
    assert head["ContentType"] == "application/vnd.apple.mpegurl"


def test_other_codecs_are_reencoded_with_exact_segments(stack: Stack, videos: dict[str, Path]) -> None:
    # The MPEG-4 input has a single keyframe: only forced keyframes can cut it every 2 s.
    stack.run(job_settings(upload(stack, videos["mpeg4"], "uploads/old.mp4")))

    # Without a NameModifier the rendition is named after its height.
    assert segment_durations(stack, "hls/old_240p.m3u8") == [2, 2, 1]
    [variant] = m3u8.loads(stack.text("hls/old.m3u8")).playlists
    assert variant.stream_info.codecs.startswith("avc1.64")  # libx264 High profile
    assert variant.stream_info.codecs.endswith("mp4a.40.2")


def test_segment_length_defaults_to_ten_seconds(stack: Stack, videos: dict[str, Path]) -> None:
    stack.run(job_settings(upload(stack, videos["h264_aac_12s"], "uploads/talk.mp4"), segment_length=None))

    assert segment_durations(stack, "hls/talk_240p.m3u8") == [10, 2]


def test_a_destination_without_trailing_slash_names_the_files(stack: Stack, videos: dict[str, Path]) -> None:
    source = upload(stack, videos["h264_aac"], "uploads/talk.mp4")
    stack.run(job_settings(source, destination=f"s3://{BUCKET}/out/main", NameModifier="_v1"))

    assert {"out/main.m3u8", "out/main_v1.m3u8", "out/main_v1_00001.ts"} <= stack.keys("out/")


# EventBridge ------------------------------------------------------------------------------------


def test_job_state_changes_are_published_as_mediaconvert_documents(stack: Stack, videos: dict[str, Path]) -> None:
    source = upload(stack, videos["h264_aac"], "uploads/talk.mp4")
    job = stack.run(job_settings(source, NameModifier="_360p"), episode="ep-1")

    progressing, information, complete = stack.events(job["Id"], 3)

    for event in (progressing, information, complete):
        assert event["source"] == "aws.mediaconvert"
        assert event["detail-type"] == "MediaConvert Job State Change"
        assert event["resources"] == [job["Arn"]]
        assert event["detail"]["accountId"] == ACCOUNT
        assert event["detail"]["queue"] == f"arn:aws:mediaconvert:{REGION}:{ACCOUNT}:queues/Default"
        assert event["detail"]["userMetadata"] == {"episode": "ep-1"}
        assert abs(event["detail"]["timestamp"] / 1000 - time.time()) < 60
    assert progressing["detail"]["status"] == "PROGRESSING"
    assert information["detail"]["status"] == "INPUT_INFORMATION"
    assert complete["detail"]["status"] == "COMPLETE"
    assert progressing["detail"]["timestamp"] <= information["detail"]["timestamp"] <= complete["detail"]["timestamp"]
    assert information["detail"]["inputDetails"] == [
        {
            "id": 1,
            "uri": source,
            "audio": [{"channels": 1, "codec": "AAC", "language": "UND", "sampleRate": 44100, "streamId": 2}],
            "video": [
                {
                    "bitDepth": 8,
                    "codec": "H_264",
                    "colorFormat": "YUV_420",
                    "fourCC": "avc1",
                    "frameRate": 25,
                    "height": 240,
                    "interlaceMode": "PROGRESSIVE",
                    "sar": "1:1",
                    "standard": "UNSPECIFIED",
                    "streamId": 1,
                    "width": 320,
                }
            ],
        }
    ]
    assert "outputGroupDetails" not in information["detail"]
    assert complete["detail"]["outputGroupDetails"] == [
        {
            "type": "HLS_GROUP",
            "playlistFilePaths": [f"s3://{BUCKET}/hls/talk.m3u8"],
            "outputDetails": [
                {
                    "outputFilePaths": [f"s3://{BUCKET}/hls/talk_360p.m3u8"],
                    "durationInMs": 5000,
                    "videoDetails": {"widthInPx": 320, "heightInPx": 240},
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("video", "code", "message"),
    [
        ("corrupt", 1010, "Unable to open input file [s3://{bucket}/uploads/talk.mp4]: [Failed probe/open: ["),
        (None, 1404, "Unable to open input file [s3://{bucket}/uploads/talk.mp4]: ["),
        ("audio_only", 1020, "No video stream found in input file [s3://{bucket}/uploads/talk.mp4]"),
    ],
    ids=["corrupt-input", "missing-object", "no-video"],
)
def test_unusable_inputs_end_in_error(
    stack: Stack, videos: dict[str, Path], video: str | None, code: int, message: str
) -> None:
    if video is not None:
        upload(stack, videos[video], "uploads/talk.mp4")
    job = stack.run(job_settings(f"s3://{BUCKET}/uploads/talk.mp4"))

    progressing, error = stack.events(job["Id"], 2)

    assert progressing["detail"]["status"] == "PROGRESSING"
    assert error["detail"]["status"] == "ERROR"
    assert error["detail"]["errorCode"] == code
    assert error["detail"]["errorMessage"].startswith(message.format(bucket=BUCKET))
    assert "outputGroupDetails" not in error["detail"]
    failed = stack.mediaconvert.get_job(Id=job["Id"])["Job"]
    assert (failed["Status"], failed["ErrorCode"]) == ("ERROR", code)
    assert stack.keys("hls/") == set()


def test_a_crash_ends_only_its_own_job(stack: Stack, videos: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    source = upload(stack, videos["h264_aac"], "uploads/talk.mp4")
    package = hls.package
    monkeypatch.setattr(hls, "package", lambda *args, **kwargs: 1 / 0)
    crashed = stack.run(job_settings(source))
    monkeypatch.setattr(hls, "package", package)

    later = stack.run(job_settings(source))

    *_, error = stack.events(crashed["Id"], 3)
    assert (error["detail"]["status"], error["detail"]["errorCode"]) == ("ERROR", 1999)
    assert "ZeroDivisionError" in error["detail"]["errorMessage"]
    assert stack.mediaconvert.get_job(Id=later["Id"])["Job"]["Status"] == "COMPLETE"


@pytest.fixture
def stalled_transcode(blocking_input: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every job's ffmpeg run block on a FIFO, honouring the timeout and cancel it is given."""

    def package(source: Path, out_dir: Path, *, timeout: float, cancel: threading.Event, **_: Any) -> Any:
        return media.probe(blocking_input, cancel=cancel, timeout=timeout)

    monkeypatch.setattr(hls, "package", package)


@pytest.mark.usefixtures("stalled_transcode")
def test_a_job_whose_ffmpeg_overruns_ends_in_error(stack: Stack, videos: dict[str, Path]) -> None:
    stack.emulator.ffmpeg_timeout = 0.5
    job = stack.run(job_settings(upload(stack, videos["h264_aac"], "uploads/talk.mp4")))

    *_, error = stack.events(job["Id"], 3)

    assert (error["detail"]["status"], error["detail"]["errorCode"]) == ("ERROR", 1999)
    assert "timed out after 0.5 s" in error["detail"]["errorMessage"]


@pytest.mark.usefixtures("stalled_transcode")
def test_stop_interrupts_a_running_job_without_publishing_its_end(stack: Stack, videos: dict[str, Path]) -> None:
    settings = job_settings(upload(stack, videos["h264_aac"], "uploads/talk.mp4"))
    job = stack.mediaconvert.create_job(Role=ROLE, Settings=settings)["Job"]
    statuses = [event["detail"]["status"] for event in stack.events(job["Id"], 2)]
    assert statuses == ["PROGRESSING", "INPUT_INFORMATION"]
    started = time.monotonic()

    stack.emulator.stop()

    assert time.monotonic() - started < 3
    assert stack.emulator.wait_idle(0)
    assert stack.events(job["Id"], 1, timeout=1) == []


# ffmpeg runs (local.media) ----------------------------------------------------------------------


def test_probe_reads_codecs_size_and_duration(videos: dict[str, Path]) -> None:
    never = threading.Event()

    h264 = media.probe(videos["h264_aac"], cancel=never)
    mpeg4 = media.probe(videos["mpeg4"], cancel=never)

    assert h264 == media.MediaInfo(
        duration_ms=5000,
        video=(
            media.VideoStream(
                index=0,
                codec="h264",
                width=320,
                height=240,
                frame_rate=25.0,
                fourcc="avc1",
                pixel_format="yuv420p",
                sar="1:1",
                language="und",
            ),
        ),
        audio=(media.AudioStream(index=1, codec="aac", sample_rate=44100, channels=1, language="und"),),
    )
    assert (h264.video_codec, h264.audio_codec, h264.width, h264.height) == ("h264", "aac", 320, 240)
    assert h264.can_stream_copy
    assert mpeg4.video_codec == "mpeg4" and not mpeg4.can_stream_copy


@pytest.fixture
def blocking_input(tmp_path: Path) -> Path:
    """A FIFO nobody writes to: ffmpeg blocks opening it, like an input that never ends."""
    fifo = tmp_path / "stalled.mp4"
    os.mkfifo(fifo)
    return fifo


def test_an_ffmpeg_run_is_killed_at_its_timeout(blocking_input: Path) -> None:
    started = time.monotonic()

    with pytest.raises(media.MediaError) as raised:
        media.probe(blocking_input, cancel=threading.Event(), timeout=0.5)

    assert raised.value.code == 1999
    assert "timed out" in raised.value.message
    assert time.monotonic() - started < 5


def test_an_ffmpeg_run_is_killed_when_cancelled(blocking_input: Path) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()

    with pytest.raises(media.MediaError) as raised:
        media.probe(blocking_input, cancel=cancel, timeout=60)

    assert raised.value.code == 1999
    assert "cancelled" in raised.value.message
    assert time.monotonic() - started < 5
