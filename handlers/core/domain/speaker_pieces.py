"""Cutting a clip to whoever is speaking: which track shows each piece of the clip's ranges. Pure.

A clip's ranges are split where the speaker changes: at the start of a caption line (a cue of the
transcript) whose speaker is another than the one before, inside the range. Each piece goes to the
track naming its speaker (names compared trimmed and case-insensitively), or to the main track when
no usable track names it; a track that names the speaker but cannot be rendered (not `Processed`, no
frame rate) gives its pieces to the main track too, and says so (`fallbacks`). Adjacent pieces on
one track are one piece; a MediaConvert job takes at most `MAX_PIECES` inputs, so the shortest
pieces are given to a neighbour until the clip fits.

Tracks share the transcript's timeline: a piece's times are the same moment in every track.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_PIECES = 150
"""MediaConvert's limit of inputs per job: one input per piece."""
MIN_PIECE_SECONDS = 0.2
"""A speaker's turn shorter than this (a word) stays with the piece around it: a cut that short only flickers."""


@dataclass(frozen=True)
class Piece:
    """A part of one of the clip's ranges and the track that shows it."""

    track: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Plan:
    pieces: tuple[Piece, ...]
    fallbacks: tuple[str, ...] = ()
    """Why some pieces show the main track although a track names their speaker."""


@dataclass(frozen=True)
class Turn:
    """A stretch of speech (a caption line, or a segment) and who speaks it; None when it does not say."""

    start: float
    end: float
    speaker: str | None


def speaker_key(name: str) -> str:
    """How a cue's label and a track's speaker name are compared: trimmed, case-insensitive."""
    return " ".join(name.split()).casefold()


def speakers_by_track(tracks: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """Speaker key → the first track (in the order given) naming that speaker."""
    owners: dict[str, str] = {}
    for track in tracks:
        names = track.get("speakers") or []
        assert isinstance(names, list)
        for name in names:
            owners.setdefault(speaker_key(str(name)), str(track["trackName"]))
    return owners


def plan(
    ranges: Sequence[tuple[float, float]],
    turns: Sequence[Turn],
    owners: Mapping[str, str],
    main: str,
    unusable: Mapping[str, str] | None = None,
) -> Plan:
    """The clip's pieces in order. `owners`: speaker key → track; `unusable`: track → why it cannot be
    rendered (its pieces go to `main`)."""
    unusable = unusable or {}
    ordered = sorted(turns, key=lambda turn: (turn.start, turn.end))
    fallbacks: dict[str, str] = {}

    def track_of(speaker: str | None) -> str:
        owner = owners.get(speaker_key(speaker)) if speaker else None
        if owner is None or owner == main:
            return main
        if owner in unusable:
            fallbacks.setdefault(owner, f"track {owner} {unusable[owner]}: its speaker's pieces show track {main}")
            return main
        return owner

    pieces: list[Piece] = []
    for range_start, range_end in ranges:
        for speaker, start, end in _speaker_spans(range_start, range_end, ordered):
            pieces.append(Piece(track_of(speaker), start, end))
    pieces = _merged(_absorb_short(pieces))
    while len(pieces) > MAX_PIECES:
        pieces = _merged(_give_shortest_away(pieces))
    return Plan(tuple(pieces), tuple(fallbacks.values()))


def _speaker_spans(start: float, end: float, turns: Sequence[Turn]) -> list[tuple[str | None, float, float]]:
    """The range cut at each turn starting inside it whose speaker is another one; a turn that names no
    speaker keeps the previous one (as unlabelled cues do)."""
    labelled = [turn for turn in turns if turn.speaker]
    before = [turn for turn in labelled if turn.start <= start]
    inside = [turn for turn in labelled if start < turn.start < end]
    current = before[-1].speaker if before else (inside[0].speaker if inside else None)
    spans: list[tuple[str | None, float, float]] = []
    cut = start
    for turn in inside:
        if turn.speaker is not None and speaker_key(turn.speaker) != speaker_key(current or ""):
            spans.append((current, cut, turn.start))
            current, cut = turn.speaker, turn.start
    spans.append((current, cut, end))
    return [span for span in spans if span[2] > span[1]]


def _touching(first: Piece, second: Piece) -> bool:
    return abs(first.end - second.start) < 1e-6


def _merged(pieces: Sequence[Piece]) -> list[Piece]:
    """Adjacent pieces on one track, touching in time, as one."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].track == piece.track and _touching(merged[-1], piece):
            merged[-1] = Piece(piece.track, merged[-1].start, piece.end)
        else:
            merged.append(piece)
    return merged


def _absorb_short(pieces: Sequence[Piece]) -> list[Piece]:
    """Pieces shorter than `MIN_PIECE_SECONDS` shown by a touching neighbour's track (when there is one)."""
    result = list(pieces)
    for index, piece in enumerate(result):
        if piece.seconds >= MIN_PIECE_SECONDS:
            continue
        neighbour = _neighbour(result, index)
        if neighbour is not None:
            result[index] = Piece(result[neighbour].track, piece.start, piece.end)
    return result


def _neighbour(pieces: Sequence[Piece], index: int) -> int | None:
    """The longer of the pieces touching `pieces[index]` on either side, or None."""
    candidates = []
    if index > 0 and _touching(pieces[index - 1], pieces[index]):
        candidates.append(index - 1)
    if index + 1 < len(pieces) and _touching(pieces[index], pieces[index + 1]):
        candidates.append(index + 1)
    return max(candidates, key=lambda at: pieces[at].seconds, default=None)


def _give_shortest_away(pieces: Sequence[Piece]) -> list[Piece]:
    """The shortest piece that touches another shown by that neighbour's track (each range has at least one
    piece, and a clip at most 20 ranges, so this always ends below `MAX_PIECES`)."""
    result = list(pieces)
    movable = [index for index in range(len(result)) if _neighbour(result, index) is not None]
    index = min(movable, key=lambda at: result[at].seconds)
    neighbour = _neighbour(result, index)
    assert neighbour is not None
    result[index] = Piece(result[neighbour].track, result[index].start, result[index].end)
    return result
