"""Every NullCheck function, declared once.

Plain data, importable without boto3 or pulumi. Three readers and no second copy:
`components/` builds each entry's Lambda, role, log group and trigger from it; the OpenAPI
document is generated from its routes; `local/` routes HTTP requests and events to the same
handlers. Grants are abstract (a stack resource and actions); components resolve them to ARNs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from handlers import contract as events

if TYPE_CHECKING:
    from pydantic import BaseModel


class Resource(StrEnum):
    """Stack resources a function can be granted access to."""

    TABLE = "table"
    TABLE_INDEXES = "table-indexes"
    BUCKET = "bucket"
    BUCKET_OBJECTS = "bucket-objects"
    DEFAULT_EVENT_BUS = "default-event-bus"
    AGENT_MEMORY = "agent-memory"
    MEDIACONVERT = "mediaconvert"
    MEDIACONVERT_ROLE = "mediaconvert-role"
    FOUNDATION_MODELS = "foundation-models"
    USER_POOLS = "user-pools"
    """The account's user pools in this region, narrowed by a tag condition: a trigger's own pool
    cannot be named (the pool needs the function's ARN first, the function's role the pool's)."""
    INFERENCE_PROFILES = "inference-profiles"
    FACE_DETECTION = "face-detection"
    """Rekognition's DetectFaces: the action has no resource type, so "*" is all IAM accepts for it."""
    CURSOR_KEY = "cursor-key"
    """The SecureString parameter holding the pagination cursor's key (read with GetParameter at run time)."""


class Env(StrEnum):
    """Environment variables a function can ask for (ORIGIN is given to every function)."""

    TABLE_NAME = "TABLE_NAME"
    BUCKET_NAME = "BUCKET_NAME"
    CURSOR_KEY_PARAMETER = "CURSOR_KEY_PARAMETER"
    """Name and version (`name:version`) of the cursor key's parameter: the key itself is never in the environment."""
    MEMORY_ID = "MEMORY_ID"
    MODEL_ID = "MODEL_ID"
    MEDIACONVERT_ROLE_ARN = "MEDIACONVERT_ROLE_ARN"
    CHUNK_SECONDS = "CHUNK_SECONDS"
    TENANT_LIMITS = "TENANT_LIMITS"
    """What one tenant may start (JSON; `handlers.contract.TENANT_LIMIT_DEFAULTS` names the limits)."""
    CAPTION_FONTS = "CAPTION_FONTS"
    """The social captions' four TrueType files (JSON of `s3://` URIs under `assets/fonts/`), which MediaConvert
    reads with its role."""
    APP_CLIENT_IDS = "APP_CLIENT_IDS"
    """The stack's app client ids, comma-separated: the only `aud` of an ID token the API accepts (the user pools
    authorizer accepts any client of the pool). Given to every API function (`Function.env`)."""


@dataclass(frozen=True)
class Grant:
    resource: Resource
    actions: tuple[str, ...]
    condition: dict[str, dict[str, str]] | None = None
    """An IAM condition block narrowing the grant further."""


@dataclass(frozen=True)
class Route:
    """An API Gateway route (REST API, Lambda proxy integration)."""

    method: str
    path: str
    summary: str
    response: str | None
    """The response model as `module.Class` under `handlers.core.models`; None for an answer without a body (204)."""
    success_status: int = 200
    also_success: tuple[int, ...] = ()
    """Other statuses answering with the same model (202: accepted, still at work)."""
    request: str | None = None
    query: str | None = None
    request_body_required: bool = True
    error_statuses: tuple[int, ...] = (400,)

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.path.split("/") if part.startswith("{"))

    @property
    def response_model(self) -> type[BaseModel] | None:
        return _model(self.response)

    @property
    def request_model(self) -> type[BaseModel] | None:
        return _model(self.request)

    @property
    def query_model(self) -> type[BaseModel] | None:
        return _model(self.query)


def _model(reference: str | None) -> type[BaseModel] | None:
    """The model a route names, imported on first use.

    Names, not classes: a handler imports the catalog to find its own route, and importing every
    route's models (and pydantic's schema building for each) would be paid by every cold start.
    """
    if reference is None:
        return None
    module, name = reference.rsplit(".", 1)
    model: type[BaseModel] = getattr(importlib.import_module(f"handlers.core.models.{module}"), name)
    return model


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule on the default bus. `bucket_scoped` adds this stack's bucket name."""

    description: str
    pattern: dict[str, Any]
    bucket_scoped: bool = False

    def pattern_for(self, bucket_name: str | None = None) -> dict[str, Any]:
        if not self.bucket_scoped:
            return self.pattern
        if not bucket_name:
            raise ValueError("a bucket-scoped rule needs the bucket name")
        detail = {**self.pattern.get("detail", {}), "bucket": {"name": [bucket_name]}}
        return {**self.pattern, "detail": detail}


