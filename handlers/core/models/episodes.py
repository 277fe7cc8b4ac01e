"""Pydantic models of the REST API's episodes: request bodies, query strings and answers (and its errors).

The upload routes' models are in `upload_models`, the clips' in `clip_models` and `render_models`:
each function builds only its own area's classes.

They are the single source of the API's shape: handlers validate with them and the OpenAPI
document that API Gateway imports (and the local stack serves) is generated from them.
Field names are the API's JSON names (camelCase), hence no aliases.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from handlers.contract import TrackStatus, TranscriptStatus
from handlers.core.models.base import ApiModel, Model

Platform = Literal["linkedin live", "X", "twitch", "youtube"]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
EpisodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]


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
    uploadId: str | None = Field(None, description="The multipart upload this track was completed from")
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
