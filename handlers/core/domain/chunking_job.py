"""MediaConvert jobs that chunk a track into HLS segments, and what a producer reads when one fails.

The index of the segments a job wrote is `handlers.core.domain.playlists`."""

from __future__ import annotations

import hashlib
from typing import Any

NAME_MODIFIER = "_chunk"
AUDIO_BITRATE = 128_000
MAX_VIDEO_BITRATE = 8_000_000
KEYFRAME_SECONDS = 2
"""A keyframe every 2 s: a preview (or a frame grab) starts at most this far before the second it wants."""


def job_settings(bucket: str, upload_key: str, chunk_prefix: str, chunk_seconds: int) -> dict[str, Any]:
    """One HLS output group into `chunk_prefix`: `chunk_seconds` segments, H.264 QVBR video with a keyframe every
    `KEYFRAME_SECONDS`, 128 kbit/s AAC, and an I-frame only playlist (each keyframe's byte range in its chunk,
    condensed into the track's keyframe index when the job completes)."""
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [
            {
                "FileInput": f"s3://{bucket}/{upload_key}",
                "TimecodeSource": "ZEROBASED",
                "VideoSelector": {},
                "AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}},
            }
        ],
        "OutputGroups": [
            {
                "Name": "HLS chunks",
                "OutputGroupSettings": {
                    "Type": "HLS_GROUP_SETTINGS",
                    "HlsGroupSettings": {
                        "Destination": f"s3://{bucket}/{chunk_prefix}",
                        "SegmentLength": chunk_seconds,
                        "SegmentLengthControl": "GOP_MULTIPLE",
                        "MinSegmentLength": 0,
                        "SegmentControl": "SEGMENTED_FILES",
                        "DirectoryStructure": "SINGLE_DIRECTORY",
                        "ManifestDurationFormat": "FLOATING_POINT",
                        "OutputSelection": "MANIFESTS_AND_SEGMENTS",
                    },
                },
                "Outputs": [
                    {
                        "NameModifier": NAME_MODIFIER,
                        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
                        "OutputSettings": {"HlsSettings": {"IFrameOnlyManifest": "INCLUDE"}},
                        "VideoDescription": {
                            "CodecSettings": {
                                "Codec": "H_264",
                                "H264Settings": {
                                    "RateControlMode": "QVBR",
                                    "QvbrSettings": {"QvbrQualityLevel": 7},
                                    "MaxBitrate": MAX_VIDEO_BITRATE,
                                    "GopSize": KEYFRAME_SECONDS,
                                    "GopSizeUnits": "SECONDS",
                                    "SceneChangeDetect": "TRANSITION_DETECTION",
                                },
                            }
                        },
                        "AudioDescriptions": [
                            {
                                "AudioSourceName": "Audio Selector 1",
                                "CodecSettings": {
                                    "Codec": "AAC",
                                    "AacSettings": {
                                        "Bitrate": AUDIO_BITRATE,
                                        "CodingMode": "CODING_MODE_2_0",
                                        "SampleRate": 48000,
                                    },
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }


def request_token(track_name: str, attempt_id: str, upload_key: str) -> str:
    """CreateJob's ClientRequestToken: a retried request for the same attempt returns the same job.

    The attempt is part of it: a re-upload to the same key is a new attempt and needs a new job.
    """
    return hashlib.sha256(f"{upload_key}/{track_name}/{attempt_id}".encode()).hexdigest()[:64]


_UNREADABLE = "the file could not be read as video: it may be damaged, empty or in a format that is not supported"
_UNDECODABLE = "the file's video or audio could not be decoded: it may be damaged or use a codec that is not supported"
FAILURE_REASONS: dict[int, str] = {
    1010: _UNREADABLE,  # "File access error": the input cannot be opened (corrupt, unsupported container)
    1020: _UNDECODABLE,
    1021: _UNDECODABLE,
    1022: _UNDECODABLE,
    1404: "the uploaded file was gone when processing started: upload the track again",
}
"""What went wrong with the file, in a producer's words, by MediaConvert error code (user guide,
"Error codes"). The service's own message names buckets and keys: it goes to the logs only."""


def failure_reason(status: str, error_code: int | None, retry: str = "upload the track again") -> str:
    """The reason a producer sees for a job that ended without output; never names a resource.

    `retry` says what to do when the file was not at fault (a chunking job: upload the track again).
    """
    if status == "CANCELED":
        return f"processing was canceled: {retry}"
    if error_code is not None and error_code in FAILURE_REASONS:
        return FAILURE_REASONS[error_code]
    code = f" (error {error_code})" if error_code is not None else ""
    # Anything else is on the service's side (settings, permissions, quotas): no fault of the file.
    return f"the video could not be processed{code}: {retry}, and if it fails again, contact support"
