"""Pydantic models of the REST API: request bodies, query strings and answers.

They are the single source of the API's shape: handlers validate with them and the OpenAPI
document that API Gateway imports (and the local stack serves) is generated from them.
Field names are the API's JSON names (camelCase), hence no aliases.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from handlers.core.model_base import Model
from handlers.core.render_models import RenderView
from handlers.core.statuses import TrackStatus, TranscriptStatus

Platform = Literal["linkedin live", "X", "twitch", "youtube"]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
EpisodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class ApiModel(Model):
    """Request models reject unknown fields, so a typo is a 400 instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorResponse(Model):
    message: str = Field(description="What was wrong with the request")


class CreateEpisodeRequest(ApiModel):
    title: NonEmptyText
    episodeNumber: Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
    summary: Annotated[str, Field(max_length=5000)] | None = None
    airDate: date | datetime | None = Field(None, description="ISO-8601 date or date-time")
    platforms: Annotated[list[Platform], Field(max_length=4)] = []
    themes: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=20)] = []
    seriesName: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class CreateEpisodeResponse(Model):
    id: str


class ListEpisodesQuery(ApiModel):
    limit: Annotated[int, Field(ge=1, le=20)] = 20
    nextToken: Annotated[str, Field(min_length=1, max_length=2048)] | None = None


class EpisodeSummary(Model):
    id: str
    title: str
    status: str
    airDate: str | None = None
    platforms: list[str] | None = None


class EpisodeList(Model):
    items: list[EpisodeSummary]
    count: int
    nextToken: str | None = None


class SegmentView(Model):
    key: str
    seq: int
    duration: float
    start: float
    end: float


class TrackView(Model):
    trackName: str
    status: TrackStatus
    segmentCount: int | None = None
    totalDurationSeconds: float | None = None
    failureReason: str | None = None
    manifestKey: str | None = None
    segments: list[SegmentView] | None = Field(None, description="The HLS chunks, once processed")


class EpisodeDetail(Model):
    id: str
    title: str
    episodeNumber: int
    status: str
    summary: str | None = None
    airDate: str | None = None
    platforms: list[str] = []
    themes: list[str] = []
    seriesName: str | None = None
    numTracks: int = 0
    transcriptKey: str | None = Field(None, description="The newest transcript uploaded")
    transcriptStatus: TranscriptStatus | None = None
    transcriptError: str | None = Field(None, description="Why the newest transcript is Invalid: what to fix")
    clipsTranscriptKey: str | None = Field(None, description="The transcript the proposed clips come from")
    agentSummary: str | None = Field(None, description="The clip agent's summary of the episode")
    clipCount: int = 0
    createdAt: datetime
    updatedAt: datetime
    tracks: list[TrackView] = []


PrintableName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x20-\x7E]+$")]
UploadId = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
PartNumber = Annotated[int, Field(strict=True, ge=1, le=10_000)]


class TranscriptUploadRequest(ApiModel):
    filename: PrintableName | None = Field(None, description="Stored as object metadata `filename`")


class TranscriptUpload(Model):
    key: str
    uploadUrl: str
    expiresAt: datetime
    requiredHeaders: dict[str, str] | None = None


class StartTrackUploadRequest(ApiModel):
    filename: PrintableName
    trackName: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TrackUploadSession(Model):
    key: str
    uploadId: str
    trackName: str = Field(description="The sanitised track name to use in the part and complete paths")
    expiresAt: datetime
    requiredHeaders: dict[str, str]


class PresignPartsRequest(ApiModel):
    uploadId: UploadId
    partNumbers: Annotated[list[PartNumber], Field(min_length=1, max_length=1000)]


class PartUrl(Model):
    partNumber: int
    url: str


class PartUrls(Model):
    urls: list[PartUrl]
    expiresAt: datetime = Field(description="The upload session now lives until then; signing more parts extends it")


class CompletedPart(ApiModel):
    # Real ETags are quoted hex (optionally "-N"); printable ASCII keeps the S3 request valid XML.
    ETag: Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[\x20-\x7E]+$")]
    PartNumber: PartNumber


class CompleteTrackUploadRequest(ApiModel):
    uploadId: UploadId
    parts: Annotated[
        list[CompletedPart],
        Field(
            min_length=1,
            max_length=10_000,
            description="Every part of the upload once, numbered 1 to n (in any order)",
            json_schema_extra={"uniqueItems": True},
        ),
    ]

    @field_validator("parts")
    @classmethod
    def numbered_one_to_n(cls, parts: list[CompletedPart]) -> list[CompletedPart]:
        """S3 would complete an object from parts 1, 3 (or 1, 1): refuse duplicates and gaps here."""
        numbers = sorted(part.PartNumber for part in parts)
        duplicate = next((a for a, b in pairwise(numbers) if a == b), None)
        if duplicate is not None:
            raise ValueError(f"part {duplicate} is listed more than once")
        missing = next((n for n, seen in enumerate(numbers, start=1) if n != seen), None)
        if missing is not None:
            raise ValueError(f"parts must be numbered 1 to {len(numbers)}: part {missing} is missing")
        return parts


class CompletedTrackUpload(Model):
    key: str
    trackName: str


class ClipSegmentView(Model):
    startTime: str
    endTime: str
    text: str
    speaker: str | None = None


class ClipView(Model):
    clipId: str
    clipType: str
    status: str
    hook: str
    summary: str
    totalDurationSeconds: float
    segments: list[ClipSegmentView]
    bRollSuggestions: list[str] = []
    confidence: float | None = None
    transcriptKey: str | None = Field(None, description="The transcript the clip was proposed from")
    fromEarlierTranscript: bool = Field(
        False, description="Kept (approved) from a transcript the episode has since replaced"
    )
    renders: list[RenderView] = []
    createdAt: datetime


class ClipList(Model):
    items: list[ClipView]
