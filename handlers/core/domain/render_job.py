"""MediaConvert job settings for one clip render: pure functions, field names as botocore's model has them.

One input (the track's original upload) with one input clipping per clip segment, in order;
MediaConvert concatenates them. A speaker-layout render has one input per piece instead
(`SourceInput`: that track's upload, the piece's range as its clipping, and the program-audio
track's upload as external audio when the episode names one); every input has the same caption
selector, since each input's clipping is timed in its own file, which shares the transcript's
timeline. The frame is filled and centre cropped to the format
(`ScalingBehavior: FILL`), captions are burned in from the render's caption file (the transcript
the clip came from, cleaned by `captions`; SRT cue times are relative to the input, so the
whole-episode file fits the clippings), and the output is an MP4 for progressive download.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.contract import FRAME_SIZES

CAPTIONS_SELECTOR = "Captions Selector 1"
AUDIO_SELECTOR = "Audio Selector 1"
MAX_FONT_SIZE = 96
"""The largest burn-in FontSize MediaConvert takes."""


MAX_INPUTS = 150
"""MediaConvert's limit of inputs per job."""


@dataclass(frozen=True)
class SourceInput:
    """One input of a render: a track's upload, the ranges of it to show (seconds), at its frame rate."""

    upload_key: str
    segments: tuple[tuple[float, float], ...]
    frame_rate: float
    audio_key: str | None = None
    """Another upload whose audio replaces the input's own (the episode's program-audio track), or None."""


