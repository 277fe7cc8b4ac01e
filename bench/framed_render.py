"""A framed speaker-layout render on the local stack against the same ffmpeg work run directly, and face detection.

Three 1280x720 25 fps tracks of 100 s (`local.face_samples`: "host" shows a face at the left, "guest" one at
the right; "wide" is a test pattern without a face) and a transcript whose cues take turns every 5 s
(HOST:, GUEST:, PRODUCER:) are generated once and cached under `build/bench/framed-render/`. On a local
stack in a process of its own (`StackProcess`, high tenant limits), the CLI's client creates the
episode, uploads the tracks, names each track's speaker, uploads the transcript and waits for clips.
Each run shapes the first clip to one 45 s range (10-55 s) with caption lines carrying speakers (the
run's number in their text: a new revision, so a new render), approves it, and measures:

- A: `POST …/renders {"format": "vertical"}` (defaults: speaker layout, social captions) until the
  render is `Rendered`, polled every 0.25 s: the framing phase (until it leaves `Framing`: the frame
  capture job, then DetectFaces on each of its 45 frames and the render job's start) and the render
  job (`Rendering` until `Rendered`: downloads, probes, ffmpeg, the upload and its events);
- B: the same render run directly: the render's plan (`renders/…/{renderId}-{attempt}.plan.json`, the
  job's settings) with the crops its `framing` records, read as the local MediaConvert reads them
  (`local.job_settings`, `local.rendering_inputs`), on the same track, caption and font files
  (downloaded from the stack's bucket, untimed); only `local.rendering.render` (one ffmpeg per
  piece, the concat, the probe of the output) is timed. Runs alternate which side goes first (a
  B before its run's A renders the previous run's settings: the same crops, the same work);
- the detector alone: `local.face_detector.detect_faces` over the run's captured JPEGs, in this process.

Goal: A's render job / B at most 1.5 (judged on the median). A's whole request (framing included) / B
is printed too: the framing phase has no counterpart in B. Both sides run the imageio-ffmpeg wheel's
ffmpeg on this CPU. Prints the figures and PASS/FAIL and exits 0: a report, not a gate.

Run from the project root: `venv/bin/python -m bench.framed_render [--runs 2]`
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from rich.console import Console
from rich.table import Table

from bench.render import wire
from client.api import NullCheckClient, bearer
from client.api_types import CaptionLine, Render
from client.uploads import upload_track, upload_transcript
from handlers.contract import TENANT_LIMIT_DEFAULTS
from handlers.core.domain.render_plan import RenderPlan, with_crops
from local import captions, media, rendering, rendering_inputs
from local.face_detector import detect_faces
from local.face_samples import Side, generate_face_video
from local.job_inputs import InputSpec
from local.job_settings import RenderSettings, S3Location, parse_settings
from local.samples import generate_video
from local.stack_process import TENANT, StackProcess

console = Console(width=None if sys.stdout.isatty() else 140)
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "build" / "bench" / "framed-render"
TRACK_SECONDS = 100
CUE_SECONDS = 5
CLIP_RANGE = (10, 55)  # seconds of the episode: 45 s, nine turns
TRACKS: dict[str, tuple[Side | None, str]] = {
    "host": ("left", "HOST"),
    "guest": ("right", "GUEST"),
    "wide": (None, "PRODUCER"),
}
"""Track name: (where its face is, None for none; the speaker it names, as the transcript labels them)."""
RATIO_GOAL = 1.5
POLL_SECONDS = 0.25
TIMEOUT = 1800.0
NEVER = threading.Event()
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "local", "aws_secret_access_key": "local"}


@dataclass
class Local:
    """A: one render request on the stack."""

    total: float
    framing: float
    render: Render
    settings: dict[str, Any]
    frames: list[bytes]

    @property
    def rendering(self) -> float:
        return self.total - self.framing


@dataclass
class Fetched:
    """B's inputs: the render's settings as the local MediaConvert reads them, and its files on disk."""

    settings: RenderSettings
    inputs: list[rendering_inputs.FetchedInput]
    fonts: Path | None


def srt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"


def speaker_at(turn: int) -> str:
    return list(TRACKS.values())[turn % len(TRACKS)][1]


def prepare_media() -> dict[str, Path]:
    """The three tracks and the transcript (key "transcript"), generated once into the cache."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    files = {name: CACHE_DIR / f"{name}-{TRACK_SECONDS}s.mp4" for name in TRACKS}
    for name, path in files.items():
        if not path.exists():
            console.print(f"generating {path.relative_to(REPO_ROOT)} (once)")
            partial = path.with_suffix(".partial.mp4")
            side = TRACKS[name][0]
            if side is not None:
                generate_face_video(partial, side, TRACK_SECONDS)
            else:
                generate_video(partial, TRACK_SECONDS, frequency=660)
            partial.rename(path)  # atomic: never a half-written cache
    cues = [
        f"{turn + 1}\n{srt_time(start)} --> {srt_time(start + CUE_SECONDS)}\n"
        f"{speaker_at(turn)}: Why does the queue matter here? Point {turn} is the surprising part.\n"
        for turn, start in enumerate(range(0, TRACK_SECONDS, CUE_SECONDS))
    ]
    files["transcript"] = CACHE_DIR / "transcript.srt"
    files["transcript"].write_text("\n".join(cues), encoding="utf-8")
    return files


