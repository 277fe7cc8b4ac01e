"""An SRT as the offline model reads it: timed cues without overlaps, each with its speaker and score.

A cue starting with `Name:` names its speaker; unlabelled cues keep the previous speaker. Cues are
sorted and overlaps cut, so the cues of any stretch of the transcript never last longer than the
stretch itself. Each cue is scored on its own by its signals (`signals`), with a bonus for a question
and for a change of speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import srt

from local.offline_clip_model.signals import QUESTION_WEIGHT, SPEAKER_CHANGE_WEIGHT, ClipType, signal_weights

_SPEAKER = re.compile(r"^\s*-?\s*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})\s*:\s+(\S.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Cue:
    """One SRT cue with its speaker and what the heuristic sees in it."""

    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    weights: dict[ClipType, float]
    """Signal weight per clip type found in the text."""
    question: bool
    score: float
    """How clip-worthy the cue is on its own: its signals plus the question and speaker-change bonuses."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """The cues of one SRT, sorted and without overlaps."""

    cues: tuple[Cue, ...]

    @property
    def start_ms(self) -> int:
        return self.cues[0].start_ms if self.cues else 0

    @property
    def end_ms(self) -> int:
        return self.cues[-1].end_ms if self.cues else 0


def parse_transcript(srt_text: str) -> Transcript:
    """Cues of an SRT document; unparseable blocks and empty or zero-length cues are skipped."""
    raw = sorted(
        (_ms(sub.start), _ms(sub.end), " ".join(sub.content.split())) for sub in srt.parse(srt_text, ignore_errors=True)
    )
    timed = _without_overlaps([cue for cue in raw if cue[2] and cue[1] > cue[0]])
    cues: list[Cue] = []
    speaker: str | None = None
    for start_ms, end_ms, content in timed:
        label, text = _split_speaker(content)
        changed = label is not None and speaker is not None and label != speaker
        speaker = label or speaker
        weights, question = signal_weights(text), "?" in text
        score = sum(weights.values()) + QUESTION_WEIGHT * question + SPEAKER_CHANGE_WEIGHT * changed
        cues.append(Cue(start_ms, end_ms, speaker, text, weights, question, score))
    return Transcript(tuple(cues))


def _ms(value: timedelta) -> int:
    return value // timedelta(milliseconds=1)


def _without_overlaps(cues: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Cut each cue at the start of the next one, merging cues that start together.

    Then the cues between two indexes never last longer than the time between them, which is
    what lets a window's duration be its first start to its last end.
    """
    result: list[tuple[int, int, str]] = []
    for start_ms, end_ms, text in cues:
        if result and result[-1][0] == start_ms:
            _, previous_end, previous_text = result.pop()
            end_ms, text = max(end_ms, previous_end), f"{previous_text} {text}"
        elif result and result[-1][1] > start_ms:
            previous_start, _, previous_text = result.pop()
            result.append((previous_start, start_ms, previous_text))
        result.append((start_ms, end_ms, text))
    return result


def _split_speaker(content: str) -> tuple[str | None, str]:
    """`"Alice: hello"` → `("Alice", "hello")`; text without a label has no speaker."""
    match = _SPEAKER.match(content)
    return (match.group(1), match.group(2).strip()) if match else (None, content)
