"""The OFFLINE clip model: a deterministic heuristic over SRT cues, NOT a language model.

The local stack has no Bedrock, yet the clip detector agent must run its real tool-use loop
(`Converse` → `createClip` → tool result → final text). `local.bedrock` answers `Converse` with
what this module computes. It exists to exercise the protocol and the pipeline; it says nothing
about the quality a real model would reach, and everything it writes is plain string assembly.

How it picks clips (pure functions, no I/O, same input → same output):

1. Parse the SRT (`srt` library). A cue starting with `Name:` names its speaker; unlabelled cues
   keep the previous speaker. Cues are sorted and overlaps cut, so the cues of any stretch of
   the transcript never last longer than the stretch itself.
2. Score every cue by signals: how-to phrasing (educational), "let me show"/screen talk (demo),
   lessons and realisations (insight), strong-opinion words (hot_take), laughter markers
   (funny), plus a bonus for questions and for a change of speaker.
3. A window is a run of consecutive cues lasting at most 45 s (less for very short transcripts,
   so that five clips fit). The best window (sum of cue scores, with a bonus for a strong opening
   cue) is taken, its silent edges are trimmed, and the search repeats on the cues still free:
   clips never overlap. At least 5 windows are taken when the transcript has room for them; up
   to 10 while they score at least half as well as the best one.
4. Each window becomes a clip: one segment per run of one speaker, `clipType` from the
   dominant signal, the hook from the strongest cue carrying that signal, a summary quoting
   it, b-roll ideas from the clip's most frequent key phrases, and a confidence that grows with
   the score. Educational clips come first, then the rest, each group best first.

The episode summary names the speakers, the most frequent key phrases and the strongest cue.
A 3-hour transcript (about 2,700 cues) takes a fraction of a second (`bench/offline_model.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from typing import Any, Literal, cast, get_args

import srt
from pydantic import BaseModel, Field, ValidationError

ClipType = Literal["educational", "demo", "insight", "hot_take", "funny"]
CLIP_TYPES: tuple[ClipType, ...] = get_args(ClipType)
"""In order of precedence: the first one wins a tie, and educational clips are listed first."""

MAX_CLIP_MS = 45_000
"""The agent's rule: a clip's segments last 45 s at most, in total."""
MIN_WINDOW_MS = 10_000
MIN_CLIPS = 5
MAX_CLIPS = 10
EXTRA_CLIP_RATIO = 0.5
"""Clips beyond the fifth are proposed only while they score at least this share of the best."""

QUESTION_WEIGHT = 0.75
SPEAKER_CHANGE_WEIGHT = 0.5
OPENING_WEIGHT = 0.5
"""Share of its first cue's score added to a window's: a social clip should open strong."""
CONFIDENCE_MIDPOINT = 4.0
"""The window score at which confidence reaches 0.5; it tends to 1 as the score grows."""
MATCHES_PER_CUE = 3
"""One rambling cue cannot outweigh a lively exchange: each signal counts three times at most."""

HOOK_CHARS = 70
MAX_PHRASE_WORDS = 2
QUOTE_CHARS = 150

_SIGNAL_PHRASES: dict[ClipType, str] = {
    "educational": r"how to|here's how|here is how|steps?|tutorial|tips?|the trick|make sure|you need to",
    "demo": r"let me show|show you|on (?:my|the) screen|demo|as you can see|watch this|click|terminal",
    "insight": r"the key|lessons?|learned|realized|turns out|the reason|what matters|the point is|in my experience",
    "hot_take": r"hot take|honestly|never|always|overrated|underrated|unpopular opinion|controversial|worst|nobody",
    "funny": r"(?<=[\[(])(?:laughter|laughs|laughing)(?=[\])])|ha(?:ha)+|lol|lmao",
}
_SIGNAL_WEIGHTS: dict[ClipType, float] = {
    "educational": 1.0,
    "demo": 1.0,
    "insight": 1.0,
    "hot_take": 1.0,
    "funny": 1.5,
}
# One pass per cue: each alternative is a named group, so a match says which signal it is.
_SIGNAL = re.compile(
    "|".join(rf"\b(?P<{name}>{phrases})\b" for name, phrases in _SIGNAL_PHRASES.items()), re.IGNORECASE
)
_LAUGHTER = re.compile(rf"\b(?:{_SIGNAL_PHRASES['funny']})\b", re.IGNORECASE)
_SPEAKER = re.compile(r"^\s*-?\s*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})\s*:\s+(\S.*)$", re.DOTALL)
_MARKER = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_FILLER = re.compile(r"^(?:(?:so|and|but|um+|uh+|well|okay|ok|like|yeah|right|you know)[,.]?\s+)+", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$")
_PUNCTUATION = re.compile(r"[^\w\s'-]+")
_STOPWORD_TEXT = """a about above actually after again against ago all almost also always am an and any anybody anyone
    anything anyway are around as asking at away back basically be because been before being below
    better between big bit both but by can cannot come coming could day did didn't do does doesn't doing
    don't done down during each earlier easy either else enough even ever every everybody everyone
    everything exactly few first for from further get gets getting give go goes going gonna good got
    great guess guys had has have having he he's her here here's hers herself him himself his honestly
    how i i'd i'll i'm i've if in into is isn't it it's its itself just kind know last later let let's
    like literally little long look looking lot lots made make many maybe me mean mine minute moment
    month more most much must my myself need never new next nice no nobody none not nothing now of off
    oh ok okay on once one only or other our ours ourselves out over own part people pretty probably put
    quite really right said same saw say saying says second see seen she should show so some somebody
    someone something sort still stuff such sure take talk talking tell than thank thanks that that's
    the their theirs them themselves then there there's these they they're thing things think thinking
    this those though three through time to today together told too trying two uh um under until up us
    use used very wanna want was wasn't way we we're week well went were what what's when where which
    while who whole whom whose why will with won't would wouldn't yeah year yes yesterday yet you you're
    your yours yourself"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class ClipSegment(BaseModel):
    """One stretch of the transcript in a clip, as the `createClip` tool takes it."""

    startTime: str
    endTime: str
    text: str
    speaker: str | None = None


