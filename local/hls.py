"""HLS packaging for the local MediaConvert: segment an input into a playlist and `.ts` files.

An H.264 + AAC input is segmented as it is (stream copy, cut at its keyframes); anything else is
re-encoded with a keyframe forced on every segment boundary, so segments are exact.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from local import iframe_manifest as iframe_manifest_file
from local.media import UNKNOWN_ERROR, MediaError, MediaInfo, last_line, probe_output, run_ffmpeg

_AUDIO_BITRATE = "128k"
# The packaging run goes through this name, which bench/pipeline.py wraps to time it.
_run_ffmpeg = run_ffmpeg


@dataclass(frozen=True)
class HlsOutput:
    """Files of one packaged HLS rendition (names relative to the output directory)."""

    master_playlist: str
    media_playlist: str
    segments: list[str]
    iframe_playlist: str | None
    duration_ms: int
    width: int
    height: int


def package(
    source: Path,
    out_dir: Path,
    *,
    base_name: str,
    name_modifier: str,
    segment_length: int,
    info: MediaInfo,
    timeout: float,
    cancel: threading.Event,
    iframe_manifest: bool = False,
    keyframe_seconds: float | None = None,
) -> HlsOutput:
    """Segment `source` into HLS under out_dir with MediaConvert's file names.

    For base name `name` and modifier `X`: master `name.m3u8`, media playlist `nameX.m3u8`,
    segments `nameX_00001.ts`, ... The output is then probed, so the duration and size
    reported are those of what was written, not of the input.
    """
    rendition = f"{base_name}{name_modifier}"
    master, media = f"{base_name}.m3u8", f"{rendition}.m3u8"
    args = [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source),
        "-map", "0:v:0", "-map", "0:a:0?",
        *(["-c", "copy"] if info.can_stream_copy else _reencode_args(segment_length, keyframe_seconds)),
        "-f", "hls", "-hls_time", str(segment_length), "-hls_playlist_type", "vod",
        # MediaConvert numbers segments from 00001. ffmpeg expands every %d in this pattern, so a
        # base name holding "%d" gets odd (but playlist-consistent) segment names.
        "-start_number", "1", "-hls_segment_filename", str(out_dir / f"{rendition}_%05d.ts"),
        "-master_pl_name", master, str(out_dir / media),
    ]  # fmt: skip
    returncode, stderr = _run_ffmpeg(args, timeout=timeout, cancel=cancel)
    if returncode != 0:
        raise MediaError(UNKNOWN_ERROR, f"Transcoding failed: [{last_line(stderr)}]")
    # The media playlist is the authority on which segments make up the rendition.
    lines = (out_dir / media).read_text().splitlines()
    segments = [line for line in lines if line and not line.startswith("#")]
    written = probe_output(out_dir / media, cancel=cancel)
    iframes = iframe_manifest_file.write(out_dir, master, media) if iframe_manifest else None
    return HlsOutput(master, media, segments, iframes, *written)


def _reencode_args(segment_length: int, keyframe_seconds: float | None) -> list[str]:
    """libx264 + AAC with a keyframe forced on every segment boundary, so segments are exact (and every
    `keyframe_seconds` when the job asks for a GOP in seconds, a divisor of the segment length here)."""
    interval = keyframe_seconds if keyframe_seconds and segment_length % keyframe_seconds == 0 else segment_length
    return [
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        # 4:2:0 needs even dimensions; an odd-sized source would make libx264 refuse to start.
        "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
        "-force_key_frames", f"expr:gte(t,n_forced*{interval:g})",
        "-c:a", "aac", "-b:a", _AUDIO_BITRATE,
    ]  # fmt: skip
