"""The clips the model proposes: one per chosen window, with its segments, type, hook, summary and b-roll.

One segment per run of one speaker; `clipType` from the dominant signal; the hook from the strongest
cue carrying that signal, and a summary quoting it; b-roll ideas from the clip's most frequent key
phrases; a confidence that grows with the window's score; the clip's `score` and `reason` from the
signals a viewer notices (`appeal`). Educational clips come first, then the rest, each group best first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import groupby

from local.offline_clip_model.appeal import appeal
from local.offline_clip_model.create_clip import Clip, ClipSegment, format_timestamp
from local.offline_clip_model.key_phrases import key_phrases
from local.offline_clip_model.signals import CLIP_TYPES, QUESTION_WEIGHT, ClipType, signal_weights
from local.offline_clip_model.text import QUOTE_CHARS, clean, shorten, strongest
from local.offline_clip_model.transcript import Cue, Transcript
from local.offline_clip_model.windows import Window, select_windows

CONFIDENCE_MIDPOINT = 4.0
"""The window score at which confidence reaches 0.5; it tends to 1 as the score grows."""

HOOK_CHARS = 70

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_FILLER = re.compile(r"^(?:(?:so|and|but|um+|uh+|well|okay|ok|like|yeah|right|you know)[,.]?\s+)+", re.IGNORECASE)


def propose_clips(transcript: Transcript) -> list[Clip]:
    """5 to 10 non-overlapping clips (fewer when the transcript is too short), educational first."""
    windows = select_windows(transcript)
    clips = [(_build_clip(transcript, window), window) for window in windows]
    clips.sort(key=lambda pair: (pair[0].clipType != "educational", -pair[1].score, pair[1].first))
    return [clip for clip, _ in clips]


def _build_clip(transcript: Transcript, window: Window) -> Clip:
    cues = transcript.cues[window.first : window.last + 1]
    clip_type = _dominant_type(cues)
    telling = strongest([cue for cue in cues if clip_type in cue.weights] or cues)
    segments = _segments(cues, window.end_ms)
    rating = appeal(cues, min(cues[-1].end_ms, window.end_ms) - cues[0].start_ms)
    return Clip(
        segments=segments,
        hook=_hook(telling.text),
        summary=_clip_summary(cues, telling),
        bRollSuggestions=_b_roll(cues, clip_type),
        clipType=clip_type,
        confidence=round(window.score / (window.score + CONFIDENCE_MIDPOINT), 2),
        score=rating.score,
        reason=rating.reason,
    )


def _segments(cues: Sequence[Cue], end_ms: int) -> list[ClipSegment]:
    """One segment per run of one speaker; the last one ends at the window's end."""
    segments = []
    for speaker, run in groupby(cues, key=lambda cue: cue.speaker):
        run_cues = list(run)
        segments.append(
            ClipSegment(
                startTime=format_timestamp(run_cues[0].start_ms),
                endTime=format_timestamp(min(run_cues[-1].end_ms, end_ms)),
                text=" ".join(cue.text for cue in run_cues),
                speaker=speaker,
            )
        )
    return segments


def _dominant_type(cues: Iterable[Cue]) -> ClipType:
    """The type whose signals weigh most in the clip; insight when nothing stands out."""
    totals = dict.fromkeys(CLIP_TYPES, 0.0)
    for cue in cues:
        for clip_type, weight in cue.weights.items():
            totals[clip_type] += weight
    best = max(CLIP_TYPES, key=lambda clip_type: totals[clip_type])  # max keeps the first of equals
    return best if totals[best] > 0 else "insight"


def _hook(text: str) -> str:
    """A title-like line: the cue's most telling sentence, fillers and markers removed, capitalised."""
    sentences = [s for s in _SENTENCE_END.split(clean(text)) if s]
    if not sentences:
        return "A moment from the stream"
    best = max(sentences, key=lambda s: sum(signal_weights(s).values()) + QUESTION_WEIGHT * ("?" in s))
    title = shorten(_FILLER.sub("", best).rstrip(".!,;: "), HOOK_CHARS) or shorten(best, HOOK_CHARS)
    return title[:1].upper() + title[1:]


def _clip_summary(cues: Sequence[Cue], telling: Cue) -> str:
    """One or two factual sentences quoting the clip: its most telling cue, then the first reply."""
    summary = f'{telling.speaker or "The speaker"} says "{shorten(clean(telling.text), QUOTE_CHARS)}".'
    reply = next((cue for cue in cues if cue.speaker and cue.speaker != telling.speaker), None)
    if reply is not None:
        summary += f' {reply.speaker} responds "{shorten(clean(reply.text), QUOTE_CHARS)}".'
    return summary


def _b_roll(cues: Sequence[Cue], clip_type: ClipType) -> list[str]:
    """One to three shot ideas from the clip's most frequent key phrases."""
    shot = "Screen recording of" if clip_type == "demo" else "Footage of"
    ideas = [f"{shot} {phrase}" for phrase in key_phrases(cue.text for cue in cues)[:3]]
    return ideas or ["Wide shot of the speakers"]
