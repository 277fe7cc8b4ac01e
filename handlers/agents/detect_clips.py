"""S3 `Object Created` (.srt) → the clip detector agent proposes clips for the episode.

Idempotent per transcript content (bucket, key, ETag): a redelivered event returns the first
run's result instead of asking the model again. Every upload has its own key, so uploading an
earlier transcript again is a new transcript, never mistaken for a redelivery.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from handlers.core.rules.clip_detection import AgentServices, detect_clips
from handlers.core.runtime import clients, eventbridge
from handlers.core.runtime.settings import settings

logger = Logger()
services = AgentServices(
    table=clients.table(settings().require("table_name")),
    s3=clients.client("s3"),
    bedrock=clients.client("bedrock-runtime"),
    agentcore=clients.client("bedrock-agentcore"),
    bucket=settings().require("bucket_name"),
    memory_id=settings().require("memory_id"),
    model_id=settings().model_id,
    limits=settings().tenant_limits,
)
idempotency = IdempotencyConfig(event_key_jmespath="[bucket, key, etag]", expires_after_seconds=7 * 24 * 3600)
persistence = DynamoDBPersistenceLayer(
    table_name=settings().require("table_name"),
    key_attr="pk",
    sort_key_attr="sk",
    static_pk_value="idempotency#detect-clips",
    expiry_attr="ttl",
    # The table's low-level client: without one, Powertools would start a boto3 session of its
    # own and load the DynamoDB model again.
    boto3_client=services.table.client,
)


@idempotent_function(data_keyword_argument="transcript", config=idempotency, persistence_store=persistence)
def detect_once(transcript: dict[str, str]) -> dict[str, Any]:
    return detect_clips(services, transcript["key"])


def detect_clips_for(event: eventbridge.S3ObjectNotification) -> None:
    detail = event.detail
    detect_once(transcript={"bucket": detail.bucket.name, "key": detail.object.key, "etag": detail.object.etag})


lambda_handler = eventbridge.event_handler_for(
    eventbridge.S3ObjectNotification, detect_clips_for, logger, idempotency=idempotency
)
