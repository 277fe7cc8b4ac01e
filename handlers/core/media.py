"""MediaConvert jobs that chunk a track into HLS segments, and the index built from their manifest."""

from __future__ import annotations

import hashlib
from typing import Any

import m3u8
from pydantic import BaseModel

from handlers.core import keys

NAME_MODIFIER = "_chunk"
AUDIO_BITRATE = 128_000
MAX_VIDEO_BITRATE = 8_000_000


def job_settings(bucket: str, upload_key: str, episode_id: str, track_name: str, chunk_seconds: int) -> dict[str, Any]:
    """One HLS output group, `chunk_seconds` segments, H.264 QVBR video and 128 kbit/s AAC audio."""
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
                        "Destination": f"s3://{bucket}/{keys.chunk_prefix(episode_id, track_name)}",
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
                        "VideoDescription": {
                            "CodecSettings": {
                                "Codec": "H_264",
                                "H264Settings": {
                                    "RateControlMode": "QVBR",
                                    "QvbrSettings": {"QvbrQualityLevel": 7},
                                    "MaxBitrate": MAX_VIDEO_BITRATE,
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


def request_token(episode_id: str, track_name: str, upload_key: str) -> str:
    """CreateJob's ClientRequestToken: a retried request for the same upload returns the same job."""
    return hashlib.sha256(f"{episode_id}/{track_name}/{upload_key}".encode()).hexdigest()[:64]


class Segment(BaseModel):
    key: str
    seq: int
    duration: float
    start: float
    end: float


class SegmentIndex(BaseModel):
    manifestKey: str
    segments: list[Segment]

    @property
    def total_duration(self) -> float:
        return round(sum(segment.duration for segment in self.segments), 3)


def index_manifest(manifest_key: str, text: str) -> SegmentIndex:
    """Segments of a media playlist with their start/end times; keys are resolved next to it."""
    playlist = m3u8.loads(text)
    if playlist.is_variant:
        raise ValueError(f"{manifest_key} is a master playlist, not a media playlist")
    folder = manifest_key.rsplit("/", 1)[0] + "/" if "/" in manifest_key else ""
    segments, start = [], 0.0
    for seq, segment in enumerate(playlist.segments, start=1):
        duration = float(segment.duration or 0)
        segments.append(
            Segment(
                key=folder + str(segment.uri),
                seq=seq,
                duration=round(duration, 3),
                start=round(start, 3),
                end=round(start + duration, 3),
            )
        )
        start += duration
    return SegmentIndex(manifestKey=manifest_key, segments=segments)


def media_playlist_key(s3: Any, bucket: str, prefix: str, hinted: list[str]) -> tuple[str, str]:
    """The media playlist under `prefix` (and its text): the event's output paths first, else a listing."""
    candidates = [path.split(f"s3://{bucket}/", 1)[1] for path in hinted if path.startswith(f"s3://{bucket}/{prefix}")]
    if not candidates:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        candidates = sorted(item["Key"] for item in listing if item["Key"].endswith(".m3u8"))
    for key in candidates:
        text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        if not m3u8.loads(text).is_variant:
            return key, text
    raise FileNotFoundError(f"no media playlist under s3://{bucket}/{prefix}")
