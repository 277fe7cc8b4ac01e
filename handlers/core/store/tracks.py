"""A track's life: Unprocessed → Processing → Processed / ProcessingFailed, then perhaps removed.

Every transition is one conditional write, so redelivered, concurrent or late events can only
ever move a track forward once: a second delivery finds the condition false and does nothing.
Each upload of a track is an attempt with its own id (`attemptId`, also in the upload event, the
job's UserMetadata and the chunk folder); every write is conditioned on it, so an event or job
of a replaced attempt never touches the attempt that replaced it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from handlers.contract import TrackStatus
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys, records

if TYPE_CHECKING:  # the playlist indexer builds it; the upload routes recording tracks never need m3u8
    from handlers.core.domain.playlists import SegmentIndex

logger = Logger(child=True)

# Long enough for CreateJob; short enough that a crashed attempt is retried by the next delivery.
LOCK_LEASE = timedelta(minutes=2)


def _conditional_update(table: Any, key: dict[str, str], **update: Any) -> dict[str, Any] | None:
    """The updated item, or None when the condition did not hold."""
    try:
        answer = table.update_item(Key=key, ReturnValues="ALL_NEW", **update)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    attributes: dict[str, Any] = answer["Attributes"]
    return attributes


def claim_for_processing(table: Any, episode: EpisodeRef, track_name: str, attempt_id: str) -> dict[str, Any] | None:
    """Take the attempt's processing lock; None if a job exists, another delivery holds the lock,
    or the track is no longer this attempt (replaced or deleted)."""
    now = datetime.now(UTC)
    return _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET #status = :processing, lockExpiresAt = :lease, updatedAt = :now",
        ConditionExpression=(
            "attemptId = :attempt AND attribute_not_exists(mediaConvertJobId)"
            " AND #status IN (:unprocessed, :processing)"
            " AND (attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now)"
        ),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":attempt": attempt_id,
            ":processing": TrackStatus.PROCESSING.value,
            ":unprocessed": TrackStatus.UNPROCESSED.value,
            ":lease": (now + LOCK_LEASE).isoformat(),
            ":now": now.isoformat(),
        },
    )


def record_job(table: Any, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str) -> bool:
    """Store the attempt's job id; False if the track is no longer this attempt."""
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET mediaConvertJobId = :job, updatedAt = :now REMOVE lockExpiresAt",
        ConditionExpression="attemptId = :attempt",
        ExpressionAttributeValues={":job": job_id, ":attempt": attempt_id, ":now": records.now_iso()},
    )
    return updated is not None


def release_claim(table: Any, episode: EpisodeRef, track_name: str, attempt_id: str) -> None:
    """Give the lock back after a failed CreateJob, so the retry can take it at once."""
    _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET #status = :unprocessed, updatedAt = :now REMOVE lockExpiresAt",
        ConditionExpression="attemptId = :attempt AND attribute_not_exists(mediaConvertJobId)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":unprocessed": TrackStatus.UNPROCESSED.value,
            ":attempt": attempt_id,
            ":now": records.now_iso(),
        },
    )


def awaits_output(table: Any, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str) -> bool:
    """Whether the track is still this attempt, chunked by this job, and not yet Processed.

    Read before a job's output is fetched: a late or repeated COMPLETE of a deleted or replaced
    attempt (whose chunks may be gone) then changes nothing and fails nothing.
    """
    track = table.get_item(Key=records.track_key(episode, track_name), ConsistentRead=True).get("Item")
    return (
        track is not None
        and track.get("attemptId") == attempt_id
        and track.get("mediaConvertJobId") == job_id
        and track.get("status") != TrackStatus.PROCESSED.value
    )


