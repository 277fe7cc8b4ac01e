"""Clip review and rendering: the request and answer models of those routes.

Same rules as `models`: requests forbid unknown fields, and the OpenAPI document is generated
from these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from handlers.contract import (
    CLIP_TIMESTAMP_PATTERN,
    MAX_CAPTION_CHARACTERS,
    MAX_CAPTION_LINES,
    MAX_CLIP_RANGES,
    CaptionStyle,
    RenderFormat,
    RenderStatus,
    ReviewStatus,
)
from handlers.core.models.base import Model
from handlers.core.models.episodes import SpeakerName

Timestamp = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CLIP_TIMESTAMP_PATTERN)]
"""A moment of the episode as clips name it: `HH:MM:SS,mmm`."""
RenderLayout = Literal["speaker", "single"]


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
    speaker: SpeakerName | None = Field(None, description="Who says it: a speaker-layout render cuts to their track")


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


def classic_before_styles(value: object) -> object:
    """A render recorded before caption styles had classic captions, if any."""
    if isinstance(value, dict) and value.get("captions") and not value.get("captionStyle"):
        return {**value, "captionStyle": "classic"}
    return value


class RenderRequest(Model):
    model_config = ConfigDict(extra="forbid")

    format: RenderFormat = Field("vertical", description="vertical 1080x1920, landscape 1920x1080, square 1080x1080")
    captions: bool = Field(True, description="Burn in the clip's caption lines")
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = Field(
        None, description="Default: the first Processed track. With layout speaker: the main track"
    )
    layout: RenderLayout | None = Field(
        None,
        description="speaker: each range cut to the track of whoever speaks (the main track where no track names"
        " the speaker); single: the one track. Default: speaker when a track of the episode names speakers",
    )
    captionStyle: CaptionStyle | None = Field(
        None,
        description="social: one to three words at a time, large and bold, above the bottom fifth; classic: one or"
        " two lines of the caption. Default: social for vertical, classic otherwise. Only with captions",
    )

    @model_validator(mode="after")
    def style_needs_captions(self) -> RenderRequest:
        if self.captionStyle is not None and not self.captions:
            raise ValueError("captionStyle styles burned-in captions: send it without captions false")
        return self


class RenderPiece(Model):
    """A part of the clip's ranges and the track that shows it (speaker layout)."""

    trackName: str
    startTime: str
    endTime: str


class RenderAccepted(Model):
    renderId: str
    revision: int = Field(0, description="The clip's revision the render shows")
    format: RenderFormat
    captions: bool
    captionStyle: CaptionStyle | None = Field(None, description="How the captions look; null without captions")
    trackName: str
    layout: RenderLayout = "single"
    pieces: list[RenderPiece] | None = Field(None, description="speaker layout: the pieces, in order, one input each")
    fallbacks: list[str] | None = Field(
        None, description="Why pieces show the main track although a track names their speaker"
    )
    status: RenderStatus

    @model_validator(mode="before")
    @classmethod
    def recorded_before_styles(cls, value: object) -> object:
        return classic_before_styles(value)


class CropView(Model):
    X: int
    Y: int
    Width: int
    Height: int


class PieceFraming(Model):
    """Where a vertical or square render's input (a piece, or the whole single-layout track) is cropped."""

    crop: CropView | None = Field(None, description="The window of the track's frame shown, in pixels")
    framedOn: Literal["face", "centre"] = Field(
        description="`face`: centred on the most prominent face of the piece's frames; `centre`: none was found"
    )
    reason: str | None = Field(None, description="Why the faces were not looked for, when they were not")


class RenderView(Model):
    renderId: str
    revision: int = Field(0, description="The clip's revision the render shows (earlier ones stay listed)")
    format: RenderFormat
    captions: bool
    captionStyle: CaptionStyle | None = Field(None, description="How the captions look; null without captions")
    trackName: str
    layout: RenderLayout = "single"
    pieces: list[RenderPiece] | None = None
    fallbacks: list[str] | None = None
    programAudioTrack: str | None = Field(None, description="The track whose audio the render plays throughout")
    status: RenderStatus
    width: int
    height: int
    durationSeconds: float
    sizeBytes: int | None = None
    failureReason: str | None = None
    downloadUrl: str | None = Field(None, description="Presigned GET (15 min), only when Rendered")
    framing: list[PieceFraming] | None = Field(
        None, description="Vertical and square renders, once framed: one entry per input (piece) of the render"
    )

    @model_validator(mode="before")
    @classmethod
    def recorded_before_styles(cls, value: object) -> object:
        return classic_before_styles(value)
