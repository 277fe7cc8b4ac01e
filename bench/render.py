"""Clip rendering on the local MediaConvert against the same ffmpeg command run directly.

A 10-minute 1280x720 H.264 + AAC source (25 fps) and a transcript covering it (one cue every
4 s) are generated once and cached under `build/bench/`. Each run then renders, in the same
process and on the same files, a 45 s vertical clip (1080x1920, captions burned in) made of
three 15 s ranges of the source:

- A: the local MediaConvert, from the CreateJob request (settings built by the handlers' own
  `render_settings`) until its COMPLETE event arrives through EventBridge on an SQS queue (moto):
  download of the source from S3, probe, INPUT_INFORMATION, render, upload of the MP4, events;
- B: the ffmpeg command such a job runs (`local.rendering.prepare` builds it from the same job
  settings), run directly on the cached source.

Goal: A/B at most 1.5 (the emulator adds little to ffmpeg's own work). Both sides run the
development machine's ffmpeg (the imageio-ffmpeg wheel) on this CPU: the figures say what the
local stack costs over ffmpeg, not how fast MediaConvert renders. Prints the figures and
PASS/FAIL and exits 0: a report, not a gate.

Each run renders once on each side, alternating which goes first; the summary shows medians.

Usage: `venv/bin/python bench/render.py [--runs N]` (default 2 runs: about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # run as a script, only bench/ would be on sys.path
import boto3  # noqa: E402
import botocore.session  # noqa: E402
from botocore import serialize  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from handlers.core.domain.render_job import render_settings  # noqa: E402
from local import captions, job_settings, media, rendering  # noqa: E402
from local.mediaconvert import LocalMediaConvert  # noqa: E402
from local.samples import generate_video  # noqa: E402

CACHE_DIR = REPO_ROOT / "build" / "bench"
SOURCE_SECONDS = 600
LOOPED_SECONDS = 60  # generated once, then repeated without re-encoding up to SOURCE_SECONDS
CUE_SECONDS = 4
FRAME_RATE = 25.0
SEGMENTS = [(70.0, 85.0), (270.0, 285.0), (485.0, 500.0)]  # seconds of the source, as a clip stores them
CLIP_SECONDS = 45
RATIO_GOAL = 1.5
EVENT_TIMEOUT = 900.0

REGION, ACCOUNT = "us-east-1", "123456789012"
BUCKET = "nullcheck-bench-render"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mediaconvert"
CREDENTIALS = {"region_name": REGION, "aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
SOURCE_KEY, SRT_KEY = "tenant/ep/tracks/main-camera.mp4", "tenant/ep/transcripts/t.srt"


def cached_source() -> Path:
    """The 10-minute source `build/bench/render-source-600s.mp4`, generated on first use."""
    path = CACHE_DIR / f"render-source-{SOURCE_SECONDS}s.mp4"
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"generating a {SOURCE_SECONDS} s 1280x720 source in {path.relative_to(REPO_ROOT)} (once)", flush=True)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:
        short = generate_video(Path(tmp) / "short.mp4", LOOPED_SECONDS)
        partial = Path(tmp) / path.name
        loops = SOURCE_SECONDS // LOOPED_SECONDS - 1
        subprocess.run(
            [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", str(loops),
             "-i", str(short), "-c", "copy", str(partial)],
            check=True, timeout=600,
        )  # fmt: skip
        partial.rename(path)  # atomic: never a half-written cache
    return path


def transcript() -> str:
    """An SRT with a sentence every CUE_SECONDS over the whole source."""
    cues = []
    for number, start in enumerate(range(0, SOURCE_SECONDS, CUE_SECONDS), start=1):
        begin, end = _srt_time(start), _srt_time(start + CUE_SECONDS - 0.2)
        cues.append(f"{number}\n{begin} --> {end}\nSentence {number}: serverless clips, rendered locally.\n")
    return "\n".join(cues)


def _srt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"


def clip_settings() -> dict[str, Any]:
    """CreateJob Settings for the vertical clip with captions, as the handlers build them (boto3 names)."""
    return render_settings(
        bucket=BUCKET,
        upload_key=SOURCE_KEY,
        segments=SEGMENTS,
        frame_rate=FRAME_RATE,
        format_name="vertical",
        destination_key="tenant/ep/renders/clip_vertical",
        captions_key=SRT_KEY,
    )


def wire(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings as boto3 sends them (REST-JSON names), by botocore's own serializer."""
    model = botocore.session.get_session().get_service_model("mediaconvert")
    request = serialize.create_serializer("rest-json").serialize_to_request(
        {"Role": ROLE, "Settings": settings}, model.operation_model("CreateJob")
    )
    settings_on_the_wire: dict[str, Any] = json.loads(request["body"])["settings"]
    return settings_on_the_wire


