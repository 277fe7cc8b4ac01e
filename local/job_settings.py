"""The settings of a CreateJob request, as the local MediaConvert reads and checks them.

boto3 sends MediaConvert's REST-JSON wire names (lowerCamel: `settings.outputGroups[0]
.outputGroupSettings.fileGroupSettings.destination`); every field the local transcoder acts on
is read here into frozen dataclasses, and a request it cannot honour (or the service would
refuse) raises InvalidSettings naming the field, which CreateJob answers with a 400.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from local.burn_in import BurnInError, parse_burn_in
from local.captions import CaptionStyle
from local.job_inputs import (
    S3_URI,
    TIMECODE,
    Clipping,
    InputSpec,
    InvalidSettings,
    S3Location,
    input_list,
    parse_clippings,
    parse_inputs,
    s3_location,
    timecode_parts,
)

__all__ = ["Clipping", "InvalidSettings", "S3Location", "s3_location", "timecode_parts"]
"""Names of `local.job_inputs` the job's readers still import from here."""

# AWS's default when HlsGroupSettings.SegmentLength is left out.
DEFAULT_SEGMENT_LENGTH = 10
DEFAULT_EXTENSION = "mp4"
HLS_GROUP = "HLS_GROUP"
FILE_GROUP = "FILE_GROUP"

_GROUP_PATH = "/settings/outputGroups/0"
_GROUP_SETTINGS = {
    "HLS_GROUP_SETTINGS": ("hlsGroupSettings", HLS_GROUP),
    "FILE_GROUP_SETTINGS": ("fileGroupSettings", FILE_GROUP),
}
_PRESETS = {"SINGLE_PASS": "veryfast", "SINGLE_PASS_HQ": "fast", "MULTI_PASS_HQ": "medium"}
_PROFILES = {"BASELINE": "baseline", "MAIN": "main", "HIGH": "high"}
_CHANNELS = {"CODING_MODE_1_0": 1, "CODING_MODE_1_1": 2, "CODING_MODE_2_0": 2, "CODING_MODE_5_1": 6}
_SCALING = ("DEFAULT", "STRETCH_TO_OUTPUT", "FIT", "FIT_NO_UPSCALE", "FILL")


@dataclass(frozen=True)
class VideoSettings:
    width: int | None
    height: int | None
    scaling: str = "DEFAULT"
    rate_control: str = "QVBR"
    quality: int = 7  # QVBR quality level 1-10
    bitrate: int | None = None
    max_bitrate: int | None = None
    gop_size: float | None = None
    gop_in_seconds: bool = False
    profile: str | None = None
    preset: str = "veryfast"
    frame_rate: tuple[int, int] | None = None  # FramerateControl SPECIFIED


@dataclass(frozen=True)
class AudioSettings:
    bitrate: int = 96000
    sample_rate: int = 48000
    channels: int = 2


@dataclass(frozen=True)
class RenderSettings:
    """What a FILE_GROUP job asks of its single MP4 output."""

    clippings: tuple[Clipping, ...]
    video: VideoSettings
    audio: AudioSettings | None
    captions: CaptionStyle | None
    captions_source: S3Location | None  # the SRT file when captions are burned in
    faststart: bool = True
    extension: str = DEFAULT_EXTENSION
    # Where the input's timecode starts: EMBEDDED (the service's default) reads the file's own
    # start timecode, ZEROBASED starts at 00:00:00:00, SPECIFIEDSTART at `timecode_start`.
    timecode_source: str = "EMBEDDED"
    timecode_start: str | None = None
    inputs: tuple[InputSpec, ...] = ()
    """Every input of the job, in order (`local.job_inputs`); the fields above are the first one's."""
    crop: tuple[int, int, int, int] | None = None
    """The (first) input's crop rectangle (X, Y, Width, Height), applied before scaling."""


