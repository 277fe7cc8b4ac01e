"""MediaConvert job settings for one clip render: pure functions, field names as botocore's model has them.

One input (the track's original upload) with one input clipping per clip segment, in order;
MediaConvert concatenates them. The frame is filled and centre cropped to the format
(`ScalingBehavior: FILL`), captions are burned in from the render's caption file (the transcript
the clip came from, cleaned by `captions`; SRT cue times are relative to the input, so the
whole-episode file fits the clippings), and the output is an MP4 for progressive download.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from handlers.contract import FRAME_SIZES

CAPTIONS_SELECTOR = "Captions Selector 1"
AUDIO_SELECTOR = "Audio Selector 1"


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


def burn_in(height: int, vertical: bool) -> dict[str, Any]:
    """Readable captions: a size relative to the frame, an outline, and room at the bottom
    (vertical players cover the lowest part of the frame with their own controls)."""
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
) -> dict[str, Any]:
    """The `Settings` of CreateJob for one render: `captions_key` names the SRT file burned in, None none."""
    width, height = FRAME_SIZES[format_name]
    job_input: dict[str, Any] = {
        "FileInput": f"s3://{bucket}/{upload_key}",
        "TimecodeSource": "ZEROBASED",
        "InputClippings": input_clippings(segments, frame_rate),
        "AudioSelectors": {AUDIO_SELECTOR: {"DefaultSelection": "DEFAULT"}},
        "VideoSelector": {},
    }
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
        job_input["CaptionSelectors"] = {
            CAPTIONS_SELECTOR: {
                "SourceSettings": {
                    "SourceType": "SRT",
                    "FileSourceSettings": {"SourceFile": f"s3://{bucket}/{captions_key}"},
                }
            }
        }
        output["CaptionDescriptions"] = [
            {"CaptionSelectorName": CAPTIONS_SELECTOR, "DestinationSettings": burn_in(height, height > width)}
        ]
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [job_input],
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
