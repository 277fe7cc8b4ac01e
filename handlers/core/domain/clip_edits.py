"""Shaping a clip: the ranges it shows and its caption lines, as the agent proposed them or a producer edits them. Pure.

A clip is stored with its shape (`segments`, `captions`), the shape the agent proposed
(`proposed`) and the span of the transcript it came from (`transcriptStart`, `transcriptEnd`,
seconds), so an edit is checked without the transcript object, which expires with the media.

- Ranges: each ends after it starts and lies inside the transcript's span (as the agent's must,
  half a second of slack at the end), in order and not overlapping (touching is fine), the clip's
  total at most the tenant's `clip_seconds_max`.
- Caption lines: each ends after it starts and lies inside one of the clip's ranges, in order of
  start (lines may overlap, as transcript cues may).
- New ranges without new lines: the clip's lines are cut to the new ranges (a line outside every
  range is dropped, one across a range's edge shortened); a range made longer gets no line for the
  time added until lines are sent.
- A segment's `text` (and `speaker`) stay while its range is unchanged; a changed range's text is
  its caption lines joined, without a speaker.
- A caption line keeps its `speaker` (the cue's label, or the previous label for an unlabelled cue)
  when it is cut to new ranges; lines sent by an edit have the speaker they are sent with, if any.

Every refusal names the range or line at fault, as `body.segments.{n}` or `body.captions.{n}`
(numbered from 0, as the request's other errors are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from handlers.core.domain.timestamps import format_timestamp, parse_timestamp

Range = tuple[float, float]
"""Start and end of a range of the episode, in seconds."""
END_SLACK = 0.5
"""How far past the transcript's last cue a range may end (the agent's rule too)."""


class ShapeRefused(ValueError):
    """The edit cannot be accepted: `(location, why)` per problem."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def describe(self) -> str:
        return "invalid request: " + "; ".join(f"{where}: {what}" for where, what in self.problems)


class NotShapeable(ValueError):
    """The clip cannot be edited (it predates edits): the message says why."""


def ranges_of(segments: Iterable[Mapping[str, Any]]) -> list[Range]:
    return [(parse_timestamp(s["startTime"]), parse_timestamp(s["endTime"])) for s in segments]


def total_seconds(ranges: Iterable[Range]) -> float:
    return round(sum(end - start for start, end in ranges), 3)


Cue = tuple[float, float, str] | tuple[float, float, str, str | None]
"""Start, end, text and (optionally) the speaker of a transcript cue or caption line."""


def caption_lines(cues: Iterable[Cue], ranges: Sequence[Range]) -> list[dict[str, str]]:
    """The lines of `cues` (start, end, text[, speaker]) the ranges show, each cut to its range; a cue across
    two ranges is a line in each. In order of start when the cues are and the ranges are in order."""
    cues = list(cues)
    lines = []
    for range_start, range_end in ranges:
        for cue in cues:
            start, end, text = cue[:3]
            speaker = cue[3] if len(cue) > 3 else None
            begin, finish = max(start, range_start), min(end, range_end)
            if finish > begin and text.strip():
                line = {"startTime": format_timestamp(begin), "endTime": format_timestamp(finish), "text": text}
                lines.append({**line, "speaker": speaker} if speaker else line)
    return lines


def spoken(cues: Iterable[tuple[float, float, str, str | None]]) -> list[Cue]:
    """Cues with their speaker: an unlabelled cue is said by the previous labelled one's speaker."""
    said: list[Cue] = []
    current = None
    for start, end, text, speaker in cues:
        current = speaker or current
        said.append((start, end, text, current))
    return said


def proposal(segments: Sequence[Mapping[str, Any]], cues: Iterable[Cue]) -> dict[str, Any]:
    """The shape fields of a newly proposed clip: its caption lines from the transcript's cues, revision 0, and
    the proposal kept as `proposed`."""
    lines = caption_lines(cues, ranges_of(segments))
    return {"captions": lines, "revision": 0, "proposed": {"segments": list(segments), "captions": lines}}


def proposed_of(clip: Mapping[str, Any]) -> dict[str, Any]:
    """The agent's proposal; a clip proposed before edits never changed, so its proposal is what it is now."""
    proposed: dict[str, Any] = clip.get("proposed") or {
        "segments": clip["segments"],
        "captions": clip.get("captions", []),
    }
    return proposed


def is_edited(clip: Mapping[str, Any]) -> bool:
    """Whether a producer has shaped the clip (a new transcript keeps it then, as it keeps an approved one)."""
    return int(clip.get("revision") or 0) > 0


