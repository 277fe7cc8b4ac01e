"""What `nullcheck clips edit` sends: trimmed ranges and caption lines read back from an SRT file. Pure.

A trim moves the clip's first start and last end: `+1.5` / `-2` relative to where they are now
(seconds), or `HH:MM:SS,mmm` where they should be. Ranges a trim passes entirely are dropped.
Caption lines are edited as an SRT file (one cue per line, its times the episode's): the clip's
lines are written out, the producer changes the text, and the cues read back are the new lines.
"""

from __future__ import annotations

import re
from datetime import timedelta

import srt

from client.api_types import CaptionLine, ClipRange, ClipSegment
from handlers.core.domain.timestamps import format_timestamp, parse_timestamp

_RELATIVE = re.compile(r"^[+-]\d+(?:\.\d+)?$")


class ShapeError(ValueError):
    """An edit the CLI cannot make out: the message says what to type instead."""


def bound(text: str, current: float, option: str) -> float:
    """The new start or end: `+N`/`-N` seconds from `current`, or an `HH:MM:SS,mmm` timestamp."""
    value = text.strip()
    if _RELATIVE.match(value):
        return round(current + float(value), 3)
    try:
        return parse_timestamp(value)
    except ValueError:
        raise ShapeError(
            f"{option} {text!r}: give +SECONDS or -SECONDS (from the clip's current {option.strip('-')})"
            " or a timestamp like 00:01:02,500"
        ) from None


def trimmed(segments: list[ClipSegment], start: str | None, end: str | None) -> list[ClipRange]:
    """The clip's ranges with its first start and last end moved; ranges left outside are dropped."""
    ranges = [(parse_timestamp(s["startTime"]), parse_timestamp(s["endTime"])) for s in segments]
    if not ranges:
        raise ShapeError("the clip has no ranges to trim")
    first = bound(start, ranges[0][0], "--start") if start is not None else ranges[0][0]
    last = bound(end, ranges[-1][1], "--end") if end is not None else ranges[-1][1]
    kept = [(max(begin, first), min(finish, last)) for begin, finish in ranges if finish > first and begin < last]
    if start is not None and ranges[0][0] > first:
        kept[:1] = [(first, kept[0][1])] if kept else []  # an earlier start lengthens the first range
    if end is not None and ranges[-1][1] < last and kept:
        kept[-1] = (kept[-1][0], last)
    kept = [(begin, finish) for begin, finish in kept if finish > begin]
    if not kept:
        raise ShapeError(f"nothing is left of the clip between {format_timestamp(first)} and {format_timestamp(last)}")
    return [{"startTime": format_timestamp(begin), "endTime": format_timestamp(finish)} for begin, finish in kept]


def captions_srt(lines: list[CaptionLine]) -> str:
    """The clip's caption lines as an SRT file to edit."""
    cues = [
        srt.Subtitle(
            number,
            timedelta(seconds=parse_timestamp(line["startTime"])),
            timedelta(seconds=parse_timestamp(line["endTime"])),
            line["text"],
        )
        for number, line in enumerate(lines, start=1)
    ]
    return str(srt.compose(cues, reindex=False))


def caption_lines(text: str) -> list[CaptionLine]:
    """The caption lines of an edited SRT file, in time order; cues left without text are dropped."""
    try:
        cues = sorted(srt.parse(text), key=lambda cue: cue.start)
    except srt.SRTParseError as error:
        raise ShapeError(f"the captions are not SRT: {error}") from None
    return [
        {
            "startTime": format_timestamp(cue.start.total_seconds()),
            "endTime": format_timestamp(cue.end.total_seconds()),
            "text": cue.content.strip(),
        }
        for cue in cues
        if cue.content.strip()
    ]
