"""Where things live in the media bucket, and the names users choose for them.

Every S3 key the system writes or expects is built here, so the upload routes, the event
handlers and the rule patterns agree. Two roots, so lifecycle rules can tell them apart:
`media/{tenant}/{episodeId}/…` (uploads, transcripts, chunks: the seed's short cleanup) and
`renders/{tenant}/{episodeId}/…` (the clips producers keep). Presigned URLs only ever point
inside the caller's prefix, and an event names its tenant in its key.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import PurePosixPath

from handlers.contract import is_valid_tenant
from handlers.core.runtime.errors import BadRequest
from handlers.core.runtime.tenancy import EpisodeRef

MEDIA_ROOT = "media"
"""Uploads, transcripts and chunks."""
RENDERS_ROOT = "renders"
"""Rendered clips."""
PREVIEWS_ROOT = "previews"
"""Preview playlists: as short-lived as the URLs in them."""
ASSETS_ROOT = "assets"
"""What the stack deploys for its jobs to read (caption fonts): no lifecycle rule covers it, nothing expires."""
CAPTION_FONTS_PREFIX = f"{ASSETS_ROOT}/fonts/"
"""The social captions' TrueType files, which MediaConvert reads for every render that burns them in."""
TRANSCRIPTS_FOLDER = "transcripts"
_TRACK_NAME_INVALID = re.compile(r"[^a-z0-9_-]+")
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
MAX_TRACK_NAME = 128


_TRANSCRIPT_ID = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")


def new_transcript_id(now: datetime) -> str:
    """A transcript upload's id: later uploads sort after earlier ones (ids are compared as strings)."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"


def episode_prefix(episode: EpisodeRef) -> str:
    """`media/{tenant}/{episodeId}/`: the folder of the episode's uploads, transcripts and chunks."""
    return f"{MEDIA_ROOT}/{episode.tenant}/{episode.id}/"


def render_key(
    episode: EpisodeRef,
    clip_id: str,
    track_name: str,
    format_name: str,
    captions: bool,
    revision: int = 0,
    *,
    layout: str = "single",
    caption_style: str | None = None,
) -> str:
    """`renders/{tenant}/{episodeId}/{clipId}/r{revision}-{track}-{format}-{captions|plain}` (MediaConvert adds
    `.mp4`), `-speaker` after it for a render cut to whoever speaks (`track` is then its main track);
    social captions are `captions-social` (classic ones keep `captions`, the name they had before styles).

    The name carries the clip's revision, track, format, captions (and their style) and layout, so two renders of
    a clip never overwrite each other, nor does a render of an edited clip overwrite one of an earlier revision.
    """
    variant = (
        "plain" if not captions else "captions" if caption_style in (None, "classic") else f"captions-{caption_style}"
    )
    cut = "" if layout == "single" else f"-{layout}"
    return (
        f"{RENDERS_ROOT}/{episode.tenant}/{episode.id}/{clip_id}/r{revision}-{track_name}-{format_name}-{variant}{cut}"
    )


def caption_key(episode: EpisodeRef, clip_id: str, render_id: str, attempt: str) -> str:
    """`renders/{tenant}/{episodeId}/{clipId}/{renderId}-{attempt}.srt`: the captions one render attempt burns in.

    Next to the render and kept as long (what the clip shows in writing); one file per attempt, so a
    new attempt never changes the captions a running job reads. Like any `.srt` it reaches the
    transcript rule, which ignores keys outside the transcript layout (`transcript_of_key`).
    """
    return f"{RENDERS_ROOT}/{episode.tenant}/{episode.id}/{clip_id}/{render_id}-{attempt}.srt"


def transcript_key(episode: EpisodeRef, transcript_id: str) -> str:
    """`media/{tenant}/{episodeId}/transcripts/{transcriptId}.srt`: every upload its own object."""
    return f"{episode_prefix(episode)}{TRANSCRIPTS_FOLDER}/{transcript_id}.srt"


