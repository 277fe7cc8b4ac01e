"""The episode summary: who talks about what, a standout quote, how many questions and laughs."""

from __future__ import annotations

from collections.abc import Sequence

from local.offline_clip_model.key_phrases import key_phrases
from local.offline_clip_model.signals import LAUGHTER
from local.offline_clip_model.text import QUOTE_CHARS, clean, shorten, strongest
from local.offline_clip_model.transcript import Transcript


def summarize_episode(transcript: Transcript) -> str:
    """Two or three sentences built from the transcript: who talks about what, a quote, questions and laughs."""
    cues = transcript.cues
    if not cues:
        return "The transcript holds no timed cues, so there is nothing to summarise."
    sentences = [_topic_sentence(transcript)]
    standout = strongest(cues)
    quote = shorten(clean(standout.text), QUOTE_CHARS)
    sentences.append(f'A standout moment: {standout.speaker or "the speaker"} says "{quote}".')
    questions = sum(cue.question for cue in cues)
    laughs = sum(len(LAUGHTER.findall(cue.text)) for cue in cues)
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