@dataclass(frozen=True)
class CognitoTrigger:
    """A user pool Lambda trigger (invoked synchronously by Cognito); deployed with self sign-up."""

    source: str
    """The `lambda_config` slot, e.g. `post_confirmation`."""


USER_POOL_TAG = ("nullcheck:user-pool", "tenants")
"""The tag on NullCheck's user pools; trigger grants are conditioned on it."""


@dataclass(frozen=True)
class Function:
    name: str
    handler: str
    description: str
    trigger: Route | EventRule | CognitoTrigger
    grants: tuple[Grant, ...] = ()
    env: tuple[Env, ...] = ()
    timeout_seconds: int | None = None
    memory_mb: int | None = None

    def __post_init__(self) -> None:
        # Every API function checks the caller's token audience: declared here once, not in each entry.
        if isinstance(self.trigger, Route) and Env.APP_CLIENT_IDS not in self.env:
            object.__setattr__(self, "env", (*self.env, Env.APP_CLIENT_IDS))

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]


TRANSCRIPT_CREATED = {
    "source": [events.S3_SOURCE],
    "detail-type": [events.S3_OBJECT_CREATED],
    # Transcripts only: a render's cleaned caption file is an .srt too, under renders/.
    "detail": {"object": {"key": [{"wildcard": "media/*/transcripts/*.srt"}]}},
}

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="create-episode",
        handler="handlers.api.create_episode.lambda_handler",
        description="POST /episodes: create an episode in Draft",
        trigger=Route(
            "POST",
            "/episodes",
            "Create an episode",
            "episodes.CreateEpisodeResponse",
            success_status=201,
            error_statuses=(400, 429),
            request="episodes.CreateEpisodeRequest",
        ),
        grants=(
            # The episode, and the tenant's count of episodes today (UpdateItem).
            Grant(Resource.TABLE, ("dynamodb:PutItem", "dynamodb:UpdateItem")),
        ),
        env=(Env.TABLE_NAME, Env.TENANT_LIMITS),
    ),
    Function(
        name="list-episodes",
        handler="handlers.api.list_episodes.lambda_handler",
        description="GET /episodes: newest first, encrypted cursor",
        trigger=Route(
            "GET",
            "/episodes",
            "List episodes, newest first",
            "episodes.EpisodeList",
            query="episodes.ListEpisodesQuery",
        ),
        grants=(
            Grant(Resource.TABLE_INDEXES, ("dynamodb:Query",)),
            # The cursor key, once per execution environment (AWS's managed aws/ssm key decrypts it for the caller).
            Grant(Resource.CURSOR_KEY, ("ssm:GetParameter",)),
        ),
        env=(Env.TABLE_NAME, Env.CURSOR_KEY_PARAMETER),
    ),
    Function(
        name="get-episode",
        handler="handlers.api.get_episode.lambda_handler",
        description="GET /episodes/{episodeId}: episode with tracks, transcript state and clip count",
        trigger=Route(
            "GET",
            "/episodes/{episodeId}",
            "Get one episode",
            "episodes.EpisodeDetail",
            error_statuses=(404,),
        ),
        grants=(Grant(Resource.TABLE, ("dynamodb:Query",)),),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="request-transcript-upload",
        handler="handlers.api.request_transcript_upload.lambda_handler",
        description="POST /episodes/{episodeId}/transcripts: presigned POST (at most 10 MiB), reused while valid",
        trigger=Route(
            "POST",
            "/episodes/{episodeId}/transcripts",
            "Get an upload URL for the episode's transcript",
            "uploads.TranscriptUpload",
            success_status=201,
            request="uploads.TranscriptUploadRequest",
            request_body_required=False,
            error_statuses=(404, 429),
        ),
        grants=(
            # The URL record; the episode's count of transcript uploads (UpdateItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
            Grant(Resource.BUCKET_OBJECTS, ("s3:PutObject",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.TENANT_LIMITS),
    ),
    Function(
        name="start-track-upload",
        handler="handlers.api.start_track_upload.lambda_handler",
        description="POST /episodes/{episodeId}/tracks: open a multipart upload for a video track",
        trigger=Route(
            "POST",
            "/episodes/{episodeId}/tracks",
            "Start uploading a video track",
            "uploads.TrackUploadSession",
            request="uploads.StartTrackUploadRequest",
            error_statuses=(404, 409, 429),
        ),
        grants=(
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:PutItem")),
            # CreateMultipartUpload and AbortMultipartUpload are authorised as these two actions.
            Grant(Resource.BUCKET_OBJECTS, ("s3:PutObject", "s3:AbortMultipartUpload")),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.TENANT_LIMITS),
    ),
    Function(
        name="presign-track-parts",
        handler="handlers.api.presign_track_parts.lambda_handler",
        description="POST /episodes/{episodeId}/tracks/{trackName}/parts: presigned part URLs",
        trigger=Route(
            "POST",
            "/episodes/{episodeId}/tracks/{trackName}/parts",
            "Get upload URLs for parts of a track",
            "uploads.PartUrls",
            request="uploads.PresignPartsRequest",
            error_statuses=(404,),
        ),
        grants=(
            # Signing parts extends the upload session (UpdateItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:UpdateItem")),
            # UploadPart, which the URLs sign, is authorised as s3:PutObject.
            Grant(Resource.BUCKET_OBJECTS, ("s3:PutObject",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="list-track-parts",
        handler="handlers.api.list_track_parts.lambda_handler",
        description="GET /episodes/{episodeId}/tracks/{trackName}/parts: the parts of the open upload, to resume it",
        trigger=Route(
            "GET",
            "/episodes/{episodeId}/tracks/{trackName}/parts",
            "List the uploaded parts of a track's open upload",
            "uploads.UploadedParts",
            query="uploads.TrackPartsQuery",
            error_statuses=(404, 409),
        ),
        grants=(
            # The session (and, for an upload that is no longer open, the track).
            Grant(Resource.TABLE, ("dynamodb:GetItem",)),
            # ListParts is authorised as s3:ListMultipartUploadParts.
            Grant(Resource.BUCKET_OBJECTS, ("s3:ListMultipartUploadParts",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="complete-track-upload",
        handler="handlers.api.complete_track_upload.lambda_handler",
        description="POST /episodes/{episodeId}/tracks/{trackName}/complete: record and announce the track",
        trigger=Route(
            "POST",
            "/episodes/{episodeId}/tracks/{trackName}/complete",
            "Complete a track upload",
            "uploads.CompletedTrackUpload",
            request="uploads.CompleteTrackUploadRequest",
            also_success=(202,),
            error_statuses=(404, 409, 429),
        ),
        grants=(
            Grant(
                Resource.TABLE,
                # The tenant's chunking slots are read with Query, taken with PutItem, given back with DeleteItem.
                (
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                ),
            ),
            # CompleteMultipartUpload is authorised as s3:PutObject; a retry of a failed track deletes
            # the failed attempt's upload (if its key differs) and chunks (DeleteObjects per key).
            Grant(Resource.BUCKET_OBJECTS, ("s3:PutObject", "s3:DeleteObject")),
            # Listing the failed attempt's chunk folder.
            Grant(Resource.BUCKET, ("s3:ListBucket",)),
            Grant(Resource.DEFAULT_EVENT_BUS, ("events:PutEvents",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.TENANT_LIMITS),
    ),
    Function(
        name="delete-track",
        handler="handlers.api.delete_track.lambda_handler",
        description="DELETE /episodes/{episodeId}/tracks/{trackName}: remove a track, its upload and chunks",
        trigger=Route(
            "DELETE",
            "/episodes/{episodeId}/tracks/{trackName}",
            "Delete a track (or abort its open upload)",
            None,
            success_status=204,
            error_statuses=(404, 409),
        ),
        grants=(
            # Episode, track and session reads; the track and session deleted, the episode's count.
            # The track's chunking slot, if it still holds one, is found with Query and given back (DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:Query")),
            # The upload object and the chunks (DeleteObjects per key); an open upload aborted.
            Grant(Resource.BUCKET_OBJECTS, ("s3:DeleteObject", "s3:AbortMultipartUpload")),
            # Listing the attempt's chunk folder.
            Grant(Resource.BUCKET, ("s3:ListBucket",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="update-track",
        handler="handlers.api.update_track.lambda_handler",
        description="PATCH /episodes/{episodeId}/tracks/{trackName}: the people a track shows, program audio",
        trigger=Route(
            "PATCH",
            "/episodes/{episodeId}/tracks/{trackName}",
            "Name the people a track shows (speaker-layout renders cut to them) and/or make it the program audio",
            "episodes.TrackView",
            request="episodes.UpdateTrackRequest",
            error_statuses=(400, 404, 409),
        ),
        grants=(
            # The episode and track read, the episode's tracks queried (the program audio), the tracks updated
            # in one transaction (TransactWriteItems is authorised per item as UpdateItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem")),
        ),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="list-clips",
        handler="handlers.api.list_clips.lambda_handler",
        description="GET /episodes/{episodeId}/clips: the clips proposed for the episode",
        trigger=Route(
            "GET",
            "/episodes/{episodeId}/clips",
            "List the episode's proposed clips",
            "clips.ClipList",
            error_statuses=(404,),
        ),
        grants=(Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:Query")),),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="finish-track-upload",
        handler="handlers.events.finish_track_upload.lambda_handler",
        description="Track Upload Completing: complete a large multipart upload, then the track moves on",
        trigger=EventRule(
            "A track's upload took longer to complete than its request could wait",
            {"source": [events.SOURCE], "detail-type": [events.TRACK_UPLOAD_COMPLETING]},
        ),
        grants=(
            # The track moves on (UpdateItem); a refused upload gives back its chunking slot (Query, DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem")),
            # The part list (GetObject, then DeleteObject); CompleteMultipartUpload is authorised as PutObject.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")),
            Grant(Resource.DEFAULT_EVENT_BUS, ("events:PutEvents",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
        # S3 documents that completing a large upload can take minutes.
        timeout_seconds=900,
    ),
    Function(
        name="start-preprocessing",
        handler="handlers.events.start_preprocessing.lambda_handler",
        description="Video Upload Completed: create the track's MediaConvert HLS job, once",
        trigger=EventRule(
            "A track's upload completed",
            {"source": [events.SOURCE], "detail-type": [events.VIDEO_UPLOAD_COMPLETED]},
        ),
        grants=(
            Grant(Resource.TABLE, ("dynamodb:UpdateItem",)),
            Grant(Resource.MEDIACONVERT, ("mediaconvert:CreateJob",)),
            Grant(
                Resource.MEDIACONVERT_ROLE,
                ("iam:PassRole",),
                {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}},
            ),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.MEDIACONVERT_ROLE_ARN, Env.CHUNK_SECONDS),
    ),
    Function(
        name="preprocessing-completed",
        handler="handlers.events.preprocessing_completed.lambda_handler",
        description="MediaConvert COMPLETE: index the HLS segments onto the track",
        trigger=EventRule(
            "A chunking job completed",
            {
                "source": [events.MEDIACONVERT_SOURCE],
                "detail-type": [events.MEDIACONVERT_STATE_CHANGE],
                "detail": {"status": ["COMPLETE"], "userMetadata": {events.JOB_KIND: [events.CHUNKS_JOB]}},
            },
        ),
        grants=(
            # The track is read first: a late COMPLETE of a replaced or deleted attempt reads no chunks.
            # The job has ended: its chunking slot is found (Query) and given back (DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem")),
            # The playlists and the first chunk's head are read; the keyframe index is written beside the chunks.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject", "s3:PutObject")),
            Grant(Resource.BUCKET, ("s3:ListBucket",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="preprocessing-failed",
        handler="handlers.events.preprocessing_failed.lambda_handler",
        description="MediaConvert ERROR or CANCELED: mark the track ProcessingFailed with the reason",
        trigger=EventRule(
            "A chunking job failed",
            {
                "source": [events.MEDIACONVERT_SOURCE],
                "detail-type": [events.MEDIACONVERT_STATE_CHANGE],
                "detail": {"status": ["ERROR", "CANCELED"], "userMetadata": {events.JOB_KIND: [events.CHUNKS_JOB]}},
            },
        ),
        grants=(
            # The job has ended: its chunking slot is found (Query) and given back (DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem")),
        ),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="transcript-added",
        handler="handlers.events.transcript_added.lambda_handler",
        description="S3 Object Created (.srt): record the episode's transcript",
        trigger=EventRule(
            "An SRT transcript landed in the bucket",
            TRANSCRIPT_CREATED,
            bucket_scoped=True,
        ),
        grants=(Grant(Resource.TABLE, ("dynamodb:UpdateItem", "dynamodb:DeleteItem")),),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="detect-clips",
        handler="handlers.agents.detect_clips.lambda_handler",
        description="S3 Object Created (.srt): the clip detector agent proposes clips, once per transcript",
        trigger=EventRule("An SRT transcript landed in the bucket", TRANSCRIPT_CREATED, bucket_scoped=True),
        grants=(
            # Episode, clips, series statistics and the idempotency records.
            Grant(
                Resource.TABLE,
                (
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                ),
            ),
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject",)),
            Grant(Resource.AGENT_MEMORY, ("bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents")),
            Grant(Resource.FOUNDATION_MODELS, ("bedrock:InvokeModel",)),
            Grant(Resource.INFERENCE_PROFILES, ("bedrock:ListInferenceProfiles",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.MEMORY_ID, Env.MODEL_ID, Env.TENANT_LIMITS),
        timeout_seconds=300,
    ),
    Function(
        name="track-source-details",
        handler="handlers.events.track_source_details.lambda_handler",
        description="MediaConvert INPUT_INFORMATION: record the track's frame rate and size (renders cut by frame)",
        trigger=EventRule(
            "A chunking job read its input",
            {
                "source": [events.MEDIACONVERT_SOURCE],
                "detail-type": [events.MEDIACONVERT_STATE_CHANGE],
                "detail": {"status": ["INPUT_INFORMATION"], "userMetadata": {events.JOB_KIND: [events.CHUNKS_JOB]}},
            },
        ),
        grants=(Grant(Resource.TABLE, ("dynamodb:UpdateItem",)),),
        env=(Env.TABLE_NAME,),
    ),
    Function(
        name="get-clip",
        handler="handlers.api.get_clip.lambda_handler",
        description="GET /episodes/{episodeId}/clips/{clipId}: one clip with its renders",
        trigger=Route(
            "GET",
            "/episodes/{episodeId}/clips/{clipId}",
            "One clip with its renders (download URLs when rendered)",
            "clips.ClipView",
            error_statuses=(404,),
        ),
        grants=(
            Grant(Resource.TABLE, ("dynamodb:GetItem",)),
            # Presigned downloads are signed with this function's credentials.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="get-clip-preview",
        handler="handlers.api.get_clip_preview.lambda_handler",
        description="GET /episodes/{episodeId}/clips/{clipId}/preview: an HLS playlist of the clip, presigned",
        trigger=Route(
            "GET",
            "/episodes/{episodeId}/clips/{clipId}/preview",
            "Watch a clip before rendering it: a presigned HLS playlist of its ranges",
            "previews.ClipPreview",
            query="previews.ClipPreviewQuery",
            error_statuses=(404, 409),
        ),
        grants=(
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:Query")),
            # The keyframe index is read and the chunks checked (HeadObject); the playlist is written under
            # `previews/`; its URL and the chunks' are signed with this function's credentials.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject", "s3:PutObject")),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="review-clip",
        handler="handlers.api.review_clip.lambda_handler",
        description="PATCH /episodes/{episodeId}/clips/{clipId}: review (status, hook) and shape (ranges, captions)",
        trigger=Route(
            "PATCH",
            "/episodes/{episodeId}/clips/{clipId}",
            "Review a clip: status and/or hook; shape it: its ranges and caption lines, or back to the proposal",
            "clips.ClipView",
            request="renders.ReviewClipRequest",
            error_statuses=(400, 404, 409),
        ),
        grants=(
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:UpdateItem")),
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.TENANT_LIMITS),
    ),
    Function(
        name="request-render",
        handler="handlers.api.request_render.lambda_handler",
        description="POST /episodes/{episodeId}/clips/{clipId}/renders: one MediaConvert job per render",
        trigger=Route(
            "POST",
            "/episodes/{episodeId}/clips/{clipId}/renders",
            "Render a clip (vertical, landscape or square; captions burned in)",
            "renders.RenderAccepted",
            success_status=202,
            request="renders.RenderRequest",
            request_body_required=False,
            error_statuses=(400, 404, 409, 429),
        ),
        grants=(
            # The clip and its render, the day's render count (UpdateItem, in one transaction); a render slot is
            # taken (PutItem) and, when the render cannot start, given back (DeleteItem).
            Grant(
                Resource.TABLE,
                (
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:UpdateItem",
                    "dynamodb:PutItem",
                    "dynamodb:DeleteItem",
                ),
            ),
            # HeadObject: the original upload and the transcript must still be there; GetObject reads the
            # transcript and PutObject writes the render's cleaned caption file (`object_keys.caption_key`).
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject", "s3:PutObject")),
            Grant(Resource.MEDIACONVERT, ("mediaconvert:CreateJob",)),
            Grant(
                Resource.MEDIACONVERT_ROLE,
                ("iam:PassRole",),
                {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}},
            ),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.MEDIACONVERT_ROLE_ARN, Env.TENANT_LIMITS, Env.CAPTION_FONTS),
    ),
    Function(
        name="frames-captured",
        handler="handlers.events.frames_captured.lambda_handler",
        description="MediaConvert end of a framed render's frame capture: faces, crops, then the render job",
        trigger=EventRule(
            "A framed render's frame capture ended",
            {
                "source": [events.MEDIACONVERT_SOURCE],
                "detail-type": [events.MEDIACONVERT_STATE_CHANGE],
                "detail": {
                    "status": ["COMPLETE", "ERROR", "CANCELED"],
                    "userMetadata": {events.JOB_KIND: [events.FRAMES_JOB]},
                },
            },
        ),
        grants=(
            # The clip and the episode's tracks are read; the render moves to Rendering (or fails, giving its slot
            # back: Query, DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem")),
            # The render's plan; Rekognition reads each captured frame with this function's credentials.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject",)),
            Grant(Resource.FACE_DETECTION, ("rekognition:DetectFaces",)),
            Grant(Resource.MEDIACONVERT, ("mediaconvert:CreateJob",)),
            Grant(
                Resource.MEDIACONVERT_ROLE,
                ("iam:PassRole",),
                {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}},
            ),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME, Env.MEDIACONVERT_ROLE_ARN),
        # Up to one DetectFaces call a second of clip (90 s at most), one after the other.
        timeout_seconds=120,
    ),
    Function(
        name="render-finished",
        handler="handlers.events.render_finished.lambda_handler",
        description="MediaConvert COMPLETE / ERROR / CANCELED of a render: record it on the clip",
        trigger=EventRule(
            "A render job ended",
            {
                "source": [events.MEDIACONVERT_SOURCE],
                "detail-type": [events.MEDIACONVERT_STATE_CHANGE],
                "detail": {
                    "status": ["COMPLETE", "ERROR", "CANCELED"],
                    "userMetadata": {events.JOB_KIND: [events.RENDER_JOB]},
                },
            },
        ),
        grants=(
            # The job has ended: its render slot is found (Query) and given back (DeleteItem).
            Grant(Resource.TABLE, ("dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem")),
            # HeadObject of the rendered file, for its size.
            Grant(Resource.BUCKET_OBJECTS, ("s3:GetObject",)),
        ),
        env=(Env.TABLE_NAME, Env.BUCKET_NAME),
    ),
    Function(
        name="post-confirmation",
        handler="handlers.triggers.post_confirmation.lambda_handler",
        description="Cognito post confirmation (self sign-up): a new user gets a tenant of their own",
        trigger=CognitoTrigger("post_confirmation"),
        grants=(
            Grant(
                Resource.USER_POOLS,
                ("cognito-idp:AdminUpdateUserAttributes",),
                condition={"StringEquals": {f"aws:ResourceTag/{USER_POOL_TAG[0]}": USER_POOL_TAG[1]}},
            ),
        ),
    ),
)


def function_for_module(module: str) -> Function:
    """The catalog entry whose handler lives in `module` (handlers bind their route from it)."""
    for function in FUNCTIONS:
        if function.module == module:
            return function
    raise LookupError(f"no catalog entry has its handler in {module}")


def route_of(module: str) -> Route:
    trigger = function_for_module(module).trigger
    if not isinstance(trigger, Route):
        raise LookupError(f"{module} is not an API function")
    return trigger


def api_functions() -> tuple[tuple[Function, Route], ...]:
    return tuple((f, f.trigger) for f in FUNCTIONS if isinstance(f.trigger, Route))


def event_functions() -> tuple[tuple[Function, EventRule], ...]:
    return tuple((f, f.trigger) for f in FUNCTIONS if isinstance(f.trigger, EventRule))


def cognito_triggers() -> tuple[tuple[Function, CognitoTrigger], ...]:
    return tuple((f, f.trigger) for f in FUNCTIONS if isinstance(f.trigger, CognitoTrigger))