class Emulator:
    """moto (S3, EventBridge -> SQS) and the local MediaConvert, in this process."""

    def __init__(self, source: Path, srt_text: str) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        self.s3 = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
        events = boto3.client("events", endpoint_url=endpoint, **CREDENTIALS)
        self.sqs = boto3.client("sqs", endpoint_url=endpoint, **CREDENTIALS)
        self.s3.create_bucket(Bucket=BUCKET)
        self.s3.upload_file(str(source), BUCKET, SOURCE_KEY)
        self.s3.put_object(Bucket=BUCKET, Key=SRT_KEY, Body=srt_text.encode())
        self.queue_url = self.sqs.create_queue(QueueName="mediaconvert-events")["QueueUrl"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        events.put_rule(Name="mediaconvert", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
        events.put_targets(Rule="mediaconvert", Targets=[{"Id": "q", "Arn": attributes["Attributes"]["QueueArn"]}])
        self.local = LocalMediaConvert(s3=self.s3, events=events, region=REGION, account_id=ACCOUNT)
        self.mediaconvert = boto3.client("mediaconvert", endpoint_url=self.local.start(), **CREDENTIALS)

    def render(self, settings: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """Seconds from the CreateJob request to the job's final event, and that event's detail."""
        started = time.perf_counter()
        job_id = self.mediaconvert.create_job(Role=ROLE, Settings=settings)["Job"]["Id"]
        deadline = started + EVENT_TIMEOUT
        while time.perf_counter() < deadline:
            response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in response.get("Messages", []):
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                detail = json.loads(message["Body"])["detail"]
                if detail["jobId"] == job_id and detail["status"] in ("COMPLETE", "ERROR"):
                    return time.perf_counter() - started, detail
        raise SystemExit(f"no COMPLETE or ERROR event for job {job_id} within {EVENT_TIMEOUT:g} s")

    def stop(self) -> None:
        self.local.stop()
        self.moto.stop()


def direct(
    source: Path, srt_text: str, settings: dict[str, Any]
) -> tuple[float, Path, tempfile.TemporaryDirectory[str]]:
    """Seconds the job's own ffmpeg command takes run directly (probing and planning not counted)."""
    spec = job_settings.parse_settings(wire(settings))
    assert spec.render is not None
    info = media.probe(source, cancel=threading.Event())
    workdir = tempfile.TemporaryDirectory(prefix="bench-render-")
    subtitles = captions.parse_srt(srt_text, uri=SRT_KEY)
    plan = rendering.prepare(source, info, spec.render, Path(workdir.name), subtitles=subtitles)
    started = time.perf_counter()
    subprocess.run([media.ffmpeg_exe(), *plan.args], cwd=plan.workdir, check=True)
    return time.perf_counter() - started, plan.output, workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2, help="renders on each side (default 2)")
    arguments = parser.parse_args()

    source, srt_text = cached_source(), transcript()
    emulator = Emulator(source, srt_text)
    settings = clip_settings()
    local_times, direct_times, ratios = [], [], []
    detail: dict[str, Any] = {}
    try:
        for number in range(1, arguments.runs + 1):
            # Alternate which side goes first, so neither always meets a warmer or busier machine.
            if number % 2:
                local_seconds, detail = emulator.render(settings)
            direct_seconds, output, workdir = direct(source, srt_text, settings)
            written = media.probe(output, cancel=threading.Event())
            workdir.cleanup()
            if not number % 2:
                local_seconds, detail = emulator.render(settings)
            if detail["status"] != "COMPLETE":
                raise SystemExit(f"the local render failed: {detail.get('errorCode')} {detail.get('errorMessage')}")
            local_times.append(local_seconds)
            direct_times.append(direct_seconds)
            ratios.append(local_seconds / direct_seconds)
            print(
                f"run {number}: A local MediaConvert {local_seconds:.1f} s, B ffmpeg directly {direct_seconds:.1f} s,"
                f" A/B {local_seconds / direct_seconds:.2f}"
            )
    finally:
        emulator.stop()

    [output_detail] = detail["outputGroupDetails"][0]["outputDetails"]
    video = output_detail["videoDetails"]
    print()
    print(f"clip: {CLIP_SECONDS} s from 3 ranges of a {SOURCE_SECONDS} s 1280x720 source, captions burned in")
    print(
        f"local output: {output_detail['outputFilePaths'][0]}, {video['widthInPx']}x{video['heightInPx']},"
        f" {output_detail['durationInMs'] / 1000:.2f} s (direct: {written.width}x{written.height},"
        f" {(written.duration_ms or 0) / 1000:.2f} s)"
    )
    print(f"A local MediaConvert (CreateJob -> COMPLETE): {statistics.median(local_times):.1f} s median")
    print(f"B the same ffmpeg command run directly:       {statistics.median(direct_times):.1f} s median")
    ratio = statistics.median(ratios)
    verdict = "PASS" if ratio <= RATIO_GOAL else "FAIL"
    print(f"{verdict}  A/B ≤ {RATIO_GOAL} ({ratio:.2f})")
    ffmpeg = Path(media.ffmpeg_exe()).name
    print(f"(both sides run the development machine's ffmpeg, {ffmpeg} from imageio-ffmpeg, on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