def wait_until(check: Any, what: str, every: float = 1.0) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise SystemExit(f"timed out waiting for {what}")


def set_up(api: NullCheckClient, files: dict[str, Path]) -> tuple[str, str]:
    """The episode with its three named tracks and its clips; its id and the first clip's."""
    episode_id = api.create_episode("Framed render bench", 1)
    for name in TRACKS:
        upload_track(api, episode_id, files[name], name)

    def processed() -> bool:
        statuses = [track["status"] for track in api.get_episode(episode_id).get("tracks", [])]
        if "ProcessingFailed" in statuses:
            raise SystemExit(f"a track failed: {api.get_episode(episode_id)}")
        return len(statuses) == len(TRACKS) and set(statuses) == {"Processed"}

    wait_until(processed, "the tracks")
    for name, (_, speaker) in TRACKS.items():
        api.update_track(episode_id, name, speakers=[speaker.title()])
    upload_transcript(api, episode_id, files["transcript"])
    wait_until(lambda: api.get_episode(episode_id).get("transcriptStatus") == "ClipsProposed", "the clips")
    return episode_id, api.list_clips(episode_id)[0]["clipId"]


def shape(api: NullCheckClient, episode_id: str, clip_id: str, run: int) -> None:
    """One 45 s range with a caption line per turn, each carrying its speaker; approved."""
    start, end = CLIP_RANGE
    lines: list[CaptionLine] = [
        {
            "startTime": srt_time(at),
            "endTime": srt_time(at + CUE_SECONDS),
            "text": f"Run {run}: the queue matters, point {at // CUE_SECONDS}.",
            "speaker": speaker_at(at // CUE_SECONDS),
        }
        for at in range(start, end, CUE_SECONDS)
    ]
    api.edit_clip(
        episode_id, clip_id, segments=[{"startTime": srt_time(start), "endTime": srt_time(end)}], captions=lines
    )
    api.review_clip(episode_id, clip_id, status="approved")


def request(api: NullCheckClient, s3: Any, bucket: str, episode_id: str, clip_id: str) -> Local:
    """A: from the request until Rendered, and when it left Framing; then its job settings and frames."""
    started = time.perf_counter()
    render_id = api.request_render(episode_id, clip_id, format="vertical")["renderId"]
    framing = 0.0
    while True:
        render = next(r for r in api.get_clip(episode_id, clip_id).get("renders", []) if r["renderId"] == render_id)
        now = time.perf_counter()
        if not framing and render["status"] != "Framing":
            framing = now - started
        if render["status"] not in ("Framing", "Rendering"):
            break
        if now - started > TIMEOUT:
            raise SystemExit(f"the render took over {TIMEOUT:g} s")
        time.sleep(POLL_SECONDS)
    total = time.perf_counter() - started
    if render["status"] != "Rendered":
        raise SystemExit(f"the render failed: {render}")
    prefix = f"renders/{TENANT}/{episode_id}/{clip_id}/{render_id}-"
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))
    [plan_key] = [key for key in keys if key.endswith(".plan.json")]
    plan = RenderPlan.model_validate_json(s3.get_object(Bucket=bucket, Key=plan_key)["Body"].read())
    settings = with_crops(plan.settings, [_crop(piece) for piece in render.get("framing", [])])
    frame_keys = [key for key in keys if "-frames_frame." in key and key.endswith(".jpg")]
    frames = [s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in frame_keys]
    return Local(total, framing, render, settings, frames)


