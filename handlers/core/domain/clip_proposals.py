"""Clip proposals as the model makes them: the `createClip` tool's input, its schema, and the rules a clip must meet.

The model proposes; these rules decide. A clip must lie inside the transcript, each segment must
end after it starts, and the segments together last 45 s at most. Rejections go back to the
model, which corrects itself. The same segments, hook and type are the same clip (`content_hash`).
Every clip comes with the model's `score` (0-100, clips are ranked by it) and a one-line `reason`;
a clip without them, or with a score out of range or a reason of several lines, is refused like
any other invalid field (`confidence` is still taken, for compatibility, and no longer ranks).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from handlers.core.domain.srt import Transcript
from handlers.core.domain.timestamps import parse_timestamp

ClipType = Literal["educational", "funny", "demo", "hot_take", "insight"]
CLIP_TYPES: tuple[str, ...] = ("educational", "funny", "demo", "hot_take", "insight")
MAX_CLIP_SECONDS = 45.0
MAX_SCORE = 100
REASON_CHARS = 160


class ClipSegment(BaseModel):
    startTime: str = Field(description="Start, HH:MM:SS,mmm as in the transcript")
    endTime: str = Field(description="End, HH:MM:SS,mmm as in the transcript")
    text: str = Field(description="What is said in this segment")
    speaker: str | None = None


class ClipProposal(BaseModel):
    segments: list[ClipSegment] = Field(min_length=1, description="Consecutive or nearby moments, in order")
    hook: str = Field(min_length=1, description="A title-like opening line")
    summary: str = Field(min_length=1, description="1-2 factual sentences")
    bRollSuggestions: list[str] = Field(default_factory=list)
    clipType: ClipType
    confidence: float | None = Field(None, ge=0, le=1, description="Kept for compatibility; `score` ranks clips")
    score: int = Field(
        ge=0,
        le=MAX_SCORE,
        description="How well the clip will do on social media, 0-100 (integer); the best clips score highest",
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_CHARS)] = Field(
        description="One line: what makes the clip work (the hook, a laugh, a question answered)"
    )

    @field_validator("score", mode="before")
    @classmethod
    def _a_number(cls, score: Any) -> Any:
        if isinstance(score, bool):
            raise ValueError("the score is an integer from 0 to 100, not true or false")
        return score

    @field_validator("reason")
    @classmethod
    def _one_line(cls, reason: str) -> str:
        if len(reason.splitlines()) > 1:
            raise ValueError("the reason is one line: no line breaks")
        return reason


class CreateClipInput(BaseModel):
    clips: list[ClipProposal] = Field(min_length=1, max_length=20)


def tool_spec() -> dict[str, Any]:
    """The `createClip` tool as Converse takes it; its schema is the pydantic model's."""
    return {
        "toolSpec": {
            "name": "createClip",
            "description": (
                "Save proposed social-media clips of this episode. Each clip is one or more transcript segments "
                "totalling at most 45 seconds, with a score (0-100) and a one-line reason for it. "
                "Invalid clips are returned with what is wrong; correct and resend them."
            ),
            "inputSchema": {"json": CreateClipInput.model_json_schema()},
        }
    }


def clip_errors(clip: ClipProposal, transcript: Transcript) -> list[str]:
    """Why a clip cannot be accepted (empty when it can)."""
    errors, total = [], 0.0
    for number, segment in enumerate(clip.segments, start=1):
        try:
            start, end = parse_timestamp(segment.startTime), parse_timestamp(segment.endTime)
        except ValueError as error:
            errors.append(f"segment {number}: {error}")
            continue
        if end <= start:
            errors.append(f"segment {number}: endTime {segment.endTime} is not after startTime {segment.startTime}")
        if start < transcript.start or end > transcript.end + 0.5:
            errors.append(f"segment {number}: {segment.startTime}-{segment.endTime} is outside the transcript")
        total += max(0.0, end - start)
    if total > MAX_CLIP_SECONDS:
        errors.append(f"segments last {total:.1f} s in total; a clip lasts {MAX_CLIP_SECONDS:.0f} s at most")
    return errors


def duration(clip: ClipProposal) -> float:
    return round(sum(parse_timestamp(s.endTime) - parse_timestamp(s.startTime) for s in clip.segments), 3)


def content_hash(clip: ClipProposal) -> str:
    """Same segments, hook and type → same clip, whatever the model's wording of the rest."""
    canonical = json.dumps(
        {"segments": [[s.startTime, s.endTime] for s in clip.segments], "type": clip.clipType, "hook": clip.hook},
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class ToolOutcome:
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def result(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "rejected": self.rejected}
