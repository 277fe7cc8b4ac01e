"""Transcripts: SRT parsed with the `srt` library into timed cues (timestamps: `handlers.core.domain.timestamps`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import srt

from handlers.contract import MAX_TRANSCRIPT_BYTES
from handlers.core.domain.timestamps import parse_timestamp

MIB = 1024 * 1024
QUOTE_LIMIT = 200
"""The most of a transcript any error message or log line quotes."""
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


class InvalidTranscript(ValueError):
    """A transcript no retry can fix. `reason` is for the producer: short, with a line to look at."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MAX_DIGIT_RUN = 24
"""More digits in a row than a cue number or a number read out in a show ever needs."""
MAX_CUE_CHARACTERS = 10_000
"""A cue's text (and the blank lines around it) is at most this long: minutes of speech."""
_CUE_NUMBER = re.compile(r"-?[0-9]{1,24}(?:\.[0-9]{0,24})?")


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A piece of the producer's content short enough for an error or a log line."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def subtitles(data: bytes | str) -> tuple[str, list[srt.Subtitle]]:
    """The text and its cues (as the `srt` library reads them) in time order; `InvalidTranscript` naming what to
    fix when the file is not usable SRT. Every reader of a transcript goes through here, so a file built to
    keep the parser busy is refused at once wherever it is read (the agent, a render's caption file)."""
    if isinstance(data, bytes):
        if len(data) > MAX_TRANSCRIPT_BYTES:
            raise InvalidTranscript(too_large(len(data)))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidTranscript(f"the file is not UTF-8 text (byte {error.start} cannot be read)") from error
    else:
        text = data
    if not text.strip():
        raise InvalidTranscript("the file is empty")
    _check_digit_runs(text)
    _check_cue_spacing(text)
    _check_timing_lines(text)
    try:
        return text, sorted(srt.parse(text), key=lambda subtitle: subtitle.start)
    except srt.SRTParseError as error:
        line = text.count("\n", 0, error.expected_start) + 1
        raise InvalidTranscript(
            f"line {line}: expected a cue (a number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line, then its text)"
        ) from error


def parse_srt(data: bytes | str) -> Transcript:
    """Cues in time order, speakers apart; `InvalidTranscript` naming what to fix when the file is not usable SRT."""
    text, parsed = subtitles(data)
    cues = []
    for subtitle in parsed:
        match = _SPEAKER.match(subtitle.content)
        speaker, words = (match.group(1), match.group(2)) if match else (None, subtitle.content)
        cues.append(Cue(seconds(subtitle.start), seconds(subtitle.end), " ".join(words.split()), speaker))
    if not cues:
        raise InvalidTranscript("the file has no cues")
    return Transcript(tuple(cues), text)


def too_large(size: int) -> str:
    return f"the file is {size / MIB:.1f} MiB, larger than the {MAX_TRANSCRIPT_BYTES // MIB} MiB a transcript may be"


_DIGIT_RUN = re.compile(rf"\d{{{MAX_DIGIT_RUN + 1},}}")


def _check_digit_runs(text: str) -> None:
    """Refuse a run of more digits than any SRT holds (a cue number, a timestamp, a number said aloud).

    The `srt` library's cue pattern backtracks over every split of a run of digits, so one long run
    (a 10 MiB file of digits, say) would keep the clip agent busy until its timeout, at every retry.
    """
    if run := _DIGIT_RUN.search(text):
        line = text.count("\n", 0, run.start()) + 1
        raise InvalidTranscript(f"line {line}: {len(run.group())} digits in a row are not a transcript")


def _check_cue_spacing(text: str) -> None:
    """The file starts with a cue and has a timing line at least every `MAX_CUE_CHARACTERS`.

    The `srt` library's pattern is tried again at every character where no cue starts: a 10 MiB file
    without cues would take it minutes (the clip agent's whole timeout, at every retry). This check
    runs in one pass, so such a file is refused at once, saying where.
    """
    before_first_cue, since_timing = True, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if "-->" in line:
            before_first_cue, since_timing = False, 0
            continue
        if before_first_cue and line.strip() and not _CUE_NUMBER.fullmatch(line.strip()):
            raise InvalidTranscript(
                f"line {number}: expected a cue (a number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line, then its text)"
            )
        since_timing += len(line) + 1
        if since_timing > MAX_CUE_CHARACTERS:
            raise InvalidTranscript(f"line {number}: more than {MAX_CUE_CHARACTERS:,} characters without a cue")


def _check_timing_lines(text: str) -> None:
    """Every `-->` line holds two valid timestamps, the second after the first (srt would let some pass)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if "-->" not in line:
            continue
        start, _, rest = line.partition("-->")
        end = rest.split()[0] if rest.split() else ""
        try:
            start_seconds, end_seconds = parse_timestamp(start), parse_timestamp(end)
        except ValueError:
            raise InvalidTranscript(f"line {number}: timestamp is not valid: {quote(line.strip(), 60)}") from None
        if end_seconds < start_seconds:
            raise InvalidTranscript(f"line {number}: the cue ends before it starts")


def seconds(value: timedelta) -> float:
    return round(value.total_seconds(), 3)
