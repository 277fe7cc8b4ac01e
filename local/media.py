"""ffmpeg for the local MediaConvert: run it bounded and cancellable, and read what an input holds.

Only ffmpeg ships with imageio-ffmpeg (there is no ffprobe), so inputs are probed by parsing
the stream summary `ffmpeg -i` prints on stderr. Every run is bounded by a timeout and can be
cancelled, so a broken or endless input can never wedge the job worker. Failures carry
MediaConvert's documented error codes, so the job API can end the job the way the service does.
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
PERMISSIONS_ERROR = 1401  # S3 answered access denied
FILE_NOT_FOUND = 1404  # S3 has no such object or bucket
UNKNOWN_ERROR = 1999  # anything else that stops the transcoder

PROBE_TIMEOUT_SECONDS = 30.0
# How often a running ffmpeg is checked against its deadline and the cancel flag.
_POLL_SECONDS = 0.1

_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_TIMECODE = re.compile(r"^\s*timecode\s*: (\d{2}:\d{2}:\d{2}[:;.]\d{2})\s*$", re.MULTILINE)
_STREAM = re.compile(
    r"^\s*Stream #\d+:(\d+)(?:\[0x[0-9a-fA-F]+\])?(?:\((\w+)\))?: (Video|Audio): (\w+)(.*)$", re.MULTILINE
)
_FOURCC = re.compile(r"\(([^()/]+?) / 0x[0-9a-fA-F]+\)")
_PICTURE = re.compile(r",\s*(\w+)(?:\(([^)]*)\))?,\s*(\d{2,5})x(\d{2,5})\b")
_SAR = re.compile(r"\[SAR (\d+:\d+)")
_FPS = re.compile(r"([\d.]+)(k?) fps")
_TBR = re.compile(r"([\d.]+)(k?) tbr")
_SAMPLE_RATE = re.compile(r"(\d+) Hz,\s*([^,]+)")
_PIXEL_FORMAT = re.compile(r"^(?:yuvj?|gbr)(4\d\d)p(\d+)?")
_CHANNEL_LAYOUTS = {"mono": 1, "stereo": 2, "quad": 4, "hexagonal": 6, "octagonal": 8}

# ffmpeg's codec names as MediaConvert spells them in INPUT_INFORMATION; others are upper-cased.
_VIDEO_CODECS = {"h264": "H_264", "hevc": "H_265", "mpeg2video": "MPEG2", "prores": "PRORES", "av1": "AV1"}
_AUDIO_CODECS = {"aac": "AAC", "mp3": "MP3", "ac3": "AC3", "eac3": "EAC3", "opus": "OPUS", "flac": "FLAC"}


class MediaError(Exception):
    """ffmpeg could not read or write a file; `code` is the matching MediaConvert error code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VideoStream:
    """One video stream as `ffmpeg -i` describes it."""

    index: int  # the stream's position in the file (0-based)
    codec: str  # ffmpeg's codec name, e.g. "h264"
    width: int
    height: int
    frame_rate: float | None
    fourcc: str | None = None
    pixel_format: str | None = None
    interlaced: bool = False
    sar: str | None = None
    language: str | None = None

    def input_detail(self) -> dict[str, object]:
        """The stream as INPUT_INFORMATION's `inputDetails[].video[]` spells it."""
        match = _PIXEL_FORMAT.match(self.pixel_format or "")
        chroma, depth = (match.group(1), match.group(2)) if match else ("420", None)
        detail: dict[str, object] = {
            "bitDepth": int(depth) if depth else 8,
            "codec": _VIDEO_CODECS.get(self.codec, self.codec.upper()),
            "colorFormat": f"YUV_{chroma}",
            "fourCC": self.fourcc or "",
            "frameRate": _number(self.frame_rate) if self.frame_rate else 0,
            "height": self.height,
            "interlaceMode": "INTERLACED" if self.interlaced else "PROGRESSIVE",
            "sar": self.sar or "1:1",
            "standard": "UNSPECIFIED",
            "streamId": self.index + 1,
            "width": self.width,
        }
        return detail


@dataclass(frozen=True)
class AudioStream:
    """One audio stream as `ffmpeg -i` describes it."""

    index: int
    codec: str
    sample_rate: int | None = None
    channels: int | None = None
    language: str | None = None

    def input_detail(self) -> dict[str, object]:
        """The stream as INPUT_INFORMATION's `inputDetails[].audio[]` spells it."""
        return {
            "channels": self.channels or 0,
            "codec": _AUDIO_CODECS.get(self.codec, self.codec.upper()),
            "language": (self.language or "und").upper(),
            "sampleRate": self.sample_rate or 0,
            "streamId": self.index + 1,
        }


@dataclass(frozen=True)
class MediaInfo:
    """What `ffmpeg -i` reports about a file: its duration and its video and audio streams."""

    duration_ms: int | None
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    timecode: str | None = None  # the embedded start timecode (e.g. a camera's 01:00:00:00), if any

    @property
    def first_video(self) -> VideoStream | None:
        return self.video[0] if self.video else None

    @property
    def video_codec(self) -> str | None:
        return self.video[0].codec if self.video else None

    @property
    def audio_codec(self) -> str | None:
        return self.audio[0].codec if self.audio else None

    @property
    def width(self) -> int | None:
        return self.video[0].width if self.video else None

    @property
    def height(self) -> int | None:
        return self.video[0].height if self.video else None

    @property
    def frame_rate(self) -> float | None:
        return self.video[0].frame_rate if self.video else None

    @property
    def can_stream_copy(self) -> bool:
        """H.264 + AAC already plays in HLS, so segmenting needs no re-encode."""
        return self.video_codec == "h264" and self.audio_codec == "aac"

    def input_detail(self, uri: str, input_id: int = 1) -> dict[str, object]:
        """This input as one entry of INPUT_INFORMATION's `inputDetails`."""
        return {
            "id": input_id,
            "uri": uri,
            "audio": [stream.input_detail() for stream in self.audio],
            "video": [stream.input_detail() for stream in self.video],
        }


