"""The segment index of a chunked track, read from the HLS media playlist its MediaConvert job wrote.

Only the playlist indexer needs it (and m3u8): the routes and events that start or judge a job do not.
"""

from __future__ import annotations

from typing import Any

import m3u8
from pydantic import BaseModel


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
