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

from pydantic import Field, StringConstraints, model_validator

from handlers.contract import TrackStatus, TranscriptStatus
from handlers.core.models.base import ApiModel, Model

Platform = Literal["linkedin live", "X", "twitch", "youtube"]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
EpisodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]
SpeakerName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\x00-\x1F\x7F]+$")
]
"""A person as a transcript's cues label them (`NAME: text`); matched trimmed and case-insensitively."""
MAX_TRACK_SPEAKERS = 10
Speakers = Annotated[list[SpeakerName], Field(max_length=MAX_TRACK_SPEAKERS)]


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
    speakers: list[str] | None = Field(
        None, description="The people the track shows, as the transcript's cues name them"
    )
    programAudio: bool | None = Field(
        None, description="true: its audio plays under every piece of a speaker-layout render"
    )


class UpdateTrackRequest(ApiModel):
    """Who a track shows and whether its audio is the episode's program audio; an empty body is refused."""

    speakers: Speakers | None = Field(
        None,
        description="The people the track shows (at most 10; [] for none), matched trimmed and case-insensitively"
        " to the transcript's cue labels (`NAME: text`): a speaker-layout render cuts to this track while they speak",
    )
    programAudio: bool | None = Field(
        None,
        description="true: every piece of a speaker-layout render plays this track's audio (another track that"
        " was the program audio no longer is); false: each piece plays its own track's audio",
    )

    @model_validator(mode="after")
    def something_to_change(self) -> UpdateTrackRequest:
        if self.speakers is None and self.programAudio is None:
            raise ValueError("send speakers and/or programAudio")
        return self


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
