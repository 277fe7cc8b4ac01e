"""A track's settings (who it shows, program audio), and removing a track: its record (uncounted), its upload
object and chunks, and any open upload of it."""

from __future__ import annotations

from handlers.contract import TrackStatus
from handlers.core.models.episodes import TrackView, UpdateTrackRequest
from handlers.core.runtime.clients import Storage
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.errors import Conflict, NotFound
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import episodes, job_slots, object_keys, records, track_media, tracks, upload_sessions


def delete_track(storage: Storage, episode: EpisodeRef, track_name: str) -> None:
    """Remove a track: its record (uncounted), upload object and chunks, and any open upload of it.

    404 when the episode has neither the track nor an open upload of it; 409 while it is
    `Processing` (its job would write chunks nobody removes) or when it changed meanwhile.
    """
    episodes.require(storage.table, episode)
    track_name = object_keys.sanitize_track_name(track_name)
    track = tracks.get(storage.table, episode, track_name)
    session = upload_sessions.get(storage.table, episode, track_name)
    if track is None and session is None:
        raise NotFound(f"track {track_name} not found in episode {episode.id}")
    if track is not None:
        if track["status"] == TrackStatus.PROCESSING.value:
            raise Conflict(f"track {track_name} is being processed: delete it once processing has ended")
        if track["status"] == TrackStatus.COMPLETING.value:
            raise Conflict(f"track {track_name} is still completing: delete it once it is complete")
        if not tracks.remove(storage.table, episode, track):
            raise Conflict(f"track {track_name} changed while being deleted: try again")
        track_media.discard(storage.s3, storage.bucket, episode, track)
        if attempt := track.get("attemptId"):
            # An Unprocessed track whose job never started would otherwise hold its chunking slot to the lease's end.
            holder = job_slots.chunking_holder(episode.id, track_name, attempt)
            job_slots.give_back(storage.table, episode.tenant, job_slots.CHUNKING, holder)
    # An upload completed or replaced meanwhile is not the one this call was asked to abort.
    if session is not None and upload_sessions.close(storage.table, episode, track_name, session["uploadId"]):
        track_media.abort_upload(storage.s3, storage.bucket, session["key"], session["uploadId"])


def update_track(table: Table, episode: EpisodeRef, track_name: str, request: UpdateTrackRequest) -> TrackView:
    """Set the people a track shows and/or whether its audio is the episode's program audio (at most one track
    is: setting it on one clears it on the others). Any status; 404 an unknown track (another tenant's too)."""
    episodes.require(table, episode)
    track_name = object_keys.sanitize_track_name(track_name)
    others = [
        track["trackName"]
        for track in tracks.of_episode(table, episode)
        if track.get("programAudio") and track["trackName"] != track_name
    ]
    speakers = list(dict.fromkeys(request.speakers)) if request.speakers is not None else None
    refused = tracks.update_settings(
        table, episode, track_name, speakers=speakers, program_audio=request.programAudio, others=others
    )
    if refused is not None:
        if (not refused.items or 0 in refused.items) and tracks.get(table, episode, track_name) is None:
            raise NotFound(f"track {track_name} not found in episode {episode.id}")
        raise Conflict(f"the tracks of episode {episode.id} changed meanwhile: try again")
    track = tracks.get(table, episode, track_name)
    if track is None:
        raise NotFound(f"track {track_name} not found in episode {episode.id}")
    plain = records.plain(track)
    if "segmentIndex" in plain:  # as the episode shows its tracks
        plain["segments"] = [records.plain(segment) for segment in plain["segmentIndex"]]
    return TrackView.model_validate(plain)
