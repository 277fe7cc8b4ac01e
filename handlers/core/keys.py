"""Where things live in the media bucket, and the names users choose for them.

Every S3 key the system writes or expects is built here, so the upload routes, the event
handlers and the rule patterns agree.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from handlers.core.errors import BadRequest

TRANSCRIPT_FILE = "transcript.srt"
_TRACK_NAME_INVALID = re.compile(r"[^a-z0-9_-]+")
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
MAX_TRACK_NAME = 128


def transcript_key(episode_id: str) -> str:
    return f"{episode_id}/{TRANSCRIPT_FILE}"


def episode_of_transcript_key(key: str) -> str | None:
    """The episode id when `key` is exactly `{episodeId}/transcript.srt`, else None."""
    parts = key.split("/")
    if len(parts) == 2 and parts[0] and parts[1] == TRANSCRIPT_FILE:
        return parts[0]
    return None


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


def chunk_prefix(episode_id: str, track_name: str) -> str:
    """Folder MediaConvert writes a track's HLS manifest and segments to."""
    return f"{episode_id}/videos/{track_name}/chunks/"
