"""Upload rules: presigned transcript PUTs and multipart track uploads, and removing a track.

Asking twice while a URL or session is still valid answers the same thing, so a client that
lost an answer can simply ask again. A transcript URL lives 15 min; a track's upload session
lives as long as the upload makes progress (signing parts extends it) within the bucket's
window for incomplete uploads. Completing a track is idempotent too: a repeated complete
returns the same answer and never counts the track twice (`handlers.core.rules.track_completion`). A
failed track can be uploaded again (a new attempt replaces it) or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from handlers.contract import UPLOAD_WINDOW, TrackStatus
from handlers.core.models.uploads import (
    PartUrl,
    PartUrls,
    PresignPartsRequest,
    StartTrackUploadRequest,
    TrackUploadSession,
    TranscriptUpload,
)
from handlers.core.runtime.errors import BadRequest, Conflict, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import object_keys, records, tracks

URL_LIFETIME = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
"""A track's upload session ends this long after its last signed parts (or its start): a part URL
is good for 15 minutes and a part sent near its end may still be on its way."""
# A URL this close to expiry is not handed out again: the client could not finish with it.
REUSE_MARGIN = timedelta(minutes=2)


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


def request_transcript_upload(storage: Storage, episode: EpisodeRef, filename: str | None) -> TranscriptUpload:
    """A presigned PUT for a new transcript object of the episode; the same one while it stays valid."""
    records.require_episode(storage.table, episode)
    now = _now()
    record_key = records.transcript_upload_key(episode)
    existing = storage.table.get_item(Key=record_key).get("Item")
    if existing and _still_valid(existing, now) and existing.get("filename") == filename:
        return TranscriptUpload.model_validate(existing)
    key = object_keys.transcript_key(episode, object_keys.new_transcript_id(now))
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


def start_track_upload(storage: Storage, episode: EpisodeRef, request: StartTrackUploadRequest) -> TrackUploadSession:
    """Open (or return the open) multipart upload for a track: a new one, or a new attempt at a failed one.

    A track that is uploaded and not `ProcessingFailed` is refused (409): a processed track is
    deleted first. While an upload of the track is open, starting it again with the same filename
    returns that upload; with another filename it is refused (409), never silently replaced.
    """
    records.require_episode(storage.table, episode)
    track_name = object_keys.sanitize_track_name(request.trackName)
    track = storage.table.get_item(Key=records.track_key(episode, track_name), ConsistentRead=True).get("Item")
    if track and track["status"] != TrackStatus.PROCESSING_FAILED.value:
        raise Conflict(_uploaded(track))
    now = _now()
    session_key = records.track_upload_key(episode, track_name)
    existing = storage.table.get_item(Key=session_key, ConsistentRead=True).get("Item")
    if existing and _is_open(existing, now):
        return _resume(existing, request.filename)
    key = object_keys.track_key(episode, track_name, request.filename)
    upload_id = storage.s3.create_multipart_upload(
        Bucket=storage.bucket, Key=key, Metadata={"filename": request.filename}
    )["UploadId"]
    item = {
        **session_key,
        "key": key,
        "uploadId": upload_id,
        "trackName": track_name,
        "filename": request.filename,
        "attemptId": object_keys.new_attempt_id(now),
        "startedAt": _iso(now),
        **_session_expiry(now, now),
    }
    # Only one of two concurrent starts may open the session; an expired one is replaced.
    condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
    if existing:
        condition = {
            "ConditionExpression": "uploadId = :expired",
            "ExpressionAttributeValues": {":expired": existing["uploadId"]},
        }
    try:
        storage.table.put_item(Item=item, **condition)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        _abort(storage, key, upload_id)
        winner = storage.table.get_item(Key=session_key, ConsistentRead=True).get("Item")
        if not winner:
            raise Conflict(f"track {track_name} changed while its upload started: start it again") from error
        return _resume(winner, request.filename)
    if existing:
        # The expired session's parts would be billed until the bucket's lifecycle aborted them.
        _abort(storage, existing["key"], existing["uploadId"])
    return _session(item)


def _uploaded(track: dict[str, Any]) -> str:
    if track["status"] == TrackStatus.PROCESSED.value:
        return f"track {track['trackName']} is already uploaded and processed: delete it to upload it again"
    return f"track {track['trackName']} is already uploaded and being processed"


def _resume(session: dict[str, Any], filename: str) -> TrackUploadSession:
    """The open session, if it uploads the same file; refusing otherwise keeps the first upload's parts."""
    if session["filename"] != filename:
        raise Conflict(
            f"an upload of track {session['trackName']} is already open for file "
            f"{_quoted(session['filename'])} until {_session(session).expiresAt:%Y-%m-%dT%H:%M:%SZ}: complete it,"
            " or delete the track to abort it"
        )
    return _session(session)


