"""A real three-hour show on the local stack, driven as a producer drives it, and what it called.

Media (`bench.show_media`, made once and cached under `build/bench/three-hour-show/`): three
camera tracks of `--minutes` (default 180) 1280x720 H.264 + AAC at about 3 Mbit/s with keyframes
every 2 s (about 4.3 GB each at three hours), and a transcript of the same length (2,376 cues at
three hours). The local stack runs in a process of its own (`bench.stack_recorder.RecordingStack`,
which records the calls it sees), with the tenant limits this episode needs set explicitly.
Through the CLI's API client and uploader (`client.api`, `client.uploads.upload_track`) the bench
creates the episode, uploads the three tracks one after the other (multipart: the CLI's part size
and concurrency), PUTs the transcript, waits for the chunks and the clips (polling as `nullcheck
watch` does, every 5 s), approves the top clip, renders it vertical with captions (polling as
`nullcheck clips render` does, every 2 s) and downloads it.

Reported: upload throughput; per track, complete → `Processed` (the end of the invocation that
records it) against plain `ffmpeg -c copy -f hls -hls_time 120` on the same file, run in the
same run after the stack stopped (the local MediaConvert runs one job at a time, so a track's
time includes waiting for the previous one: its queue and run times are shown apart); transcript
→ clips; where the clips lie in the show; the render's time; the peak resident memory of the
stack's process tree (ffmpeg included) per phase. The calls are written to
`build/bench/three-hour-show-calls-<minutes>min.json` for `bench.episode_cost`. A report, not a gate: exits 0.

Clean-up: the stack's objects are temporary files of its process, gone when it stops; the HLS
output of the plain ffmpeg runs is removed after each. The cached media stay for the next run:
`rm -r build/bench/three-hour-show` removes them.

Run from the project root: `venv/bin/python -m bench.three_hour_show [--minutes 180]`
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
from rich.console import Console
from rich.table import Table

from bench import show_calls, show_media
from bench.stack_recorder import RecordingStack
from client.api import NullCheckClient, bearer
from client.uploads import upload_track, upload_transcript
from local.stack import LocalStackConfig
from local.stack_process import TreeMemory, supported

CALLS_DIR = show_media.REPO_ROOT / "build" / "bench"


def calls_file(minutes: int) -> Path:
    """Where a run of that length leaves its calls (`bench.episode_cost` reads them)."""
    return CALLS_DIR / f"three-hour-show-calls-{minutes}min.json"


WATCH_INTERVAL = 5.0  # `nullcheck watch`'s default
RENDER_INTERVAL = 2.0  # `nullcheck clips render`'s default
RENDER_FORMAT = "vertical"
TIMEOUT = 3 * 3600.0
MB, GB = 1_000_000, 1_000_000_000
MEMORY_GOAL = 1 * GB
LIMITS = {
    "episodes_per_day": 1,
    "tracks_per_episode": len(show_media.CAMERAS),
    "transcript_uploads_per_episode": 1,
    "agent_runs_per_transcript": 1,
    "agent_runs_per_day": 1,
    "renders_per_clip": 1,
    "renders_per_day": 1,
    "concurrent_chunking_jobs": len(show_media.CAMERAS),
    "concurrent_render_jobs": 1,
}
"""Exactly what one episode of three tracks, one transcript and one render takes."""

console = Console(width=None if sys.stdout.isatty() else 120)  # a log keeps the tables whole


@dataclass
class Run:
    minutes: int
    started: float = 0.0
    ended: float = 0.0
    track_bytes: dict[str, int] | None = None
    upload_seconds: dict[str, float] | None = None
    completed_at: dict[str, float] | None = None
    transcript_at: float = 0.0
    render_asked_at: float = 0.0
    render_bytes: int = 0
    clip_starts: list[float] | None = None
    clip_count: int = 0
    segments: dict[str, int] | None = None
    idle_memory: int = 0
    peaks: dict[str, int] | None = None


def until(what: str, check: Any, interval: float) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(interval)
    raise SystemExit(f"timed out waiting for {what}")


def episode_done(api: NullCheckClient, episode_id: str) -> dict[str, Any] | None:
    episode: dict[str, Any] = dict(api.get_episode(episode_id))
    failed = [t for t in episode.get("tracks", []) if t["status"] == "ProcessingFailed"]
    if failed or episode.get("transcriptStatus") == "Invalid":
        raise SystemExit(f"the episode failed: {failed or episode.get('transcriptError')}")
    processed = [t for t in episode.get("tracks", []) if t["status"] == "Processed"]
    ready = len(processed) == len(show_media.CAMERAS) and episode.get("transcriptStatus") == "ClipsProposed"
    return episode if ready else None


def rendered(api: NullCheckClient, episode_id: str, clip_id: str) -> dict[str, Any] | None:
    for render in api.get_clip(episode_id, clip_id).get("renders", []):
        if render["format"] == RENDER_FORMAT and render["status"] == "RenderFailed":
            raise SystemExit(f"the render failed: {render}")
        if render["format"] == RENDER_FORMAT and render["status"] == "Rendered":
            return dict(render)
    return None


def seconds_of(timestamp: str) -> float:
    """`HH:MM:SS,mmm` → seconds."""
    clock, _, millis = timestamp.replace(".", ",").partition(",")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds + int(millis or 0) / 1000


def drive(api: NullCheckClient, media: show_media.ShowMedia, run: Run, memory: TreeMemory) -> None:
    """The producer's side of the scenario, phase by phase, with the tree's peak memory of each."""
    run.peaks, run.upload_seconds, run.completed_at, run.track_bytes = {}, {}, {}, {}
    episode_id = api.create_episode("A real three-hour show", 1, series_name="Null Check", platforms=["youtube"])
    complete = api.complete_track_upload

    def timed_complete(episode: str, track: str, *args: Any, **kwargs: Any) -> Any:
        answer = complete(episode, track, *args, **kwargs)
        run.completed_at[track] = time.time()  # type: ignore[index]
        return answer

    api.complete_track_upload = timed_complete  # type: ignore[method-assign,assignment]
    memory.reset()
    for name, path in media.tracks.items():
        began = time.perf_counter()
        upload_track(api, episode_id, path, name)
        run.upload_seconds[name] = time.perf_counter() - began
        run.track_bytes[name] = path.stat().st_size
        console.print(f"  {name}: {run.track_bytes[name] / GB:.2f} GB up in {run.upload_seconds[name]:.0f} s")
    upload_transcript(api, episode_id, media.transcript)
    run.transcript_at = time.time()
    run.peaks["uploads (+ chunking started)"] = memory.peak
    memory.reset()
    episode = until("chunks and clips", lambda: episode_done(api, episode_id), WATCH_INTERVAL)
    run.segments = {t["trackName"]: t.get("segmentCount", 0) for t in episode["tracks"]}
    run.peaks["chunking + clip agent"] = memory.peak
    console.print(f"  chunked and clips proposed ({time.time() - run.started:.0f} s since the start)")
    clips = api.list_clips(episode_id)
    run.clip_count = len(clips)
    run.clip_starts = sorted(seconds_of(clip["segments"][0]["startTime"]) for clip in clips)
    top = clips[0]  # highest score first
    memory.reset()
    api.review_clip(episode_id, top["clipId"], status="approved")
    api.request_render(episode_id, top["clipId"], format=RENDER_FORMAT)
    run.render_asked_at = time.time()
    render = until("the render", lambda: rendered(api, episode_id, top["clipId"]), RENDER_INTERVAL)
    with httpx.stream("GET", render["downloadUrl"], timeout=120) as answer:
        run.render_bytes = sum(len(chunk) for chunk in answer.iter_bytes())
    run.peaks["render + download"] = memory.peak


def run_scenario(media: show_media.ShowMedia, workdir: Path) -> tuple[Run, dict[str, Any]]:
    record_file, function_log = workdir / "calls.jsonl", workdir / "functions.log"
    run = Run(media.minutes)
    with RecordingStack(record_file, function_log, {"tenant_limits": LIMITS}) as stack:
        connection = stack.connection
        with (
            TreeMemory(stack.pid) as memory,
            NullCheckClient(connection["apiUrl"], authorization=bearer(connection["idToken"])) as api,
        ):
            time.sleep(2)
            run.idle_memory = memory.current()
            log_start = function_log.stat().st_size if function_log.exists() else 0
            run.started = time.time()
            drive(api, media, run, memory)
            run.ended = time.time()
            log_bytes = function_log.stat().st_size - log_start
        credentials = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}
        s3 = boto3.client("s3", endpoint_url=connection["motoUrl"], **credentials)
        dynamodb = boto3.client("dynamodb", endpoint_url=connection["motoUrl"], **credentials)
        items = show_calls.table_items(dynamodb, LocalStackConfig().table_name)
        window = show_calls.in_window(record_file, run.started, run.ended)
        try:
            storage = show_calls.storage_inventory(s3, connection["bucket"])
        except Exception as error:  # a report, not a gate: the bytes written stand in for the listing
            console.print(f"[yellow]Listing the bucket failed ({error}); storage from the bytes written.[/]")
            storage = show_calls.written_storage(window)
    calls = show_calls.summarize(window, items)
    invocations = sum(entry["invocations"] for entry in calls["lambda"].values())
    calls["s3"]["storage"] = storage
    calls["logs"] = {"ingestedBytes": show_calls.log_bytes(log_bytes, invocations), "functionLogBytes": log_bytes}
    calls["marks"] = {name: [r for r in window if r["kind"] == "lambda" and r["function"] == name] for name in MARKS}
    return run, calls


MARKS = ("preprocessing-completed", "detect-clips", "render-finished")
"""The invocations whose end marks a phase's end: a track `Processed`, clips proposed, a render done."""