def timecode(seconds: float, frame_rate: float, *, end: bool = False) -> str:
    """`HH:MM:SS:FF` at the source's frame rate. An end timecode's frame is included, so it is the
    last frame that starts before `seconds`."""
    frames = math.ceil(round(seconds * frame_rate, 6)) - 1 if end else math.floor(round(seconds * frame_rate, 6))
    frames = max(frames, 0)
    per_second = max(1, round(frame_rate))
    whole_seconds, frame = divmod(frames, per_second)
    hours, rest = divmod(whole_seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{frame:02d}"


def input_clippings(segments: Sequence[tuple[float, float]], frame_rate: float) -> list[dict[str, str]]:
    return [
        {"StartTimecode": timecode(start, frame_rate), "EndTimecode": timecode(end, frame_rate, end=True)}
        for start, end in segments
    ]


CLASSIC = "classic"
SOCIAL = "social"


def default_caption_style(format_name: str) -> str:
    """Social captions on a vertical frame (phones), classic ones on landscape and square."""
    width, height = FRAME_SIZES[format_name]
    return SOCIAL if height > width else CLASSIC


@dataclass(frozen=True)
class CaptionFonts:
    """The four TrueType files of the social style (`s3://…ttf`): MediaConvert takes all four once one is set.

    Plain cue text is drawn with `regular`, which is a bold face: the style's text is bold throughout."""

    regular: str
    bold: str
    italic: str
    bold_italic: str

    def burn_in_fields(self) -> dict[str, str]:
        return {
            "FontFileRegular": self.regular,
            "FontFileBold": self.bold,
            "FontFileItalic": self.italic,
            "FontFileBoldItalic": self.bold_italic,
        }


def burn_in(height: int, vertical: bool, style: str = CLASSIC, fonts: CaptionFonts | None = None) -> dict[str, Any]:
    """Readable captions: a size relative to the frame, an outline, and room at the bottom
    (vertical players cover the lowest part of the frame with their own controls).

    `social`: one line of a few words in large bold type (`fonts`; MediaConvert's own font without them)
    with a heavy outline, its top two thirds down the frame so it ends above the bottom fifth."""
    if style == SOCIAL:
        return {
            "DestinationType": "BURN_IN",
            "BurninDestinationSettings": {
                **(fonts.burn_in_fields() if fonts else {}),
                "FontSize": min(MAX_FONT_SIZE, round(height * 0.065)),
                "FontColor": "WHITE",
                "FontOpacity": 255,
                "OutlineColor": "BLACK",
                "OutlineSize": 8,
                "ShadowColor": "NONE",
                "BackgroundOpacity": 0,
                "Alignment": "CENTERED",
                "YPosition": round(height * 0.66),
                "TeletextSpacing": "PROPORTIONAL",
            },
        }
    return {
        "DestinationType": "BURN_IN",
        "BurninDestinationSettings": {
            "FontSize": max(24, round(height * (0.035 if vertical else 0.045))),
            "FontColor": "WHITE",
            "FontOpacity": 255,
            "OutlineColor": "BLACK",
            "OutlineSize": 4,
            "ShadowColor": "NONE",
            "BackgroundOpacity": 0,
            "Alignment": "CENTERED",
            "YPosition": round(height * (0.72 if vertical else 0.85)),
            "TeletextSpacing": "PROPORTIONAL",
        },
    }


def render_settings(
    *,
    bucket: str,
    upload_key: str,
    segments: Sequence[tuple[float, float]],
    frame_rate: float,
    format_name: str,
    destination_key: str,
    captions_key: str | None,
    pieces: Sequence[SourceInput] | None = None,
    caption_style: str = CLASSIC,
    caption_fonts: CaptionFonts | None = None,
) -> dict[str, Any]:
    """The `Settings` of CreateJob for one render: `captions_key` names the SRT file burned in, None none.

    `pieces`: the render's inputs, in order (a speaker-layout render); None is one input, the upload's
    `segments`. `caption_style` and `caption_fonts`: how the captions look (`burn_in`)."""
    width, height = FRAME_SIZES[format_name]
    sources = list(pieces) if pieces else [SourceInput(upload_key, tuple(segments), frame_rate)]
    if len(sources) > MAX_INPUTS:
        raise ValueError(f"a MediaConvert job takes at most {MAX_INPUTS} inputs, not {len(sources)}")
    inputs = [_job_input(bucket, source, captions_key) for source in sources]
    output: dict[str, Any] = {
        "ContainerSettings": {"Container": "MP4", "Mp4Settings": {"MoovPlacement": "PROGRESSIVE_DOWNLOAD"}},
        "VideoDescription": {
            "Width": width,
            "Height": height,
            "ScalingBehavior": "FILL",
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "QvbrSettings": {"QvbrQualityLevel": 8},
                    "MaxBitrate": 8_000_000,
                    "SceneChangeDetect": "TRANSITION_DETECTION",
                },
            },
        },
        "AudioDescriptions": [
            {
                "AudioSourceName": AUDIO_SELECTOR,
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {"Bitrate": 128_000, "CodingMode": "CODING_MODE_2_0", "SampleRate": 48_000},
                },
            }
        ],
    }
    if captions_key is not None:
        output["CaptionDescriptions"] = [
            {
                "CaptionSelectorName": CAPTIONS_SELECTOR,
                "DestinationSettings": burn_in(height, height > width, caption_style, caption_fonts),
            }
        ]
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": inputs,
        "OutputGroups": [
            {
                "Name": "Clip",
                "OutputGroupSettings": {
                    "Type": "FILE_GROUP_SETTINGS",
                    "FileGroupSettings": {"Destination": f"s3://{bucket}/{destination_key}"},
                },
                "Outputs": [output],
            }
        ],
    }


def _job_input(bucket: str, source: SourceInput, captions_key: str | None) -> dict[str, Any]:
    """One input: its clippings, its audio (its own, or an external file's) and the render's caption file."""
    audio: dict[str, Any] = (
        {"ExternalAudioFileInput": f"s3://{bucket}/{source.audio_key}"}
        if source.audio_key and source.audio_key != source.upload_key
        else {"DefaultSelection": "DEFAULT"}
    )
    job_input: dict[str, Any] = {
        "FileInput": f"s3://{bucket}/{source.upload_key}",
        "TimecodeSource": "ZEROBASED",
        "InputClippings": input_clippings(source.segments, source.frame_rate),
        "AudioSelectors": {AUDIO_SELECTOR: audio},
        "VideoSelector": {},
    }
    if captions_key is not None:
        job_input["CaptionSelectors"] = {
            CAPTIONS_SELECTOR: {
                "SourceSettings": {
                    "SourceType": "SRT",
                    "FileSourceSettings": {"SourceFile": f"s3://{bucket}/{captions_key}"},
                }
            }
        }
    return job_input


def request_token(destination_key: str, attempt: str) -> str:
    """CreateJob's ClientRequestToken for one attempt's job writing at `destination_key`: a repeated request (or a
    repeated event starting it) gets the same job."""
    return hashlib.sha256(f"{destination_key}|{attempt}".encode()).hexdigest()[:64]
