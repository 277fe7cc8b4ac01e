"""Clip review and rendering: the request and answer models of those routes.

Same rules as `models`: requests forbid unknown fields, and the OpenAPI document is generated
from these classes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from handlers.contract import (
    CLIP_TIMESTAMP_PATTERN,
    MAX_CAPTION_CHARACTERS,
    MAX_CAPTION_LINES,
    MAX_CLIP_RANGES,
    RenderFormat,
    RenderStatus,
    ReviewStatus,
)
from handlers.core.models.base import Model

Timestamp = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CLIP_TIMESTAMP_PATTERN)]
"""A moment of the episode as clips name it: `HH:MM:SS,mmm`."""


class ClipRange(Model):
    """One range of the episode a clip shows."""

    model_config = ConfigDict(extra="forbid")

    startTime: Timestamp = Field(description="HH:MM:SS,mmm, as the clip's segments")
    endTime: Timestamp = Field(description="HH:MM:SS,mmm, after startTime")


class CaptionLine(Model):
    """One caption line of a clip: its text, shown from startTime to endTime (inside one of the clip's ranges)."""

    model_config = ConfigDict(extra="forbid")

    startTime: Timestamp
    endTime: Timestamp
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CAPTION_CHARACTERS)]


class ReviewClipRequest(Model):
    """A producer's review (status, hook) and/or edit of the clip's shape (ranges, caption lines, or back to
    the agent's proposal); an empty body is refused."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus | None = None
    hook: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    segments: list[ClipRange] | None = Field(
        None,
        min_length=1,
        max_length=MAX_CLIP_RANGES,
        description="The clip's ranges: in order, not overlapping, inside the transcript, within the tenant's"
        " clip_seconds_max in total. Caption lines outside them are cut to them, unless captions are sent too",
    )
    captions: list[CaptionLine] | None = Field(
        None,
        max_length=MAX_CAPTION_LINES,
        description="The clip's caption lines, in order of startTime, each inside one of the clip's ranges",
    )
    reset: bool | None = Field(None, description="true: back to the agent's proposal (`proposed`)")
    expectedRevision: int | None = Field(
        None, ge=0, description="The revision the edit was made on: 409 when the clip has moved on since"
    )

    @model_validator(mode="after")
    def something_to_change(self) -> ReviewClipRequest:
        if self.reset and (self.segments is not None or self.captions is not None):
            raise ValueError("reset returns to the proposal: send it without segments or captions")
        if self.status is None and self.hook is None and not self.shapes():
            raise ValueError("send a status, a hook, segments, captions or reset")
        return self

    def shapes(self) -> bool:
        """Whether the request changes what a render of the clip shows (a new revision)."""
        return bool(self.reset) or self.segments is not None or self.captions is not None


class RenderRequest(Model):
    model_config = ConfigDict(extra="forbid")

    format: RenderFormat = Field("vertical", description="vertical 1080x1920, landscape 1920x1080, square 1080x1080")
    captions: bool = Field(True, description="Burn in the clip's caption lines")
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = Field(
        None, description="Default: the first Processed track"
    )


class RenderAccepted(Model):
    renderId: str
    revision: int = Field(0, description="The clip's revision the render shows")
    format: RenderFormat
    captions: bool
    trackName: str
    status: RenderStatus


class RenderView(Model):
    renderId: str
    revision: int = Field(0, description="The clip's revision the render shows (earlier ones stay listed)")
    format: RenderFormat
    captions: bool
    trackName: str
    status: RenderStatus
    width: int
    height: int
    durationSeconds: float
    sizeBytes: int | None = None
    failureReason: str | None = None
    downloadUrl: str | None = Field(None, description="Presigned GET (15 min), only when Rendered")