def mark_processed(
    table: Any, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str, index: SegmentIndex
) -> bool:
    """Record the chunks of this job's output; False when the track was already processed, or is
    another attempt or job."""
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression=(
            "SET #status = :processed, manifestKey = :manifest, segmentIndex = :index, segmentCount = :count,"
            " totalDurationSeconds = :total, updatedAt = :now REMOVE failureReason"
        ),
        ConditionExpression="attemptId = :attempt AND mediaConvertJobId = :job AND #status <> :processed",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":processed": TrackStatus.PROCESSED.value,
            ":manifest": index.manifestKey,
            ":index": records.dynamo([segment.model_dump() for segment in index.segments]),
            ":count": len(index.segments),
            ":total": records.dynamo(index.total_duration),
            ":attempt": attempt_id,
            ":job": job_id,
            ":now": records.now_iso(),
        },
    )
    return updated is not None


def mark_failed(table: Any, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str, reason: str) -> bool:
    """Record why the job failed; False when the track had already moved on (e.g. Processed) or is
    another attempt or job."""
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET #status = :failed, failureReason = :reason, updatedAt = :now",
        ConditionExpression="attemptId = :attempt AND mediaConvertJobId = :job AND #status = :processing",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":failed": TrackStatus.PROCESSING_FAILED.value,
            ":processing": TrackStatus.PROCESSING.value,
            ":reason": reason,
            ":attempt": attempt_id,
            ":job": job_id,
            ":now": records.now_iso(),
        },
    )
    return updated is not None


def record_source(
    table: Any,
    episode: EpisodeRef,
    track_name: str,
    attempt_id: str,
    *,
    frame_rate: float | None,
    width: int | None,
    height: int | None,
) -> bool:
    """The source's frame rate and size, on this attempt only (a replaced attempt's job changes nothing)."""
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET frameRate = :rate, sourceWidth = :width, sourceHeight = :height",
        ConditionExpression="attemptId = :attempt",
        ExpressionAttributeValues={
            ":rate": records.dynamo(frame_rate),
            ":width": width,
            ":height": height,
            ":attempt": attempt_id,
        },
    )
    return updated is not None


def remove(table: Any, episode: EpisodeRef, track: dict[str, Any]) -> bool:
    """Delete the track record as read and uncount it on the episode, in one transaction.

    False (nothing written) when the track changed since it was read: another attempt replaced
    it, a job started on it (`Processing`), or it is gone.
    """
    now = records.now_iso()
    try:
        table.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "Key": records.track_key(episode, track["trackName"]),
                        "ConditionExpression": "uploadId = :upload AND #status <> :processing",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":upload": track["uploadId"],
                            ":processing": TrackStatus.PROCESSING.value,
                        },
                    }
                },
                {
                    "Update": {
                        "Key": records.episode_key(episode),
                        "UpdateExpression": "ADD numTracks :minus_one SET updatedAt = :now",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":minus_one": -1, ":now": now},
                    }
                },
            ]
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        return False
    return True


_DELETE_BATCH = 1000  # DeleteObjects' limit per request


def discard_media(s3: Any, bucket: str, episode: EpisodeRef, track: dict[str, Any], keep: str | None = None) -> None:
    """Delete an attempt's upload object (unless it is `keep`, the key a newer attempt wrote) and its chunks.

    Runs once the record is gone or replaced, so nothing reads these objects any more. Best effort:
    a failure is logged with the keys left behind, which the bucket's expiry rule removes later.
    """
    doomed = [] if track["uploadKey"] == keep else [track["uploadKey"]]
    try:
        if attempt := track.get("attemptId"):  # records from before attempts keep their chunks until expiry
            prefix = object_keys.chunk_prefix(episode, track["trackName"], attempt)
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                doomed += [item["Key"] for item in page.get("Contents", [])]
        for start in range(0, len(doomed), _DELETE_BATCH):
            batch = doomed[start : start + _DELETE_BATCH]
            answer = s3.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            if answer.get("Errors"):
                logger.error("media left behind", extra={"errors": answer["Errors"][:20], "episode_id": episode.id})
    except (ClientError, BotoCoreError):
        logger.exception("media left behind", extra={"keys": doomed[:20], "episode_id": episode.id})
        return
    logger.info("media removed", extra={"episode_id": episode.id, "track": track["trackName"], "objects": len(doomed)})