class Clip(BaseModel):
    """One proposed clip: the `createClip` tool's item schema."""

    segments: list[ClipSegment] = Field(min_length=1)
    hook: str
    summary: str
    bRollSuggestions: list[str]
    clipType: ClipType
    confidence: float | None = Field(default=None, ge=0, le=1)

    def tool_input(self) -> dict[str, Any]:
        """The JSON the tool call carries (absent optional fields left out)."""
        return self.model_dump(exclude_none=True)


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


@dataclass(frozen=True, slots=True)
class _Window:
    """Cues `first..last` (inclusive), ending at `end_ms` (a lone over-long cue is cut short)."""

    first: int
    last: int
    end_ms: int
    score: float


# --- parsing -------------------------------------------------------------------------------------


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
        weights, question = _signal_weights(text), "?" in text
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


def _signal_weights(text: str) -> dict[ClipType, float]:
    """Weight per clip type of the signal phrases in `text` (each counted three times at most)."""
    found = [cast(ClipType, match.lastgroup) for match in _SIGNAL.finditer(_straight_quotes(text))]
    return {name: _SIGNAL_WEIGHTS[name] * min(found.count(name), MATCHES_PER_CUE) for name in dict.fromkeys(found)}


def _straight_quotes(text: str) -> str:
    return text.replace("\u2019", "'")


# --- choosing windows ----------------------------------------------------------------------------


def propose_clips(transcript: Transcript) -> list[Clip]:
    """5 to 10 non-overlapping clips (fewer when the transcript is too short), educational first."""
    windows = _select_windows(transcript)
    clips = [(_build_clip(transcript, window), window) for window in windows]
    clips.sort(key=lambda pair: (pair[0].clipType != "educational", -pair[1].score, pair[1].first))
    return [clip for clip, _ in clips]


