"""Chunking a track: start its MediaConvert job once, then record the outcome the job reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from handlers.contract import is_valid_tenant
from handlers.core.domain import chunking_job, keyframe_index, playlists
from handlers.core.models import events
from handlers.core.models.events import JobStateChange, VideoUploadCompleted
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import job_slots, keyframe_indexes, object_keys, tracks

logger = Logger(child=True)


@dataclass(frozen=True)
class JobSpec:
    """What a job needs besides the track: the role MediaConvert assumes and the chunk length."""

    bucket: str
    role_arn: str
    chunk_seconds: int


def start(table: Table, mediaconvert: Any, spec: JobSpec, upload: VideoUploadCompleted) -> str | None:
    """Create the attempt's job unless another delivery already did; returns the new job id."""
    episode = EpisodeRef(upload.tenantId, upload.episodeId)
    where = {
        "tenant": upload.tenantId,
        "episode_id": upload.episodeId,
        "track": upload.trackName,
        "attempt": upload.attemptId,
    }
    # The job reads the object the event names: only the one this attempt recorded, never another key.
    if not tracks.claim_for_processing(table, episode, upload.trackName, upload.attemptId, upload.key):
        logger.info("track already claimed, processed, replaced or deleted, or another object", extra=where)
        return None
    try:
        job = mediaconvert.create_job(
            Role=spec.role_arn,
            Settings=chunking_job.job_settings(
                spec.bucket,
                upload.key,
                object_keys.chunk_prefix(episode, upload.trackName, upload.attemptId),
                spec.chunk_seconds,
            ),
            UserMetadata={
                events.JOB_KIND: events.CHUNKS_JOB,
                "tenantId": upload.tenantId,
                "episodeId": upload.episodeId,
                "trackName": upload.trackName,
                "attemptId": upload.attemptId,
            },
            # The key names the tenant and the episode: one token per attempt at one upload.
            ClientRequestToken=chunking_job.request_token(upload.trackName, upload.attemptId, upload.key),
            StatusUpdateInterval="SECONDS_60",
        )["Job"]
    except Exception:
        tracks.release_claim(table, episode, upload.trackName, upload.attemptId)
        raise
    if not tracks.record_job(table, episode, upload.trackName, upload.attemptId, job["Id"]):
        # Cannot happen while the lock holds (Processing blocks deletion and replacement); if it does,
        # the job's events find no attempt to update, so it changes nothing.
        logger.warning("track left its attempt while the job was created", extra={"job_id": job["Id"], **where})
        return None
    logger.info("chunking job created", extra={"job_id": job["Id"], **where})
    return str(job["Id"])


class _Attempt(NamedTuple):
    episode: EpisodeRef
    track_name: str
    attempt_id: str

    def log_fields(self) -> dict[str, str]:
        return {
            "tenant": self.episode.tenant,
            "episode_id": self.episode.id,
            "track": self.track_name,
            "attempt": self.attempt_id,
        }


def _attempt_of(change: JobStateChange) -> _Attempt | None:
    """The attempt the job's UserMetadata names; None for a job that is not NullCheck's chunking."""
    metadata = change.userMetadata
    tenant, episode_id = metadata.get("tenantId"), metadata.get("episodeId")
    track_name, attempt_id = metadata.get("trackName"), metadata.get("attemptId")
    if not tenant or not is_valid_tenant(tenant) or not episode_id or not track_name or not attempt_id:
        logger.warning("job without NullCheck metadata ignored", extra={"job_id": change.jobId})
        return None
    return _Attempt(EpisodeRef(tenant, episode_id), track_name, attempt_id)


def _job_ended(table: Table, attempt: _Attempt) -> None:
    """The attempt's job no longer runs: its tenant's chunking slot is free (taken when the upload completed)."""
    holder = job_slots.chunking_holder(attempt.episode.id, attempt.track_name, attempt.attempt_id)
    job_slots.give_back(table, attempt.episode.tenant, job_slots.CHUNKING, holder)


