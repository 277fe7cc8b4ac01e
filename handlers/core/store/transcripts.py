"""An episode's transcript: Uploaded → ClipsProposed or Invalid, ordered by upload.

Every upload is its own object `{episodeId}/transcripts/{transcriptId}.srt`, and ids sort in
upload order. The episode points at the newest transcript it has heard of. Two functions react
to the same S3 event (ingest records `Uploaded`, the clip detector records the outcome), in any
order and any number of times, so each write is conditional on the transcript id: ingest only
moves the episode to a newer transcript, the outcome only lands on the current one or a newer
one. `Invalid` is never overwritten by `Uploaded` of the same transcript.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from handlers.contract import EpisodeStatus, TranscriptStatus
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys, records
from handlers.core.store.conditions import written

logger = Logger(child=True)


def _update(table: Table, episode: EpisodeRef, condition: str, update: str, values: dict[str, Any]) -> bool:
    """One conditional update of the episode; False when the condition did not hold."""
    answer = written(
        lambda: table.update_item(
            Key=records.episode_key(episode),
            UpdateExpression=update,
            ConditionExpression=f"attribute_exists(pk) AND ({condition})",
            ExpressionAttributeValues=values,
            **({"ExpressionAttributeNames": {"#status": "status"}} if "#status" in update else {}),
        )
    )
    return answer is not None


def record_uploaded(table: Table, key: str) -> bool:
    """The episode's transcript is now this one, `Uploaded`; False (logged) when it is not news."""
    located = object_keys.transcript_of_key(key)
    if located is None:
        logger.info("ignoring an .srt outside the transcript layout", extra={"key": key[:300]})
        return False
    episode, transcript_id = located
    moved = _update(
        table,
        episode,
        "attribute_not_exists(transcriptId) OR transcriptId < :id",
        "SET transcriptKey = :key, transcriptId = :id, transcriptStatus = :uploaded, #status = :status,"
        " updatedAt = :now REMOVE transcriptError",
        {
            ":key": key,
            ":id": transcript_id,
            ":uploaded": TranscriptStatus.UPLOADED.value,
            ":status": EpisodeStatus.TRANSCRIPT_UPLOADED.value,
            ":now": records.now_iso(),
        },
    )
    if not moved:
        logger.info("transcript already recorded, or a newer one is", extra={"key": key})
    _forget_upload_url(table, episode, key)
    return moved


def record_outcome(
    table: Table, episode: EpisodeRef, key: str, status: TranscriptStatus, error: str | None = None
) -> bool:
    """What came of the transcript (clips, or why it is invalid); False when a newer one is current."""
    located = object_keys.transcript_of_key(key)
    assert located is not None and located[0] == episode
    values: dict[str, Any] = {
        ":key": key,
        ":id": located[1],
        ":outcome": status.value,
        ":status": EpisodeStatus.TRANSCRIPT_UPLOADED.value,
        ":now": records.now_iso(),
    }
    update = (
        "SET transcriptKey = :key, transcriptId = :id, transcriptStatus = :outcome, #status = :status, updatedAt = :now"
    )
    if error is not None:
        update += ", transcriptError = :error"
        values[":error"] = error
    else:
        update += " REMOVE transcriptError"
    return _update(table, episode, "attribute_not_exists(transcriptId) OR transcriptId <= :id", update, values)


def record_clips_source(table: Table, episode: EpisodeRef, key: str, summary: str) -> bool:
    """The episode's proposals now come from `key` (unless from a newer transcript already)."""
    # Transcript keys of one episode differ only in their id, so they sort as their ids do.
    return _update(
        table,
        episode,
        "attribute_not_exists(clipsTranscriptKey) OR clipsTranscriptKey <= :key",
        "SET clipsTranscriptKey = :key, agentSummary = :summary, updatedAt = :now",
        {":key": key, ":summary": summary, ":now": records.now_iso()},
    )


def is_superseded(episode: dict[str, Any], key: str) -> bool:
    """True when the episode already points at a newer transcript than `key`."""
    located = object_keys.transcript_of_key(key)
    current = episode.get("transcriptId")
    return located is not None and current is not None and current > located[1]


def _forget_upload_url(table: Table, episode: EpisodeRef, key: str) -> None:
    """The URL was used: the next request gets a new transcript object."""
    written(
        lambda: table.delete_item(
            Key=records.transcript_upload_key(episode),
            ConditionExpression="#key = :key",
            ExpressionAttributeNames={"#key": "key"},
            ExpressionAttributeValues={":key": key},
        )
    )


def upload_url(table: Table, episode: EpisodeRef) -> dict[str, Any] | None:
    """The episode's last transcript upload URL record (it may have expired), or None."""
    item: dict[str, Any] | None = table.get_item(Key=records.transcript_upload_key(episode)).get("Item")
    return item


def save_upload_url(table: Table, episode: EpisodeRef, fields: dict[str, Any], expires: int) -> None:
    """Remember the URL handed out, until `expires` (epoch seconds): asking again answers the same one."""
    table.put_item(Item={**records.transcript_upload_key(episode), **fields, records.TTL_ATTRIBUTE: expires})
