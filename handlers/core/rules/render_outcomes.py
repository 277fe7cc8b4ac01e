"""A render job's end onto its render: the file, its size and duration, or why it failed; its slot given back.

Every write is conditional on the render's attempt while it is `Rendering`, so duplicate and late job events
change nothing twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger

from handlers.contract import RenderStatus
from handlers.core.domain import chunking_job
from handlers.core.models import events
from handlers.core.runtime.dynamodb import Table
from handlers.core.store import job_slots
from handlers.core.store import renders as render_records

logger = Logger(child=True)


def record_outcome(table: Table, s3: Any, bucket: str, change: events.JobStateChange) -> bool:
    """COMPLETE, ERROR or CANCELED onto the render; False when it is not this attempt's or already recorded."""
    metadata = render_records.attempt_of_job(change.userMetadata, events.RENDER_JOB)
    if metadata is None:
        logger.warning("job without render metadata ignored", extra={"job_id": change.jobId})
        return False
    holder = job_slots.render_holder(
        metadata["episodeId"], metadata["clipId"], metadata["renderId"], metadata["attempt"]
    )
    job_slots.give_back(table, metadata["tenantId"], job_slots.RENDER, holder)
    if change.status != "COMPLETE":
        reason = chunking_job.failure_reason(change.status, change.errorCode, retry="ask for the render again")
        changed = render_records.finish(table, metadata, RenderStatus.RENDER_FAILED, {"failureReason": reason})
        logger.warning(
            "render failed" if changed else "render outcome already recorded",
            extra={"job_id": change.jobId, "error_code": change.errorCode, "error_message": change.errorMessage},
        )
        return changed
    output = next((out for group in change.outputGroupDetails for out in group.outputDetails), None)
    if output is None or not output.outputFilePaths:
        return render_records.finish(
            table, metadata, RenderStatus.RENDER_FAILED, {"failureReason": "the render produced no file"}
        )
    key = output.outputFilePaths[0].removeprefix(f"s3://{bucket}/")
    fields: dict[str, Any] = {"key": key, "sizeBytes": s3.head_object(Bucket=bucket, Key=key)["ContentLength"]}
    if output.durationInMs is not None:
        fields["durationSeconds"] = Decimal(output.durationInMs) / 1000
    if output.videoDetails and output.videoDetails.widthInPx and output.videoDetails.heightInPx:
        fields.update(width=output.videoDetails.widthInPx, height=output.videoDetails.heightInPx)
    changed = render_records.finish(table, metadata, RenderStatus.RENDERED, fields)
    logger.info("render complete" if changed else "render outcome already recorded", extra={"job_id": change.jobId})
    return changed
