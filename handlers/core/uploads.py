"""Upload rules: presigned transcript PUTs and multipart track uploads, both resumable for 15 min.

Asking twice while a URL or session is still valid answers the same thing, so a client that
lost an answer can simply ask again. Completing a track is idempotent too: a repeated complete
returns the same answer and never counts the track twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from handlers.core import eventbridge, events, keys
from handlers.core import table as records
from handlers.core.episodes import require_episode
from handlers.core.errors import BadRequest, Conflict, NotFound
from handlers.core.models import (
    CompletedTrackUpload,
    CompleteTrackUploadRequest,
    PartUrl,
    PartUrls,
    PresignPartsRequest,
    StartTrackUploadRequest,
    TrackStatus,
    TrackUploadSession,
    TranscriptUpload,
)

URL_LIFETIME = timedelta(minutes=15)
# A URL this close to expiry is not handed out again: the client could not finish with it.
REUSE_MARGIN = timedelta(minutes=2)
_S3_CLIENT_ERRORS = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "NoSuchUpload", "MalformedXML"}


@dataclass(frozen=True)
class Storage:
    """The stack resources uploads touch."""

    table: Any
    s3: Any
    bucket: str


def _now() -> datetime:
    return datetime.now(UTC)


def _still_valid(record: dict[str, Any] | None, now: datetime) -> bool:
    return record is not None and datetime.fromisoformat(record["expiresAt"]) - REUSE_MARGIN > now


def _expiry(now: datetime) -> tuple[str, int]:
    expires = now + URL_LIFETIME
    return expires.isoformat(timespec="seconds"), int(expires.timestamp())


def request_transcript_upload(storage: Storage, episode_id: str, filename: str | None) -> TranscriptUpload:
    """A presigned PUT for `{episodeId}/transcript.srt`; the same one while it stays valid."""
    require_episode(storage.table, episode_id)
    now = _now()
    record_key = records.transcript_upload_key(episode_id)
    existing = storage.table.get_item(Key=record_key).get("Item")
    if existing and _still_valid(existing, now) and existing.get("filename") == filename:
        return TranscriptUpload.model_validate(existing)
    key = keys.transcript_key(episode_id)
    params: dict[str, Any] = {"Bucket": storage.bucket, "Key": key}
    required_headers = None
    if filename:
        params["Metadata"] = {"filename": filename}
        required_headers = {"x-amz-meta-filename": filename}
    url = storage.s3.generate_presigned_url("put_object", Params=params, ExpiresIn=int(URL_LIFETIME.total_seconds()))
    expires_at, ttl = _expiry(now)
    upload = TranscriptUpload(key=key, uploadUrl=url, expiresAt=expires_at, requiredHeaders=required_headers)
    storage.table.put_item(
        Item={
            **record_key,
            **upload.model_dump(mode="json", exclude_none=True),
            "filename": filename,
            records.TTL_ATTRIBUTE: ttl,
        }
    )
    return upload


def start_track_upload(storage: Storage, episode_id: str, request: StartTrackUploadRequest) -> TrackUploadSession:
    """Open (or return the open) multipart upload for a track of the episode."""
    require_episode(storage.table, episode_id)
    track_name = keys.sanitize_track_name(request.trackName)
    if storage.table.get_item(Key=records.track_key(episode_id, track_name)).get("Item"):
        raise Conflict(f"track {track_name} is already uploaded for episode {episode_id}")
    now = _now()
    session_key = records.track_upload_key(episode_id, track_name)
    existing = storage.table.get_item(Key=session_key, ConsistentRead=True).get("Item")
    if existing and _still_valid(existing, now) and existing["filename"] == request.filename:
        return _session(existing)
    key = keys.track_key(episode_id, track_name, request.filename)
    upload_id = storage.s3.create_multipart_upload(
        Bucket=storage.bucket, Key=key, Metadata={"filename": request.filename}
    )["UploadId"]
    expires_at, ttl = _expiry(now)
    item = {
        **session_key,
        "key": key,
        "uploadId": upload_id,
        "trackName": track_name,
        "filename": request.filename,
        "expiresAt": expires_at,
        records.TTL_ATTRIBUTE: ttl,
    }
    try:
        # Only one of two concurrent starts may open the session; the other answers with it.
        storage.table.put_item(
            Item=item,
            ConditionExpression="attribute_not_exists(pk) OR expiresAt < :fresh OR filename <> :filename",
            ExpressionAttributeValues={":fresh": (now + REUSE_MARGIN).isoformat(), ":filename": request.filename},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        storage.s3.abort_multipart_upload(Bucket=storage.bucket, Key=key, UploadId=upload_id)
        return _session(storage.table.get_item(Key=session_key, ConsistentRead=True)["Item"])
    return _session(item)


def _session(item: dict[str, Any]) -> TrackUploadSession:
    return TrackUploadSession(
        key=item["key"],
        uploadId=item["uploadId"],
        trackName=item["trackName"],
        expiresAt=item["expiresAt"],
        requiredHeaders={},
    )


def _open_session(storage: Storage, episode_id: str, track_name: str, upload_id: str) -> dict[str, Any]:
    session = storage.table.get_item(Key=records.track_upload_key(episode_id, track_name), ConsistentRead=True).get(
        "Item"
    )
    if not session or datetime.fromisoformat(session["expiresAt"]) <= _now():
        raise NotFound(f"no open upload for track {track_name} of episode {episode_id}")
    if session["uploadId"] != upload_id:
        raise BadRequest("uploadId does not match the open upload of this track")
    return session


def presign_parts(storage: Storage, episode_id: str, track_name: str, request: PresignPartsRequest) -> PartUrls:
    """Presigned PUT URLs for the requested part numbers of the open upload."""
    track_name = keys.sanitize_track_name(track_name)
    session = _open_session(storage, episode_id, track_name, request.uploadId)
    urls = [
        PartUrl(
            partNumber=number,
            url=storage.s3.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": storage.bucket,
                    "Key": session["key"],
                    "UploadId": session["uploadId"],
                    "PartNumber": number,
                },
                ExpiresIn=int(URL_LIFETIME.total_seconds()),
            ),
        )
        for number in sorted(set(request.partNumbers))
    ]
    return PartUrls(urls=urls)


def complete_track_upload(
    storage: Storage, bus: Any, episode_id: str, track_name: str, request: CompleteTrackUploadRequest
) -> CompletedTrackUpload:
    """Complete the object, record the track, count it, close the session, announce it."""
    track_name = keys.sanitize_track_name(track_name)
    track_key = records.track_key(episode_id, track_name)
    done = storage.table.get_item(Key=track_key, ConsistentRead=True).get("Item")
    if done:
        return _already_completed(bus, done, request.uploadId)
    session = _open_session(storage, episode_id, track_name, request.uploadId)
    parts = sorted(request.parts, key=lambda part: part.PartNumber)
    try:
        storage.s3.complete_multipart_upload(
            Bucket=storage.bucket,
            Key=session["key"],
            UploadId=request.uploadId,
            MultipartUpload={"Parts": [{"ETag": p.ETag, "PartNumber": p.PartNumber} for p in parts]},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] in _S3_CLIENT_ERRORS:
            raise BadRequest(
                f"the parts do not complete the upload: {error.response['Error'].get('Message')}"
            ) from error
        raise
    now = records.now_iso()
    track = {
        **track_key,
        "trackName": track_name,
        "status": TrackStatus.UNPROCESSED.value,
        "uploadKey": session["key"],
        "uploadId": request.uploadId,
        "filename": session["filename"],
        "createdAt": now,
        "updatedAt": now,
    }
    try:
        storage.table.meta.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": storage.table.name,
                        "Item": track,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": storage.table.name,
                        "Key": records.episode_key(episode_id),
                        "UpdateExpression": "ADD numTracks :one SET updatedAt = :now",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":one": 1, ":now": now},
                    }
                },
                {"Delete": {"TableName": storage.table.name, "Key": records.track_upload_key(episode_id, track_name)}},
            ]
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        # A concurrent complete of the same upload won the race: answer as it did.
        winner = storage.table.get_item(Key=track_key, ConsistentRead=True).get("Item")
        if not winner:
            raise NotFound(f"episode {episode_id} not found") from error
        return _already_completed(bus, winner, request.uploadId, announce=False)
    eventbridge.publish(
        bus,
        events.VIDEO_UPLOAD_COMPLETED,
        events.VideoUploadCompleted(episodeId=episode_id, trackName=track_name, key=session["key"]),
    )
    return CompletedTrackUpload(key=session["key"], trackName=track_name)


def _already_completed(bus: Any, track: dict[str, Any], upload_id: str, announce: bool = True) -> CompletedTrackUpload:
    """A repeated complete: same answer; announce again only if processing never started."""
    if track.get("uploadId") != upload_id:
        raise Conflict(f"track {track['trackName']} was completed by another upload")
    if announce and track["status"] == TrackStatus.UNPROCESSED.value and not track.get("mediaConvertJobId"):
        # The first attempt may have failed after recording the track; the event is idempotent.
        eventbridge.publish(
            bus,
            events.VIDEO_UPLOAD_COMPLETED,
            events.VideoUploadCompleted(episodeId=track["pk"], trackName=track["trackName"], key=track["uploadKey"]),
        )
    return CompletedTrackUpload(key=track["uploadKey"], trackName=track["trackName"])
