"""A track's life: Unprocessed → Processing → Processed / ProcessingFailed.

Every transition is one conditional write, so redelivered, concurrent or late events can only
ever move a track forward once: a second delivery finds the condition false and does nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from handlers.core import table as records
from handlers.core.media import SegmentIndex
from handlers.core.models import TrackStatus

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


def claim_for_processing(table: Any, episode_id: str, track_name: str) -> dict[str, Any] | None:
    """Take the track's processing lock; None if a job exists or another delivery holds the lock."""
    now = datetime.now(UTC)
    return _conditional_update(
        table,
        records.track_key(episode_id, track_name),
        UpdateExpression="SET #status = :processing, lockExpiresAt = :lease, updatedAt = :now",
        ConditionExpression=(
            "attribute_exists(pk) AND attribute_not_exists(mediaConvertJobId)"
            " AND #status IN (:unprocessed, :processing)"
            " AND (attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now)"
        ),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":processing": TrackStatus.PROCESSING.value,
            ":unprocessed": TrackStatus.UNPROCESSED.value,
            ":lease": (now + LOCK_LEASE).isoformat(),
            ":now": now.isoformat(),
        },
    )


def record_job(table: Any, episode_id: str, track_name: str, job_id: str) -> None:
    table.update_item(
        Key=records.track_key(episode_id, track_name),
        UpdateExpression="SET mediaConvertJobId = :job, updatedAt = :now REMOVE lockExpiresAt",
        ExpressionAttributeValues={":job": job_id, ":now": records.now_iso()},
    )


def release_claim(table: Any, episode_id: str, track_name: str) -> None:
    """Give the lock back after a failed CreateJob, so the retry can take it at once."""
    table.update_item(
        Key=records.track_key(episode_id, track_name),
        UpdateExpression="SET #status = :unprocessed, updatedAt = :now REMOVE lockExpiresAt",
        ConditionExpression="attribute_not_exists(mediaConvertJobId)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":unprocessed": TrackStatus.UNPROCESSED.value, ":now": records.now_iso()},
    )


def mark_processed(table: Any, episode_id: str, track_name: str, job_id: str, index: SegmentIndex) -> bool:
    """Record the chunks of this job's output; False when the track was already processed (or by another job)."""
    updated = _conditional_update(
        table,
        records.track_key(episode_id, track_name),
        UpdateExpression=(
            "SET #status = :processed, manifestKey = :manifest, segmentIndex = :index, segmentCount = :count,"
            " totalDurationSeconds = :total, updatedAt = :now REMOVE failureReason"
        ),
        ConditionExpression="mediaConvertJobId = :job AND #status <> :processed",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":processed": TrackStatus.PROCESSED.value,
            ":manifest": index.manifestKey,
            ":index": _dynamo([segment.model_dump() for segment in index.segments]),
            ":count": len(index.segments),
            ":total": _dynamo(index.total_duration),
            ":job": job_id,
            ":now": records.now_iso(),
        },
    )
    return updated is not None


def mark_failed(table: Any, episode_id: str, track_name: str, job_id: str, reason: str) -> bool:
    """Record why the job failed; False when the track had already moved on (e.g. Processed)."""
    updated = _conditional_update(
        table,
        records.track_key(episode_id, track_name),
        UpdateExpression="SET #status = :failed, failureReason = :reason, updatedAt = :now",
        ConditionExpression="mediaConvertJobId = :job AND #status = :processing",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":failed": TrackStatus.PROCESSING_FAILED.value,
            ":processing": TrackStatus.PROCESSING.value,
            ":reason": reason,
            ":job": job_id,
            ":now": records.now_iso(),
        },
    )
    return updated is not None


def _dynamo(value: Any) -> Any:
    """DynamoDB takes numbers as Decimal; a JSON round trip converts floats exactly as written."""
    return json.loads(json.dumps(value), parse_float=Decimal)