def edit(
    clip: Mapping[str, Any],
    *,
    segments: Sequence[Mapping[str, str]] | None,
    captions: Sequence[Mapping[str, str]] | None,
    reset: bool,
    max_seconds: float,
) -> dict[str, Any] | None:
    """The clip's new `segments`, `captions` and `totalDurationSeconds`; None when the edit changes nothing.

    `ShapeRefused` naming each range or line at fault; `NotShapeable` for a clip proposed before
    edits (nothing recorded to check an edit against; its reset changes nothing).
    """
    current_segments, current_lines = list(clip["segments"]), list(clip.get("captions", []))
    if reset:
        proposed = proposed_of(clip)
        new_segments, new_lines = list(proposed["segments"]), list(proposed.get("captions", []))
    else:
        if "proposed" not in clip or clip.get("transcriptEnd") is None:
            raise NotShapeable(
                "this clip was proposed before clips could be edited (its transcript's span and caption lines"
                " are not recorded): upload the transcript again for editable proposals"
            )
        span = (float(clip.get("transcriptStart") or 0), float(clip["transcriptEnd"]))
        ranges = _checked_ranges(segments, span, max_seconds) if segments is not None else ranges_of(current_segments)
        if captions is not None:
            new_lines = _checked_lines(captions, ranges)
        else:
            new_lines = caption_lines(_timed(current_lines), ranges)
        new_segments = _segments(ranges, current_segments, new_lines) if segments is not None else current_segments
    if new_segments == current_segments and new_lines == current_lines:
        return None
    return {
        "segments": new_segments,
        "captions": new_lines,
        "totalDurationSeconds": total_seconds(ranges_of(new_segments)),
    }


def _timed(lines: Iterable[Mapping[str, str]]) -> list[Cue]:
    return [
        (parse_timestamp(line["startTime"]), parse_timestamp(line["endTime"]), line["text"], line.get("speaker"))
        for line in lines
    ]


def _checked_ranges(segments: Sequence[Mapping[str, str]], span: Range, max_seconds: float) -> list[Range]:
    problems: list[tuple[str, str]] = []
    ranges = ranges_of(segments)
    for number, ((start, end), segment) in enumerate(zip(ranges, segments, strict=True)):
        where, shown = f"body.segments.{number}", f"{segment['startTime']}-{segment['endTime']}"
        if end <= start:
            problems.append((where, f"endTime {segment['endTime']} is not after startTime {segment['startTime']}"))
        elif start < span[0] or end > span[1] + END_SLACK:
            problems.append(
                (where, f"{shown} is outside the transcript ({format_timestamp(span[0])}-{format_timestamp(span[1])})")
            )
        if number and start < ranges[number - 1][1]:
            problems.append(
                (
                    where,
                    f"starts at {segment['startTime']}, before segments.{number - 1} ends"
                    f" ({segments[number - 1]['endTime']}): ranges are in order and do not overlap",
                )
            )
    total = total_seconds((start, end) for start, end in ranges if end > start)
    if total > max_seconds:
        problems.append(
            (
                "body.segments",
                f"the ranges last {total:.1f} s in total; a clip lasts {max_seconds:g} s at most"
                " (limit clip_seconds_max)",
            )
        )
    if problems:
        raise ShapeRefused(problems)
    return ranges


def _checked_lines(captions: Sequence[Mapping[str, str]], ranges: Sequence[Range]) -> list[dict[str, str]]:
    problems: list[tuple[str, str]] = []
    lines = []
    previous = None
    for number, line in enumerate(captions):
        where = f"body.captions.{number}"
        start, end = parse_timestamp(line["startTime"]), parse_timestamp(line["endTime"])
        if end <= start:
            problems.append((where, f"endTime {line['endTime']} is not after startTime {line['startTime']}"))
        elif not any(range_start <= start and end <= range_end for range_start, range_end in ranges):
            problems.append((where, f"{line['startTime']}-{line['endTime']} is not inside one of the clip's ranges"))
        if previous is not None and start < previous:
            problems.append((where, f"starts at {line['startTime']}, before captions.{number - 1}: lines are in order"))
        previous = start
        checked = {"startTime": format_timestamp(start), "endTime": format_timestamp(end), "text": line["text"]}
        lines.append({**checked, "speaker": line["speaker"]} if line.get("speaker") else checked)
    if problems:
        raise ShapeRefused(problems)
    return lines


def _segments(
    ranges: Sequence[Range], current: Sequence[Mapping[str, Any]], lines: Sequence[Mapping[str, str]]
) -> list[dict[str, Any]]:
    """The segments of the new ranges: an unchanged range keeps its segment, a changed one its lines' text."""
    kept = {(parse_timestamp(s["startTime"]), parse_timestamp(s["endTime"])): s for s in current}
    segments = []
    for start, end in ranges:
        if (start, end) in kept:
            segments.append(dict(kept[(start, end)]))
            continue
        text = " ".join(
            line["text"]
            for line in lines
            if start <= parse_timestamp(line["startTime"]) and parse_timestamp(line["endTime"]) <= end
        )
        segments.append({"startTime": format_timestamp(start), "endTime": format_timestamp(end), "text": text})
    return segments
