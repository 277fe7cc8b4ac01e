"""File rendering for the local MediaConvert: input clippings to one MP4, captions burned in.

A FILE_GROUP job becomes one ffmpeg run, built the way MediaConvert describes the job:

- every `InputClippings` entry is read with input seeking (`-ss A -to B -i source`, so a clip
  from a long episode never decodes the whole file) and the ranges are concatenated in order.
  Timecodes `HH:MM:SS:FF` count frames at the input's frame rate (`HH:MM:SS;FF`: drop-frame)
  and the End timecode's frame is included;
- the picture is scaled to the output's Width x Height by `ScalingBehavior` (FILL: scale to
  cover and crop the centre);
- SRT cues (timed from the start of the input) are kept per range, clipped to it and shifted
  into output time, then burned in *after* scaling, so their size and position refer to the
  output frame, as MediaConvert's burn-in settings do (see `local.captions`);
- H.264 + AAC in MP4, `-movflags +faststart` for MoovPlacement PROGRESSIVE_DOWNLOAD.

`local.job_settings` reads and checks the job's settings; `prepare` writes the captions and
returns the ffmpeg command, so a benchmark can run exactly the command a job runs; `render`
runs it.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import srt

from local.captions import FONT_NAME, ass_document, fonts_dir, retime_cues
from local.fonts import full_name
from local.job_settings import AudioSettings, Clipping, RenderSettings, VideoSettings, timecode_parts
from local.media import UNKNOWN_ERROR, MediaError, MediaInfo, last_line, probe_output, run_ffmpeg

CAPTIONS_FILE = "captions.ass"
FONTS_LINK = "fonts"
FONT_FILE_NAMES = ("regular.ttf", "bold.ttf", "italic.ttf", "bold-italic.ttf")
"""What the job's four font files (FontFileRegular, …Bold, …Italic, …BoldItalic) are called in a `fonts` folder."""
OUTPUT_FILE = "output.mp4"  # the job API uploads it under the name MediaConvert gives it
# Input seeking lands between frames by this much (in frames), so frame boundaries never round away.
_HALF_FRAME = 0.5


@dataclass(frozen=True)
class Range:
    """A clipping resolved against the input: frames [first, first + frames)."""

    first: int
    frames: int
    fps: float

    @property
    def start(self) -> float:
        return self.first / self.fps

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class RenderPlan:
    """One ffmpeg run: arguments to run in `workdir`, and what it will write."""

    args: list[str]
    workdir: Path
    output: Path
    width: int
    height: int
    duration: float
    before: tuple[RenderPlan, ...] = ()
    """Runs that write what this one reads (a job of several inputs: each input's part, `local.rendering_inputs`)."""


@dataclass(frozen=True)
class FileOutput:
    """The rendered file and what probing it found."""

    path: Path
    duration_ms: int
    width: int
    height: int


# Time: timecodes and ranges ---------------------------------------------------------------------


