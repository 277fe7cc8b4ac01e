"""Sample media for the demo, the end-to-end tests and the benchmarks, made with ffmpeg from its wheel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped in the imageio-ffmpeg wheel: no system install needed."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def generate_video(
    path: Path,
    seconds: float,
    *,
    width: int = 1280,
    height: int = 720,
    keyframe_seconds: int = 1,
    noise: bool = False,
    color: str | None = None,
    frequency: int = 440,
) -> Path:
    """An H.264 + AAC MP4 test pattern (or random noise, which compresses badly: large files fast; or one solid
    `color`, an ffmpeg colour name or `0xRRGGBB`, so a render shows which source a frame came from), with a
    sine tone of `frequency` Hz."""
    picture = (
        f"nullsrc=size={width}x{height}:rate=25:duration={seconds},geq=random(1)*255:128:128"
        if noise
        else f"color=c={color}:size={width}x{height}:rate=25:duration={seconds}"
        if color
        else f"testsrc2=size={width}x{height}:rate=25:duration={seconds}"
    )
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        picture,
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={frequency}:sample_rate=48000:duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-g",
        str(25 * keyframe_seconds),
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-shortest",
        str(path),
    ]
    if noise:
        command[command.index("-preset") : command.index("-preset")] = ["-b:v", "12M"]
    subprocess.run(command, check=True, timeout=600)
    return path
