"""Choosing where the clips are: non-overlapping runs of cues that score best within the time budget.

A window is a run of consecutive cues lasting at most 45 s (less for very short transcripts, so
that five clips fit). The best window (sum of cue scores, with a bonus for a strong opening cue)
is taken, its silent edges are trimmed, and the search repeats on the cues still free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from local.offline_clip_model.create_clip import MAX_CLIP_MS
from local.offline_clip_model.transcript import Cue, Transcript

MIN_WINDOW_MS = 10_000
MIN_CLIPS = 5
MAX_CLIPS = 10
EXTRA_CLIP_RATIO = 0.5
"""Clips beyond the fifth are proposed only while they score at least this share of the best."""

OPENING_WEIGHT = 0.5
"""Share of its first cue's score added to a window's: a social clip should open strong."""


@dataclass(frozen=True, slots=True)
class Window:
    """Cues `first..last` (inclusive), ending at `end_ms` (a lone over-long cue is cut short)."""

    first: int
    last: int
    end_ms: int
    score: float


def _clip_budget_ms(transcript: Transcript) -> int:
    """45 s, or less when a short transcript would otherwise hold fewer than five clips."""
    span = transcript.end_ms - transcript.start_ms
    return min(MAX_CLIP_MS, max(MIN_WINDOW_MS, span // MIN_CLIPS))


def select_windows(transcript: Transcript) -> list[Window]:
    """Greedy: the best window among the free cues, again and again, until enough are taken."""
    cues = transcript.cues
    budget_ms = _clip_budget_ms(transcript)
    prefix = [0.0]
    for cue in cues:
        prefix.append(prefix[-1] + cue.score)
    free = [True] * len(cues)
    chosen: list[Window] = []
    while len(chosen) < MAX_CLIPS:
        window = _best_window(cues, prefix, free, budget_ms)
        if window is None:
            break
        if len(chosen) >= MIN_CLIPS and (window.score <= 0 or window.score < EXTRA_CLIP_RATIO * chosen[0].score):
            break
        window = _trim(cues, window, budget_ms)
        chosen.append(window)
        free[window.first : window.last + 1] = [False] * (window.last - window.first + 1)
    return chosen


def _best_window(cues: Sequence[Cue], prefix: Sequence[float], free: Sequence[bool], budget_ms: int) -> Window | None:
    """The best-scoring run of free cues within the budget (two pointers: linear time)."""
    best: Window | None = None
    last = 0
    for first, cue in enumerate(cues):
        if not free[first]:
            continue
        last = max(last, first)
        while last + 1 < len(cues) and free[last + 1] and cues[last + 1].end_ms - cue.start_ms <= budget_ms:
            last += 1
        score = prefix[last + 1] - prefix[first] + OPENING_WEIGHT * cue.score
        if best is None or score > best.score:
            best = Window(first, last, min(cues[last].end_ms, cue.start_ms + budget_ms), score)
    return best


def _trim(cues: Sequence[Cue], window: Window, budget_ms: int) -> Window:
    """Drop cues without any signal from both ends while the clip stays a third of the budget long."""
    floor_ms = budget_ms // 3
    first, last = window.first, window.last
    while first < last and cues[first].score == 0 and cues[last].end_ms - cues[first + 1].start_ms >= floor_ms:
        first += 1
    while last > first and cues[last].score == 0 and cues[last - 1].end_ms - cues[first].start_ms >= floor_ms:
        last -= 1
    return Window(first, last, min(cues[last].end_ms, window.end_ms), window.score)
