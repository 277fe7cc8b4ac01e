"""Transcript ingest: an SRT landed at `{episodeId}/transcript.srt`, so the episode has one."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.core import keys
from handlers.core import table as records
from handlers.core.models import EpisodeStatus

logger = Logger(child=True)


def record_transcript(table: Any, key: str) -> bool:
    """Set the episode's transcriptKey and status; False (logged) for keys that are not transcripts."""
    episode_id = keys.episode_of_transcript_key(key)
    if episode_id is None:
        logger.info("ignoring an .srt outside the transcript layout", extra={"key": key})
        return False
    try:
        table.update_item(
            Key=records.episode_key(episode_id),
            UpdateExpression="SET transcriptKey = :key, #status = :status, updatedAt = :now",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":key": key,
                ":status": EpisodeStatus.TRANSCRIPT_UPLOADED.value,
                ":now": records.now_iso(),
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        logger.warning("transcript for an unknown episode ignored", extra={"key": key})
        return False
    table.delete_item(Key=records.transcript_upload_key(episode_id))
    return True
