"""Transcripts: SRT parsed with the `srt` library into timed cues, and the timestamps clips use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import srt

from handlers.core.errors import BadRequest

_TIMESTAMP = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[,.](\d{1,3}))?$")
_SPEAKER = re.compile(r"^\s*([A-Z][\w .'-]{0,40}):\s+(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Transcript:
    cues: tuple[Cue, ...]
    srt_text: str

    @property
    def start(self) -> float:
        return self.cues[0].start if self.cues else 0.0

    @property
    def end(self) -> float:
        return max((cue.end for cue in self.cues), default=0.0)


def parse_srt(text: str) -> Transcript:
    """Cues in time order; `BadRequest` when the file is not SRT or has no cues."""
    try:
        subtitles = sorted(srt.parse(text), key=lambda subtitle: subtitle.start)
    except (srt.SRTParseError, ValueError) as error:
        raise BadRequest(f"the transcript is not valid SRT: {error}") from error
    cues = []
    for subtitle in subtitles:
        match = _SPEAKER.match(subtitle.content)
        speaker, words = (match.group(1), match.group(2)) if match else (None, subtitle.content)
        cues.append(Cue(seconds(subtitle.start), seconds(subtitle.end), " ".join(words.split()), speaker))
    if not cues:
        raise BadRequest("the transcript has no cues")
    return Transcript(tuple(cues), text)


def seconds(value: timedelta) -> float:
    return round(value.total_seconds(), 3)


def parse_timestamp(value: str) -> float:
    """`HH:MM:SS,mmm` (or `.mmm`) to seconds; ValueError for anything else."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a timestamp like 00:01:02,500")
    hours, minutes, secs, millis = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int((millis or "0").ljust(3, "0")) / 1000


def format_timestamp(value: float) -> str:
    millis = round(value * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"
