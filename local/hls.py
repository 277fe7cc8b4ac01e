"""The ffmpeg half of the local MediaConvert: read what an input holds and package it as HLS.

Only ffmpeg ships with imageio-ffmpeg (there is no ffprobe), so inputs are probed by parsing
the stream summary `ffmpeg -i` prints on stderr. Every run is bounded by a timeout and can be
cancelled, so a broken or endless input can never wedge the job worker.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

# MediaConvert error codes (docs: "Error codes" in the MediaConvert user guide).
INPUT_ERROR = 1010  # the service can't open the input (corrupt, unsupported container, ...)
VIDEO_ERROR = 1020  # the input opens but holds no video stream
UNKNOWN_ERROR = 1999  # anything else that stops the transcoder

PROBE_TIMEOUT_SECONDS = 30.0
# How often a running ffmpeg is checked against its deadline and the cancel flag.
_POLL_SECONDS = 0.1
_AUDIO_BITRATE = "128k"

_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\d+:\d+\S*: Video: (\w+).*?\b(\d{2,5})x(\d{2,5})\b")
_AUDIO = re.compile(r"Stream #\d+:\d+\S*: Audio: (\w+)")


class MediaError(Exception):
    """ffmpeg could not read or package a file; `code` is the matching MediaConvert error code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MediaInfo:
    """What `ffmpeg -i` reports about the first video and audio streams of a file."""

    duration_ms: int | None
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None

    @property
    def can_stream_copy(self) -> bool:
        """H.264 + AAC already plays in HLS, so segmenting needs no re-encode."""
        return self.video_codec == "h264" and self.audio_codec == "aac"


@dataclass(frozen=True)
class HlsOutput:
    """Files of one packaged HLS rendition (names relative to the output directory)."""

    master_playlist: str
    media_playlist: str
    segments: list[str]
    duration_ms: int
    width: int
    height: int


def probe(path: Path, *, cancel: threading.Event, timeout: float = PROBE_TIMEOUT_SECONDS) -> MediaInfo:
    """Streams, size and duration of a media file; MediaError(1010) when ffmpeg cannot open it."""
    _, stderr = _run_ffmpeg(["-hide_banner", "-nostdin", "-i", str(path)], timeout=timeout, cancel=cancel)
    # Without an output file ffmpeg always exits non-zero, so success is judged by the summary.
    if "Input #0" not in stderr:
        raise MediaError(INPUT_ERROR, f"Failed probe/open: [{_last_line(stderr)}]")
    return _parse_probe(stderr)


def _parse_probe(stderr: str) -> MediaInfo:
    """MediaInfo from the text `ffmpeg -i` prints (first video and first audio stream)."""
    duration = _DURATION.search(stderr)
    video = _VIDEO.search(stderr)
    audio = _AUDIO.search(stderr)
    return MediaInfo(
        duration_ms=_to_ms(*duration.groups()) if duration else None,
        video_codec=video.group(1) if video else None,
        audio_codec=audio.group(1) if audio else None,
        width=int(video.group(2)) if video else None,
        height=int(video.group(3)) if video else None,
    )


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
        *(["-c", "copy"] if info.can_stream_copy else _reencode_args(segment_length)),
        "-f", "hls", "-hls_time", str(segment_length), "-hls_playlist_type", "vod",
        # MediaConvert numbers segments from 00001. ffmpeg expands every %d in this pattern, so a
        # base name holding "%d" gets odd (but playlist-consistent) segment names.
        "-start_number", "1", "-hls_segment_filename", str(out_dir / f"{rendition}_%05d.ts"),
        "-master_pl_name", master, str(out_dir / media),
    ]  # fmt: skip
    returncode, stderr = _run_ffmpeg(args, timeout=timeout, cancel=cancel)
    if returncode != 0:
        raise MediaError(UNKNOWN_ERROR, f"Transcoding failed: [{_last_line(stderr)}]")
    # The media playlist is the authority on which segments make up the rendition.
    lines = (out_dir / media).read_text().splitlines()
    segments = [line for line in lines if line and not line.startswith("#")]
    written = _probe_output(out_dir / media, cancel=cancel)
    return HlsOutput(master, media, segments, *written)


def _probe_output(playlist: Path, *, cancel: threading.Event) -> tuple[int, int, int]:
    """Duration (ms), width and height of a written rendition; a failure here is ours, not the input's."""
    try:
        written = probe(playlist, cancel=cancel)
    except MediaError as error:
        raise MediaError(UNKNOWN_ERROR, f"Transcoding produced an unreadable rendition: {error.message}") from error
    if written.duration_ms is None or written.width is None or written.height is None:
        raise MediaError(UNKNOWN_ERROR, "Transcoding produced a rendition without video or duration")
    return written.duration_ms, written.width, written.height


def _reencode_args(segment_length: int) -> list[str]:
    """libx264 + AAC with a keyframe forced on every segment boundary, so segments are exact."""
    return [
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        # 4:2:0 needs even dimensions; an odd-sized source would make libx264 refuse to start.
        "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
        "-force_key_frames", f"expr:gte(t,n_forced*{segment_length})",
        "-c:a", "aac", "-b:a", _AUDIO_BITRATE,
    ]  # fmt: skip


def _run_ffmpeg(args: list[str], *, timeout: float, cancel: threading.Event) -> tuple[int, str]:
    """Run ffmpeg, returning its exit code and stderr; kill it on timeout or cancel (MediaError 1999)."""
    process = subprocess.Popen(
        [imageio_ffmpeg.get_ffmpeg_exe(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            # communicate() keeps draining stderr, so a chatty ffmpeg cannot block on a full pipe.
            stderr = process.communicate(timeout=_POLL_SECONDS)[1]
            return process.returncode, stderr
        except subprocess.TimeoutExpired:
            if cancel.is_set() or time.monotonic() >= deadline:
                process.kill()
                process.communicate()
                reason = "cancelled" if cancel.is_set() else f"timed out after {timeout:g} s"
                raise MediaError(UNKNOWN_ERROR, f"ffmpeg {reason}") from None


def _to_ms(hours: str, minutes: str, seconds: str) -> int:
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def _last_line(stderr: str) -> str:
    """ffmpeg's own verdict: the last line it printed."""
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else "no output from ffmpeg"
