"""The bottom floor: names and values that the runtime, the infrastructure, the local stack and the CLI all share.

Plain Python (no boto3, no pydantic, no pulumi), importable by anything and importing nothing of
the project. What lives here is a contract between parts that deploy apart: the statuses the
records and the API spell, the events, who a tenant is, how dead-letter queues are tagged, the render
formats, the upload window, where the local stack says where it is, and the stack's defaults.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Literal

# Statuses, as records and the API spell them.


class EpisodeStatus(StrEnum):
    DRAFT = "Draft"
    TRANSCRIPT_UPLOADED = "Transcript Uploaded"


class TranscriptStatus(StrEnum):
    """The episode's newest transcript: `Uploaded`, then `ClipsProposed` or `Invalid`."""

    UPLOADED = "Uploaded"
    CLIPS_PROPOSED = "ClipsProposed"
    INVALID = "Invalid"


class TrackStatus(StrEnum):
    """`Completing` while S3 assembles a large upload, then `Unprocessed` → `Processing` → `Processed` (or failed)."""

    COMPLETING = "Completing"
    UNPROCESSED = "Unprocessed"
    PROCESSING = "Processing"
    PROCESSED = "Processed"
    PROCESSING_FAILED = "ProcessingFailed"


class ReviewStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"


class RenderStatus(StrEnum):
    FRAMING = "Framing"
    """Vertical and square renders: frames of the clip are captured and searched for faces first."""
    RENDERING = "Rendering"
    RENDERED = "Rendered"
    RENDER_FAILED = "RenderFailed"


RENDER_IN_PROGRESS: frozenset[str] = frozenset({RenderStatus.FRAMING, RenderStatus.RENDERING})
"""A render still at work: poll it."""


# Events NullCheck publishes and listens to (the catalog's rules match on these names).

SOURCE = "nullcheck"
VIDEO_UPLOAD_COMPLETED = "Video Upload Completed"
TRACK_UPLOAD_COMPLETING = "Track Upload Completing"
"""A track's multipart upload takes longer to complete than a request may: a function finishes it."""
MEDIACONVERT_SOURCE = "aws.mediaconvert"
MEDIACONVERT_STATE_CHANGE = "MediaConvert Job State Change"
JOB_KIND = "kind"
"""UserMetadata key telling NullCheck's two kinds of MediaConvert job apart (rules filter on it)."""
CHUNKS_JOB, RENDER_JOB, FRAMES_JOB = "chunks", "render", "frames"
S3_SOURCE = "aws.s3"
S3_OBJECT_CREATED = "Object Created"


# Tenants: who a signed-in user works for. Every key, record and event starts with one.

TENANT_ATTRIBUTE = "tenantId"
"""The user pool's custom attribute (schema name, without the `custom:` prefix)."""
TENANT_CLAIM = f"custom:{TENANT_ATTRIBUTE}"
"""Where the tenant is in the ID token's claims."""
TENANT_MAX_LENGTH = 64
TENANT_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_-]{{0,{TENANT_MAX_LENGTH - 1}}}$"
"""Letters, digits, `-` and `_` (never `/`): safe in keys, object paths and memory actors."""
_TENANT = re.compile(TENANT_PATTERN)


def is_valid_tenant(tenant: str) -> bool:
    """Tenants are part of every key: letters, digits, `-` and `_`, at most `TENANT_MAX_LENGTH` characters."""
    return bool(_TENANT.match(tenant))


EPISODE_ID_PATTERN = r"^[A-Za-z0-9-]{1,64}$"
"""Episode ids are UUIDs; anything outside this pattern names no episode (404 before any look-up)."""
_EPISODE_ID = re.compile(EPISODE_ID_PATTERN)


def is_episode_id(text: str) -> bool:
    """Whether `text` can be an episode id (ours are UUIDs): anything else names no episode."""
    return bool(_EPISODE_ID.match(text))


