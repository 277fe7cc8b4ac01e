"""A clip's preview playlist, planned from a track's chunks: byte ranges from keyframe to keyframe, or whole chunks.

The track: three 4 s chunks, a keyframe every second (made-up offsets 1000 bytes apart, after the PAT
and PMT at the head of every chunk).
"""

from __future__ import annotations

import re

import m3u8
import pytest

from handlers.core.domain.keyframe_index import ChunkKeyframes, InitRange
from handlers.core.domain.preview_playlist import Chunk, NotCovered, Preview, plan, playlist_text

INIT = InitRange(offset=0, length=376)
FIRST_KEYFRAME = 376
SIZE = FIRST_KEYFRAME + 4000


def key(number: int) -> str:
    return f"media/t/e/videos/main/a/chunks/main_chunk_{number:05d}.ts"


def chunk(number: int, *, indexed: bool = True) -> Chunk:
    start, end = 4.0 * (number - 1), 4.0 * number
    keyframes = ChunkKeyframes(
        key=key(number),
        start=start,
        end=end,
        size=SIZE,
        keyframes=[(float(second), FIRST_KEYFRAME + 1000 * second) for second in range(4)],
    )
    return Chunk(key(number), start, end, SIZE, keyframes if indexed else None)


CHUNKS = [chunk(1), chunk(2), chunk(3)]
WHOLE = [Chunk(key(n), 4.0 * (n - 1), 4.0 * n) for n in (1, 2, 3)]
"""The same track chunked before keyframe indexes existed: no sizes, no keyframes."""


def byte_at(second: float) -> int:
    """The made-up offset of the keyframe at `second` into a chunk."""
    return FIRST_KEYFRAME + int(1000 * second)


def presign(key: str) -> str:
    return f"https://media.example.com/{key}?X-Amz-Signature=abc"


def test_a_range_inside_a_chunk_is_one_byte_range_from_keyframe_to_keyframe() -> None:
    preview = plan([(5.5, 6.5)], CHUNKS, INIT)

    [piece] = preview.pieces
    assert piece.key == key(2)
    # From the keyframe at 1 s into chunk 2 (5.0 s) to the one at 3 s (7.0 s): the range ends at 6.5 s.
    assert piece.byte_range == (byte_at(3) - byte_at(1), byte_at(1))
    assert piece.duration == pytest.approx(2.0)
    assert not piece.discontinuity
    [position] = preview.ranges
    assert (position.start, position.end) == (5.5, 6.5)
    assert position.play_from == pytest.approx(0.5)  # 5.5 s - the keyframe at 5.0 s
    assert position.play_to - position.play_from == pytest.approx(1.0)
    assert preview.init == INIT


def test_a_range_on_keyframes_takes_exactly_its_seconds() -> None:
    preview = plan([(1.0, 2.0)], CHUNKS, INIT)

    [piece] = preview.pieces
    assert piece.byte_range == (1000, byte_at(1))
    assert piece.duration == pytest.approx(1.0)
    assert (preview.ranges[0].play_from, preview.ranges[0].play_to) == (0.0, 1.0)


def test_a_range_ending_after_the_last_keyframe_of_its_chunk_runs_to_the_chunks_end() -> None:
    preview = plan([(3.2, 3.8)], CHUNKS, INIT)

    [piece] = preview.pieces
    assert piece.byte_range == (SIZE - byte_at(3), byte_at(3))
    assert piece.duration == pytest.approx(1.0)
    assert preview.ranges[0].play_from == pytest.approx(0.2)


def test_a_range_crossing_a_chunk_boundary_is_two_pieces_without_a_discontinuity() -> None:
    preview = plan([(2.5, 5.5)], CHUNKS, INIT)

    first, second = preview.pieces
    assert (first.key, second.key) == (key(1), key(2))
    assert first.byte_range == (SIZE - byte_at(2), byte_at(2))  # keyframe at 2 s to the end of chunk 1
    assert second.byte_range == (byte_at(2), 0)  # chunk 2 from its first byte to its keyframe at 2 s (6.0 s)
    assert (first.duration, second.duration) == pytest.approx((2.0, 2.0))
    assert not first.discontinuity and not second.discontinuity
    [position] = preview.ranges
    assert position.play_from == pytest.approx(0.5)
    assert position.play_to - position.play_from == pytest.approx(3.0)
    assert "#EXT-X-DISCONTINUITY" not in playlist_text(preview, presign)


