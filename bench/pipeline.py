"""Media pipeline on the local stack: chunking time against plain ffmpeg, CLI upload against boto3.

One 10-minute 1280x720 H.264 + AAC test video (keyframes every 2 s, so the 120 s chunks are cut
exactly by stream copy) is generated once and cached under `build/bench/`. Then, on one running
`LocalStack`, each run measures, on that same file:

- A: the local pipeline, from the `complete` call returning (as `client.uploads.upload_track`
  makes it, with the CLI's default part size and concurrency) until `GET /episodes/{id}` shows the
  track `Processed` (polled every 0.1 s); the track must hold 5 segments;
- B: plain `ffmpeg -c copy -f hls -hls_time 120` on the same file into a temporary directory;
- C: the throughput of that `upload_track` call, from its start until `complete` returned;
- D: boto3's `upload_file` of the same file to the same moto server, with the same part size
  and concurrency.

Goals: A/B at most 3x (the local MediaConvert adds little to ffmpeg itself) and C/D at least 0.8x
(the presigned-URL uploader keeps up with boto3). Each run uses a new episode; the table shows
every run and the median (ratios: median of the per-run ratios). A breakdown of A, taken by
timing wrappers around the local MediaConvert's methods in this process, shows where the
pipeline spends its time. Prints PASS/FAIL per goal and exits 0: a report, not a gate.

Run from the project root: `venv/bin/python -m bench.pipeline [--runs N]`
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from boto3.s3.transfer import TransferConfig
from rich.console import Console
from rich.table import Table

from client.api import NullCheckClient, bearer
from client.uploads import DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, upload_track
from handlers.contract import TENANT_LIMIT_DEFAULTS
from local import hls
from local.mediaconvert import LocalMediaConvert
from local.samples import generate_video
from local.stack import LocalStack, LocalStackConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "build" / "bench"
VIDEO_SECONDS = 600
WIDTH, HEIGHT = 1280, 720
KEYFRAME_SECONDS = 2
CHUNK_SECONDS = LocalStackConfig().chunk_seconds  # the stack's default, 120 s
EXPECTED_SEGMENTS = -(-VIDEO_SECONDS // CHUNK_SECONDS)
WARMUP_SECONDS = 4
BASELINE_BUCKET = "nullcheck-bench-baseline"

POLL_SECONDS = 0.1
PROCESSING_TIMEOUT = 300.0
RUNS = 3
PIPELINE_GOAL = 3.0  # A/B at most
UPLOAD_GOAL = 0.8  # C/D at least
MB = 1_000_000

console = Console()


@dataclass
class Timeline:
    """Spans (start, end on `time.perf_counter`) the instrumented local MediaConvert records."""

    spans: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, start: float, end: float) -> None:
        with self.lock:
            self.spans.setdefault(name, []).append((start, end))

    def reset(self) -> None:
        with self.lock:
            self.spans.clear()

    def first(self, name: str) -> tuple[float, float] | None:
        with self.lock:
            spans = self.spans.get(name)
            return spans[0] if spans else None

    def total(self, name: str) -> float:
        with self.lock:
            return sum(end - start for start, end in self.spans.get(name, []))


@dataclass(frozen=True)
class RunResult:
    """The figures of one run (seconds, bytes per second) and the breakdown of A."""

    pipeline: float
    ffmpeg: float
    cli_rate: float
    boto3_rate: float
    segments: int | None
    phases: dict[str, float]

    @property
    def pipeline_ratio(self) -> float:
        return self.pipeline / self.ffmpeg

    @property
    def upload_ratio(self) -> float:
        return self.cli_rate / self.boto3_rate


def cached_video(name: str, seconds: int, **options: Any) -> Path:
    """The test video `build/bench/<name>`, generated on first use (atomically, so never half-written)."""
    path = CACHE_DIR / name
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.partial{path.suffix}")
    console.print(f"Generating {path.relative_to(REPO_ROOT)} ({seconds} s) with ffmpeg, once…")
    started = time.perf_counter()
    generate_video(partial, seconds, **options)
    partial.replace(path)
    console.print(f"  done in {time.perf_counter() - started:.0f} s")
    return path


@contextmanager
def instrumented(mediaconvert: LocalMediaConvert, timeline: Timeline) -> Iterator[None]:
    """Time the local MediaConvert's steps (instance methods and `hls._run_ffmpeg`) without changing them."""

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timeline.record(name, start, time.perf_counter())

        return wrapper

    methods = ("create_job", "_process", "_transcode", "_download", "_upload")
    for name in methods:
        setattr(mediaconvert, name, timed(name, getattr(mediaconvert, name)))
    run_ffmpeg = hls._run_ffmpeg
    hls._run_ffmpeg = timed("ffmpeg", run_ffmpeg)
    try:
        yield
    finally:
        hls._run_ffmpeg = run_ffmpeg
        for name in methods:
            delattr(mediaconvert, name)