@dataclass(frozen=True)
class JobSpec:
    """The parts of a job's settings the local transcoder acts on."""

    input: S3Location
    output_bucket: str
    output_prefix: str  # key prefix, "" or ending in "/"
    base_name: str
    name_modifier: str | None  # HLS: None is derived from the output height, e.g. "_720p"
    group_type: str  # HLS_GROUP or FILE_GROUP
    segment_length: int = DEFAULT_SEGMENT_LENGTH  # HLS only
    iframe_manifest: bool = False  # HLS only: IFrameOnlyManifest INCLUDE
    gop_seconds: float | None = None  # HLS only: GopSize in SECONDS, when re-encoded
    render: RenderSettings | None = None  # FILE_GROUP only

    @property
    def input_uri(self) -> str:
        return self.input.uri

    def output_uri(self, name: str) -> str:
        return f"s3://{self.output_bucket}/{self.output_prefix}{name}"

    @property
    def file_name(self) -> str:
        """FILE_GROUP: destination base name + NameModifier + extension, as MediaConvert names it."""
        extension = self.render.extension if self.render else DEFAULT_EXTENSION
        return f"{self.base_name}{self.name_modifier or ''}.{extension}"


def parse_settings(settings: Any) -> JobSpec:
    """Validate CreateJob's wire `settings` into a JobSpec, or raise InvalidSettings."""
    if not isinstance(settings, dict):
        raise InvalidSettings("/settings", "settings are required")
    job_input, source = _parse_input(settings.get("inputs"))
    group_settings, group_type, output = _parse_output_group(settings.get("outputGroups"))
    settings_path = f"{_GROUP_PATH}/outputGroupSettings/{_GROUP_SETTINGS[f'{group_type}_SETTINGS'][0]}"
    destination = S3_URI.match(str(group_settings.get("destination", "")))
    if destination is None:
        raise InvalidSettings(f"{settings_path}/destination", "must be an s3://bucket/prefix/ URI")
    out_bucket, out_path = destination.groups()
    # As in MediaConvert: a destination ending in "/" names a folder and the input names the
    # files; otherwise its last component is the base file name.
    prefix, _, base_name = out_path.rpartition("/")
    spec = JobSpec(
        input=source,
        output_bucket=out_bucket,
        output_prefix=f"{prefix}/" if prefix else "",
        base_name=base_name or PurePosixPath(source.key).stem,
        name_modifier=output.get("nameModifier") or None,
        group_type=group_type,
    )
    if group_type == HLS_GROUP:
        if len(settings["inputs"]) != 1:
            raise InvalidSettings("/settings/inputs", "the local MediaConvert packages exactly one input as HLS")
        segment_length = group_settings.get("segmentLength", DEFAULT_SEGMENT_LENGTH)
        if not isinstance(segment_length, int) or segment_length < 1:
            raise InvalidSettings(f"{settings_path}/segmentLength", "must be an integer of at least 1")
        return dataclasses.replace(
            spec,
            segment_length=segment_length,
            iframe_manifest=_hls_settings(output).get("iFrameOnlyManifest") == "INCLUDE",
            gop_seconds=_gop_seconds(output),
        )
    render = parse_file_output(job_input, output, where=f"{_GROUP_PATH}/outputs/0")
    sources = parse_inputs(
        settings["inputs"],
        captions_selector=(output.get("captionDescriptions") or [{}])[0].get("captionSelectorName")
        if render.captions is not None
        else None,
        audio_selector=(output.get("audioDescriptions") or [{}])[0].get("audioSourceName", "Audio Selector 1")
        if render.audio is not None
        else None,
    )
    return dataclasses.replace(spec, render=dataclasses.replace(render, inputs=sources, crop=sources[0].crop))


def _hls_settings(output: dict[str, Any]) -> dict[str, Any]:
    settings = (output.get("outputSettings") or {}).get("hlsSettings")
    return settings if isinstance(settings, dict) else {}


def _gop_seconds(output: dict[str, Any]) -> float | None:
    """The keyframe interval an H.264 output asks for in seconds (frames and AUTO are left to the encoder)."""
    codec = ((output.get("videoDescription") or {}).get("codecSettings") or {}).get("h264Settings") or {}
    size = codec.get("gopSize")
    if codec.get("gopSizeUnits") == "SECONDS" and isinstance(size, int | float) and size > 0:
        return float(size)
    return None


