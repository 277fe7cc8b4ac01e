"""Completing a track's multipart upload: the object, the track's record, the episode's count, the announcement.

Repeating a complete returns the same answer and never counts the track twice; a complete that
replaces a failed attempt keeps one track of that name. Apart from the other upload rules, as
the only one that publishes an event (so only its function imports EventBridge's models).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError, ReadTimeoutError

from handlers.contract import TrackStatus
from handlers.core.models import events
from handlers.core.models.uploads import CompletedTrackUpload, CompleteTrackUploadRequest
from handlers.core.runtime import eventbridge
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.errors import BadRequest, Conflict, LimitReached
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, job_slots, object_keys, records, track_media, tracks, upload_sessions

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
    now = datetime.now(UTC)
    session = upload_sessions.require_open(storage.table, episode, track_name, request.uploadId, now)
    _within_track_limit(storage, episode, replacing=previous is not None)
    holder = job_slots.chunking_holder(episode.id, track_name, session["attemptId"])
    capacity = storage.limits.concurrent_chunking_jobs
    # A complete of this upload already running holds the slot: only the request that took it gives it back.
    held_before = job_slots.holds(storage.table, episode.tenant, job_slots.CHUNKING, holder)
    if not job_slots.take(storage.table, episode.tenant, job_slots.CHUNKING, holder, capacity, now):
        raise LimitReached.concurrent("concurrent_chunking_jobs", capacity)
    try:
        return _complete(storage, bus, episode, track_name, request, session, previous)
    except Exception:
        # Nothing was recorded (a refused part list, a lost race, the limit): its job will never run.
        if not held_before:
            job_slots.give_back(storage.table, episode.tenant, job_slots.CHUNKING, holder)
        raise


def _within_track_limit(storage: Storage, episode: EpisodeRef, replacing: bool) -> None:
    """429 before anything is completed when a new track would pass the episode's track limit."""
    limit = storage.limits.tracks_per_episode
    if not replacing and episodes.require(storage.table, episode).get("numTracks", 0) >= limit:
        raise LimitReached.per_object("tracks_per_episode", limit, "episode: delete a track to add another")


def _complete(
    storage: Storage,
    bus: Any,
    episode: EpisodeRef,
    track_name: str,
    request: CompleteTrackUploadRequest,
    session: dict[str, Any],
    previous: dict[str, Any] | None,
) -> CompletedTrackUpload:
    """Complete the object and record the track (`complete_track_upload` holds its chunking slot).

    S3 may take minutes to assemble a large object, longer than a request may last: when it has not
    answered within the completion client's read timeout (`Storage.completion_s3`), the track is
    recorded `Completing` and a function finishes the upload (`rules.upload_finishing`); the answer
    then says `Completing` (202).
    """
    parts = [{"ETag": p.ETag, "PartNumber": p.PartNumber} for p in sorted(request.parts, key=lambda p: p.PartNumber)]
    completing = False
    try:
        storage.completion_s3.complete_multipart_upload(
            Bucket=storage.bucket, Key=session["key"], UploadId=request.uploadId, MultipartUpload={"Parts": parts}
        )
    except ClientError as error:
        code = error.response["Error"]["Code"]
        winner = tracks.get(storage.table, episode, track_name) if code == "NoSuchUpload" else None
        if winner and winner.get("uploadId") == request.uploadId:
            # A concurrent complete of the same upload finished it first: answer as it did.
            return _already_completed(bus, episode, winner, announce=False)
        if code in S3_CLIENT_ERRORS:
            raise BadRequest(
                f"the parts do not complete the upload: {error.response['Error'].get('Message')}"
            ) from error
        raise
    except ReadTimeoutError:
        completing = True  # S3 goes on assembling the object; the request must answer now
    now = records.now_iso()
    status = TrackStatus.COMPLETING if completing else TrackStatus.UNPROCESSED
    track = {
        "trackName": track_name,
        "status": status.value,
        "attemptId": session["attemptId"],
        "uploadKey": session["key"],
        "uploadId": request.uploadId,
        "filename": session["filename"],
        **({"speakers": session["speakers"]} if session.get("speakers") else {}),
        "createdAt": now,
        "updatedAt": now,
    }
    if completing:  # before the record: whoever sees `Completing` finds the part list
        parts_key = object_keys.completion_parts_key(episode, track_name, session["attemptId"])
        storage.s3.put_object(Bucket=storage.bucket, Key=parts_key, Body=json.dumps(parts).encode())
    # A new attempt at a failed track replaces it: same name, still one track on the episode.
    replacing = previous["uploadId"] if previous is not None else None
    refused = tracks.record_upload(storage.table, episode, track, replacing, storage.limits.tracks_per_episode)
    if refused is not None:
        return _lost_race(storage, bus, episode, track_name, request.uploadId, session["key"], replacing is not None)
    if previous is not None:
        track_media.discard(storage.s3, storage.bucket, episode, previous, keep=session["key"])
    if completing:
        _announce_completing(bus, episode, track)
    else:
        _announce(bus, episode, track_name, session["attemptId"], session["key"])
    return CompletedTrackUpload(key=session["key"], trackName=track_name, status=status.value)