def wait_processed(client: NullCheckClient, episode_id: str) -> tuple[float, dict[str, Any]]:
    """Poll the episode until its track settles; returns when `Processed` was seen, and the track."""
    deadline = time.perf_counter() + PROCESSING_TIMEOUT
    while time.perf_counter() < deadline:
        tracks = client.get_episode(episode_id)["tracks"]
        seen = time.perf_counter()
        if tracks and tracks[0]["status"] == "Processed":
            return seen, dict(tracks[0])
        if tracks and tracks[0]["status"] == "ProcessingFailed":
            raise SystemExit(f"the track failed processing: {tracks[0].get('failureReason')}")
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"the track was not processed within {PROCESSING_TIMEOUT:.0f} s")


def upload_and_process(client: NullCheckClient, video: Path, label: str) -> tuple[float, float, dict[str, Any]]:
    """Upload the video as a new episode's track with the CLI's uploader and wait for its chunks.

    Returns the upload time (start to `complete` returned), the `complete`-returned time on
    `time.perf_counter` and the processed track.
    """
    episode_id = client.create_episode(f"Pipeline bench {label}", 1)
    started = time.perf_counter()
    upload_track(client, episode_id, video, "main-camera")
    completed = time.perf_counter()
    seen, track = wait_processed(client, episode_id)
    return completed - started, completed, {**track, "processedSeen": seen}