def _parse_input(inputs: Any) -> tuple[dict[str, Any], S3Location]:
    """The first input and the bucket and key of its s3:// file (a FILE_GROUP job may have more: `job_inputs`)."""
    first = input_list(inputs)[0]
    location = s3_location(first.get("fileInput"))
    assert location is not None  # input_list checked every input's file
    return first, location


def _parse_output_group(groups: Any) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """Group settings, type (HLS_GROUP or FILE_GROUP) and the single output of the single group."""
    if not isinstance(groups, list) or len(groups) != 1 or not isinstance(groups[0], dict):
        raise InvalidSettings("/settings/outputGroups", "the local MediaConvert takes exactly one output group")
    group_settings = groups[0].get("outputGroupSettings") or {}
    name, group_type = _GROUP_SETTINGS.get(str(group_settings.get("type")), ("", ""))
    if not name or not isinstance(group_settings.get(name), dict):
        raise InvalidSettings(
            f"{_GROUP_PATH}/outputGroupSettings", "must be of type HLS_GROUP_SETTINGS or FILE_GROUP_SETTINGS"
        )
    outputs = groups[0].get("outputs")
    if not isinstance(outputs, list) or len(outputs) != 1 or not isinstance(outputs[0], dict):
        raise InvalidSettings(f"{_GROUP_PATH}/outputs", "the local MediaConvert takes exactly one output")
    return group_settings[name], group_type, outputs[0]


# FILE_GROUP outputs -----------------------------------------------------------------------------


def parse_file_output(job_input: dict[str, Any], output: dict[str, Any], *, where: str) -> RenderSettings:
    """RenderSettings of a FILE_GROUP output, or InvalidSettings naming the offending field."""
    container = output.get("containerSettings") or {}
    if container.get("container", "MP4") != "MP4":
        raise InvalidSettings(f"{where}/containerSettings/container", "the local MediaConvert writes MP4 files only")
    moov = (container.get("mp4Settings") or {}).get("moovPlacement", "PROGRESSIVE_DOWNLOAD")
    captions_source, style = _parse_captions(job_input, output, where=where)
    timecode_source = job_input.get("timecodeSource", "EMBEDDED")
    if timecode_source not in ("EMBEDDED", "ZEROBASED", "SPECIFIEDSTART"):
        raise InvalidSettings("/settings/inputs/0/timecodeSource", "must be EMBEDDED, ZEROBASED or SPECIFIEDSTART")
    timecode_start = job_input.get("timecodeStart")
    if timecode_source == "SPECIFIEDSTART" and not TIMECODE.match(str(timecode_start)):
        raise InvalidSettings("/settings/inputs/0/timecodeStart", "SPECIFIEDSTART needs a timecode HH:MM:SS:FF")
    return RenderSettings(
        clippings=parse_clippings(job_input.get("inputClippings")),
        video=_parse_video(output.get("videoDescription"), where=f"{where}/videoDescription"),
        audio=_parse_audio(job_input, output.get("audioDescriptions"), where=f"{where}/audioDescriptions"),
        captions=style,
        captions_source=captions_source,
        faststart=moov == "PROGRESSIVE_DOWNLOAD",
        extension=str(output.get("extension") or DEFAULT_EXTENSION),
        timecode_source=timecode_source,
        timecode_start=timecode_start if timecode_source == "SPECIFIEDSTART" else None,
    )