def transcript_of_key(key: str) -> tuple[EpisodeRef, str] | None:
    """(episode, transcript id) when `key` is a transcript key, else None."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != MEDIA_ROOT or parts[3] != TRANSCRIPTS_FOLDER or not parts[4].endswith(".srt"):
        return None
    tenant, episode_id, transcript_id = parts[1], parts[2], parts[4].removesuffix(".srt")
    if not is_valid_tenant(tenant) or not episode_id or not _TRANSCRIPT_ID.match(transcript_id):
        return None
    return EpisodeRef(tenant, episode_id), transcript_id


def sanitize_track_name(raw: str) -> str:
    """Lower case, only `[a-z0-9-_]`, at most 128 characters; refuses names with nothing left."""
    name = _TRACK_NAME_INVALID.sub("-", raw.strip().lower()).strip("-")[:MAX_TRACK_NAME]
    if not name:
        raise BadRequest("trackName must contain letters or digits")
    return name


def track_key(episode: EpisodeRef, track_name: str, filename: str) -> str:
    """`media/{tenant}/{episodeId}/tracks/{trackName}{.ext}`, the extension taken from the uploaded file's name."""
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return f"{episode_prefix(episode)}tracks/{track_name}{extension if _EXTENSION.match(extension) else ''}"


def completion_parts_key(episode: EpisodeRef, track_name: str, attempt_id: str) -> str:
    """Where the part list of an upload still completing waits for the function that finishes it."""
    return f"{episode_prefix(episode)}completions/{track_name}/{attempt_id}.json"


def new_attempt_id(now: datetime) -> str:
    """A track upload attempt's id: later attempts sort after earlier ones; safe in keys and metadata."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"


def chunk_prefix(episode: EpisodeRef, track_name: str, attempt_id: str) -> str:
    """Folder MediaConvert writes one attempt's HLS manifest and segments to.

    Each attempt (upload + chunking job) has its own folder, so a retried track never mixes its
    chunks with a failed attempt's, and removing an attempt removes exactly its chunks.
    """
    return f"{episode_prefix(episode)}videos/{track_name}/{attempt_id}/chunks/"


def keyframe_index_key(chunk_folder: str) -> str:
    """The keyframe index of an attempt's chunks, beside them (and removed with them)."""
    return f"{chunk_folder}keyframes.json"


def preview_key(episode: EpisodeRef, clip_id: str, revision: int, now: datetime) -> str:
    """`previews/{tenant}/{episodeId}/{clipId}/r{revision}-{time}-{random}.m3u8`: one playlist per request,
    under a root of its own whose lifecycle rule removes it soon after its URLs expire."""
    stamp = f"{now.astimezone(UTC):%Y%m%dT%H%M%S}Z-{secrets.token_hex(4)}"
    return f"{PREVIEWS_ROOT}/{episode.tenant}/{episode.id}/{clip_id}/r{revision}-{stamp}.m3u8"


def render_plan_key(episode: EpisodeRef, clip_id: str, render_id: str, attempt: str) -> str:
    """`renders/{tenant}/{episodeId}/{clipId}/{renderId}-{attempt}.plan.json`: the job a framed render starts once
    its faces are known (`domain.render_plan`), beside the render."""
    return f"{RENDERS_ROOT}/{episode.tenant}/{episode.id}/{clip_id}/{render_id}-{attempt}.plan.json"


def frames_key(episode: EpisodeRef, clip_id: str, render_id: str, attempt: str) -> str:
    """`renders/{tenant}/{episodeId}/{clipId}/{renderId}-{attempt}-frames`: where a framed render's frame capture
    writes (MediaConvert adds `_frame.NNNNNNN.jpg` and the proxy's `_proxy.mp4`); kept with the render."""
    return f"{RENDERS_ROOT}/{episode.tenant}/{episode.id}/{clip_id}/{render_id}-{attempt}-frames"
