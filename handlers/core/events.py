"""Events NullCheck publishes and listens to: names and detail shapes shared by publishers, rules and handlers.

Plain pydantic, so the catalog (and through it the Pulumi program) can import the names.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

SOURCE = "nullcheck"
VIDEO_UPLOAD_COMPLETED = "Video Upload Completed"
MEDIACONVERT_SOURCE = "aws.mediaconvert"
MEDIACONVERT_STATE_CHANGE = "MediaConvert Job State Change"
JOB_KIND = "kind"
"""UserMetadata key telling NullCheck's two kinds of MediaConvert job apart (rules filter on it)."""
CHUNKS_JOB, RENDER_JOB = "chunks", "render"
S3_SOURCE = "aws.s3"
S3_OBJECT_CREATED = "Object Created"


AttemptId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{1,64}$")]
TenantId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]


class VideoUploadCompleted(BaseModel):
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


class VideoDetails(BaseModel):
    widthInPx: int | None = None
    heightInPx: int | None = None


class OutputDetail(BaseModel):
    outputFilePaths: list[str] = []
    durationInMs: int | None = None
    videoDetails: VideoDetails | None = None


class InputVideo(BaseModel):
    """One video stream of an input, as `INPUT_INFORMATION` reports it."""

    frameRate: float | None = None
    width: int | None = None
    height: int | None = None


class InputDetail(BaseModel):
    id: int | None = None
    uri: str | None = None
    video: list[InputVideo] = []


class OutputGroupDetail(BaseModel):
    type: str | None = None
    playlistFilePaths: list[str] = []
    outputDetails: list[OutputDetail] = []


class JobStateChange(BaseModel):
    """Detail of `MediaConvert Job State Change` (the fields NullCheck reads)."""

    jobId: str
    status: str
    userMetadata: dict[str, str] = {}
    outputGroupDetails: list[OutputGroupDetail] = []
    inputDetails: list[InputDetail] = []
    errorCode: int | None = None
    errorMessage: str | None = None