def _quoted(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _session_expiry(started: datetime, now: datetime) -> dict[str, Any]:
    """`expiresAt` and `ttl` of a session active now: idle time from now, never past the upload window."""
    expires = min(now + SESSION_IDLE, started + UPLOAD_WINDOW)
    return {"expiresAt": _iso(expires), records.TTL_ATTRIBUTE: int(expires.timestamp())}


def _is_open(session: dict[str, Any], now: datetime) -> bool:
    return datetime.fromisoformat(session["expiresAt"]) > now


def _abort(storage: Storage, key: str, upload_id: str) -> None:
    try:
        storage.s3.abort_multipart_upload(Bucket=storage.bucket, Key=key, UploadId=upload_id)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchUpload":
            raise


def _session(item: dict[str, Any]) -> TrackUploadSession:
    return TrackUploadSession(
        key=item["key"],
        uploadId=item["uploadId"],
        trackName=item["trackName"],
        expiresAt=item["expiresAt"],
        requiredHeaders={},
    )


def open_session(storage: Storage, episode: EpisodeRef, track_name: str, upload_id: str) -> dict[str, Any]:
    """The track's open upload session; `NotFound` when there is none, 400 when it is another upload's."""
    session = storage.table.get_item(Key=records.track_upload_key(episode, track_name), ConsistentRead=True).get("Item")
    if not session or not _is_open(session, _now()):
        raise NotFound(f"no open upload for track {track_name} of episode {episode.id}")
    if session["uploadId"] != upload_id:
        raise BadRequest("uploadId does not match the open upload of this track")
    return session


def _extend(storage: Storage, episode: EpisodeRef, session: dict[str, Any]) -> datetime:
    """Signing parts is progress: the session lives `SESSION_IDLE` from now, within the upload window."""
    extended = _session_expiry(datetime.fromisoformat(session["startedAt"]), _now())
    if extended["expiresAt"] <= session["expiresAt"]:
        return datetime.fromisoformat(session["expiresAt"])
    try:
        storage.table.update_item(
            Key=records.track_upload_key(episode, session["trackName"]),
            UpdateExpression="SET expiresAt = :expires, #ttl = :ttl",
            # Never backwards (a concurrent call may have extended it further), never another upload's.
            ConditionExpression="uploadId = :upload AND expiresAt < :expires",
            ExpressionAttributeNames={"#ttl": records.TTL_ATTRIBUTE},
            ExpressionAttributeValues={
                ":expires": extended["expiresAt"],
                ":ttl": extended[records.TTL_ATTRIBUTE],
                ":upload": session["uploadId"],
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        current = open_session(storage, episode, session["trackName"], session["uploadId"])
        return datetime.fromisoformat(current["expiresAt"])
    return datetime.fromisoformat(extended["expiresAt"])


def presign_parts(storage: Storage, episode: EpisodeRef, track_name: str, request: PresignPartsRequest) -> PartUrls:
    """Presigned PUT URLs for the requested part numbers of the open upload; extends the session."""
    track_name = object_keys.sanitize_track_name(track_name)
    session = open_session(storage, episode, track_name, request.uploadId)
    expires_at = _extend(storage, episode, session)
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
    return PartUrls(urls=urls, expiresAt=expires_at)


def delete_track(storage: Storage, episode: EpisodeRef, track_name: str) -> None:
    """Remove a track: its record (uncounted), upload object and chunks, and any open upload of it.

    404 when the episode has neither the track nor an open upload of it; 409 while it is
    `Processing` (its job would write chunks nobody removes) or when it changed meanwhile.
    """
    records.require_episode(storage.table, episode)
    track_name = object_keys.sanitize_track_name(track_name)
    track = storage.table.get_item(Key=records.track_key(episode, track_name), ConsistentRead=True).get("Item")
    session_key = records.track_upload_key(episode, track_name)
    session = storage.table.get_item(Key=session_key, ConsistentRead=True).get("Item")
    if track is None and session is None:
        raise NotFound(f"track {track_name} not found in episode {episode.id}")
    if track is not None:
        if track["status"] == TrackStatus.PROCESSING.value:
            raise Conflict(f"track {track_name} is being processed: delete it once processing has ended")
        if not tracks.remove(storage.table, episode, track):
            raise Conflict(f"track {track_name} changed while being deleted: try again")
        tracks.discard_media(storage.s3, storage.bucket, episode, track)
    # An upload completed or replaced meanwhile is not the one this call was asked to abort.
    if session is not None and close_session(storage, episode, track_name, session["uploadId"]):
        _abort(storage, session["key"], session["uploadId"])


def close_session(storage: Storage, episode: EpisodeRef, track_name: str, upload_id: str) -> bool:
    """Delete the track's upload session if it is still `upload_id`'s; False if it is not."""
    try:
        storage.table.delete_item(
            Key=records.track_upload_key(episode, track_name),
            ConditionExpression="uploadId = :upload",
            ExpressionAttributeValues={":upload": upload_id},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True
