"""Where things live in the media bucket, and the names users choose for them.

Every S3 key the system writes or expects is built here, so the upload routes, the event
handlers and the rule patterns agree.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import PurePosixPath

from handlers.core.errors import BadRequest

TRANSCRIPTS_FOLDER = "transcripts"
_TRACK_NAME_INVALID = re.compile(r"[^a-z0-9_-]+")
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
MAX_TRACK_NAME = 128


_TRANSCRIPT_ID = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")


def new_transcript_id(now: datetime) -> str:
    """A transcript upload's id: later uploads sort after earlier ones (ids are compared as strings)."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"


def transcript_key(episode_id: str, transcript_id: str) -> str:
    """`{episodeId}/transcripts/{transcriptId}.srt`: every upload its own object."""
    return f"{episode_id}/{TRANSCRIPTS_FOLDER}/{transcript_id}.srt"


def transcript_of_key(key: str) -> tuple[str, str] | None:
    """(episode id, transcript id) when `key` is a transcript key, else None."""
    parts = key.split("/")
    if len(parts) != 3 or not parts[0] or parts[1] != TRANSCRIPTS_FOLDER or not parts[2].endswith(".srt"):
        return None
    transcript_id = parts[2].removesuffix(".srt")
    return (parts[0], transcript_id) if _TRANSCRIPT_ID.match(transcript_id) else None


def sanitize_track_name(raw: str) -> str:
    """Lower case, only `[a-z0-9-_]`, at most 128 characters; refuses names with nothing left."""
    name = _TRACK_NAME_INVALID.sub("-", raw.strip().lower()).strip("-")[:MAX_TRACK_NAME]
    if not name:
        raise BadRequest("trackName must contain letters or digits")
    return name


def track_key(episode_id: str, track_name: str, filename: str) -> str:
    """`{episodeId}/tracks/{trackName}{.ext}`, the extension taken from the uploaded file's name."""
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return f"{episode_id}/tracks/{track_name}{extension if _EXTENSION.match(extension) else ''}"


def new_attempt_id(now: datetime) -> str:
    """A track upload attempt's id: later attempts sort after earlier ones; safe in keys and metadata."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"


def chunk_prefix(episode_id: str, track_name: str, attempt_id: str) -> str:
    """Folder MediaConvert writes one attempt's HLS manifest and segments to.

    Each attempt (upload + chunking job) has its own folder, so a retried track never mixes its
    chunks with a failed attempt's, and removing an attempt removes exactly its chunks.
    """
    return f"{episode_id}/videos/{track_name}/{attempt_id}/chunks/"
