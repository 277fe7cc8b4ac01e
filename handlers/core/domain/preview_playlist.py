"""A clip's preview as an HLS media playlist: its ranges, in order, cut from the track's chunks.

With a keyframe index each range is addressed as byte ranges of its chunks, from the keyframe at or
before its start to the keyframe at or after its end, so a player fetches little more than the
clip's own seconds; without one (tracks chunked before the index existed) whole chunks. Ranges are
separated by `EXT-X-DISCONTINUITY` (their timestamps jump). The playlist's timeline starts at 0 with
the first piece and runs on through every piece: `RangePosition` says where each of the clip's
ranges starts and ends in it (a piece starts on a keyframe, up to a GOP before the range).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from handlers.core.domain.keyframe_index import ChunkKeyframes, InitRange

SEGMENT_SECONDS = 4.0
"""A piece is cut at keyframes into segments of about this length: a player fetches a whole segment before
showing its first frame."""
VERSION = 6
"""EXT-X-MAP in a playlist that is not I-frame only needs version 6 (RFC 8216 §7)."""


@dataclass(frozen=True)
class Chunk:
    """A chunk as the preview needs it; `keyframes` is None for a track without a keyframe index."""

    key: str
    start: float
    end: float
    size: int | None = None
    keyframes: ChunkKeyframes | None = None


@dataclass(frozen=True)
class Piece:
    key: str
    duration: float
    byte_range: tuple[int, int] | None
    """(length, offset), or None for the whole chunk."""
    discontinuity: bool
    own_bytes: float
    """The bytes of the clip's own seconds in it (the chunk's size spread evenly over its seconds)."""


@dataclass(frozen=True)
class RangePosition:
    start: float
    end: float
    """The range in the track, seconds (the part of it the track has: a transcript may run past its end)."""
    play_from: float
    play_to: float
    """The same range in the playlist's timeline (a player's `currentTime`), seconds."""


@dataclass(frozen=True)
class Preview:
    pieces: list[Piece]
    ranges: list[RangePosition]
    init: InitRange | None

    @property
    def duration(self) -> float:
        return sum(piece.duration for piece in self.pieces)

    @property
    def fetched_bytes(self) -> int | None:
        """Bytes a player fetches for the whole preview (None when whole chunks of unknown size are used)."""
        total = 0
        for piece in self.pieces:
            if piece.byte_range is None:
                return None
            total += piece.byte_range[0]
        return total + (self.init.length if self.init else 0)


class NotCovered(ValueError):
    """A range lies wholly outside the track's chunks."""


def plan(ranges: Sequence[tuple[float, float]], chunks: Sequence[Chunk], init: InitRange | None) -> Preview:
    """The pieces that play `ranges` (seconds into the track), and where each range lies in them."""
    pieces: list[Piece] = []
    positions: list[RangePosition] = []
    elapsed = 0.0
    track_start, track_end = (chunks[0].start, chunks[-1].end) if chunks else (0.0, 0.0)
    for number, (wanted_start, wanted_end) in enumerate(ranges):
        # A transcript may run past the track's last frame: the preview shows what the track has of the range.
        start, end = max(wanted_start, track_start), min(wanted_end, track_end)
        covering = [chunk for chunk in chunks if chunk.start < end and chunk.end > start]
        if not covering:
            raise NotCovered(
                f"range {number + 1} ({wanted_start:.3f}-{wanted_end:.3f} s) is outside the track"
                f" ({track_start:.3f}-{track_end:.3f} s)"
            )
        range_pieces = [_pieces(chunk, start, end, first=index == 0) for index, chunk in enumerate(covering)]
        lead_in = start - range_pieces[0][1]
        positions.append(
            RangePosition(start, end, round(elapsed + lead_in, 3), round(elapsed + lead_in + end - start, 3))
        )
        for index, piece in enumerate(piece for chunk_pieces, _ in range_pieces for piece in chunk_pieces):
            pieces.append(
                Piece(piece.key, piece.duration, piece.byte_range, number > 0 and index == 0, piece.own_bytes)
            )
            elapsed += piece.duration
    return Preview(pieces, positions, init if all(chunk.keyframes for chunk in chunks) else None)


def _pieces(chunk: Chunk, start: float, end: float, *, first: bool) -> tuple[list[Piece], float]:
    """The parts of `chunk` that play [start, end], and the track time the first starts at.

    With keyframes: from the keyframe at or before `start` to the one at or after `end`, cut at keyframes
    into segments of about `SEGMENT_SECONDS`, so a player starts after one short segment, not the range.
    """
    index = chunk.keyframes
    if index is None:
        overlap = min(end, chunk.end) - max(start, chunk.start)
        own = (chunk.size or 0) * overlap / max(chunk.end - chunk.start, 0.001)
        return [Piece(chunk.key, round(chunk.end - chunk.start, 3), None, False, own)], chunk.start
    begin = index.keyframe_at_or_before(max(start - chunk.start, 0.0)) if first else (0.0, 0)
    finish = index.keyframe_after(min(end, chunk.end) - chunk.start)
    cuts = [begin]
    for keyframe in index.keyframes:
        if cuts[-1][0] + SEGMENT_SECONDS - 1e-6 <= keyframe[0] < finish[0] - 1e-6:
            cuts.append(keyframe)
    cuts.append(finish)
    within = (start - chunk.start, end - chunk.start)
    rate = index.size / max(index.duration, 0.001)
    pieces = [
        Piece(
            chunk.key,
            round(max(to_time - from_time, 0.001), 3),
            (to_byte - from_byte, from_byte),
            False,
            rate * max(0.0, min(to_time, within[1]) - max(from_time, within[0])),
        )
        for (from_time, from_byte), (to_time, to_byte) in pairwise(cuts)
    ]
    return pieces, chunk.start + begin[0]


def playlist_text(preview: Preview, presign: Callable[[str], str]) -> str:
    """The media playlist, every URI an absolute (presigned) URL, so a player needs no credentials."""
    urls: dict[str, str] = {}

    def url(key: str) -> str:
        if key not in urls:
            urls[key] = presign(key)
        return urls[key]

    target = max((piece.duration for piece in preview.pieces), default=1.0)
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{VERSION}",
        f"#EXT-X-TARGETDURATION:{max(1, round(target + 0.4999))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    if preview.init is not None and preview.pieces:
        init = preview.init
        lines.append(f'#EXT-X-MAP:URI="{url(preview.pieces[0].key)}",BYTERANGE="{init.length}@{init.offset}"')
    for piece in preview.pieces:
        if piece.discontinuity:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f"#EXTINF:{piece.duration:.3f},")
        if piece.byte_range is not None:
            lines.append(f"#EXT-X-BYTERANGE:{piece.byte_range[0]}@{piece.byte_range[1]}")
        lines.append(url(piece.key))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
