"""EventBridge in and out: typed envelopes, the event-function entry point, publishing.

The envelopes are NullCheck's own small models of what EventBridge delivers (its field names, the
same required fields as Powertools' parser models): importing Powertools' parser models builds
every model of every AWS event source, at each cold start (`bench/cold_start.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from handlers.core.models.base import Model
from handlers.core.models.events import SOURCE, JobStateChange, TrackUploadCompleting, VideoUploadCompleted
from handlers.core.runtime import startup

if TYPE_CHECKING:  # only the idempotent function imports the idempotency utility
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig


class EventBridgeEvent(Model):
    """The envelope EventBridge delivers to a target; `detail` is the source's own."""

    model_config = ConfigDict(populate_by_name=True)

    version: str
    id: str
    source: str
    account: str
    time: datetime
    region: str
    resources: list[str]
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]


class VideoUploadCompletedEvent(EventBridgeEvent):
    detail: VideoUploadCompleted  # type: ignore[assignment]


class TrackUploadCompletingEvent(EventBridgeEvent):
    detail: TrackUploadCompleting  # type: ignore[assignment]


class JobStateChangeEvent(EventBridgeEvent):
    detail: JobStateChange  # type: ignore[assignment]


class S3Bucket(Model):
    name: str


class S3Object(Model):
    model_config = ConfigDict(populate_by_name=True)

    key: str
    size: float | None = Field(None, ge=0)
    etag: str = ""
    version_id: str | None = Field(None, alias="version-id")
    sequencer: str | None = None


class S3ObjectEvent(Model):
    """Detail of S3's `Object Created` (and other object events) sent to EventBridge."""

    model_config = ConfigDict(populate_by_name=True)

    version: str
    bucket: S3Bucket
    object: S3Object
    request_id: str = Field(alias="request-id")
    requester: str
    reason: str | None = None


class S3ObjectNotification(EventBridgeEvent):
    detail: S3ObjectEvent  # type: ignore[assignment]


def publish(events: Any, detail_type: str, detail: BaseModel) -> None:
    """Put one event on the default bus; a refused entry is an error, not a silent loss."""
    answer = events.put_events(
        Entries=[{"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail.model_dump(mode="json"))}]
    )
    if answer.get("FailedEntryCount"):
        failure = answer["Entries"][0]
        raise RuntimeError(f"EventBridge refused the event: {failure.get('ErrorCode')} {failure.get('ErrorMessage')}")


Event = TypeVar("Event", bound=BaseModel)


def event_handler_for(
    model: type[Event],
    process: Callable[[Event], None],
    logger: Logger,
    idempotency: IdempotencyConfig | None = None,
) -> Callable[[dict[str, Any], LambdaContext], None]:
    """The Lambda entry point of an event function.

    A malformed event can never succeed, so it is logged and dropped (no retries); anything the
    processing raises propagates, so Lambda retries it and then sends it to the dead-letter queue.
    Called last in the function's module: its init is done (`startup.initialised`).
    """

    model.model_rebuild()  # models build on first use (`model_base`): this function's, during init

    @logger.inject_lambda_context(correlation_id_path="id")
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
        if idempotency:
            # Lets an in-progress record expire with this invocation if it times out.
            idempotency.register_lambda_context(context)
        try:
            parsed = model.model_validate(event)
        except ValidationError as error:
            logger.warning("dropping malformed event", extra={"event": event, "errors": str(error)})
            return
        process(parsed)

    startup.initialised()
    return lambda_handler
