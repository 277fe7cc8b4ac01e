"""Chunking a track: start its MediaConvert job once, then record the outcome the job reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from handlers.core import keys, media, tracks
from handlers.core.events import JobStateChange, VideoUploadCompleted

logger = Logger(child=True)


@dataclass(frozen=True)
class JobSpec:
    """What a job needs besides the track: the role MediaConvert assumes and the chunk length."""

    bucket: str
    role_arn: str
    chunk_seconds: int


def start(table: Any, mediaconvert: Any, spec: JobSpec, upload: VideoUploadCompleted) -> str | None:
    """Create the track's job unless another delivery already did; returns the new job id."""
    if not tracks.claim_for_processing(table, upload.episodeId, upload.trackName):
        logger.info(
            "track already claimed or processed", extra={"episode_id": upload.episodeId, "track": upload.trackName}
        )
        return None
    try:
        job = mediaconvert.create_job(
            Role=spec.role_arn,
            Settings=media.job_settings(
                spec.bucket, upload.key, upload.episodeId, upload.trackName, spec.chunk_seconds
            ),
            UserMetadata={"episodeId": upload.episodeId, "trackName": upload.trackName},
            ClientRequestToken=media.request_token(upload.episodeId, upload.trackName, upload.key),
            StatusUpdateInterval="SECONDS_60",
        )["Job"]
    except Exception:
        tracks.release_claim(table, upload.episodeId, upload.trackName)
        raise
    tracks.record_job(table, upload.episodeId, upload.trackName, job["Id"])
    logger.info("chunking job created", extra={"job_id": job["Id"], "episode_id": upload.episodeId})
    return str(job["Id"])


def _track_of(change: JobStateChange) -> tuple[str, str] | None:
    episode_id, track_name = change.userMetadata.get("episodeId"), change.userMetadata.get("trackName")
    if not episode_id or not track_name:
        logger.warning("job without NullCheck metadata ignored", extra={"job_id": change.jobId})
        return None
    return episode_id, track_name


def completed(table: Any, s3: Any, bucket: str, change: JobStateChange) -> bool:
    """Index the job's HLS manifest onto the track; False if the track had already moved on."""
    track = _track_of(change)
    if track is None:
        return False
    episode_id, track_name = track
    hinted = [
        path for group in change.outputGroupDetails for out in group.outputDetails for path in out.outputFilePaths
    ]
    manifest_key, text = media.media_playlist_key(s3, bucket, keys.chunk_prefix(episode_id, track_name), hinted)
    index = media.index_manifest(manifest_key, text)
    changed = tracks.mark_processed(table, episode_id, track_name, change.jobId, index)
    logger.info(
        "track processed" if changed else "completion already recorded",
        extra={"episode_id": episode_id, "track": track_name, "segments": len(index.segments)},
    )
    return changed


def failed(table: Any, change: JobStateChange) -> bool:
    """Record why the job ended without output; False if the track had already moved on."""
    track = _track_of(change)
    if track is None:
        return False
    reason = change.errorMessage or (
        f"MediaConvert error {change.errorCode}" if change.errorCode else f"MediaConvert job {change.status.lower()}"
    )
    return tracks.mark_failed(table, track[0], track[1], change.jobId, reason)