def probe(path: Path, *, cancel: threading.Event, timeout: float = PROBE_TIMEOUT_SECONDS) -> MediaInfo:
    """Streams, size and duration of a media file; MediaError(1010) when ffmpeg cannot open it."""
    _, stderr = run_ffmpeg(["-hide_banner", "-nostdin", "-i", str(path)], timeout=timeout, cancel=cancel)
    # Without an output file ffmpeg always exits non-zero, so success is judged by the summary.
    if "Input #0" not in stderr:
        raise MediaError(INPUT_ERROR, f"Failed probe/open: [{last_line(stderr)}]")
    return parse_probe(stderr)


def parse_probe(stderr: str) -> MediaInfo:
    """MediaInfo from the text `ffmpeg -i` prints (only input #0 is read)."""
    summary = stderr.split("Input #1", 1)[0]
    duration = _DURATION.search(summary)
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    for match in _STREAM.finditer(summary):
        index, language, kind, codec, rest = int(match.group(1)), match.group(2), *match.group(3, 4, 5)
        if kind == "Video":
            stream = _video_stream(index, language, codec, rest)
            if stream is not None:
                video.append(stream)
        else:
            audio.append(_audio_stream(index, language, codec, rest))
    timecode = _TIMECODE.search(summary)
    return MediaInfo(
        duration_ms=to_ms(*duration.groups()) if duration else None,
        video=tuple(video),
        audio=tuple(audio),
        timecode=timecode.group(1).replace(".", ":") if timecode else None,
    )


def _video_stream(index: int, language: str | None, codec: str, rest: str) -> VideoStream | None:
    picture = _PICTURE.search(rest)
    if picture is None:
        return None  # e.g. an attached cover image without a size: not a usable picture stream
    fourcc = _FOURCC.search(rest)
    sar = _SAR.search(rest)
    return VideoStream(
        index=index,
        codec=codec,
        width=int(picture.group(3)),
        height=int(picture.group(4)),
        frame_rate=_frame_rate(rest),
        fourcc=fourcc.group(1) if fourcc else None,
        pixel_format=picture.group(1),
        interlaced=any(word in (picture.group(2) or "") for word in ("top", "bottom")),
        sar=sar.group(1) if sar else None,
        language=language,
    )


def _frame_rate(rest: str) -> float | None:
    """The stream's frame rate: the nominal `tbr` when it agrees with the average `fps` (within
    1 %), so a looped or slightly variable file still counts timecode frames at its real rate."""
    fps, tbr = _rate(_FPS.search(rest)), _rate(_TBR.search(rest))
    if fps and tbr and abs(fps - tbr) <= 0.01 * tbr:
        return tbr
    return fps or tbr


def _rate(match: re.Match[str] | None) -> float | None:
    if match is None:
        return None
    value = float(match.group(1)) * (1000 if match.group(2) else 1)
    return value or None


def _audio_stream(index: int, language: str | None, codec: str, rest: str) -> AudioStream:
    sampling = _SAMPLE_RATE.search(rest)
    return AudioStream(
        index=index,
        codec=codec,
        sample_rate=int(sampling.group(1)) if sampling else None,
        channels=_channels(sampling.group(2).strip()) if sampling else None,
        language=language,
    )


def _channels(layout: str) -> int | None:
    """Channel count of an ffmpeg layout name: mono, stereo, 5.1(side), 7.1, "3 channels", ..."""
    if layout in _CHANNEL_LAYOUTS:
        return _CHANNEL_LAYOUTS[layout]
    counted = re.match(r"(\d+) channels", layout)
    if counted:
        return int(counted.group(1))
    surround = re.match(r"(\d+)\.(\d+)", layout)
    return int(surround.group(1)) + int(surround.group(2)) if surround else None


def probe_output(path: Path, *, cancel: threading.Event) -> tuple[int, int, int]:
    """Duration (ms), width and height of a written output; a failure here is ours, not the input's."""
    try:
        written = probe(path, cancel=cancel)
    except MediaError as error:
        raise MediaError(UNKNOWN_ERROR, f"Transcoding produced an unreadable output: {error.message}") from error
    if written.duration_ms is None or written.width is None or written.height is None:
        raise MediaError(UNKNOWN_ERROR, "Transcoding produced an output without video or duration")
    return written.duration_ms, written.width, written.height


def run_ffmpeg(args: list[str], *, timeout: float, cancel: threading.Event, cwd: Path | None = None) -> tuple[int, str]:
    """Run ffmpeg, returning its exit code and stderr; kill it on timeout or cancel (MediaError 1999)."""
    process = subprocess.Popen(
        [ffmpeg_exe(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        cwd=cwd,
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


def ffmpeg_exe() -> str:
    """The ffmpeg binary of the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def to_ms(hours: str, minutes: str, seconds: str) -> int:
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def last_line(stderr: str) -> str:
    """ffmpeg's own verdict: the last line it printed."""
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else "no output from ffmpeg"


def _number(value: float) -> float | int:
    """A JSON number as MediaConvert writes rates: 25, 29.97."""
    rounded = round(value, 3)
    return int(rounded) if rounded.is_integer() else rounded