def last_end(calls: dict[str, Any], function: str, track: str | None = None) -> float:
    ends = [r["end"] for r in calls["marks"][function] if r["error"] is None and (track is None or r["track"] == track)]
    return max(ends) if ends else math.nan


def report(run: Run, calls: dict[str, Any], plain: dict[str, float], elapsed: float) -> None:
    jobs = {job["track"]: job for job in calls["mediaconvert"] if job["kind"] == "chunks"}
    table = Table(title=f"{run.minutes}-minute show, three tracks: upload and chunking")
    columns = ("track", "size", "upload", "complete → Processed", "queue", "job run", "plain ffmpeg", "ratio")
    for column in (*columns, "segments"):
        table.add_column(column, justify="left" if column == "track" else "right")
    assert run.track_bytes and run.upload_seconds and run.completed_at and run.segments is not None
    ratios = []
    for name, size in run.track_bytes.items():
        processed = last_end(calls, "preprocessing-completed", name) - run.completed_at[name]
        job = jobs.get(name, {})
        ratios.append(processed / plain[name])
        table.add_row(
            name, f"{size / GB:.2f} GB", f"{size / MB / run.upload_seconds[name]:.0f} MB/s", f"{processed:.1f} s",
            f"{job.get('queueSeconds', math.nan):.1f} s", f"{job.get('runSeconds', math.nan):.1f} s",
            f"{plain[name]:.1f} s", f"{ratios[-1]:.1f}x", str(run.segments.get(name, 0)),
        )  # fmt: skip
    console.print(table)
    total_bytes, total_upload = sum(run.track_bytes.values()), sum(run.upload_seconds.values())
    render_job: dict[str, Any] = next((job for job in calls["mediaconvert"] if job["kind"] == "render"), {})
    render_seconds = last_end(calls, "render-finished") - run.render_asked_at
    agent = calls["lambda"].get("detect-clips", {})
    hours = max(1, math.ceil(run.minutes / 60))
    starts = run.clip_starts or []
    per_hour = [sum(hour * 3600 <= start < (hour + 1) * 3600 for start in starts) for hour in range(hours)]
    peak = max((run.peaks or {}).values(), default=0)
    figures = Table(title="The rest of the episode")
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    for label, value in (
        ("upload throughput (3 tracks, one after the other)", f"{total_bytes / MB / total_upload:.0f} MB/s"),
        ("complete → Processed / plain ffmpeg (median)", f"{statistics.median(ratios):.1f}x"),
        ("transcript PUT → clips proposed", f"{last_end(calls, 'detect-clips') - run.transcript_at:.1f} s"),
        ("  of which the agent's invocation", f"{agent.get('totalMs', math.nan) / 1000:.1f} s"),
        ("Converse turns", str(len(calls["bedrock"]))),
        ("clips proposed", str(run.clip_count)),
        ("first / last clip start", " / ".join(f"{s / 60:.1f} min" for s in (starts[:1] + starts[-1:]))),
        ("clips per hour of the show", " · ".join(str(count) for count in per_hour)),
        ("render asked → Rendered (vertical, captions)", f"{render_seconds:.1f} s"),
        ("  of which the render job ran", f"{render_job.get('runSeconds', math.nan):.1f} s"),
        ("rendered clip", f"{render_job.get('outputSeconds', 0):.1f} s, {run.render_bytes / MB:.1f} MB"),
        ("stack memory idle", f"{run.idle_memory / MB:.0f} MB"),
        *((f"stack memory peak: {name}", f"{value / MB:.0f} MB") for name, value in (run.peaks or {}).items()),
        ("stack memory peak, goal < 1 GB", f"{peak / MB:.0f} MB {'(met)' if peak < MEMORY_GOAL else '(NOT met)'}"),
        ("scenario (create → clip downloaded)", f"{run.ended - run.started:.0f} s"),
        ("whole bench (media cached, baseline included)", f"{elapsed:.0f} s"),
    ):  # fmt: skip
        figures.add_row(label, value)
    console.print(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=int, default=180, help="length of the show (default 180)")
    args = parser.parse_args()
    if not supported():
        parser.error("this benchmark reads process memory from /proc (Linux only)")
    if args.minutes < 3:
        parser.error("--minutes must be at least 3")
    began = time.perf_counter()
    console.print(f"Media for a {args.minutes}-minute show (cached under build/bench/three-hour-show/)…")
    media = show_media.prepare(args.minutes, console.print)
    needed = 2.5 * sum(path.stat().st_size for path in media.tracks.values())
    free = shutil.disk_usage(tempfile.gettempdir()).free
    if free < needed:
        raise SystemExit(f"needs about {needed / GB:.0f} GB of free disk for the stack's copies ({free / GB:.0f} free)")
    with tempfile.TemporaryDirectory(prefix="three-hour-show-") as workdir:
        run, calls = run_scenario(media, Path(workdir))
        console.print("Stack stopped (its objects removed); plain ffmpeg on each track…")
        plain = {name: show_media.plain_hls_seconds(path, Path(workdir)) for name, path in media.tracks.items()}
    calls["scenario"] = {
        "minutes": run.minutes,
        "tracks": run.track_bytes,
        "transcript": {"bytes": media.transcript.stat().st_size, "cues": media.transcript.read_text().count(" --> ")},
        "clips": run.clip_count,
        "renderFormat": RENDER_FORMAT,
        "renderBytes": run.render_bytes,
        "limits": LIMITS,
        "run": {k: v for k, v in asdict(run).items() if k not in ("track_bytes",)},
        "plainFfmpegSeconds": plain,
    }
    written = calls_file(run.minutes)
    written.write_text(json.dumps(calls, indent=1, default=str) + "\n")
    report(run, calls, plain, time.perf_counter() - began)
    console.print(f"Calls written to {written.relative_to(show_media.REPO_ROOT)} (bench.episode_cost prices them)")
    cached = show_media.cache_size() / GB
    console.print(f"Cached media: {cached:.1f} GB; `rm -r build/bench/three-hour-show` removes them.")


if __name__ == "__main__":
    main()