def _parse_video(description: Any, *, where: str) -> VideoSettings:
    if not isinstance(description, dict):
        raise InvalidSettings(where, "the local MediaConvert needs a video description")
    codec = description.get("codecSettings") or {}
    if codec.get("codec") != "H_264":
        raise InvalidSettings(f"{where}/codecSettings/codec", "the local MediaConvert encodes H_264 only")
    scaling = description.get("scalingBehavior", "DEFAULT")
    if scaling not in _SCALING:
        raise InvalidSettings(f"{where}/scalingBehavior", f"the local MediaConvert supports {', '.join(_SCALING)}")
    h264 = codec.get("h264Settings") or {}
    qvbr = h264.get("qvbrSettings") or {}
    gop_units = h264.get("gopSizeUnits", "FRAMES")
    frame_rate = None
    if h264.get("framerateControl") == "SPECIFIED":
        numerator, denominator = h264.get("framerateNumerator"), h264.get("framerateDenominator")
        if not (isinstance(numerator, int) and isinstance(denominator, int) and numerator > 0 and denominator > 0):
            raise InvalidSettings(f"{where}/codecSettings/h264Settings", "SPECIFIED frame rate needs its fraction")
        frame_rate = (numerator, denominator)
    return VideoSettings(
        width=_dimension(description.get("width"), f"{where}/width"),
        height=_dimension(description.get("height"), f"{where}/height"),
        scaling=scaling,
        rate_control=h264.get("rateControlMode", "QVBR"),
        quality=int(qvbr.get("qvbrQualityLevel", 7)),
        bitrate=h264.get("bitrate"),
        max_bitrate=h264.get("maxBitrate"),
        gop_size=h264.get("gopSize") if gop_units != "AUTO" else None,
        gop_in_seconds=gop_units == "SECONDS",
        profile=_PROFILES.get(h264.get("codecProfile", "")),
        preset=_PRESETS.get(h264.get("qualityTuningLevel", "SINGLE_PASS"), "veryfast"),
        frame_rate=frame_rate,
    )


def _dimension(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 32 <= value <= 8192:
        raise InvalidSettings(where, "must be an integer from 32 to 8192")
    return value


def _parse_audio(job_input: dict[str, Any], descriptions: Any, *, where: str) -> AudioSettings | None:
    if not descriptions:
        return None
    if not isinstance(descriptions, list) or len(descriptions) != 1 or not isinstance(descriptions[0], dict):
        raise InvalidSettings(where, "the local MediaConvert writes one audio track")
    description = descriptions[0]
    selectors = job_input.get("audioSelectors") or {}
    source = description.get("audioSourceName", "Audio Selector 1")
    if selectors and source not in selectors:
        raise InvalidSettings(f"{where}/0/audioSourceName", f"no audio selector named {source!r}")
    codec = description.get("codecSettings") or {}
    if codec.get("codec") != "AAC":
        raise InvalidSettings(f"{where}/0/codecSettings/codec", "the local MediaConvert encodes AAC only")
    aac = codec.get("aacSettings") or {}
    return AudioSettings(
        bitrate=int(aac.get("bitrate", 96000)),
        sample_rate=int(aac.get("sampleRate", 48000)),
        channels=_CHANNELS.get(aac.get("codingMode", "CODING_MODE_2_0"), 2),
    )


def _parse_captions(
    job_input: dict[str, Any], output: dict[str, Any], *, where: str
) -> tuple[S3Location | None, CaptionStyle | None]:
    descriptions = output.get("captionDescriptions")
    if not descriptions:
        return None, None
    where = f"{where}/captionDescriptions"
    if not isinstance(descriptions, list) or len(descriptions) != 1 or not isinstance(descriptions[0], dict):
        raise InvalidSettings(where, "one burned-in caption track per output")
    description = descriptions[0]
    name = description.get("captionSelectorName")
    selector = (job_input.get("captionSelectors") or {}).get(name)
    if not isinstance(selector, dict):
        raise InvalidSettings(f"{where}/0/captionSelectorName", f"no caption selector named {name!r} on the input")
    source = selector.get("sourceSettings") or {}
    selector_where = f"/settings/inputs/0/captionSelectors/{name}/sourceSettings"
    if source.get("sourceType") != "SRT":
        raise InvalidSettings(f"{selector_where}/sourceType", "the local MediaConvert reads SRT captions only")
    source_file = s3_location((source.get("fileSourceSettings") or {}).get("sourceFile"))
    if source_file is None:
        raise InvalidSettings(f"{selector_where}/fileSourceSettings/sourceFile", "must be an s3://bucket/key URI")
    destination = description.get("destinationSettings") or {}
    if destination.get("destinationType") != "BURN_IN":
        raise InvalidSettings(
            f"{where}/0/destinationSettings/destinationType", "the local MediaConvert burns captions in only"
        )
    try:
        return source_file, parse_burn_in(destination.get("burninDestinationSettings") or {})
    except BurnInError as error:
        field = f"{where}/0/destinationSettings/burninDestinationSettings/{error.field}"
        raise InvalidSettings(field, str(error)) from error