def completed(table: Table, s3: Any, bucket: str, change: JobStateChange) -> bool:
    """Index the job's HLS manifest onto the track; False if the track had already moved on."""
    attempt = _attempt_of(change)
    if attempt is None:
        return False
    _job_ended(table, attempt)
    if not tracks.awaits_output(table, *attempt, change.jobId):
        logger.info("completion already recorded, or of a replaced or deleted attempt", extra=attempt.log_fields())
        return False
    hinted = [
        path for group in change.outputGroupDetails for out in group.outputDetails for path in out.outputFilePaths
    ]
    prefix = object_keys.chunk_prefix(*attempt)
    manifest_key, text = playlists.media_playlist_key(s3, bucket, prefix, hinted)
    index = playlists.index_manifest(manifest_key, text)
    keyframes_key = _index_keyframes(s3, bucket, prefix, index)
    changed = tracks.mark_processed(table, *attempt, change.jobId, index, keyframes_key)
    logger.info(
        "track processed" if changed else "completion already recorded, or of a replaced or deleted attempt",
        extra={**attempt.log_fields(), "job_id": change.jobId, "segments": len(index.segments)},
    )
    return changed


def _index_keyframes(s3: Any, bucket: str, prefix: str, index: playlists.SegmentIndex) -> str | None:
    """Condense the job's I-frame playlist into the track's keyframe index (`domain.keyframe_index`); its key,
    or None when the job wrote none (previews then use whole chunks). Storage errors raise: the event is retried."""
    stored = keyframe_indexes.sizes(s3, bucket, prefix)
    iframe_key = None
    for key in sorted(key for key in stored if key.endswith(".m3u8") and key != index.manifestKey):
        iframe_key = keyframe_index.iframe_playlist_uri(key, keyframe_indexes.read_text(s3, bucket, key))
        if iframe_key:
            break
    if iframe_key is None or iframe_key not in stored or not index.segments:
        logger.warning("no I-frame playlist: previews of this track use whole chunks", extra={"prefix": prefix})
        return None
    init = keyframe_indexes.init_range(s3, bucket, index.segments[0].key)
    if init is None:
        logger.warning("no PAT and PMT at the start of the first chunk: no keyframe index", extra={"prefix": prefix})
        return None
    try:
        built = keyframe_index.build(
            index, iframe_key, keyframe_indexes.read_text(s3, bucket, iframe_key), stored, init
        )
    except ValueError:
        logger.exception("keyframe index not built: previews of this track use whole chunks")
        return None
    key = object_keys.keyframe_index_key(prefix)
    keyframe_indexes.write(s3, bucket, key, built)
    return key


def failed(table: Table, change: JobStateChange) -> bool:
    """Record why the job ended without output; False if the track had already moved on.

    The producer sees what went wrong with the file (`chunking_job.failure_reason`); MediaConvert's own
    message names buckets and keys, so it is logged, never stored.
    """
    attempt = _attempt_of(change)
    if attempt is None:
        return False
    _job_ended(table, attempt)
    reason = chunking_job.failure_reason(change.status, change.errorCode)
    changed = tracks.mark_failed(table, *attempt, change.jobId, reason)
    logger.warning(
        "chunking job failed" if changed else "failure already recorded, or of a replaced attempt",
        extra={
            **attempt.log_fields(),
            "job_id": change.jobId,
            "status": change.status,
            "error_code": change.errorCode,
            "error_message": change.errorMessage,
        },
    )
    return changed


def source_details(table: Table, change: JobStateChange) -> bool:
    """Record the input's frame rate and size on the track's attempt; False when there is nothing to record."""
    attempt = _attempt_of(change)
    video = next((stream for detail in change.inputDetails for stream in detail.video if stream.frameRate), None)
    if attempt is None or video is None:
        if attempt is not None:
            logger.warning("input information without a video frame rate", extra=attempt.log_fields())
        return False
    changed = tracks.record_source(table, *attempt, frame_rate=video.frameRate, width=video.width, height=video.height)
    logger.info("source details recorded" if changed else "attempt moved on", extra=attempt.log_fields())
    return changed
