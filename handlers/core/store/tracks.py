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

from handlers.contract import TrackStatus
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import Conflict, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys, records
from handlers.core.store.conditions import Refused, transacted, written

if TYPE_CHECKING:  # the playlist indexer builds it; the upload routes recording tracks never need m3u8
    from handlers.core.domain.playlists import SegmentIndex

# Long enough for CreateJob; short enough that a crashed attempt is retried by the next delivery.
LOCK_LEASE = timedelta(minutes=2)


def _conditional_update(table: Table, key: dict[str, str], **update: Any) -> dict[str, Any] | None:
    """The updated item, or None when the condition did not hold."""
    answer = written(lambda: table.update_item(Key=key, ReturnValues="ALL_NEW", **update))
    return None if answer is None else answer["Attributes"]


def get(table: Table, episode: EpisodeRef, track_name: str) -> dict[str, Any] | None:
    """The track's record, read consistently; None when the episode has no such track."""
    item: dict[str, Any] | None = table.get_item(Key=records.track_key(episode, track_name), ConsistentRead=True).get(
        "Item"
    )
    return item


def of_episode(table: Table, episode: EpisodeRef) -> list[dict[str, Any]]:
    """The episode's track records, oldest first."""
    items = records.episode_items(table, episode)
    found = [item for item in items if item[records.RANGE_KEY].startswith(records.TRACK_PREFIX)]
    return sorted(found, key=lambda item: item.get("createdAt", ""))


def processed(episode: EpisodeRef, tracks: list[dict[str, Any]], track_name: str | None, use: str) -> dict[str, Any]:
    """The track named (404 unknown, 409 not Processed), else the first Processed (409 none); `use` says what
    for, in the refusal ("a render", "a preview")."""
    if track_name is None:
        track = next((item for item in tracks if item["status"] == TrackStatus.PROCESSED.value), None)
        if track is None:
            raise Conflict(f"no track of this episode is Processed yet: {use} needs one")
        return track
    name = object_keys.sanitize_track_name(track_name)
    track = next((item for item in tracks if item["trackName"] == name), None)
    if track is None:
        raise NotFound(f"track {name} not found in episode {episode.id}")
    if track["status"] != TrackStatus.PROCESSED.value:
        raise Conflict(f"track {name} is {track['status']}: {use} needs a Processed track")
    return track


CONFLICT_ATTEMPTS = 3
"""Tries of a transaction another one cancelled (two tracks of one episode completing at once)."""
EPISODE_ITEM = 1
"""Position of the episode's update in `record_upload`'s transaction (refused: gone, or at its track limit)."""


def record_upload(
    table: Table, episode: EpisodeRef, track: dict[str, Any], replacing: str | None, track_limit: int
) -> Refused | None:
    """Record a completed upload as the track, close its session and count it on the episode, in one transaction.

    With `replacing` (the upload id of a failed attempt) the new attempt takes that record's place and the
    count stays; without, there must be no track of that name yet and fewer than `track_limit` tracks.
    `Refused` (nothing written) when the track or the episode changed meanwhile, or the episode is full.
    """
    name, now = track["trackName"], track["updatedAt"]
    if replacing is None:
        put: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        counted = {
            "UpdateExpression": "ADD numTracks :one SET updatedAt = :now",
            "ConditionExpression": "attribute_exists(pk) AND (attribute_not_exists(numTracks) OR numTracks < :limit)",
            "ExpressionAttributeValues": {":one": 1, ":now": now, ":limit": track_limit},
        }
    else:
        put = {
            "ConditionExpression": "uploadId = :previous AND #status = :failed",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":previous": replacing, ":failed": TrackStatus.PROCESSING_FAILED.value},
        }
        counted = {
            "UpdateExpression": "SET updatedAt = :now",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":now": now},
        }
    items = [
        {"Put": {"Item": {**records.track_key(episode, name), **track}, **put}},
        {"Update": {"Key": records.episode_key(episode), **counted}},
        {"Delete": {"Key": records.track_upload_key(episode, name)}},
    ]
    for _ in range(CONFLICT_ATTEMPTS):
        refused = transacted(lambda: table.transact_write_items(TransactItems=items), conflict_refuses=True)
        if refused is None or refused.items:
            return refused
        # Cancelled by another track of the episode completing at the same moment: nothing was wrong.
    return refused


def claim_for_processing(
    table: Table, episode: EpisodeRef, track_name: str, attempt_id: str, upload_key: str
) -> dict[str, Any] | None:
    """Take the attempt's processing lock; None if a job exists, another delivery holds the lock, the
    track is no longer this attempt (replaced or deleted), or `upload_key` is not the object it recorded."""
    now = datetime.now(UTC)
    return _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET #status = :processing, lockExpiresAt = :lease, updatedAt = :now",
        ConditionExpression=(
            "attemptId = :attempt AND uploadKey = :key AND attribute_not_exists(mediaConvertJobId)"
            " AND #status IN (:unprocessed, :processing)"
            " AND (attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now)"
        ),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":attempt": attempt_id,
            ":key": upload_key,
            ":processing": TrackStatus.PROCESSING.value,
            ":unprocessed": TrackStatus.UNPROCESSED.value,
            ":lease": (now + LOCK_LEASE).isoformat(),
            ":now": now.isoformat(),
        },
    )


def record_job(table: Table, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str) -> bool:
    """Store the attempt's job id; False if the track is no longer this attempt."""
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression="SET mediaConvertJobId = :job, updatedAt = :now REMOVE lockExpiresAt",
        ConditionExpression="attemptId = :attempt",
        ExpressionAttributeValues={":job": job_id, ":attempt": attempt_id, ":now": records.now_iso()},
    )
    return updated is not None


