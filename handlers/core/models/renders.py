"""Clip review and rendering: the request and answer models of those routes.

Same rules as `models`: requests forbid unknown fields, and the OpenAPI document is generated
from these classes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from handlers.contract import RenderFormat, RenderStatus, ReviewStatus
from handlers.core.models.base import Model


class ReviewClipRequest(Model):
    """A producer's review: a status, a better hook, or both (an empty body is refused)."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus | None = None
    hook: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def something_to_change(self) -> ReviewClipRequest:
        if self.status is None and self.hook is None:
            raise ValueError("send a status, a hook, or both")
        return self


class RenderRequest(Model):
    model_config = ConfigDict(extra="forbid")

    format: RenderFormat = Field("vertical", description="vertical 1080x1920, landscape 1920x1080, square 1080x1080")
    captions: bool = Field(True, description="Burn in the captions of the transcript the clip came from")
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = Field(
        None, description="Default: the first Processed track"
    )


class RenderAccepted(Model):
    renderId: str
    format: RenderFormat
    captions: bool
    trackName: str
    status: RenderStatus


class RenderView(Model):
    renderId: str
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
