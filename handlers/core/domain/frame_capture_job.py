"""MediaConvert job settings that capture a clip's frames for face framing: pure functions, botocore's field names.

Faces are looked for only where a render needs them: one job over the clip's pieces (each a range
of one track: one input per piece, its clipping the range, concatenated in order as MediaConvert
assembles inputs), writing a JPEG a second of the assembled timeline (`FRAME_CAPTURE`,
`FramerateNumerator/Denominator` 1/1). MediaConvert names them `{base}{NameModifier}.NNNNNNN.jpg`,
NNNNNNN the 0-based capture number padded to 7 digits, and capture n is the picture at n seconds
into the assembled timeline (the first frame, then one every second), so `captures` says which
piece and which moment of its track each one shows.

Frames are stretched to 960x540 whatever the track's size (`STRETCH_TO_OUTPUT`): a box Rekognition
answers in ratios of the picture is then in ratios of the piece's own track frame, whatever tracks
the pieces come from; SD-sized frames also cost less. MediaConvert does not run a job holding only a
frame capture output ("You can create frame capture outputs only in jobs that also have a regular
audio and video output"), so the group also writes a small MP4 proxy (480x270, low bitrate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.core.domain.render_job import AUDIO_SELECTOR, input_clippings

CAPTURE_WIDTH, CAPTURE_HEIGHT = 960, 540
PROXY_WIDTH, PROXY_HEIGHT = 480, 270
FRAMES_MODIFIER = "_frame"
PROXY_MODIFIER = "_proxy"
JPEG_QUALITY = 80
CAPTURE_SECONDS = 1
"""One capture a second."""

Piece = tuple[str, float, float, float]
"""(upload key, start s, end s, the track's frame rate): one range of one track."""


@dataclass(frozen=True)
class Capture:
    """One captured frame: its number, the piece it shows and where in that piece's track."""

    number: int
    piece: int
    track_seconds: float


def frame_capture_settings(*, bucket: str, pieces: Sequence[Piece], destination_key: str) -> dict[str, Any]:
    """The `Settings` of CreateJob capturing a JPEG a second over `pieces`, written at `destination_key`
    + `_frame.NNNNNNN.jpg` (and the proxy MP4 MediaConvert requires beside them)."""
    if not pieces:
        raise ValueError("a frame capture needs at least one piece")
    inputs = [
        {
            "FileInput": f"s3://{bucket}/{upload_key}",
            "TimecodeSource": "ZEROBASED",
            "InputClippings": input_clippings([(start, end)], frame_rate),
            "AudioSelectors": {AUDIO_SELECTOR: {"DefaultSelection": "DEFAULT"}},
            "VideoSelector": {},
        }
        for upload_key, start, end, frame_rate in pieces
    ]
    frames = {
        "NameModifier": FRAMES_MODIFIER,
        "ContainerSettings": {"Container": "RAW"},
        "VideoDescription": {
            "Width": CAPTURE_WIDTH,
            "Height": CAPTURE_HEIGHT,
            "ScalingBehavior": "STRETCH_TO_OUTPUT",
            "CodecSettings": {
                "Codec": "FRAME_CAPTURE",
                "FrameCaptureSettings": {
                    "FramerateNumerator": 1,
                    "FramerateDenominator": CAPTURE_SECONDS,
                    "MaxCaptures": max_captures(pieces),
                    "Quality": JPEG_QUALITY,
                },
            },
        },
    }
    proxy = {
        "NameModifier": PROXY_MODIFIER,
        "ContainerSettings": {"Container": "MP4", "Mp4Settings": {"MoovPlacement": "PROGRESSIVE_DOWNLOAD"}},
        "VideoDescription": {
            "Width": PROXY_WIDTH,
            "Height": PROXY_HEIGHT,
            "ScalingBehavior": "STRETCH_TO_OUTPUT",
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "QvbrSettings": {"QvbrQualityLevel": 5},
                    "MaxBitrate": 400_000,
                },
            },
        },
        "AudioDescriptions": [
            {
                "AudioSourceName": AUDIO_SELECTOR,
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {"Bitrate": 64_000, "CodingMode": "CODING_MODE_2_0", "SampleRate": 48_000},
                },
            }
        ],
    }
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": inputs,
        "OutputGroups": [
            {
                "Name": "Frames",
                "OutputGroupSettings": {
                    "Type": "FILE_GROUP_SETTINGS",
                    "FileGroupSettings": {"Destination": f"s3://{bucket}/{destination_key}"},
                },
                "Outputs": [proxy, frames],
            }
        ],
    }


def max_captures(pieces: Sequence[Piece]) -> int:
    """Captures at 0, 1, 2 … s of the assembled timeline: one more than its whole seconds."""
    return math.floor(sum(end - start for _, start, end, _ in pieces) / CAPTURE_SECONDS) + 1


def capture_key(destination_key: str, number: int) -> str:
    """The key MediaConvert writes capture `number` (0-based) at."""
    return f"{destination_key}{FRAMES_MODIFIER}.{number:07d}.jpg"


def captures(pieces: Sequence[Piece], count: int | None = None) -> list[Capture]:
    """Which piece, and which moment of its track, each capture shows (capture n: n seconds into the
    assembled timeline). `count`: how many MediaConvert wrote (the last path's number + 1), else all
    `max_captures`. A capture at a piece's very end belongs to the next piece."""
    total = max_captures(pieces) if count is None else count
    found = []
    offset = 0.0
    piece = 0
    for number in range(total):
        moment = number * CAPTURE_SECONDS
        while piece < len(pieces) - 1 and moment >= offset + (pieces[piece][2] - pieces[piece][1]):
            offset += pieces[piece][2] - pieces[piece][1]
            piece += 1
        _, start, end, _ = pieces[piece]
        found.append(Capture(number, piece, min(end, start + moment - offset)))
    return found


def capture_count(last_path: str) -> int:
    """How many captures there are from the path COMPLETE reports (the last one's): `….0000036.jpg` → 37."""
    stem = last_path.rsplit("/", 1)[-1].removesuffix(".jpg")
    return int(stem.rsplit(".", 1)[-1]) + 1