def quoted(text: str, limit: int = 64) -> str:
    """`text` as an answer may quote it back: at most `limit` characters, cut with an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


# Dead-letter queues: each is tagged with where its events go back to.

PROJECT_TAG = ("project", "nullcheck")
FUNCTION_TAG = "nullcheck:function-arn"
"""On a deployed stack: the function a redriven event is invoked on."""
REDRIVE_QUEUE_TAG = "nullcheck:redrive-queue"
"""On the local stack: the rule's queue a redriven event is sent to."""


# Renders.

RenderFormat = Literal["vertical", "landscape", "square"]
FRAME_SIZES: dict[str, tuple[int, int]] = {"vertical": (1080, 1920), "landscape": (1920, 1080), "square": (1080, 1080)}
"""Width and height of each format's frame."""
RENDER_FORMATS: tuple[str, ...] = tuple(FRAME_SIZES)
CaptionStyle = Literal["social", "classic"]
"""How burned-in captions look: `social` (a few words at a time, large and bold; vertical's default) or
`classic` (one or two lines of the cue, smaller; landscape's and square's)."""


# Clips.

CLIP_TIMESTAMP_PATTERN = r"^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[,.](\d{1,3}))?$"
"""How a clip names a moment of the episode, as transcripts do: `HH:MM:SS,mmm` (`.mmm` and no millis accepted)."""
MAX_CLIP_RANGES = 20
"""Ranges one clip may have (a producer's edit, like the agent's proposals, joins a few moments)."""
MAX_CAPTION_LINES = 500
"""Caption lines one clip may have."""
MAX_CAPTION_CHARACTERS = 500
"""Characters one caption line may hold (the caption file wraps and pages it)."""


# Uploads.

INCOMPLETE_UPLOAD_DAYS = 1
"""Days the media bucket keeps an incomplete multipart upload before its lifecycle rule aborts it.

One value for both readers: `MediaBucketArgs.abort_incomplete_multipart_days` defaults to it and
the upload routes never let a track's upload session outlive it (`UPLOAD_WINDOW`)."""
UPLOAD_WINDOW = timedelta(days=INCOMPLETE_UPLOAD_DAYS)
MAX_TRANSCRIPT_BYTES = 10 * 1024 * 1024
"""The largest transcript: storage refuses a larger upload (the presigned POST's `content-length-range`)
and the clip agent refuses a larger object before any model sees it."""


# The stack's defaults (components' args, the functions' settings and the local stack agree).

DEFAULT_MODEL_ID = "us.amazon.nova-pro-v1:0"
"""Bedrock model (or inference profile) the clip agent converses with."""
DEFAULT_CHUNK_SECONDS = 120
"""Length of the HLS segments every track is cut into."""
DEFAULT_FUNCTION_MEMORY_MB = 1024
DEFAULT_FUNCTION_TIMEOUT_SECONDS = 25
"""A function's memory and timeout where its catalog entry sets none (seed's globals): deployed and local."""


# Per-tenant limits: what one tenant may start, so nobody runs up the owner's bill. A platform
# team sets them per stack (`tenantLimits` in stack config); these are the defaults.

TENANT_LIMIT_DEFAULTS: dict[str, int] = {
    "episodes_per_day": 20,
    "tracks_per_episode": 8,
    "transcript_uploads_per_episode": 20,
    "agent_runs_per_transcript": 3,
    "agent_runs_per_day": 50,
    "renders_per_clip": 10,
    "renders_per_day": 100,
    "concurrent_chunking_jobs": 6,
    "concurrent_render_jobs": 4,
    "clip_seconds_max": 90,
}
"""Days are UTC days. Per-episode, per-transcript and per-clip limits count for the object's life.
`clip_seconds_max` is how long a producer may make a clip (its ranges in total) by editing it; the
agent's own proposals stay within 45 s."""


# The local stack.

LOCAL_STACK_FILE = PurePosixPath(".nullcheck") / "local-stack.json"
"""Written by the local stack in the project root, read by the CLI: where the API is and how to sign in."""


def new_password(length: int = 16) -> str:
    """A password the user pool's policy accepts: lower and upper case letters, digits and symbols."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-.:=?@^_")
    chosen = [secrets.choice(characters) for characters in classes]
    everything = "".join(classes)
    chosen += [secrets.choice(everything) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)
