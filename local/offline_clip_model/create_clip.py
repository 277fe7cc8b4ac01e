"""The `createClip` tool's side of the protocol: its item schema, SRT timestamps, and corrections.

The clip detector agent hands the model a `createClip` tool; the model answers with a call whose
items are `Clip`s. When the tool refuses some of them, `correct_clips` is the model's second try.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from local.offline_clip_model.signals import ClipType
from local.offline_clip_model.transcript import Transcript

MAX_CLIP_MS = 45_000
"""The agent's rule: a clip's segments last 45 s at most, in total."""

_TIMESTAMP = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$")


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
    score: int = Field(ge=0, le=100)
    reason: str = Field(min_length=1, max_length=160, pattern=r"^[^\r\n]*$")

    def tool_input(self) -> dict[str, Any]:
        """The JSON the tool call carries (absent optional fields left out)."""
        return self.model_dump(exclude_none=True)


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