def _clip_budget_ms(transcript: Transcript) -> int:
    """45 s, or less when a short transcript would otherwise hold fewer than five clips."""
    span = transcript.end_ms - transcript.start_ms
    return min(MAX_CLIP_MS, max(MIN_WINDOW_MS, span // MIN_CLIPS))


def _select_windows(transcript: Transcript) -> list[_Window]:
    """Greedy: the best window among the free cues, again and again, until enough are taken."""
    cues = transcript.cues
    budget_ms = _clip_budget_ms(transcript)
    prefix = [0.0]
    for cue in cues:
        prefix.append(prefix[-1] + cue.score)
    free = [True] * len(cues)
    chosen: list[_Window] = []
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


def _best_window(cues: Sequence[Cue], prefix: Sequence[float], free: Sequence[bool], budget_ms: int) -> _Window | None:
    """The best-scoring run of free cues within the budget (two pointers: linear time)."""
    best: _Window | None = None
    last = 0
    for first, cue in enumerate(cues):
        if not free[first]:
            continue
        last = max(last, first)
        while last + 1 < len(cues) and free[last + 1] and cues[last + 1].end_ms - cue.start_ms <= budget_ms:
            last += 1
        score = prefix[last + 1] - prefix[first] + OPENING_WEIGHT * cue.score
        if best is None or score > best.score:
            best = _Window(first, last, min(cues[last].end_ms, cue.start_ms + budget_ms), score)
    return best


def _trim(cues: Sequence[Cue], window: _Window, budget_ms: int) -> _Window:
    """Drop cues without any signal from both ends while the clip stays a third of the budget long."""
    floor_ms = budget_ms // 3
    first, last = window.first, window.last
    while first < last and cues[first].score == 0 and cues[last].end_ms - cues[first + 1].start_ms >= floor_ms:
        first += 1
    while last > first and cues[last].score == 0 and cues[last - 1].end_ms - cues[first].start_ms >= floor_ms:
        last -= 1
    return _Window(first, last, min(cues[last].end_ms, window.end_ms), window.score)


# --- writing clips -------------------------------------------------------------------------------


def _build_clip(transcript: Transcript, window: _Window) -> Clip:
    cues = transcript.cues[window.first : window.last + 1]
    clip_type = _dominant_type(cues)
    telling = _strongest([cue for cue in cues if clip_type in cue.weights] or cues)
    return Clip(
        segments=_segments(cues, window.end_ms),
        hook=_hook(telling.text),
        summary=_clip_summary(cues, telling),
        bRollSuggestions=_b_roll(cues, clip_type),
        clipType=clip_type,
        confidence=round(window.score / (window.score + CONFIDENCE_MIDPOINT), 2),
    )


def _strongest(cues: Sequence[Cue]) -> Cue:
    """The best-scoring cue with words to quote (the earliest of equals); the first cue otherwise."""
    quotable = [cue for cue in cues if _clean(cue.text)]
    return max(quotable, key=lambda cue: cue.score) if quotable else cues[0]


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
    sentences = [s for s in _SENTENCE_END.split(_clean(text)) if s]
    if not sentences:
        return "A moment from the stream"
    best = max(sentences, key=lambda s: sum(_signal_weights(s).values()) + QUESTION_WEIGHT * ("?" in s))
    title = _shorten(_FILLER.sub("", best).rstrip(".!,;: "), HOOK_CHARS) or _shorten(best, HOOK_CHARS)
    return title[:1].upper() + title[1:]


def _clip_summary(cues: Sequence[Cue], telling: Cue) -> str:
    """One or two factual sentences quoting the clip: its most telling cue, then the first reply."""
    summary = f'{telling.speaker or "The speaker"} says "{_shorten(_clean(telling.text), QUOTE_CHARS)}".'
    reply = next((cue for cue in cues if cue.speaker and cue.speaker != telling.speaker), None)
    if reply is not None:
        summary += f' {reply.speaker} responds "{_shorten(_clean(reply.text), QUOTE_CHARS)}".'
    return summary


def _b_roll(cues: Sequence[Cue], clip_type: ClipType) -> list[str]:
    """One to three shot ideas from the clip's most frequent key phrases."""
    shot = "Screen recording of" if clip_type == "demo" else "Footage of"
    ideas = [f"{shot} {phrase}" for phrase in key_phrases(cue.text for cue in cues)[:3]]
    return ideas or ["Wide shot of the speakers"]


def key_phrases(texts: Iterable[str]) -> list[str]:
    """Key phrases, the most telling first, each shown as first written.

    A phrase is the start (two words at most) of a run of content words between stop words,
    punctuation and signal words: "the DynamoDB indexes dashboard updates" gives "DynamoDB
    indexes". Phrases rank by frequency times length, so names beat stray words; ties keep the
    order of first appearance.
    """
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for text in texts:
        for run in _content_runs(_SIGNAL.sub(",", _straight_quotes(_clean(text)))):
            phrase = " ".join(run[:MAX_PHRASE_WORDS])
            key = phrase.lower()
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, phrase)
    ranked = sorted(counts, key=lambda key: -counts[key] * (key.count(" ") + 1))  # sorted is stable
    return [shown[key] for key in ranked]


def _content_runs(text: str) -> Iterator[list[str]]:
    """Runs of consecutive words that are not stop words, split at punctuation."""
    for chunk in _PUNCTUATION.split(text):
        run: list[str] = []
        for word in chunk.split():
            word = word.strip("'-")
            if len(word) >= 3 and word.lower() not in _STOPWORDS:
                run.append(word)
            elif run:
                yield run
                run = []
        if run:
            yield run


def _clean(text: str) -> str:
    return " ".join(_MARKER.sub(" ", text).split())


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --- the episode ---------------------------------------------------------------------------------


def summarize_episode(transcript: Transcript) -> str:
    """Two or three sentences built from the transcript: who talks about what, a quote, questions and laughs."""
    cues = transcript.cues
    if not cues:
        return "The transcript holds no timed cues, so there is nothing to summarise."
    sentences = [_topic_sentence(transcript)]
    strongest = _strongest(cues)
    quote = _shorten(_clean(strongest.text), QUOTE_CHARS)
    sentences.append(f'A standout moment: {strongest.speaker or "the speaker"} says "{quote}".')
    questions = sum(cue.question for cue in cues)
    laughs = sum(len(_LAUGHTER.findall(cue.text)) for cue in cues)
    lively = []
    if questions:
        lively.append(_count(questions, "question"))
    if laughs:
        lively.append(f"{_count(laughs, 'moment')} of laughter")
    if lively:
        sentences.append(f"The conversation has {_join(lively)}.")
    return " ".join(sentences)


def _topic_sentence(transcript: Transcript) -> str:
    speakers = list(dict.fromkeys(cue.speaker for cue in transcript.cues if cue.speaker))
    topics = key_phrases(cue.text for cue in transcript.cues)[:3]
    about = _join(topics) if topics else "a range of subjects"
    length = _duration_words(transcript.end_ms - transcript.start_ms)
    if not speakers:
        return f"In this {length} recording, the speaker talks about {about}."
    shown = speakers[:3] + ([_count(len(speakers) - 3, "other")] if len(speakers) > 3 else [])
    verb = "talks" if len(speakers) == 1 else "talk"
    return f"In this {length} recording, {_join(shown)} {verb} about {about}."


def _duration_words(ms: int) -> str:
    seconds = ms / 1000
    if seconds < 90:
        return f"{round(seconds)}-second"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)}-minute"
    return f"{round(seconds / 3600, 1):g}-hour"


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- timestamps and corrections ------------------------------------------------------------------


