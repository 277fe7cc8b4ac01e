"""Completing a track's multipart upload: the object, the track's record, the episode's count, the announcement.

Repeating a complete returns the same answer and never counts the track twice; a complete that
replaces a failed attempt keeps one track of that name. Apart from the other upload rules, as
the only one that publishes an event (so only its function imports EventBridge's models).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from handlers.contract import TrackStatus
from handlers.core.models import events
from handlers.core.models.uploads import CompletedTrackUpload, CompleteTrackUploadRequest
from handlers.core.runtime import eventbridge
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.errors import BadRequest, Conflict
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, object_keys, records, track_media, tracks, upload_sessions

S3_CLIENT_ERRORS = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "NoSuchUpload", "MalformedXML"}
"""What S3 answers when a complete's part list does not fit the upload: the client's fault, a 400."""


def complete_track_upload(
    storage: Storage, bus: Any, episode: EpisodeRef, track_name: str, request: CompleteTrackUploadRequest
) -> CompletedTrackUpload:
    """Complete the object, record the track (replacing a failed attempt), count it, close the session, announce it."""
    track_name = object_keys.sanitize_track_name(track_name)
    previous = tracks.get(storage.table, episode, track_name)
    if previous and previous.get("uploadId") == request.uploadId:
        return _already_completed(bus, episode, previous)
    if previous and previous["status"] != TrackStatus.PROCESSING_FAILED.value:
        raise Conflict(f"track {track_name} was completed by another upload")
    session = upload_sessions.require_open(storage.table, episode, track_name, request.uploadId, datetime.now(UTC))
    parts = sorted(request.parts, key=lambda part: part.PartNumber)
    try:
        storage.s3.complete_multipart_upload(
            Bucket=storage.bucket,
            Key=session["key"],
            UploadId=request.uploadId,
            MultipartUpload={"Parts": [{"ETag": p.ETag, "PartNumber": p.PartNumber} for p in parts]},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] in S3_CLIENT_ERRORS:
            raise BadRequest(
                f"the parts do not complete the upload: {error.response['Error'].get('Message')}"
            ) from error
        raise
    now = records.now_iso()
    track = {
        "trackName": track_name,
        "status": TrackStatus.UNPROCESSED.value,
        "attemptId": session["attemptId"],
        "uploadKey": session["key"],
        "uploadId": request.uploadId,
        "filename": session["filename"],
        "createdAt": now,
        "updatedAt": now,
    }
    # A new attempt at a failed track replaces it: same name, still one track on the episode.
    replacing = previous["uploadId"] if previous is not None else None
    if not tracks.record_upload(storage.table, episode, track, replacing):
        return _lost_race(storage, bus, episode, track_name, request.uploadId)
    if previous is not None:
        track_media.discard(storage.s3, storage.bucket, episode, previous, keep=session["key"])
    _announce(bus, episode, track_name, session["attemptId"], session["key"])
    return CompletedTrackUpload(key=session["key"], trackName=track_name)


def _lost_race(
    storage: Storage, bus: Any, episode: EpisodeRef, track_name: str, upload_id: str
) -> CompletedTrackUpload:
    """The track changed between reading it and recording this upload."""
    winner = tracks.get(storage.table, episode, track_name)
    if winner and winner.get("uploadId") == upload_id:
        # A concurrent complete of the same upload won: answer as it did.
        return _already_completed(bus, episode, winner, announce=False)
    episodes.require(storage.table, episode)
    # The failed track this upload was to replace was deleted or replaced meanwhile. The object is
    # complete but unrecorded, and its session can never complete again: close it (if still its).
    upload_sessions.close(storage.table, episode, track_name, upload_id)
    raise Conflict(f"track {track_name} changed while this upload completed: start the upload again")


def _already_completed(
    bus: Any, episode: EpisodeRef, track: dict[str, Any], announce: bool = True
) -> CompletedTrackUpload:
    """A repeated complete: same answer; announce again only if processing never started."""
    if announce and track["status"] == TrackStatus.UNPROCESSED.value and not track.get("mediaConvertJobId"):
        # The first attempt may have failed after recording the track; the event is idempotent.
        _announce(bus, episode, track["trackName"], track["attemptId"], track["uploadKey"])
    return CompletedTrackUpload(key=track["uploadKey"], trackName=track["trackName"])


def _announce(bus: Any, episode: EpisodeRef, track_name: str, attempt_id: str, key: str) -> None:
    """`Video Upload Completed` for this attempt of the track: chunking starts from it."""
    eventbridge.publish(
        bus,
        events.VIDEO_UPLOAD_COMPLETED,
        events.VideoUploadCompleted(
            tenantId=episode.tenant, episodeId=episode.id, trackName=track_name, attemptId=attempt_id, key=key
        ),
    )
