"""Upload session records: the one open multipart upload of a track, while it makes progress.

One record per track name (`track-upload:{name}`), holding the S3 upload id, the object key and
the attempt id; its `expiresAt` (and TTL) moves forward as parts are signed. Every write is
conditioned on the upload id, so two starts, a start and a delete, or a complete and an
extension never overwrite each other's upload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import BadRequest, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import records
from handlers.core.store.conditions import written


def get(table: Table, episode: EpisodeRef, track_name: str) -> dict[str, Any] | None:
    """The track's session record (open or expired), read consistently; None when there is none."""
    key = records.track_upload_key(episode, track_name)
    item: dict[str, Any] | None = table.get_item(Key=key, ConsistentRead=True).get("Item")
    return item


def require_open(table: Table, episode: EpisodeRef, track_name: str, upload_id: str, now: datetime) -> dict[str, Any]:
    """The track's session open at `now`; `NotFound` when there is none, `BadRequest` when it is another upload's."""
    session = get(table, episode, track_name)
    if not session or not is_open(session, now):
        raise NotFound(f"no open upload for track {track_name} of episode {episode.id}")
    if session["uploadId"] != upload_id:
        raise BadRequest("uploadId does not match the open upload of this track")
    return session


def is_open(session: dict[str, Any], now: datetime) -> bool:
    return datetime.fromisoformat(session["expiresAt"]) > now


def open_new(table: Table, episode: EpisodeRef, fields: dict[str, Any], replacing: str | None) -> bool:
    """Record a new session; only if there is none, or (`replacing`) it is still that expired upload's.

    False when another start won: the caller reads the winner with `get`.
    """
    item = {**records.track_upload_key(episode, fields["trackName"]), **fields}
    if replacing is None:
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
    else:
        condition = {"ConditionExpression": "uploadId = :expired", "ExpressionAttributeValues": {":expired": replacing}}
    return written(lambda: table.put_item(Item=item, **condition)) is not None


def extend(table: Table, episode: EpisodeRef, track_name: str, upload_id: str, expires_at: str, ttl: int) -> bool:
    """Move the session's end to `expires_at`; False when it is another upload's or already ends later."""
    answer = written(
        lambda: table.update_item(
            Key=records.track_upload_key(episode, track_name),
            UpdateExpression="SET expiresAt = :expires, #ttl = :ttl",
            # Never backwards (a concurrent call may have extended it further), never another upload's.
            ConditionExpression="uploadId = :upload AND expiresAt < :expires",
            ExpressionAttributeNames={"#ttl": records.TTL_ATTRIBUTE},
            ExpressionAttributeValues={":expires": expires_at, ":ttl": ttl, ":upload": upload_id},
        )
    )
    return answer is not None


def close(table: Table, episode: EpisodeRef, track_name: str, upload_id: str) -> bool:
    """Delete the track's session if it is still `upload_id`'s; False if it is not."""
    answer = written(
        lambda: table.delete_item(
            Key=records.track_upload_key(episode, track_name),
            ConditionExpression="uploadId = :upload",
            ExpressionAttributeValues={":upload": upload_id},
        )
    )
    return answer is not None
