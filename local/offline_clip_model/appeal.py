"""A clip's `score` (0-100) and its one-line `reason`: the signals the heuristic weighs, as points and in words.

The window search ranks stretches of talk by the sum of their cues' signals; a clip's score counts
the same signals the way a viewer notices them, each capped so that no one of them makes a clip. The
opening cue's signals count for the opening; laughter and signal phrases for the cues after it.

| signal | points |
|---|---|
| a strong opening: the first cue's own score (its signals, a question, a new speaker) | 10 a point, up to 20 |
| a question answered by another speaker (a question left open: 8) | 15 |
| laughter markers | 10 a laugh, up to 20 |
| signal phrases of the other types (how-to, demo, lesson, strong opinion) | 5 each, up to 20 |
| key phrases the clip comes back to (in two cues or more) | 5 each, up to 10 |
| length fit: 20 s or more in full, shorter in proportion | up to 15 |

The reason names the signals that earned most, strongest first (at most three), in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from local.offline_clip_model.key_phrases import key_phrases
from local.offline_clip_model.signals import CLIP_TYPES, LAUGHTER, ClipType
from local.offline_clip_model.text import shorten
from local.offline_clip_model.transcript import Cue

MAX_SCORE = 100
REASON_CHARS = 160
"""The tool takes a reason of one line, 160 characters at most."""
REASONS_NAMED = 3
FULL_LENGTH_MS = 20_000
"""A clip this long or longer tells a whole moment: full points for length."""

_MOMENTS: dict[ClipType, tuple[str, str]] = {
    "educational": ("how-to moment", "how-to moments"),
    "demo": ("on-screen moment", "on-screen moments"),
    "insight": ("lesson", "lessons"),
    "hot_take": ("strong opinion", "strong opinions"),
}
_OPENERS: dict[ClipType, str] = {
    "educational": "a how-to",
    "demo": "a demo",
    "insight": "a lesson",
    "hot_take": "a strong opinion",
    "funny": "a laugh",
}
_NUMBERS = ("no", "one", "two", "three", "four", "five")


@dataclass(frozen=True, slots=True)
class Signal:
    """What one signal earned the clip, and how the reason says it."""

    points: float
    words: str


@dataclass(frozen=True, slots=True)
class Appeal:
    score: int
    reason: str


def appeal(cues: Sequence[Cue], duration_ms: int) -> Appeal:
    """The clip's score and reason from its cues (in order) and how long its segments last."""
    signals = [
        *_opening_and_question(cues),
        _laughter(cues[1:]),
        _signal_phrases(cues[1:]),
        _key_phrases(cues),
    ]
    named = sorted((signal for signal in signals if signal.points > 0), key=lambda signal: -signal.points)
    length = Signal(15 * min(1.0, duration_ms / FULL_LENGTH_MS), f"a complete {round(duration_ms / 1000)} s moment")
    total = sum(signal.points for signal in named) + length.points
    words = [signal.words for signal in named[:REASONS_NAMED]]
    if len(words) < REASONS_NAMED and duration_ms >= FULL_LENGTH_MS:
        words.append(length.words)
    reason = "; ".join(words) if named else f"no strong signal: {round(duration_ms / 1000)} s of steady talk"
    return Appeal(min(MAX_SCORE, round(total)), shorten(reason, REASON_CHARS))


def _opening_and_question(cues: Sequence[Cue]) -> list[Signal]:
    """The opening cue's strength, and a question answered (or asked) in the clip; said together
    when the clip opens on the question."""
    first = cues[0]
    asked = next((index for index, cue in enumerate(cues) if cue.question), None)
    answered = asked is not None and any(
        cue.speaker and cue.speaker != cues[asked].speaker for cue in cues[asked + 1 :]
    )
    question_points = 15.0 if answered else 8.0 if asked is not None else 0.0
    opening_points = 10 * min(first.score, 2.0)
    if first.question and asked == 0:
        words = "opens on a question and answers it" if answered else "opens on a question"
        return [Signal(opening_points + question_points, words)]
    opening = Signal(opening_points, f"opens strong ({_opening_words(first)})")
    question = Signal(question_points, "a question asked and answered" if answered else "asks a question")
    return [opening, question]


def _opening_words(cue: Cue) -> str:
    """What the opening cue (not a question: that is said otherwise) has: its strongest signal, or a new speaker."""
    if cue.weights:
        return _OPENERS[max(cue.weights, key=lambda clip_type: cue.weights[clip_type])]
    return "a new voice"


def _laughter(cues: Sequence[Cue]) -> Signal:
    laughs = sum(len(LAUGHTER.findall(cue.text)) for cue in cues)
    return Signal(10.0 * min(laughs, 2), "a laugh" if laughs == 1 else f"{_number(laughs)} laughs")


def _signal_phrases(cues: Sequence[Cue]) -> Signal:
    """The signal phrases of every type but laughter (counted above), named by the type weighing most."""
    totals: dict[ClipType, float] = {}
    for cue in cues:
        for clip_type, weight in cue.weights.items():
            if clip_type != "funny":
                totals[clip_type] = totals.get(clip_type, 0.0) + weight
    if not totals:
        return Signal(0.0, "")
    top = max((kind for kind in CLIP_TYPES if kind in totals), key=lambda kind: totals[kind])  # ties: type order
    count = sum(top in cue.weights for cue in cues)
    singular, plural = _MOMENTS[top]
    return Signal(5.0 * min(sum(totals.values()), 4.0), f"{_number(count)} {singular if count == 1 else plural}")


def _key_phrases(cues: Sequence[Cue]) -> Signal:
    """Key phrases said in two cues or more: the clip stays on its subject."""
    in_cues = [{phrase.lower() for phrase in key_phrases([cue.text])} for cue in cues]
    repeated = [
        phrase for phrase in key_phrases(cue.text for cue in cues) if sum(phrase.lower() in s for s in in_cues) > 1
    ]
    if not repeated:
        return Signal(0.0, "")
    shown = repeated[:2]
    noun = "key phrase" if len(shown) == 1 else "key phrases"
    return Signal(5.0 * len(shown), f"{_number(len(shown))} {noun} ({', '.join(shown)})")


def _number(count: int) -> str:
    return _NUMBERS[count] if count < len(_NUMBERS) else str(count)
