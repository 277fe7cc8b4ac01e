"""Events NullCheck publishes and listens to: names and detail shapes shared by publishers, rules and handlers.

The names live in `handlers.contract` (the catalog imports only those); re-exported here.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from handlers.contract import (
    CHUNKS_JOB,
    FRAMES_JOB,
    JOB_KIND,
    MEDIACONVERT_SOURCE,
    MEDIACONVERT_STATE_CHANGE,
    RENDER_JOB,
    S3_OBJECT_CREATED,
    S3_SOURCE,
    SOURCE,
    TENANT_PATTERN,
    TRACK_UPLOAD_COMPLETING,
    VIDEO_UPLOAD_COMPLETED,
)
from handlers.core.models.base import Model

__all__ = [
    "CHUNKS_JOB",
    "FRAMES_JOB",
    "JOB_KIND",
    "MEDIACONVERT_SOURCE",
    "MEDIACONVERT_STATE_CHANGE",
    "RENDER_JOB",
    "S3_OBJECT_CREATED",
    "S3_SOURCE",
    "SOURCE",
    "TRACK_UPLOAD_COMPLETING",
    "VIDEO_UPLOAD_COMPLETED",
]


AttemptId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,64}$")]
TenantId = Annotated[str, StringConstraints(pattern=TENANT_PATTERN)]


class VideoUploadCompleted(Model):
    """Detail of `Video Upload Completed`: a track's object is complete in the bucket.

    `attemptId` names this upload of the track: a retried track is a new attempt, so an event
    (or a job) of an earlier attempt never touches the new one. `tenantId` scopes it: the
    episode is looked up in that tenant only.
    """

    tenantId: TenantId
    episodeId: str
    trackName: str
    attemptId: AttemptId
    key: str


class TrackUploadCompleting(Model):
    """Detail of `Track Upload Completing`: S3 was still assembling this upload when its request had to answer.

    `partsKey` names the object holding the part list the client sent (10,000 parts do not fit an event).
    """

    tenantId: TenantId
    episodeId: str
    trackName: str
    attemptId: AttemptId
    uploadId: str
    key: str
    partsKey: str


class VideoDetails(Model):
    widthInPx: int | None = None
    heightInPx: int | None = None


class OutputDetail(Model):
    outputFilePaths: list[str] = []
    durationInMs: int | None = None
    videoDetails: VideoDetails | None = None


class InputVideo(Model):
    """One video stream of an input, as `INPUT_INFORMATION` reports it."""

    frameRate: float | None = None
    width: int | None = None
    height: int | None = None


class InputDetail(Model):
    id: int | None = None
    uri: str | None = None
    video: list[InputVideo] = []


class OutputGroupDetail(Model):
    type: str | None = None
    playlistFilePaths: list[str] = []
    outputDetails: list[OutputDetail] = []


class JobStateChange(Model):
    """Detail of `MediaConvert Job State Change` (the fields NullCheck reads)."""

    jobId: str
    status: str
    userMetadata: dict[str, str] = {}
    outputGroupDetails: list[OutputGroupDetail] = []
    inputDetails: list[InputDetail] = []
    errorCode: int | None = None
    errorMessage: str | None = None
