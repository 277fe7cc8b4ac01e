"""Cutting a clip to whoever speaks: pieces from the clip's ranges, caption lines' speakers and tracks' names."""

from __future__ import annotations

from handlers.core.domain.speaker_pieces import MAX_PIECES, Piece, Turn, plan, speakers_by_track

OWNERS = speakers_by_track(
    [
        {"trackName": "main", "speakers": []},
        {"trackName": "alice-cam", "speakers": ["  Alice "]},
        {"trackName": "bob-cam", "speakers": ["BOB", "Robert"]},
    ]
)


def test_a_range_is_split_at_the_cue_where_the_speaker_changes() -> None:
    turns = [Turn(10, 12, "ALICE"), Turn(12, 13, "alice"), Turn(13, 16, "Bob"), Turn(16, 20, "Alice")]
    assert plan([(11, 19)], turns, OWNERS, "main").pieces == (
        Piece("alice-cam", 11, 13),
        Piece("bob-cam", 13, 16),
        Piece("alice-cam", 16, 19),
    )


def test_names_match_trimmed_and_case_insensitively_and_unknown_speakers_show_the_main_track() -> None:
    turns = [Turn(0, 2, " robert "), Turn(2, 4, "Carol"), Turn(4, 6, None)]
    # An unlabelled line keeps the speaker before it (Carol: the main track).
    assert plan([(0, 6)], turns, OWNERS, "main").pieces == (Piece("bob-cam", 0, 2), Piece("main", 2, 6))


def test_adjacent_pieces_on_one_track_merge_and_ranges_stay_apart() -> None:
    turns = [Turn(0, 5, "Carol"), Turn(5, 10, "Dave"), Turn(20, 30, "Bob")]
    assert plan([(0, 10), (10, 12), (20, 25)], turns, OWNERS, "main").pieces == (
        Piece("main", 0, 12),
        Piece("bob-cam", 20, 25),
    )


def test_without_speakers_the_clip_is_one_piece_per_range_on_the_main_track() -> None:
    assert plan([(0, 3), (5, 8)], [], OWNERS, "main").pieces == (Piece("main", 0, 3), Piece("main", 5, 8))


def test_a_track_that_cannot_be_rendered_gives_its_pieces_to_the_main_track_and_says_so() -> None:
    result = plan([(0, 4)], [Turn(0, 2, "Alice"), Turn(2, 4, "Bob")], OWNERS, "main", {"bob-cam": "is Processing"})
    assert result.pieces == (Piece("alice-cam", 0, 2), Piece("main", 2, 4))
    assert result.fallbacks == ("track bob-cam is Processing: its speaker's pieces show track main",)


def test_a_turn_shorter_than_a_cut_stays_with_its_neighbour() -> None:
    turns = [Turn(0, 2, "Alice"), Turn(2, 2.1, "Bob"), Turn(2.1, 4, "Alice")]
    assert plan([(0, 4)], turns, OWNERS, "main").pieces == (Piece("alice-cam", 0, 4),)


def test_at_most_150_pieces_the_shortest_given_to_a_neighbour() -> None:
    turns = [Turn(float(n), n + 1.0, "Alice" if n % 2 else "Bob") for n in range(400)]
    turns[7] = Turn(7.0, 7.5, "Alice")  # shorter than the others: among the first given away
    result = plan([(0, 400)], turns, OWNERS, "main")
    assert len(result.pieces) <= MAX_PIECES
    assert result.pieces[0].start == 0 and result.pieces[-1].end == 400
    assert all(a.end == b.start and a.track != b.track for a, b in zip(result.pieces, result.pieces[1:], strict=False))