def timecode_frame(timecode: str, fps: float) -> int:
    """The frame a ZEROBASED timecode names at `fps`; MediaError when its frame field cannot exist.

    Timecode counts whole frames per second at the nominal rate (30 for 29.97): so at 29.97 fps
    non-drop `00:10:00:00` is frame 18000, 600.6 s in. `;` marks drop-frame timecode (29.97,
    59.94), which skips frame numbers to stay on the clock.
    """
    hours, minutes, seconds, frames = timecode_parts(timecode)
    nominal = round(fps)
    if frames >= nominal:
        message = f"Timecode [{timecode}] names frame {frames}; the input has {nominal} frames per second"
        raise MediaError(UNKNOWN_ERROR, message)
    total_minutes = hours * 60 + minutes
    frame = (total_minutes * 60 + seconds) * nominal + frames
    if ";" in timecode and nominal in (30, 60) and not float(fps).is_integer():
        frame -= (nominal // 15) * (total_minutes - total_minutes // 10)
    return frame


def resolve_ranges(clippings: tuple[Clipping, ...], fps: float, duration: float, origin: int = 0) -> list[Range]:
    """Frame ranges of the clippings (the whole input without any), ends clamped to the input.

    `origin` is the frame number of the input's first frame on the timecode the clippings use
    (0 for ZEROBASED, 90000 for a 25 fps camera file starting at 01:00:00:00 read EMBEDDED).
    """
    total = max(1, math.floor(duration * fps + 1e-6))
    if not clippings:
        return [Range(0, total, fps)]
    ranges = []
    for number, clipping in enumerate(clippings, start=1):
        first = timecode_frame(clipping.start, fps) - origin if clipping.start else 0
        last = timecode_frame(clipping.end, fps) - origin if clipping.end else total - 1
        if first < 0:
            message = f"Input clipping {number} starts at [{clipping.start}], before the input's first frame"
            raise MediaError(UNKNOWN_ERROR, f"{message} (timecode frame {origin})")
        if first >= total:
            message = f"Input clipping {number} starts at [{clipping.start}], after the input's end"
            raise MediaError(UNKNOWN_ERROR, f"{message} ({duration:.3f} s)")
        ranges.append(Range(first, min(last, total - 1) - first + 1, fps))
    return ranges


def timecode_origin(settings: RenderSettings, info: MediaInfo, fps: float) -> int:
    """The frame number the input's first frame has on the timecode its clippings are given in."""
    if settings.timecode_source == "SPECIFIEDSTART" and settings.timecode_start:
        return timecode_frame(settings.timecode_start, fps)
    if settings.timecode_source == "EMBEDDED" and info.timecode:
        return timecode_frame(info.timecode, fps)
    return 0


# Picture ----------------------------------------------------------------------------------------


def picture_filters(
    source_width: int, source_height: int, video: VideoSettings, crop: tuple[int, int, int, int] | None = None
) -> tuple[list[str], int, int]:
    """Filters taking the source picture (cut to the input's `crop` first, as MediaConvert does) to the output
    size by ScalingBehavior, and that size."""
    filters: list[str] = []
    if crop is not None:
        x, y, crop_width, crop_height = crop
        if x + crop_width > source_width or y + crop_height > source_height:
            raise MediaError(UNKNOWN_ERROR, f"The input's crop {crop} is outside its {source_width}x{source_height}")
        filters.append(f"crop={crop_width}:{crop_height}:{x}:{y}")
        source_width, source_height = crop_width, crop_height
    width, height = _output_size(source_width, source_height, video)
    if video.scaling == "FILL":
        # Crop the source to the output's aspect ratio first, then scale: the same picture as
        # scaling to cover and cropping the centre, without scaling pixels that are cropped away.
        crop_w, crop_h = source_width, source_height
        if source_width * height > source_height * width:
            crop_w = min(source_width, _even(source_height * width / height))
        else:
            crop_h = min(source_height, _even(source_width * height / width))
        if (crop_w, crop_h) != (source_width, source_height):
            filters.append(f"crop={crop_w}:{crop_h}:{_centre(source_width, crop_w)}:{_centre(source_height, crop_h)}")
        filters.append(f"scale={width}:{height}")
    elif video.scaling == "STRETCH_TO_OUTPUT":
        filters.append(f"scale={width}:{height}")
    else:
        fit_w, fit_h = _fit(source_width, source_height, width, height, upscale=video.scaling != "FIT_NO_UPSCALE")
        filters.append(f"scale={fit_w}:{fit_h}")
        if video.scaling == "DEFAULT":
            filters.append(f"pad={width}:{height}:{_centre(width, fit_w)}:{_centre(height, fit_h)}:black")
        else:
            width, height = fit_w, fit_h  # FIT and FIT_NO_UPSCALE add no padding
    filters.append("setsar=1")
    return filters, width, height


def _output_size(source_width: int, source_height: int, video: VideoSettings) -> tuple[int, int]:
    """Width x Height, one derived from the other (or both from the input) when left out."""
    if video.width and video.height:
        return video.width, video.height
    if video.width:
        return video.width, _even(video.width * source_height / source_width)
    if video.height:
        return _even(video.height * source_width / source_height), video.height
    return _even(source_width), _even(source_height)


def _fit(source_width: int, source_height: int, width: int, height: int, *, upscale: bool) -> tuple[int, int]:
    scale = min(width / source_width, height / source_height)
    if not upscale:
        scale = min(scale, 1.0)
    return min(width, _even(source_width * scale)), min(height, _even(source_height * scale))


def _centre(outer: int, inner: int) -> int:
    """The even offset that centres `inner` pixels in `outer` (4:2:0 offsets must be even)."""
    return 2 * ((outer - inner) // 4)


def _even(value: float) -> int:
    """The nearest even integer (4:2:0 pictures need even sizes and offsets), at least 2."""
    return max(2, 2 * round(value / 2))


# The ffmpeg run ---------------------------------------------------------------------------------


def prepare(
    source: Path,
    info: MediaInfo,
    settings: RenderSettings,
    workdir: Path,
    *,
    subtitles: list[srt.Subtitle] | None = None,
    fonts: Path | None = None,
    audio_from: Path | None = None,
) -> RenderPlan:
    """Write the captions into workdir and build the ffmpeg command that renders the job.

    `fonts`: a folder holding the job's font files (`FONT_FILE_NAMES`) when its burn-in settings name them;
    the captions are then drawn with the Regular file's face, as MediaConvert draws them. `audio_from`: a file
    whose audio replaces the source's, read at the same times (an audio selector's external file)."""
    video_stream = info.first_video
    if video_stream is None:
        raise MediaError(UNKNOWN_ERROR, "The input has no video to render")
    fps = video_stream.frame_rate or 25.0
    origin = timecode_origin(settings, info, fps)
    ranges = resolve_ranges(settings.clippings, fps, (info.duration_ms or 0) / 1000, origin)
    filters, width, height = picture_filters(video_stream.width, video_stream.height, settings.video, settings.crop)
    if settings.captions is not None and subtitles is not None:
        cues = retime_cues(subtitles, [(clip.start, clip.end) for clip in ranges])
        folder, font_name = fonts_dir(), FONT_NAME
        if settings.captions.font_files is not None:
            if fonts is None:
                raise MediaError(UNKNOWN_ERROR, "The job's font files were not read")
            folder, font_name = fonts, full_name(fonts / FONT_FILE_NAMES[0])
        document = ass_document(cues, settings.captions, width, height, font_name)
        (workdir / CAPTIONS_FILE).write_text(document, encoding="utf-8")
        link = workdir / FONTS_LINK
        if not link.exists():
            os.symlink(folder, link, target_is_directory=True)
        # Relative names (ffmpeg runs in workdir): no filter-graph escaping for any path.
        filters.append(f"ass={CAPTIONS_FILE}:fontsdir={FONTS_LINK}")
    filters.append("format=yuv420p")

    audio = settings.audio
    with_source_audio = audio is not None and (bool(info.audio) or audio_from is not None)
    per_range = 1 if audio_from is None else 2  # the source, then the external audio file, for each range
    inputs: list[str] = []
    graph: list[str] = []
    concat_inputs = ""
    for number, clip in enumerate(ranges):
        # Seek half a frame before the first frame and read half a frame past the last one, so no
        # frame is lost to rounding; trim then keeps exactly the range's frames (and audio).
        lead = min(_HALF_FRAME / fps, clip.start)
        seek = ["-ss", _seconds(clip.start - lead), "-to", _seconds(clip.end + _HALF_FRAME / fps)]
        inputs += [*seek, "-i", str(source), *([*seek, "-i", str(audio_from)] if audio_from is not None else [])]
        video_input = number * per_range
        graph.append(f"[{video_input}:v:0]trim=end_frame={clip.frames},setpts=PTS-STARTPTS[v{number}]")
        concat_inputs += f"[v{number}]"
        if with_source_audio:
            graph.append(
                f"[{video_input + per_range - 1}:a:0]atrim=start={_seconds(lead)}:duration={_seconds(clip.duration)},"
                f"asetpts=PTS-STARTPTS[a{number}]"
            )
            concat_inputs += f"[a{number}]"
    total = sum(clip.duration for clip in ranges)
    outputs = "[joined][sound]" if with_source_audio else "[joined]"
    graph.append(f"{concat_inputs}concat=n={len(ranges)}:v=1:a={1 if with_source_audio else 0}{outputs}")
    graph.append(f"[joined]{','.join(filters)}[picture]")
    maps = ["-map", "[picture]"]
    if with_source_audio:
        maps += ["-map", "[sound]"]
    elif audio is not None:
        # MediaConvert gives an output with an audio description a track even without input audio.
        graph.append(f"anullsrc=r={audio.sample_rate}:cl=stereo,atrim=duration={_seconds(total)}[silence]")
        maps += ["-map", "[silence]"]

    args = [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        *inputs,
        "-filter_complex", ";".join(graph),
        *maps,
        *_video_args(settings.video, fps),
        *(_audio_args(audio) if audio is not None else []),
        *(["-movflags", "+faststart"] if settings.faststart else []),
        "-f", "mp4", OUTPUT_FILE,
    ]  # fmt: skip
    return RenderPlan(
        args=args, workdir=workdir, output=workdir / OUTPUT_FILE, width=width, height=height, duration=total
    )


def _video_args(video: VideoSettings, fps: float) -> list[str]:
    args = ["-c:v", "libx264", "-preset", video.preset]
    if video.profile:
        args += ["-profile:v", video.profile]
    if video.rate_control == "CBR" and video.bitrate:
        args += ["-b:v", str(video.bitrate), "-maxrate", str(video.bitrate), "-bufsize", str(video.bitrate * 2)]
    elif video.rate_control == "VBR" and video.bitrate:
        args += ["-b:v", str(video.bitrate)]
        if video.max_bitrate:
            args += ["-maxrate", str(video.max_bitrate), "-bufsize", str(video.max_bitrate * 2)]
    else:
        # QVBR quality 1-10 to an x264 CRF: 7 (MediaConvert's usual choice) is CRF 23.
        args += ["-crf", str(37 - 2 * max(1, min(10, video.quality)))]
        if video.max_bitrate:
            args += ["-maxrate", str(video.max_bitrate), "-bufsize", str(video.max_bitrate * 2)]
    rate = fps
    if video.frame_rate:
        args += ["-r", f"{video.frame_rate[0]}/{video.frame_rate[1]}"]
        rate = video.frame_rate[0] / video.frame_rate[1]
    if video.gop_size:
        args += ["-g", str(max(1, round(video.gop_size * rate if video.gop_in_seconds else video.gop_size)))]
    return args


def _audio_args(audio: AudioSettings) -> list[str]:
    return ["-c:a", "aac", "-b:a", str(audio.bitrate), "-ar", str(audio.sample_rate), "-ac", str(audio.channels)]


def render(plan: RenderPlan, *, timeout: float, cancel: threading.Event) -> FileOutput:
    """Run the plan's ffmpeg (after the runs it reads from) and probe what it wrote."""
    for step in plan.before:
        returncode, stderr = run_ffmpeg(step.args, timeout=timeout, cancel=cancel, cwd=step.workdir)
        if returncode != 0:
            raise MediaError(UNKNOWN_ERROR, f"Transcoding failed: [{last_line(stderr)}]")
    returncode, stderr = run_ffmpeg(plan.args, timeout=timeout, cancel=cancel, cwd=plan.workdir)
    if returncode != 0:
        raise MediaError(UNKNOWN_ERROR, f"Transcoding failed: [{last_line(stderr)}]")
    duration_ms, width, height = probe_output(plan.output, cancel=cancel)
    return FileOutput(plan.output, duration_ms, width, height)


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.6f}"