def _crop(piece: Any) -> dict[str, int] | None:
    return dict(piece["crop"]) if piece.get("crop") else None


def fetch(s3: Any, settings: dict[str, Any], folder: Path) -> Fetched:
    """B's files: every input, caption and font file the job reads, downloaded once as the local MediaConvert does."""
    spec = parse_settings(wire(settings))
    assert spec.render is not None

    def download(location: S3Location, path: Path) -> None:
        s3.download_file(location.bucket, location.key, str(path))

    def subtitles(location: S3Location) -> Any:
        text = s3.get_object(Bucket=location.bucket, Key=location.key)["Body"].read().decode("utf-8-sig")
        return captions.parse_srt(text, uri=location.uri)

    render = spec.render
    inputs = render.inputs or (InputSpec(spec.input, render.clippings, captions_source=render.captions_source),)
    fetched = rendering_inputs.fetch_inputs(
        inputs,
        folder,
        download=download,
        probe=lambda _, path: media.probe(path, cancel=NEVER),
        subtitles=subtitles,
    )
    fonts = None
    style = spec.render.captions
    if style is not None and style.font_files is not None:
        fonts = folder / "fonts"
        fonts.mkdir(exist_ok=True)
        for name, uri in zip(rendering.FONT_FILE_NAMES, style.font_files, strict=True):
            bucket, key = uri.removeprefix("s3://").split("/", 1)
            s3.download_file(bucket, key, str(fonts / name))
    return Fetched(spec.render, fetched, fonts)


def direct(fetched: Fetched) -> tuple[float, rendering.FileOutput]:
    """B: the job's ffmpeg runs, built as the local MediaConvert builds them, timed alone."""
    with tempfile.TemporaryDirectory(prefix="direct-", dir=CACHE_DIR) as tmp:
        settings, inputs = fetched.settings, fetched.inputs
        if len(settings.inputs) > 1 or any(item.audio_from for item in inputs):
            plan = rendering_inputs.prepare_inputs(inputs, settings, Path(tmp), fonts=fetched.fonts)
        else:
            [one] = inputs
            plan = rendering.prepare(
                one.source, one.info, settings, Path(tmp), subtitles=one.subtitles, fonts=fetched.fonts
            )
        started = time.perf_counter()
        written = rendering.render(plan, timeout=TIMEOUT, cancel=NEVER)
        return time.perf_counter() - started, written


def detect(frames: list[bytes]) -> tuple[float, int]:
    """Seconds `detect_faces` takes over the frames, and how many frames show a face."""
    started = time.perf_counter()
    found = sum(1 for frame in frames if detect_faces(frame).faces)
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="renders on each side (default 2)")
    runs = parser.parse_args().runs
    files = prepare_media()
    limits = dict.fromkeys(TENANT_LIMIT_DEFAULTS, 1000)
    rows: list[dict[str, Any]] = []
    fetched: Fetched | None = None
    with (
        tempfile.TemporaryDirectory(prefix="inputs-", dir=CACHE_DIR) as inputs_dir,
        StackProcess(config={"tenant_limits": limits}) as stack,
    ):
        connection = stack.connection
        s3 = boto3.client("s3", endpoint_url=connection["motoUrl"], **CREDENTIALS)
        with NullCheckClient(connection["apiUrl"], authorization=bearer(connection["idToken"])) as api:
            console.print("uploading the three tracks and the transcript, waiting for the clips…")
            episode_id, clip_id = set_up(api, files)
            for run in range(1, runs + 1):
                # Alternate which side goes first; B needs a render's settings, so run 1 is always A first.
                b_first = fetched is not None and run % 2 == 0
                if b_first and fetched is not None:
                    b_seconds, written = direct(fetched)
                shape(api, episode_id, clip_id, run)
                local = request(api, s3, connection["bucket"], episode_id, clip_id)
                if fetched is None:
                    fetched = fetch(s3, local.settings, Path(inputs_dir))
                if not b_first:
                    b_seconds, written = direct(fetched)
                check(local, written)
                detect(local.frames[:1])  # the detector's cascade loads once: untimed
                detector, with_face = detect(local.frames)
                rows.append({"run": run, "order": "B, A" if b_first else "A, B", "a": local, "b": b_seconds,
                                 "detector": detector, "faces": with_face})  # fmt: skip
                summary(rows[-1])
    report(rows)