def test_ranges_after_the_first_start_with_a_discontinuity() -> None:
    preview = plan([(1.5, 2.5), (7.5, 8.5)], CHUNKS, INIT)

    assert [(piece.key, piece.discontinuity) for piece in preview.pieces] == [
        (key(1), False),
        (key(2), True),  # the second range's first piece: its timestamps jump
        (key(3), False),  # the same range, on into the next chunk
    ]
    first, second = preview.ranges
    assert (first.play_from, first.play_to) == pytest.approx((0.5, 1.5))
    # The first range's piece lasts 2 s (keyframes 1 s to 3 s); the second starts 0.5 s after the keyframe at 7.0 s.
    assert (second.play_from, second.play_to) == pytest.approx((2.5, 3.5))
    for position in preview.ranges:
        assert position.play_to - position.play_from == pytest.approx(position.end - position.start)

    lines = playlist_text(preview, presign).splitlines()
    assert lines.count("#EXT-X-DISCONTINUITY") == 1
    after = lines[lines.index("#EXT-X-DISCONTINUITY") + 1 :]
    uris = [line for line in after if not line.startswith("#")]
    assert uris[0] == presign(key(2))  # right before the second range's first piece
    assert after[0] == "#EXTINF:1.000,"  # chunk 2 from its keyframe at 3 s to its end


def test_the_positions_lie_within_the_preview() -> None:
    preview = plan([(0.2, 1.1), (4.3, 9.7), (11.0, 11.9)], CHUNKS, INIT)

    for position in preview.ranges:
        assert 0 <= position.play_from < position.play_to <= preview.duration + 1e-6
        assert position.play_to - position.play_from == pytest.approx(position.end - position.start, abs=1e-3)
    assert [p.play_from for p in preview.ranges] == sorted(p.play_from for p in preview.ranges)


def test_a_range_running_past_the_tracks_end_is_clamped() -> None:
    preview = plan([(10.5, 15.0)], CHUNKS, INIT)

    [position] = preview.ranges
    assert (position.start, position.end) == (10.5, 12.0)
    assert position.play_to - position.play_from == pytest.approx(1.5)
    assert position.play_to == pytest.approx(preview.duration)
    [piece] = preview.pieces
    assert piece.key == key(3) and piece.byte_range == (SIZE - byte_at(2), byte_at(2))


def test_a_range_starting_before_the_track_is_clamped_to_its_start() -> None:
    preview = plan([(-2.0, 0.5)], CHUNKS, INIT)

    [position] = preview.ranges
    assert (position.start, position.end, position.play_from, position.play_to) == (0.0, 0.5, 0.0, 0.5)


def test_a_range_wholly_outside_the_track_is_not_covered_and_named() -> None:
    with pytest.raises(NotCovered, match=r"range 2 \(20\.000-25\.000 s\)"):
        plan([(1.0, 2.0), (20.0, 25.0)], CHUNKS, INIT)
    with pytest.raises(NotCovered, match="range 1"):
        plan([(1.0, 2.0)], [], INIT)


def test_chunks_without_keyframes_are_played_whole() -> None:
    preview = plan([(5.5, 6.5), (9.0, 10.0)], WHOLE, INIT)

    assert [(piece.key, piece.byte_range, piece.duration) for piece in preview.pieces] == [
        (key(2), None, 4.0),
        (key(3), None, 4.0),
    ]
    assert preview.init is None
    assert preview.fetched_bytes is None
    assert [(p.play_from, p.play_to) for p in preview.ranges] == [(1.5, 2.5), (5.0, 6.0)]
    text = playlist_text(preview, presign)
    assert "#EXT-X-MAP" not in text and "#EXT-X-BYTERANGE" not in text
    assert text.count("#EXT-X-DISCONTINUITY") == 1
    assert [segment.uri for segment in m3u8.loads(text).segments] == [presign(key(2)), presign(key(3))]


def test_one_chunk_without_keyframes_drops_the_init_section() -> None:
    preview = plan([(2.5, 5.5)], [chunk(1), chunk(2, indexed=False), chunk(3)], INIT)

    assert preview.init is None
    assert preview.pieces[1].byte_range is None


def test_the_playlist_is_a_vod_media_playlist_with_the_init_section(text_of_two_ranges: str) -> None:
    lines = text_of_two_ranges.splitlines()

    assert lines[0] == "#EXTM3U"
    assert "#EXT-X-VERSION:6" in lines
    assert lines[-1] == "#EXT-X-ENDLIST"
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines
    [map_line] = [line for line in lines if line.startswith("#EXT-X-MAP:")]
    assert map_line == f'#EXT-X-MAP:URI="{presign(key(1))}",BYTERANGE="{INIT.length}@{INIT.offset}"'
    assert lines.index(map_line) < next(index for index, line in enumerate(lines) if line.startswith("#EXTINF"))
    playlist = m3u8.loads(text_of_two_ranges)
    assert playlist.is_endlist and playlist.version == 6
    assert all(segment.byterange for segment in playlist.segments)


