"""Frame capture for the local MediaConvert: a JPEG every so often of a job's assembled timeline.

A FILE_GROUP output with `ContainerSettings.Container: RAW` and `VideoDescription.CodecSettings
.Codec: FRAME_CAPTURE` captures the first frame of the output, then one every
`FramerateDenominator / FramerateNumerator` seconds, at most `MaxCaptures`, as JPEGs of
`Quality` (1..100) named `{base}{NameModifier}.NNNNNNN.jpg`, NNNNNNN the 0-based capture number
padded to 7 digits (MediaConvert's API reference for `FrameCaptureSettings`). The COMPLETE event
names only the last capture in its `outputFilePaths` (MediaConvert's user guide, "File group with a
frame capture output"); the others are named from it.

MediaConvert runs a frame capture output only in a job that also has a regular audio and video
output, so a job here holds one FILE_GROUP with exactly one frame capture output and one MP4
output (several inputs allowed, each with its clippings, as for renders: `local.job_inputs`).
Locally the MP4 is rendered as any render is (`local.rendering_inputs`), the frames are taken from
a second render of the same inputs at the capture's size (`-vf fps=N/D` over the assembled
timeline), so capture n is the picture n * D/N seconds in, as MediaConvert's.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local import rendering, rendering_inputs
from local.job_inputs import InvalidSettings
from local.job_settings import FILE_GROUP, JobSpec, VideoSettings, parse_settings
from local.media import UNKNOWN_ERROR, MediaError, last_line, run_ffmpeg
from local.mediaconvert_jobs import Rendition

_GROUP_PATH = "/settings/outputGroups/0"
_SCALING = ("DEFAULT", "STRETCH_TO_OUTPUT", "FIT", "FIT_NO_UPSCALE", "FILL")
DEFAULT_QUALITY = 80
MAX_CAPTURES = 10_000_000
PICTURE_QUALITY = 10
"""QVBR level of the intermediate render the frames are taken from (near lossless)."""


@dataclass(frozen=True)
class FrameCapture:
    """The frame capture output of a job."""

    position: int  # index among the group's outputs
    name_modifier: str
    video: VideoSettings
    rate: tuple[int, int]  # FramerateNumerator, FramerateDenominator: captures per second as a fraction
    max_captures: int | None
    quality: int  # JPEG quality 1..100


@dataclass(frozen=True)
class FrameCaptureSpec(JobSpec):
    """A FILE_GROUP job (its MP4 output as `render`) with a frame capture output beside it."""

    frames: FrameCapture | None = None

    def capture_name(self, number: int) -> str:
        assert self.frames is not None
        return f"{self.base_name}{self.frames.name_modifier}.{number:07d}.jpg"


@dataclass(frozen=True)
class FramesRendition(Rendition):
    """COMPLETE's group detail for the MP4 and the frame capture output, in the job's order of outputs."""

    frames: dict[str, Any] = dataclasses.field(default_factory=dict)
    frames_position: int = 1

    def group_detail(self) -> dict[str, Any]:
        details = [self.output_detail()]
        details.insert(self.frames_position, self.frames)
        return {"type": FILE_GROUP, "outputDetails": details}


@dataclass(frozen=True)
class Written:
    """What a frame capture job wrote: the MP4 output and the JPEGs, by output name."""

    mp4: rendering.FileOutput
    captures: tuple[Path, ...]
    capture_width: int
    capture_height: int

    def files(self, spec: FrameCaptureSpec) -> list[tuple[Path, str]]:
        return [(self.mp4.path, spec.file_name), *((path, path.name) for path in self.captures)]

    def rendition(self, spec: FrameCaptureSpec) -> FramesRendition:
        assert spec.frames is not None
        return FramesRendition(
            group_type=FILE_GROUP,
            output_file=spec.output_uri(spec.file_name),
            playlist=None,
            duration_ms=self.mp4.duration_ms,
            width=self.mp4.width,
            height=self.mp4.height,
            frames={
                "outputFilePaths": [spec.output_uri(self.captures[-1].name)],
                "durationInMs": self.mp4.duration_ms,
                "videoDetails": {"widthInPx": self.capture_width, "heightInPx": self.capture_height},
            },
            frames_position=spec.frames.position,
        )


def is_frame_capture(output: Any) -> bool:
    if not isinstance(output, dict):
        return False
    container = (output.get("containerSettings") or {}).get("container")
    codec = ((output.get("videoDescription") or {}).get("codecSettings") or {}).get("codec")
    return container == "RAW" or codec == "FRAME_CAPTURE"


def parse_job(settings: Any) -> JobSpec:
    """CreateJob's settings: a FrameCaptureSpec when an output captures frames, else `parse_settings`'s JobSpec."""
    groups = settings.get("outputGroups") if isinstance(settings, dict) else None
    outputs = [output for group in groups or [] if isinstance(group, dict) for output in group.get("outputs") or []]
    if not isinstance(groups, list) or not any(is_frame_capture(output) for output in outputs):
        return parse_settings(settings)
    if len(groups) != 1:
        raise InvalidSettings("/settings/outputGroups", "the local MediaConvert takes exactly one output group")
    group = groups[0]
    outputs = group.get("outputs")
    assert isinstance(outputs, list)
    capturing = [number for number, output in enumerate(outputs) if is_frame_capture(output)]
    if len(capturing) != 1:
        raise InvalidSettings(f"{_GROUP_PATH}/outputs", "the local MediaConvert takes one frame capture output")
    if len(outputs) != 2:
        raise InvalidSettings(
            f"{_GROUP_PATH}/outputs",
            "MediaConvert runs a frame capture output only beside a regular audio and video output "
            "(the local MediaConvert: exactly one MP4 output)",
        )
    position = capturing[0]
    regular = outputs[1 - position]
    spec = parse_settings({**settings, "outputGroups": [{**group, "outputs": [regular]}]})
    if spec.group_type != FILE_GROUP:
        raise InvalidSettings(f"{_GROUP_PATH}/outputGroupSettings/type", "frame capture needs FILE_GROUP_SETTINGS")
    modifiers = [output.get("nameModifier") for output in outputs]
    for number, modifier in enumerate(modifiers):
        if not modifier or modifiers.count(modifier) > 1:
            raise InvalidSettings(
                f"{_GROUP_PATH}/outputs/{number}/nameModifier", "each output of a group needs its own name modifier"
            )
    frames = _parse_frames(outputs[position], position, where=f"{_GROUP_PATH}/outputs/{position}")
    fields = {field.name: getattr(spec, field.name) for field in dataclasses.fields(JobSpec)}
    return FrameCaptureSpec(**fields, frames=frames)


def _parse_frames(output: dict[str, Any], position: int, *, where: str) -> FrameCapture:
    if (output.get("containerSettings") or {}).get("container") != "RAW":
        raise InvalidSettings(f"{where}/containerSettings/container", "a frame capture output has container RAW")
    description = output.get("videoDescription") or {}
    codec = description.get("codecSettings") or {}
    if codec.get("codec") != "FRAME_CAPTURE":
        raise InvalidSettings(f"{where}/videoDescription/codecSettings/codec", "a RAW output captures frames only")
    if output.get("audioDescriptions"):
        raise InvalidSettings(f"{where}/audioDescriptions", "a frame capture output has no audio")
    settings = codec.get("frameCaptureSettings") or {}
    where = f"{where}/videoDescription/codecSettings/frameCaptureSettings"
    numerator = _integer(settings, "framerateNumerator", where, high=2_147_483_647, required=True)
    denominator = _integer(settings, "framerateDenominator", where, high=2_147_483_647, required=True)
    scaling = description.get("scalingBehavior", "DEFAULT")
    if scaling not in _SCALING:
        raise InvalidSettings(f"{where}/scalingBehavior", f"the local MediaConvert supports {', '.join(_SCALING)}")
    return FrameCapture(
        position=position,
        name_modifier=str(output["nameModifier"]),
        video=VideoSettings(
            width=_integer(description, "width", where, low=32, high=8192),
            height=_integer(description, "height", where, low=32, high=8192),
            scaling=scaling,
            quality=PICTURE_QUALITY,
        ),
        rate=(numerator or 1, denominator or 1),
        max_captures=_integer(settings, "maxCaptures", where, high=MAX_CAPTURES),
        quality=_integer(settings, "quality", where, high=100) or DEFAULT_QUALITY,
    )


def _integer(
    settings: dict[str, Any], name: str, where: str, *, low: int = 1, high: int, required: bool = False
) -> int | None:
    value = settings.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidSettings(f"{where}/{name}", f"must be an integer from {low} to {high}")
    return value


def capture(
    spec: FrameCaptureSpec,
    inputs: Sequence[rendering_inputs.FetchedInput],
    out_dir: Path,
    *,
    timeout: float,
    cancel: threading.Event,
) -> Written:
    """Render the MP4 output, then the frames: the same inputs at the capture's size, a JPEG per capture."""
    frames, render = spec.frames, spec.render
    assert frames is not None and render is not None
    mp4_dir, picture_dir, frames_dir = out_dir / "mp4", out_dir / "picture", out_dir / "frames"
    for folder in (mp4_dir, picture_dir, frames_dir):
        folder.mkdir()
    mp4 = rendering.render(rendering_inputs.prepare_inputs(inputs, render, mp4_dir), timeout=timeout, cancel=cancel)
    plain = [dataclasses.replace(item, spec=dataclasses.replace(item.spec, captions_source=None)) for item in inputs]
    picture_settings = dataclasses.replace(
        render, video=frames.video, audio=None, captions=None, captions_source=None, faststart=False
    )
    picture = rendering.render(
        rendering_inputs.prepare_inputs(plain, picture_settings, picture_dir), timeout=timeout, cancel=cancel
    )
    numerator, denominator = frames.rate
    # MediaConvert's JPEG quality 1..100 to the MJPEG encoder's scale 31..2 (lower is better).
    jpeg_scale = round(31 - (frames.quality - 1) * 29 / 99)
    pattern = f"{spec.base_name}{frames.name_modifier}.%07d.jpg"
    args = [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(picture.path),
        "-vf", f"fps={numerator}/{denominator}",
        "-c:v", "mjpeg", "-q:v", str(jpeg_scale), "-pix_fmt", "yuvj420p",
        *(["-frames:v", str(frames.max_captures)] if frames.max_captures else []),
        "-start_number", "0", "-f", "image2", pattern,
    ]  # fmt: skip
    returncode, stderr = run_ffmpeg(args, timeout=timeout, cancel=cancel, cwd=frames_dir)
    if returncode != 0:
        raise MediaError(UNKNOWN_ERROR, f"Frame capture failed: [{last_line(stderr)}]")
    captures = tuple(sorted(frames_dir.glob(f"{spec.base_name}{frames.name_modifier}.*.jpg")))
    if not captures:
        raise MediaError(UNKNOWN_ERROR, "Frame capture wrote no frame")
    return Written(mp4, captures, picture.width, picture.height)
