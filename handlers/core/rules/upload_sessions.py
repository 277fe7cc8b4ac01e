"""Multipart track uploads: open (or reopen) a track's upload session and sign its parts.

Starting twice with the same file (the same filename, and size when given) answers the same
session, so a client that lost an answer, or crashed half way, can simply ask again and resume:
`list_parts` says which parts storage already holds. A session lives as long as the upload makes
progress (signing parts extends it by `SESSION_IDLE`) within the bucket's window for incomplete
uploads. A failed track can be uploaded again: a new attempt replaces it once completed
(`rules.track_completion`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.contract import UPLOAD_WINDOW, TrackStatus
from handlers.core.models.uploads import (
    PartUrl,
    PartUrls,
    PresignPartsRequest,
    StartTrackUploadRequest,
    TrackUploadSession,
    UploadedPart,
    UploadedParts,
)
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.errors import Conflict, LimitReached, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, object_keys, track_media, tracks, upload_sessions

URL_LIFETIME = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
"""A track's upload session ends this long after its last signed parts (or its start): a part URL
is good for 15 minutes and a part sent near its end may still be on its way."""


def _now() -> datetime:
    return datetime.now(UTC)


def start_track_upload(storage: Storage, episode: EpisodeRef, request: StartTrackUploadRequest) -> TrackUploadSession:
    """Open (or return the open) multipart upload for a track: a new one, or a new attempt at a failed one.

    A track that is uploaded and not `ProcessingFailed` is refused (409): a processed track is
    deleted first. While an upload of the track is open, starting it again with the same filename
    (and size, when both starts give one) returns that upload, with the part size it was started
    with; with another filename or size it is refused (409), never silently replaced.
    """
    record = episodes.require(storage.table, episode)
    track_name = object_keys.sanitize_track_name(request.trackName)
    track = tracks.get(storage.table, episode, track_name)
    if track and track["status"] != TrackStatus.PROCESSING_FAILED.value:
        raise Conflict(_uploaded(track))
    limit = storage.limits.tracks_per_episode
    if track is None and record.get("numTracks", 0) >= limit:
        # A new attempt at a failed track replaces it; only a new track name adds one.
        raise LimitReached.per_object("tracks_per_episode", limit, "episode: delete a track to add another")
    now = _now()
    existing = upload_sessions.get(storage.table, episode, track_name)
    if existing and upload_sessions.is_open(existing, now):
        return _resume(existing, request)
    key = object_keys.track_key(episode, track_name, request.filename)
    upload_id = storage.s3.create_multipart_upload(
        Bucket=storage.bucket, Key=key, Metadata={"filename": request.filename}
    )["UploadId"]
    item = {
        "key": key,
        "uploadId": upload_id,
        "trackName": track_name,
        "filename": request.filename,
        **{name: value for name, value in (("size", request.size), ("partSize", request.partSize)) if value},
        **({"speakers": request.speakers} if request.speakers else {}),  # onto the track when it is completed
        "attemptId": object_keys.new_attempt_id(now),
        "startedAt": _iso(now),
        **_session_expiry(now, now),
    }
    # Only one of two concurrent starts may open the session; an expired one is replaced.
    if not upload_sessions.open_new(storage.table, episode, item, replacing=existing["uploadId"] if existing else None):
        track_media.abort_upload(storage.s3, storage.bucket, key, upload_id)
        winner = upload_sessions.get(storage.table, episode, track_name)
        if not winner:
            raise Conflict(f"track {track_name} changed while its upload started: start it again")
        return _resume(winner, request)
    if existing:
        # The expired session's parts would be billed until the bucket's lifecycle aborted them.
        track_media.abort_upload(storage.s3, storage.bucket, existing["key"], existing["uploadId"])
    return _session(item)


def _uploaded(track: dict[str, Any]) -> str:
    if track["status"] == TrackStatus.PROCESSED.value:
        return f"track {track['trackName']} is already uploaded and processed: delete it to upload it again"
    return f"track {track['trackName']} is already uploaded and being processed"


def _resume(session: dict[str, Any], request: StartTrackUploadRequest) -> TrackUploadSession:
    """The open session, if it uploads the same file; refusing otherwise keeps the first upload's parts.

    The same file is the same filename, and the same size when both the session and the request
    know it (a session or a client from before sizes were sent matches on the filename alone).
    """
    recorded = session.get("size")
    same_size = recorded is None or request.size is None or int(recorded) == request.size
    if session["filename"] != request.filename or not same_size:
        of_size = (
            f" of {int(recorded):,} bytes" if recorded is not None and session["filename"] == request.filename else ""
        )
        raise Conflict(
            f"an upload of track {session['trackName']} is already open for file "
            f"{_quoted(session['filename'])}{of_size} until {_session(session).expiresAt:%Y-%m-%dT%H:%M:%SZ}:"
            " complete it, or delete the track to abort it"
        )
    return _session(session)


def _quoted(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _session_expiry(started: datetime, now: datetime) -> dict[str, Any]:
    """`expiresAt` and `ttl` of a session active now: idle time from now, never past the upload window."""
    expires = min(now + SESSION_IDLE, started + UPLOAD_WINDOW)
    return {"expiresAt": _iso(expires), "ttl": int(expires.timestamp())}


def _session(item: dict[str, Any]) -> TrackUploadSession:
    return TrackUploadSession(
        key=item["key"],
        uploadId=item["uploadId"],
        trackName=item["trackName"],
        expiresAt=item["expiresAt"],
        requiredHeaders={},
        size=_number(item.get("size")),
        partSize=_number(item.get("partSize")),
    )


def _number(value: Any) -> int | None:
    """A whole number as DynamoDB gives it back (a Decimal), or None."""
    return None if value is None else int(value)


def _extend(storage: Storage, episode: EpisodeRef, session: dict[str, Any]) -> datetime:
    """Signing parts is progress: the session lives `SESSION_IDLE` from now, within the upload window."""
    extended = _session_expiry(datetime.fromisoformat(session["startedAt"]), _now())
    if extended["expiresAt"] <= session["expiresAt"]:
        return datetime.fromisoformat(session["expiresAt"])
    name, upload_id = session["trackName"], session["uploadId"]
    if not upload_sessions.extend(storage.table, episode, name, upload_id, extended["expiresAt"], extended["ttl"]):
        # Extended further by a concurrent call, or no longer this upload's.
        current = upload_sessions.require_open(storage.table, episode, name, upload_id, _now())
        return datetime.fromisoformat(current["expiresAt"])
    return datetime.fromisoformat(extended["expiresAt"])


def presign_parts(storage: Storage, episode: EpisodeRef, track_name: str, request: PresignPartsRequest) -> PartUrls:
    """Presigned PUT URLs for the requested part numbers of the open upload; extends the session."""
    track_name = object_keys.sanitize_track_name(track_name)
    session = upload_sessions.require_open(storage.table, episode, track_name, request.uploadId, _now())
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


def list_parts(storage: Storage, episode: EpisodeRef, track_name: str, upload_id: str) -> UploadedParts:
    """The parts storage holds of the track's open upload `upload_id`: what a resuming client need not send again.

    404 when the track has no upload `upload_id` (another tenant's ids included); 409 when that
    upload is no longer open: its session ended (start it again), or it was completed.
    """
    track_name = object_keys.sanitize_track_name(track_name)
    session = upload_sessions.get(storage.table, episode, track_name)
    if session is None or session["uploadId"] != upload_id:
        track = tracks.get(storage.table, episode, track_name)
        if track is not None and track.get("uploadId") == upload_id:
            raise Conflict(
                f"the upload of track {track_name} is no longer open: it was completed (the track is {track['status']})"
            )
        raise NotFound(f"no such upload of track {track_name} of episode {episode.id}")
    if not upload_sessions.is_open(session, _now()):
        raise Conflict(
            f"the upload session of track {track_name} ended at {session['expiresAt']}: start the upload again"
        )
    listed = track_media.list_parts(storage.s3, storage.bucket, session["key"], upload_id)
    if listed is None:
        # Aborted meanwhile (the track was deleted) or completed by a concurrent request.
        raise NotFound(f"no open upload of track {track_name} of episode {episode.id}")
    return UploadedParts(
        parts=[UploadedPart(partNumber=part["PartNumber"], size=part["Size"], etag=part["ETag"]) for part in listed],
        size=_number(session.get("size")),
        partSize=_number(session.get("partSize")),
    )
