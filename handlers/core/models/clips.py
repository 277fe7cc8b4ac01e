"""Pydantic models of the clip routes' answers (review and render bodies: `render_models`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from handlers.core.models.base import Model
from handlers.core.models.renders import RenderView


class ClipSegmentView(Model):
    startTime: str
    endTime: str
    text: str
    speaker: str | None = None


class CaptionLineView(Model):
    startTime: str
    endTime: str
    text: str
    speaker: str | None = Field(None, description="Who says it (the cue's label): a speaker-layout render cuts to them")


class ClipShapeView(Model):
    """What a render of the clip shows: its ranges and caption lines."""

    segments: list[ClipSegmentView]
    captions: list[CaptionLineView] = []


class ClipView(Model):
    clipId: str
    clipType: str
    status: str
    hook: str
    summary: str
    totalDurationSeconds: float
    segments: list[ClipSegmentView]
    captions: list[CaptionLineView] = Field([], description="The clip's caption lines (burned in by a render)")
    revision: int = Field(0, description="Incremented by every accepted edit of the segments or captions")
    proposed: ClipShapeView = Field(description="The agent's proposal, what `reset` returns to")
    bRollSuggestions: list[str] = []
    score: int = Field(
        ge=0,
        le=100,
        description=(
            "Ranks the clips, 0-100, highest first: the agent's score (`scoreSource` agent), or for a clip"
            " proposed before scores round(confidence x 100), 0 without a confidence (`scoreSource` confidence)"
        ),
    )
    reason: str | None = Field(None, description="One line: what makes the clip work (absent on older clips)")
    scoreSource: Literal["agent", "confidence"] = Field(
        description="Where `score` comes from: the agent, or `confidence` (a clip proposed before scores)"
    )
    confidence: float | None = Field(None, description="Kept for compatibility: `score` ranks the clips")
    transcriptKey: str | None = Field(None, description="The transcript the clip was proposed from")
    fromEarlierTranscript: bool = Field(
        False, description="Kept (approved) from a transcript the episode has since replaced"
    )
    renders: list[RenderView] = []
    createdAt: datetime


class ClipList(Model):
    items: list[ClipView]
