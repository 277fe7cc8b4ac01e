"""EventBridge in and out: typed envelopes, the event-function entry point, publishing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
from aws_lambda_powertools.utilities.parser import ValidationError, parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from handlers.core.events import SOURCE, JobStateChange, VideoUploadCompleted


class VideoUploadCompletedEvent(EventBridgeModel):
    detail: VideoUploadCompleted


class JobStateChangeEvent(EventBridgeModel):
    detail: JobStateChange


def publish(events: Any, detail_type: str, detail: BaseModel) -> None:
    """Put one event on the default bus; a refused entry is an error, not a silent loss."""
    answer = events.put_events(
        Entries=[{"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail.model_dump(mode="json"))}]
    )
    if answer.get("FailedEntryCount"):
        failure = answer["Entries"][0]
        raise RuntimeError(f"EventBridge refused the event: {failure.get('ErrorCode')} {failure.get('ErrorMessage')}")


Model = TypeVar("Model", bound=BaseModel)


def event_handler_for(
    model: type[Model],
    process: Callable[[Model], None],
    logger: Logger,
    tracer: Tracer,
    idempotency: IdempotencyConfig | None = None,
) -> Callable[[dict[str, Any], LambdaContext], None]:
    """The Lambda entry point of an event function.

    A malformed event can never succeed, so it is logged and dropped (no retries); anything the
    processing raises propagates, so Lambda retries it and then sends it to the dead-letter queue.
    """

    @logger.inject_lambda_context(correlation_id_path="id")
    @tracer.capture_lambda_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
        if idempotency:
            # Lets an in-progress record expire with this invocation if it times out.
            idempotency.register_lambda_context(context)
        try:
            parsed = parse(event=event, model=model)
        except ValidationError as error:
            logger.warning("dropping malformed event", extra={"event": event, "errors": str(error)})
            return
        process(parsed)

    return lambda_handler
