"""Where each keyframe of a chunked track sits: the chunking job's I-frame playlist, condensed.

The chunking job writes an I-frame only playlist beside its chunks (`IFrameOnlyManifest: INCLUDE`):
for every keyframe, its chunk, byte offset and time. Condensed once, when the track is processed,
into one JSON object beside the chunks (a three-hour track has thousands of keyframes: more than a
DynamoDB item holds), it lets a preview address a clip's seconds as byte ranges that start on a
keyframe instead of whole 120-second chunks. Tracks chunked before it have no index: their previews
use whole chunks.
"""

from __future__ import annotations

import bisect
from urllib.parse import urljoin

import m3u8
from pydantic import BaseModel

from handlers.core.domain.playlists import SegmentIndex

FORMAT = 1


class InitRange(BaseModel):
    """The chunks' PAT and PMT (their Media Initialization Section): where they sit in each chunk."""

    offset: int
    length: int


class ChunkKeyframes(BaseModel):
    key: str
    start: float
    """Seconds into the track where the chunk starts."""
    end: float
    size: int
    """The chunk's size in bytes."""
    keyframes: list[tuple[float, int]]
    """(seconds from the chunk's start, byte offset) of every keyframe, in order."""

    @property
    def duration(self) -> float:
        return self.end - self.start

    def keyframe_at_or_before(self, seconds: float) -> tuple[float, int]:
        """The last keyframe at or before `seconds` (from the chunk's start), else the chunk's own start."""
        times = [time for time, _ in self.keyframes]
        position = bisect.bisect_right(times, seconds + 1e-6) - 1
        return self.keyframes[position] if position >= 0 else (0.0, 0)

    def keyframe_after(self, seconds: float) -> tuple[float, int]:
        """The first keyframe at or after `seconds` (from the chunk's start), else the chunk's end."""
        times = [time for time, _ in self.keyframes]
        position = bisect.bisect_left(times, seconds - 1e-6)
        return self.keyframes[position] if position < len(self.keyframes) else (self.duration, self.size)


class KeyframeIndex(BaseModel):
    format: int = FORMAT
    init: InitRange
    """Read from the first chunk: every chunk of one job is written by the same muxer, with the same tables."""
    chunks: list[ChunkKeyframes]


def iframe_playlist_uri(master_key: str, master_text: str) -> str | None:
    """The key of the I-frame playlist a multivariant playlist lists, or None."""
    playlist = m3u8.loads(master_text)
    if not playlist.is_variant or not playlist.iframe_playlists:
        return None
    return _resolve(master_key, str(playlist.iframe_playlists[0].uri))


def build(
    segments: SegmentIndex, iframe_key: str, iframe_text: str, sizes: dict[str, int], init: InitRange
) -> KeyframeIndex:
    """The index of a processed track: its chunks (from the media playlist), their sizes and keyframes."""
    by_key: dict[str, list[tuple[float, int]]] = {segment.key: [] for segment in segments.segments}
    starts = {segment.key: segment.start for segment in segments.segments}
    elapsed = 0.0
    for entry in m3u8.loads(iframe_text).segments:
        key = _resolve(iframe_key, str(entry.uri))
        offset = _byterange_offset(entry.byterange)
        if key in by_key and offset is not None:
            by_key[key].append((round(max(elapsed - starts[key], 0.0), 3), offset))
        elapsed += float(entry.duration or 0)
    chunks = [
        ChunkKeyframes(
            key=segment.key,
            start=segment.start,
            end=segment.end,
            size=sizes[segment.key],
            keyframes=sorted(set(by_key[segment.key])),
        )
        for segment in segments.segments
        if segment.key in sizes
    ]
    if len(chunks) != len(segments.segments):
        missing = next(segment.key for segment in segments.segments if segment.key not in sizes)
        raise ValueError(f"chunk {missing} is listed by the playlist but not stored")
    return KeyframeIndex(init=init, chunks=chunks)


def _byterange_offset(byterange: str | None) -> int | None:
    """The offset of `length@offset` (I-frame playlists always give it)."""
    if not byterange or "@" not in byterange:
        return None
    return int(byterange.split("@", 1)[1])


def _resolve(playlist_key: str, uri: str) -> str:
    """A playlist's relative URI as a key (playlists name their files relative to themselves)."""
    return urljoin(f"/{playlist_key}", uri).lstrip("/")