def plain_ffmpeg(video: Path) -> float:
    """B: wall time of `ffmpeg -c copy -f hls -hls_time 120` on the file, into a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-hls-") as out:
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-i", str(video), "-c", "copy", "-f", "hls", "-hls_time", str(CHUNK_SECONDS),
            "-hls_playlist_type", "vod", "-hls_segment_filename", str(Path(out) / "segment_%05d.ts"),
            str(Path(out) / "index.m3u8"),
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, timeout=PROCESSING_TIMEOUT)
        return time.perf_counter() - started


def boto3_upload(s3: Any, video: Path, key: str) -> float:
    """D: seconds boto3's managed upload takes with the CLI's part size and concurrency."""
    config = TransferConfig(
        multipart_threshold=DEFAULT_PART_SIZE,
        multipart_chunksize=DEFAULT_PART_SIZE,
        max_concurrency=DEFAULT_CONCURRENCY,
        use_threads=True,
    )
    started = time.perf_counter()
    s3.upload_file(str(video), BASELINE_BUCKET, key, Config=config)
    elapsed = time.perf_counter() - started
    s3.delete_object(Bucket=BASELINE_BUCKET, Key=key)  # moto keeps every object: free it
    return elapsed


def phases_of(timeline: Timeline, completed: float, processed_seen: float) -> dict[str, float]:
    """Where A went, from the spans the instrumented MediaConvert recorded during the run."""
    create = timeline.first("create_job")
    process = timeline.first("_process")
    transcode = timeline.first("_transcode")
    if create is None or process is None or transcode is None:
        return {}
    download, upload, ffmpeg = timeline.total("_download"), timeline.total("_upload"), timeline.total("ffmpeg")
    return {
        "complete → CreateJob (upload event, start_preprocessing)": create[0] - completed,
        "CreateJob → job started (queue, PROGRESSING event)": transcode[0] - create[0],
        "download input from moto": download,
        "ffmpeg (probe, package, probe output)": ffmpeg,
        "upload segments + playlists to moto": upload,
        "rest of the job (temp dir, playlist read)": (transcode[1] - transcode[0]) - download - ffmpeg - upload,
        "COMPLETE event → Processed seen (handler, poll)": processed_seen - transcode[1],
    }


def one_run(
    number: int, stack: LocalStack, client: NullCheckClient, s3: Any, video: Path, timeline: Timeline
) -> RunResult:
    size = video.stat().st_size
    timeline.reset()
    upload_seconds, completed, track = upload_and_process(client, video, f"run {number}")
    pipeline = track["processedSeen"] - completed
    phases = phases_of(timeline, completed, track["processedSeen"])
    stack.wait_idle(30)
    ffmpeg = plain_ffmpeg(video)
    baseline_seconds = boto3_upload(s3, video, f"run-{number}/{video.name}")
    result = RunResult(
        pipeline=pipeline,
        ffmpeg=ffmpeg,
        cli_rate=size / upload_seconds,
        boto3_rate=size / baseline_seconds,
        segments=track.get("segmentCount"),
        phases=phases,
    )
    console.print(
        f"run {number}: A {result.pipeline:.2f} s, B {result.ffmpeg:.2f} s, "
        f"C {result.cli_rate / MB:.0f} MB/s, D {result.boto3_rate / MB:.0f} MB/s, "
        f"segments {result.segments}"
    )
    return result


def verdict(passed: bool) -> str:
    return "[green]PASS[/]" if passed else "[red]FAIL[/]"


def results_table(results: list[RunResult], size: int) -> Table:
    table = Table(title=f"Media pipeline, {VIDEO_SECONDS // 60}-min {WIDTH}x{HEIGHT} video ({size / MB:.0f} MB)")
    table.add_column("measure")
    for number in range(1, len(results) + 1):
        table.add_column(f"run {number}", justify="right")
    table.add_column("median", justify="right")
    table.add_column("goal", justify="right")
    table.add_column("")

    def row(label: str, values: list[float], fmt: str, goal: str = "", passed: bool | None = None) -> None:
        cells = [format(value, fmt) for value in values]
        table.add_row(
            label, *cells, format(statistics.median(values), fmt), goal, "" if passed is None else verdict(passed)
        )

    pipeline_ratio = statistics.median(result.pipeline_ratio for result in results)
    upload_ratio = statistics.median(result.upload_ratio for result in results)
    row("A  pipeline, complete → Processed (s)", [result.pipeline for result in results], ".2f")
    row("B  ffmpeg -c copy -f hls (s)", [result.ffmpeg for result in results], ".2f")
    row(
        "A/B",
        [result.pipeline_ratio for result in results],
        ".2f",
        f"≤ {PIPELINE_GOAL:g}x",
        pipeline_ratio <= PIPELINE_GOAL,
    )
    row("C  CLI upload_track (MB/s)", [result.cli_rate / MB for result in results], ".0f")
    row("D  boto3 upload_file (MB/s)", [result.boto3_rate / MB for result in results], ".0f")
    row("C/D", [result.upload_ratio for result in results], ".2f", f"≥ {UPLOAD_GOAL:g}x", upload_ratio >= UPLOAD_GOAL)
    segments_ok = all(result.segments == EXPECTED_SEGMENTS for result in results)
    table.add_row(
        "segments",
        *[str(result.segments) for result in results],
        "",
        f"= {EXPECTED_SEGMENTS}",
        verdict(segments_ok),
    )
    return table


def breakdown_table(results: list[RunResult]) -> Table:
    table = Table(title="Where A goes (s)")
    table.add_column("phase")
    for number in range(1, len(results) + 1):
        table.add_column(f"run {number}", justify="right")
    table.add_column("median", justify="right")
    names = [name for name in results[0].phases if all(name in result.phases for result in results)]
    for name in names:
        values = [result.phases[name] for result in results]
        table.add_row(name, *[f"{value:.2f}" for value in values], f"{statistics.median(values):.2f}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"measured runs (default {RUNS})")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    # Handlers read this at import: keep their INFO logs out of the report.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

    video = cached_video(
        f"pipeline-{VIDEO_SECONDS}s-{WIDTH}x{HEIGHT}-k{KEYFRAME_SECONDS}.mp4",
        VIDEO_SECONDS,
        width=WIDTH,
        height=HEIGHT,
        keyframe_seconds=KEYFRAME_SECONDS,
    )
    warmup = cached_video(f"warmup-{WARMUP_SECONDS}s.mp4", WARMUP_SECONDS, width=320, height=240)
    size = video.stat().st_size
    results: list[RunResult] = []
    timeline = Timeline()
    started = time.perf_counter()
    with LocalStack(LocalStackConfig(api_port=0, tenant_limits=dict.fromkeys(TENANT_LIMIT_DEFAULTS, 10_000))) as stack:
        password = stack.create_user("bench@example.com", "bench")
        signed_in = bearer(stack.sign_in("bench@example.com", password)["IdToken"])
        with NullCheckClient(stack.api_url, authorization=signed_in) as client:
            assert stack.mediaconvert is not None
            s3 = stack.client("s3")
            s3.create_bucket(Bucket=BASELINE_BUCKET)
            with instrumented(stack.mediaconvert, timeline):
                # One small upload first, so the handlers' first-call imports are not measured.
                upload_and_process(client, warmup, "warm-up")
                console.print(f"Stack up and warm in {time.perf_counter() - started:.1f} s; {args.runs} run(s)…")
                for number in range(1, args.runs + 1):
                    results.append(one_run(number, stack, client, s3, video, timeline))
    console.print(f"Total {time.perf_counter() - started:.0f} s (stack stopped)")
    console.print(results_table(results, size))
    console.print(breakdown_table(results))


if __name__ == "__main__":
    main()
