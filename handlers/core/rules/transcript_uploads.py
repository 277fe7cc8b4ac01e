"""Transcript uploads: a presigned POST for a new transcript object, the same one while it stays valid.

A POST, not a PUT: a presigned PUT cannot limit the size of what is sent, so anyone could store
gigabytes as a "transcript". The POST's policy makes storage refuse a file outside 1 byte to
`MAX_TRANSCRIPT_BYTES` (`content-length-range`), any other key, and a filename or content type
other than the ones signed.

Asking twice while a URL is still valid answers the same URL, so a client that lost an answer can
simply ask again. A URL lives 15 min; once used (the object arrived) the next request gets a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.contract import MAX_TRANSCRIPT_BYTES
from handlers.core.models.uploads import TranscriptUpload
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.errors import LimitReached
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, object_keys, transcripts, usage

URL_LIFETIME = timedelta(minutes=15)
# A URL this close to expiry is not handed out again: the client could not finish with it.
REUSE_MARGIN = timedelta(minutes=2)
CONTENT_TYPE = "application/x-subrip"
"""Signed into the form: the object is stored with it, whatever the client's file is called."""


def _now() -> datetime:
    return datetime.now(UTC)


def _reusable(record: dict[str, Any] | None, filename: str | None, now: datetime) -> bool:
    """A POST handed out for the same filename, valid a while yet (a PUT URL from before is never reused)."""
    return (
        record is not None
        and "fields" in record
        and record.get("filename") == filename
        and datetime.fromisoformat(record["expiresAt"]) - REUSE_MARGIN > now
    )


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


def _presigned_post(storage: Storage, key: str, filename: str | None) -> tuple[str, dict[str, str]]:
    """The URL and form fields of a POST of exactly `key`, 1 byte to `MAX_TRANSCRIPT_BYTES`, with the
    filename as object metadata when given; botocore adds the bucket, the key and its signing fields."""
    fields = {"Content-Type": CONTENT_TYPE}
    if filename:
        fields["x-amz-meta-filename"] = filename
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, MAX_TRANSCRIPT_BYTES])
    post = storage.s3.generate_presigned_post(
        storage.bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=int(URL_LIFETIME.total_seconds())
    )
    return str(post["url"]), {name: str(value) for name, value in post["fields"].items()}


def request_transcript_upload(storage: Storage, episode: EpisodeRef, filename: str | None) -> TranscriptUpload:
    """A presigned POST for a new transcript object of the episode; the same one while it stays valid."""
    episodes.require(storage.table, episode)
    now = _now()
    existing = transcripts.upload_url(storage.table, episode)
    if _reusable(existing, filename, now):
        return TranscriptUpload.model_validate(existing)
    _within_limits(storage, episode, now)
    key = object_keys.transcript_key(episode, object_keys.new_transcript_id(now))
    url, fields = _presigned_post(storage, key, filename)
    expires_at, ttl = _expiry(now)
    upload = TranscriptUpload(
        key=key, uploadUrl=url, fields=fields, maxBytes=MAX_TRANSCRIPT_BYTES, expiresAt=expires_at
    )
    record = {**upload.model_dump(mode="json", exclude_none=True), "filename": filename}
    transcripts.save_upload_url(storage.table, episode, record, ttl)
    return upload