def test_every_uri_is_presigned_once_per_chunk() -> None:
    preview = plan([(1.5, 2.5), (2.6, 5.5), (7.5, 8.5)], CHUNKS, INIT)
    presigned: list[str] = []

    def counting(chunk_key: str) -> str:
        presigned.append(chunk_key)
        return presign(chunk_key)

    text = playlist_text(preview, counting)

    assert sorted(presigned) == [key(1), key(2), key(3)]
    uris = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(uris) == len(preview.pieces) == 5
    assert uris == [presign(piece.key) for piece in preview.pieces]
    map_uri = re.search(r'#EXT-X-MAP:URI="([^"]+)"', text)
    assert map_uri is not None and map_uri.group(1) == presign(key(1))


def test_the_target_duration_covers_every_piece(text_of_two_ranges: str) -> None:
    playlist = m3u8.loads(text_of_two_ranges)

    assert playlist.target_duration >= max(round(float(segment.duration or 0)) for segment in playlist.segments)
    # Chunks of 4.6 s: each EXTINF rounds up to 5 s, which the target duration must cover.
    odd = [Chunk(key(1), 0.0, 4.6), Chunk(key(2), 4.6, 9.2)]
    whole = m3u8.loads(playlist_text(plan([(0.5, 9.0)], odd, None), presign))
    assert [segment.duration for segment in whole.segments] == [4.6, 4.6]
    assert whole.target_duration >= 5


def test_the_byte_ranges_in_the_text_are_the_planned_ones(two_ranges: Preview, text_of_two_ranges: str) -> None:
    ranges = re.findall(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", text_of_two_ranges)
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+),", text_of_two_ranges)]

    assert [(int(length), int(offset)) for length, offset in ranges] == [p.byte_range for p in two_ranges.pieces]
    assert durations == pytest.approx([p.duration for p in two_ranges.pieces], abs=1e-3)


def test_fetched_bytes_are_the_byte_ranges_and_the_init_section(two_ranges: Preview) -> None:
    lengths = [piece.byte_range[0] for piece in two_ranges.pieces if piece.byte_range]

    assert len(lengths) == len(two_ranges.pieces)
    assert two_ranges.fetched_bytes == sum(lengths) + INIT.length
    # Far less than the whole chunks the pieces come from.
    assert two_ranges.fetched_bytes < SIZE * len({piece.key for piece in two_ranges.pieces})


def test_own_bytes_spread_the_chunk_over_its_seconds() -> None:
    preview = plan([(5.5, 6.5)], CHUNKS, INIT)

    assert preview.pieces[0].own_bytes == pytest.approx(SIZE / 4)


@pytest.fixture
def two_ranges() -> Preview:
    return plan([(1.5, 2.5), (7.5, 8.5)], CHUNKS, INIT)


@pytest.fixture
def text_of_two_ranges(two_ranges: Preview) -> str:
    return playlist_text(two_ranges, presign)


def test_a_long_range_is_cut_at_keyframes_into_short_segments_so_playback_starts_after_one() -> None:
    long_chunk = ChunkKeyframes(
        key=key(1),
        start=0.0,
        end=120.0,
        size=FIRST_KEYFRAME + 120_000,
        keyframes=[(float(second), FIRST_KEYFRAME + 1000 * second) for second in range(0, 120, 2)],
    )
    preview = plan([(10.5, 30.2)], [Chunk(key(1), 0.0, 120.0, long_chunk.size, long_chunk)], INIT)

    durations = [piece.duration for piece in preview.pieces]
    assert durations == [4.0] * 5 + [2.0]  # 10 s to 32 s, keyframes every 2 s: 4 s segments, then what is left
    assert preview.pieces[0].byte_range == (4000, byte_at(10))
    offsets = [piece.byte_range[1] for piece in preview.pieces if piece.byte_range]
    lengths = [piece.byte_range[0] for piece in preview.pieces if piece.byte_range]
    assert [a + n for a, n in zip(offsets, lengths, strict=True)][:-1] == offsets[1:]  # contiguous, no byte twice
    assert not any(piece.discontinuity for piece in preview.pieces)
    assert sum(piece.own_bytes for piece in preview.pieces) == pytest.approx(19.7 * long_chunk.size / 120)
    [position] = preview.ranges
    assert (position.play_from, position.play_to) == (pytest.approx(0.5), pytest.approx(20.2))
