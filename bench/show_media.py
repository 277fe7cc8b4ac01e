"""The media of a long show, made once and cached: three camera tracks and the show's transcript.

Each camera is a one-minute 1280x720 H.264 + AAC clip of its own test pattern (with grain, so it
costs a stream's bitrate: about 3 Mbit/s, with keyframes every 2 s as a streaming encoder sets
them), repeated by stream copy (ffmpeg's concat demuxer, `-c copy`) to the show's length: a
three-hour track is about 4.3 GB and takes well under a minute to write. The transcript is
`local.transcripts.sample_transcript` for the same length. Everything goes under
`build/bench/three-hour-show/` (git-ignored), named by length, and is reused by later runs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from local.samples import ffmpeg_exe
from local.transcripts import sample_transcript

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "build" / "bench" / "three-hour-show"
WIDTH, HEIGHT, FRAME_RATE = 1280, 720, 25
KEYFRAME_SECONDS = 2
VIDEO_BITRATE = "3M"
LOOP_SECONDS = 60
CHUNK_SECONDS = 120
TIMEOUT = 3600.0


@dataclass(frozen=True)
class Camera:
    track: str
    pattern: str
    tone_hz: int


CAMERAS = (
    Camera("main-camera", "testsrc2", 440),
    Camera("wide-camera", "testsrc", 550),
    Camera("slides", "smptehdbars", 660),
)


@dataclass(frozen=True)
class ShowMedia:
    minutes: int
    tracks: dict[str, Path]
    transcript: Path


def prepare(minutes: int, say: Callable[[str], None] = print) -> ShowMedia:
    """The show's cached files, made first where missing (atomically: never a half-written file)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tracks = {camera.track: _track(camera, minutes, say) for camera in CAMERAS}
    transcript = CACHE_DIR / f"transcript-{minutes}min.srt"
    if not transcript.exists():
        partial = transcript.with_suffix(".partial")
        partial.write_text(sample_transcript(minutes=minutes))
        partial.replace(transcript)
    return ShowMedia(minutes, tracks, transcript)


def _track(camera: Camera, minutes: int, say: Callable[[str], None]) -> Path:
    path = CACHE_DIR / f"{camera.track}-{minutes}min.mp4"
    if path.exists():
        return path
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=CACHE_DIR, prefix="making-") as workdir:
        loop = _loop(camera, Path(workdir))
        listing = Path(workdir) / "concat.txt"
        repeats = -(-minutes * 60 // LOOP_SECONDS)
        listing.write_text(f"file '{loop.name}'\n" * repeats)
        partial = Path(workdir) / path.name
        _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-t", str(minutes * 60), str(partial))
        partial.replace(path)
    size = path.stat().st_size / 1e9
    say(f"  made {path.relative_to(REPO_ROOT)} ({size:.2f} GB) in {time.perf_counter() - started:.0f} s")
    return path


def _loop(camera: Camera, workdir: Path) -> Path:
    """One minute of the camera's pattern, grain on, keyframes every KEYFRAME_SECONDS, stereo AAC."""
    loop = workdir / "loop.mp4"
    picture = f"{camera.pattern}=size={WIDTH}x{HEIGHT}:rate={FRAME_RATE}:duration={LOOP_SECONDS}"
    tone = f"sine=frequency={camera.tone_hz}:sample_rate=48000:duration={LOOP_SECONDS}"
    gop = str(FRAME_RATE * KEYFRAME_SECONDS)
    _ffmpeg(
        "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone, "-vf", "noise=alls=10:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-b:v", VIDEO_BITRATE, "-maxrate", VIDEO_BITRATE, "-bufsize", "6M",
        "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-shortest", str(loop),
    )  # fmt: skip
    return loop


def _ffmpeg(*args: str) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, timeout=TIMEOUT)


def plain_hls_seconds(video: Path, workdir: Path) -> float:
    """Wall time of `ffmpeg -c copy -f hls -hls_time 120` on the file (output in `workdir`, removed after)."""
    out = Path(tempfile.mkdtemp(prefix="plain-hls-", dir=workdir))
    try:
        started = time.perf_counter()
        _ffmpeg(
            "-i", str(video), "-c", "copy", "-f", "hls", "-hls_time", str(CHUNK_SECONDS),
            "-hls_playlist_type", "vod", "-hls_segment_filename", str(out / "segment_%05d.ts"), str(out / "index.m3u8"),
        )  # fmt: skip
        return time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)


def cache_size() -> int:
    """Bytes the cached media take (every length made so far)."""
    return sum(path.stat().st_size for path in CACHE_DIR.glob("*") if path.is_file())
