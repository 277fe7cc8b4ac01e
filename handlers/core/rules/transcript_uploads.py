"""Transcript uploads: a presigned PUT for a new transcript object, the same one while it stays valid.

Asking twice while a URL is still valid answers the same URL, so a client that lost an answer can
simply ask again. A URL lives 15 min; once used (the object arrived) the next request gets a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.core.models.uploads import TranscriptUpload
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.errors import LimitReached
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, object_keys, transcripts, usage

URL_LIFETIME = timedelta(minutes=15)
# A URL this close to expiry is not handed out again: the client could not finish with it.
REUSE_MARGIN = timedelta(minutes=2)


def _now() -> datetime:
    return datetime.now(UTC)


def _still_valid(record: dict[str, Any] | None, now: datetime) -> bool:
    return record is not None and datetime.fromisoformat(record["expiresAt"]) - REUSE_MARGIN > now


def _expiry(now: datetime) -> tuple[str, int]:
    expires = now + URL_LIFETIME
    return expires.isoformat(timespec="seconds"), int(expires.timestamp())


def _within_limits(storage: Storage, episode: EpisodeRef, now: datetime) -> None:
    """429 when the tenant's agent runs today are used up (the upload would only end Invalid), or when the
    episode has had all its transcript uploads; counts this one otherwise."""
    limits = storage.limits
    if usage.used_today(storage.table, episode.tenant, usage.AGENT_RUNS, now) >= limits.agent_runs_per_day:
        retry_after = usage.seconds_to_next_day(now)
        raise LimitReached.daily("agent_runs_per_day", limits.agent_runs_per_day, retry_after)
    if not usage.count_on_episode(storage.table, episode, "transcriptUploads", limits.transcript_uploads_per_episode):
        raise LimitReached.per_object(
            "transcript_uploads_per_episode", limits.transcript_uploads_per_episode, "episode"
        )


def request_transcript_upload(storage: Storage, episode: EpisodeRef, filename: str | None) -> TranscriptUpload:
    """A presigned PUT for a new transcript object of the episode; the same one while it stays valid."""
    episodes.require(storage.table, episode)
    now = _now()
    existing = transcripts.upload_url(storage.table, episode)
    if existing and _still_valid(existing, now) and existing.get("filename") == filename:
        return TranscriptUpload.model_validate(existing)
    _within_limits(storage, episode, now)
    key = object_keys.transcript_key(episode, object_keys.new_transcript_id(now))
    params: dict[str, Any] = {"Bucket": storage.bucket, "Key": key}
    required_headers = None
    if filename:
        params["Metadata"] = {"filename": filename}
        required_headers = {"x-amz-meta-filename": filename}
    url = storage.s3.generate_presigned_url("put_object", Params=params, ExpiresIn=int(URL_LIFETIME.total_seconds()))
    expires_at, ttl = _expiry(now)
    upload = TranscriptUpload(key=key, uploadUrl=url, expiresAt=expires_at, requiredHeaders=required_headers)
    fields = {**upload.model_dump(mode="json", exclude_none=True), "filename": filename}
    transcripts.save_upload_url(storage.table, episode, fields, ttl)
    return upload