def check(local: Local, written: rendering.FileOutput) -> None:
    render = local.render
    problems = {
        "layout is not speaker": render.get("layout") != "speaker",
        "fewer than 2 pieces": len(render.get("pieces", [])) < 2,
        "captions are not social": render.get("captionStyle") != "social",
        f"B wrote {written.width}x{written.height}": (written.width, written.height) != (1080, 1920),
        f"B wrote {written.duration_ms} ms": abs(written.duration_ms - render["durationSeconds"] * 1000) > 200,
    }
    if any(problems.values()):
        console.print(f"[red]unexpected render: {', '.join(name for name, bad in problems.items() if bad)}[/red]")


def summary(row: dict[str, Any]) -> None:
    a: Local = row["a"]
    framed = Counter(piece["framedOn"] for piece in a.render.get("framing", []))
    console.print(
        f"run {row['run']} ({row['order']}): A total {a.total:.1f} s (framing {a.framing:.1f} s, render job"
        f" {a.rendering:.1f} s), B ffmpeg directly {row['b']:.1f} s; A render/B {a.rendering / row['b']:.2f},"
        f" A total/B {a.total / row['b']:.2f}; {len(a.render.get('pieces', []))} pieces, layout"
        f" {a.render.get('layout')}, captions {a.render.get('captionStyle')}, framed on"
        f" {dict(framed)}; detector {row['detector']:.2f} s for {len(a.frames)} frames ({row['faces']} with a face)"
    )


def report(rows: list[dict[str, Any]]) -> None:
    table = Table(title="45 s vertical speaker-layout render, social captions, 3 tracks (A: local stack, B: ffmpeg)")
    columns = ("run", "order", "A total", "A framing", "A render job", "B ffmpeg", "A render/B", "A total/B",
               "frames", "detector/clip", "detector/frame")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        a: Local = row["a"]
        per_frame = row["detector"] / max(1, len(a.frames))
        table.add_row(
            str(row["run"]), row["order"], f"{a.total:.1f} s", f"{a.framing:.1f} s", f"{a.rendering:.1f} s",
            f"{row['b']:.1f} s", f"{a.rendering / row['b']:.2f}", f"{a.total / row['b']:.2f}",
            str(len(a.frames)), f"{row['detector']:.2f} s", f"{per_frame * 1000:.0f} ms",
        )  # fmt: skip
    console.print(table)
    ratio = statistics.median(row["a"].rendering / row["b"] for row in rows)
    whole = statistics.median(row["a"].total / row["b"] for row in rows)
    framing = statistics.median(row["a"].framing for row in rows)
    detector = statistics.median(row["detector"] for row in rows)
    frames = statistics.median(len(row["a"].frames) for row in rows)
    console.print(
        f"medians over {len(rows)} run(s): A render job/B {ratio:.2f}, A whole request/B {whole:.2f};"
        f" framing phase {framing:.1f} s per clip; detector alone {detector:.2f} s per clip"
        f" ({detector / max(1, frames) * 1000:.0f} ms per frame, {frames:g} frames)"
    )
    verdict = "PASS" if ratio <= RATIO_GOAL else "FAIL"
    console.print(f"{verdict}  A's render job / B ≤ {RATIO_GOAL} ({ratio:.2f}; the goal is judged on the render job)")


if __name__ == "__main__":
    main()