def release_claim(table: Table, episode: EpisodeRef, track_name: str, attempt_id: str) -> None:
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


def awaits_output(table: Table, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str) -> bool:
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
    table: Table,
    episode: EpisodeRef,
    track_name: str,
    attempt_id: str,
    job_id: str,
    index: SegmentIndex,
    keyframe_index_key: str | None = None,
) -> bool:
    """Record the chunks of this job's output (and where their keyframe index is, if there is one); False
    when the track was already processed, or is another attempt or job."""
    keyframes = "keyframeIndexKey = :keyframes," if keyframe_index_key else ""
    stale = "" if keyframe_index_key else ", keyframeIndexKey"  # an earlier attempt's, whose chunks are gone
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression=(
            "SET #status = :processed, manifestKey = :manifest, segmentIndex = :index, segmentCount = :count,"
            f" {keyframes} totalDurationSeconds = :total, updatedAt = :now REMOVE failureReason{stale}"
        ),
        ConditionExpression="attemptId = :attempt AND mediaConvertJobId = :job AND #status <> :processed",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":processed": TrackStatus.PROCESSED.value,
            ":manifest": index.manifestKey,
            ":index": records.dynamo([segment.model_dump() for segment in index.segments]),
            ":count": len(index.segments),
            ":total": records.dynamo(index.total_duration),
            **({":keyframes": keyframe_index_key} if keyframe_index_key else {}),
            ":attempt": attempt_id,
            ":job": job_id,
            ":now": records.now_iso(),
        },
    )
    return updated is not None


def mark_failed(table: Table, episode: EpisodeRef, track_name: str, attempt_id: str, job_id: str, reason: str) -> bool:
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
    table: Table,
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


def finish_completion(table: Table, episode: EpisodeRef, track_name: str, upload_id: str) -> bool:
    """`Completing` → `Unprocessed` once S3 has the object; False when the track is no longer that upload completing."""
    return _leave_completing(table, episode, track_name, upload_id, TrackStatus.UNPROCESSED, {})


def fail_completion(table: Table, episode: EpisodeRef, track_name: str, upload_id: str, reason: str) -> bool:
    """`Completing` → `ProcessingFailed` with why S3 refused the parts; False when the track moved on."""
    return _leave_completing(
        table, episode, track_name, upload_id, TrackStatus.PROCESSING_FAILED, {"failureReason": reason}
    )


def _leave_completing(
    table: Table, episode: EpisodeRef, track_name: str, upload_id: str, status: TrackStatus, fields: dict[str, str]
) -> bool:
    assignments = "".join(f", {name} = :{name}" for name in fields)
    updated = _conditional_update(
        table,
        records.track_key(episode, track_name),
        UpdateExpression=f"SET #status = :status, updatedAt = :now{assignments}",
        ConditionExpression="uploadId = :upload AND #status = :completing",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":status": status.value,
            ":completing": TrackStatus.COMPLETING.value,
            ":upload": upload_id,
            ":now": records.now_iso(),
            **{f":{name}": value for name, value in fields.items()},
        },
    )
    return updated is not None


def remove(table: Table, episode: EpisodeRef, track: dict[str, Any]) -> bool:
    """Delete the track record as read and uncount it on the episode, in one transaction.

    False (nothing written) when the track changed since it was read: another attempt replaced
    it, a job started on it (`Processing`), S3 is still completing it (`Completing`), or it is gone.
    """
    now = records.now_iso()
    answer = written(
        lambda: table.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "Key": records.track_key(episode, track["trackName"]),
                        # Never while a job or S3 still works on it.
                        "ConditionExpression": "uploadId = :upload AND NOT (#status IN (:processing, :completing))",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":upload": track["uploadId"],
                            ":processing": TrackStatus.PROCESSING.value,
                            ":completing": TrackStatus.COMPLETING.value,
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
        ),
        conflict_refuses=True,
    )
    return answer is not None


def update_settings(
    table: Table,
    episode: EpisodeRef,
    track_name: str,
    *,
    speakers: list[str] | None,
    program_audio: bool | None,
    others: list[str],
) -> Refused | None:
    """Set who the track shows and whether it is the episode's program audio (`others`, the episode's other
    tracks that are, stop being it), in one transaction; `Refused` naming item 0 when the track is gone
    (deleted meanwhile), another item when one of `others` is."""
    assignments, removals = ["updatedAt = :now"], []
    values: dict[str, Any] = {":now": records.now_iso()}
    if speakers is not None:
        if speakers:
            assignments.append("speakers = :speakers")
            values[":speakers"] = speakers
        else:
            removals.append("speakers")
    if program_audio is not None:
        if program_audio:
            assignments.append("programAudio = :on")
            values[":on"] = True
        else:
            removals.append("programAudio")
    expression = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
    items: list[dict[str, Any]] = [
        {
            "Update": {
                "Key": records.track_key(episode, track_name),
                "UpdateExpression": expression,
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": values,
            }
        }
    ]
    if program_audio:
        items += [
            {
                "Update": {
                    "Key": records.track_key(episode, other),
                    "UpdateExpression": "REMOVE programAudio",
                    "ConditionExpression": "attribute_exists(pk)",
                }
            }
            for other in others
        ]
    return transacted(lambda: table.transact_write_items(TransactItems=items), conflict_refuses=True)
