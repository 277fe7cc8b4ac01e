"""Finishing a track's multipart upload that S3 was still assembling when its `complete` request answered.

Runs from `Track Upload Completing` with a timeout of its own (minutes, as S3 may need). Idempotent:
the track moves `Completing` → `Unprocessed` once (then chunking starts as for any upload), or
`Completing` → `ProcessingFailed` with a reason a producer understands when S3 refuses the parts. A
repeated event finds the track moved on and does nothing; S3 trouble raises, so the event is retried
and then dead-lettered, never lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.contract import TrackStatus
from handlers.core.models import events
from handlers.core.models.events import TrackUploadCompleting
from handlers.core.runtime import eventbridge
from handlers.core.runtime.dynamodb import Table
from handlers.core.runtime.tenancy import EpisodeRef
from handlers.core.store import job_slots, objects, track_media, tracks

logger = Logger(child=True)

REFUSED_PARTS = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "MalformedXML"}
"""S3's answers to a part list that does not fit the upload: the upload can never complete."""
_MULTIPART_ETAG = re.compile(r'^"?[0-9a-f]{32}-(\d+)"?$')


@dataclass(frozen=True)
class FinishingServices:
    table: Table
    s3: Any
    """An S3 client that waits as long as completing takes (the function's own timeout bounds it)."""
    events: Any
    bucket: str


def finish(services: FinishingServices, upload: TrackUploadCompleting) -> bool:
    """Complete the upload and move the track on; False when there was nothing (more) to do."""
    episode = EpisodeRef(upload.tenantId, upload.episodeId)
    where = {"episode_id": upload.episodeId, "track": upload.trackName, "attempt": upload.attemptId}
    track = tracks.get(services.table, episode, upload.trackName)
    if not track or track.get("uploadId") != upload.uploadId or track["status"] != TrackStatus.COMPLETING.value:
        logger.info("completion already finished, or of a replaced or deleted track", extra=where)
        return False
    parts: list[dict[str, Any]] = json.loads(
        services.s3.get_object(Bucket=services.bucket, Key=upload.partsKey)["Body"].read()
    )
    refusal = _complete(services, upload, parts)
    if refusal is not None:
        reason = f"the uploaded parts could not be put together ({refusal}): upload the file again"
        changed = tracks.fail_completion(services.table, episode, upload.trackName, upload.uploadId, reason)
        holder = job_slots.chunking_holder(upload.episodeId, upload.trackName, upload.attemptId)
        job_slots.give_back(services.table, upload.tenantId, job_slots.CHUNKING, holder)
        logger.warning("S3 refused the parts of a completing upload", extra={**where, "refusal": refusal})
        return changed
    if not tracks.finish_completion(services.table, episode, upload.trackName, upload.uploadId):
        return False
    eventbridge.publish(
        services.events,
        events.VIDEO_UPLOAD_COMPLETED,
        events.VideoUploadCompleted(
            tenantId=upload.tenantId,
            episodeId=upload.episodeId,
            trackName=upload.trackName,
            attemptId=upload.attemptId,
            key=upload.key,
        ),
    )
    track_media.delete_object(services.s3, services.bucket, upload.partsKey)
    logger.info("completing upload finished", extra=where)
    return True


def _complete(services: FinishingServices, upload: TrackUploadCompleting, parts: list[dict[str, Any]]) -> str | None:
    """Complete the upload (or find it completed by the request that timed out); S3's refusal, if it refused."""
    try:
        services.s3.complete_multipart_upload(
            Bucket=services.bucket, Key=upload.key, UploadId=upload.uploadId, MultipartUpload={"Parts": parts}
        )
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "NoSuchUpload" and _assembled(services, upload.key, len(parts)):
            return None  # the request that timed out completed it after all
        if code in REFUSED_PARTS or code == "NoSuchUpload":
            return code
        raise
    return None


def _assembled(services: FinishingServices, key: str, part_count: int) -> bool:
    """Whether the object is there, assembled from `part_count` parts (its ETag ends `-N`)."""
    head = objects.head(services.s3, services.bucket, key)
    if head is None:
        return False
    match = _MULTIPART_ETAG.match(head.get("ETag", ""))
    return match is not None and int(match.group(1)) == part_count