def format_timestamp(ms: int) -> str:
    """Milliseconds → SRT `HH:MM:SS,mmm`."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{millis:03d}"


def parse_timestamp(value: str) -> int | None:
    """SRT `HH:MM:SS,mmm` (or `.mmm`) → milliseconds; None when it is not one."""
    match = _TIMESTAMP.match(value.strip())
    if match is None:
        return None
    hours, minutes, seconds, millis = match.groups()
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis.ljust(3, "0"))


def correct_clips(transcript: Transcript, proposed: Sequence[Any], rejected: set[int] | None) -> list[Clip]:
    """The clips to send again after `createClip` refused some of `proposed` (its tool input items).

    A rejected clip (by position) is fixed when its segments can be brought back inside the
    transcript and the 45 s limit, and dropped when there is nothing to fix: the offline model
    cannot know what else the tool disliked. `rejected=None` means the error named no clip, so
    every clip is fixed where it breaks the rules and kept otherwise. Items that are not even
    well-formed clips are dropped.
    """
    corrected: list[Clip] = []
    for position, item in enumerate(proposed):
        try:
            clip = Clip.model_validate(item)
        except ValidationError:
            continue
        if rejected is not None and position not in rejected:
            corrected.append(clip)
            continue
        fixed = _fit_to_transcript(transcript, clip)
        if fixed is not None and (rejected is None or fixed != clip):
            corrected.append(fixed)
    return corrected


def _fit_to_transcript(transcript: Transcript, clip: Clip) -> Clip | None:
    """Segments clamped into the transcript, empty ones dropped, the total cut at 45 s."""
    segments: list[ClipSegment] = []
    remaining_ms = MAX_CLIP_MS
    for segment in clip.segments:
        start_ms, end_ms = parse_timestamp(segment.startTime), parse_timestamp(segment.endTime)
        if start_ms is None or end_ms is None or remaining_ms <= 0:
            continue
        start_ms = max(start_ms, transcript.start_ms)
        end_ms = min(end_ms, transcript.end_ms, start_ms + remaining_ms)
        if end_ms <= start_ms:
            continue
        remaining_ms -= end_ms - start_ms
        segments.append(
            segment.model_copy(update={"startTime": format_timestamp(start_ms), "endTime": format_timestamp(end_ms)})
        )
    return clip.model_copy(update={"segments": segments}) if segments else None