def _lost_race(
    storage: Storage, bus: Any, episode: EpisodeRef, track_name: str, upload_id: str, key: str, replacing: bool
) -> CompletedTrackUpload:
    """The track or the episode changed between reading them and recording this upload."""
    winner = tracks.get(storage.table, episode, track_name)
    if winner and winner.get("uploadId") == upload_id:
        # A concurrent complete of the same upload won: answer as it did.
        return _already_completed(bus, episode, winner, announce=False)
    record = episodes.require(storage.table, episode)
    limit = storage.limits.tracks_per_episode
    if not replacing and winner is None and record.get("numTracks", 0) >= limit:
        # Another track took the last place meanwhile: this upload is not kept (nothing refers to it).
        upload_sessions.close(storage.table, episode, track_name, upload_id)
        track_media.delete_object(storage.s3, storage.bucket, key)
        raise LimitReached.per_object("tracks_per_episode", limit, "episode: delete a track to add another")
    # The failed track this upload was to replace was deleted or replaced meanwhile. The object is
    # complete but unrecorded, and its session can never complete again: close it (if still its).
    upload_sessions.close(storage.table, episode, track_name, upload_id)
    raise Conflict(f"track {track_name} changed while this upload completed: start the upload again")


def _already_completed(
    bus: Any, episode: EpisodeRef, track: dict[str, Any], announce: bool = True
) -> CompletedTrackUpload:
    """A repeated complete: same answer; announce again only if processing (or completing) never went on."""
    if announce and track["status"] == TrackStatus.UNPROCESSED.value and not track.get("mediaConvertJobId"):
        # The first attempt may have failed after recording the track; the event is idempotent.
        _announce(bus, episode, track["trackName"], track["attemptId"], track["uploadKey"])
    if announce and track["status"] == TrackStatus.COMPLETING.value:
        _announce_completing(bus, episode, track)  # finishing is idempotent: a lost event must not strand it
    return CompletedTrackUpload(key=track["uploadKey"], trackName=track["trackName"], status=track["status"])


def _announce_completing(bus: Any, episode: EpisodeRef, track: dict[str, Any]) -> None:
    """`Track Upload Completing`: the function that finishes the upload starts from it."""
    eventbridge.publish(
        bus,
        events.TRACK_UPLOAD_COMPLETING,
        events.TrackUploadCompleting(
            tenantId=episode.tenant,
            episodeId=episode.id,
            trackName=track["trackName"],
            attemptId=track["attemptId"],
            uploadId=track["uploadId"],
            key=track["uploadKey"],
            partsKey=object_keys.completion_parts_key(episode, track["trackName"], track["attemptId"]),
        ),
    )


def _announce(bus: Any, episode: EpisodeRef, track_name: str, attempt_id: str, key: str) -> None:
    """`Video Upload Completed` for this attempt of the track: chunking starts from it."""
    eventbridge.publish(
        bus,
        events.VIDEO_UPLOAD_COMPLETED,
        events.VideoUploadCompleted(
            tenantId=episode.tenant, episodeId=episode.id, trackName=track_name, attemptId=attempt_id, key=key
        ),
    )
